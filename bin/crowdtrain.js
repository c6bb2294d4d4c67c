#!/usr/bin/env node
// Entry point: checks the Node version, then runs the TypeScript CLI through Node's type stripping.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `crowdtrain needs Node 22.18 or newer (found ${process.versions.node}).\n` +
      'Run it through npm (npx crowdtrain, npm run crowdtrain), which uses the Node 22 installed by npm ci.\n',
  )
  process.exit(2)
}
// Type stripping is stable enough for us; its experimental notice would only confuse users.
process.removeAllListeners('warning')
process.on('warning', (w) => {
  if (w.name !== 'ExperimentalWarning') process.stderr.write(`${w.name}: ${w.message}\n`)
})
const { main } = await import('../cli/main.ts')
process.exitCode = await main(process.argv.slice(2))
// The command is over. Whatever it opened and did not close (a socket, a libp2p node after an error)
// must not keep the process alive: a service manager waits for the exit to restart it.
setTimeout(() => process.exit(), 10_000).unref()
