import { createRequire } from 'node:module'

// Node 22's built-in WebSocket (undici) fires no close event after a refused connection: the socket
// stays CONNECTING, and polkadot-js — which uses the global WebSocket when there is one — then never
// reconnects (seen when the dev chain restarts and its port is closed for a few seconds). The `ws`
// package (polkadot-js' own fallback, installed with it) closes properly: make it the global before
// @polkadot/x-ws reads it. Imported for its effect, first, by connect.ts.
const { WebSocket } = createRequire(import.meta.url)('ws') as { WebSocket: typeof globalThis.WebSocket }
globalThis.WebSocket = WebSocket
