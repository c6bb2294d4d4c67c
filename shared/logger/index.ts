export {
  type CreateLoggerParameters,
  createLogger,
  jsonSink,
  LOG_LEVELS,
  type LogFields,
  type Logger,
  type LogLevel,
  type LogRecord,
  type LogSink,
  memoryLogger,
  prettySink,
  silentLogger,
} from './logger.ts'
