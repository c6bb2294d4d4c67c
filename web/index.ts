export { buildWebBundle } from './build.ts'
export { PAGE_HTML } from './pageHtml.ts'
export { parseFaucetBody, type ServeWebParameters, serveWeb, validatorWsPeers, type WebServer } from './serve.ts'
