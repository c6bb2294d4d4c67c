// The web miner page (bundled by web/build.ts, served by `crowdtrain web` and `crowdtrain devnet --serve`).
import { startApp } from './app.ts'

const root = document.getElementById('app') ?? document.body
startApp(root).then(
  (api) => {
    ;(globalThis as { crowdtrain?: unknown }).crowdtrain = api
  },
  (err) => {
    root.textContent = `The miner page could not start: ${err instanceof Error ? err.message : String(err)}`
  },
)
