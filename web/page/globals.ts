// Globals that shared code expects from Node, provided in the browser bundle (web/build.ts `inject`).
import { Buffer } from 'buffer'
import process from 'process'

globalThis.Buffer ??= Buffer
;(globalThis as { process?: unknown }).process ??= process
