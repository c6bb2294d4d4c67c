/**
 * A scoring worker thread (createLossPool): starts its own backend, loads the task, and answers
 * every job with evaluateLoss — the same code on the same backend as the main thread, so a loss is
 * the same whichever thread computed it.
 */
import { parentPort } from 'node:worker_threads'
import { initBackend } from '../backend/index.ts'
import { describeError } from '../errors/index.ts'
import { silentLogger } from '../logger/index.ts'
import { loadTask } from '../tasks/index.ts'
import { evaluateLoss } from './evaluateLoss.ts'
import type { LossWorkerInit, LossWorkerReply, LossWorkerRequest } from './lossJob.ts'

const port = parentPort
if (!port) throw new Error('lossWorker.ts runs as a worker thread (createLossPool)')

let ready: Promise<Omit<Parameters<typeof evaluateLoss>[0], 'params' | 'pages'>> | undefined

port.on('message', async (m: LossWorkerInit | LossWorkerRequest) => {
  if (m.kind === 'init') {
    ready = (async () => {
      const backend = await initBackend(m.backend, silentLogger)
      const task = loadTask(m.config.task.name, m.config)
      if (task.datasetId !== m.datasetId)
        throw new Error(`the worker loaded dataset ${task.datasetId}, the validator scores on ${m.datasetId}`)
      return { task, modelConfig: m.config.model, backend }
    })()
    return
  }
  let reply: LossWorkerReply
  try {
    if (!ready) throw new Error('the worker was not initialised')
    reply = { id: m.id, loss: await evaluateLoss({ ...(await ready), params: m.params, pages: m.pages }) }
  } catch (err) {
    reply = { id: m.id, error: describeError(err) }
  }
  port.postMessage(reply)
})
