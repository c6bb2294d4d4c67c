import { builtinModules } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'

const HERE = dirname(fileURLToPath(import.meta.url))
const EMPTY = join(HERE, 'page', 'empty.ts')
// Built-ins with a browser package installed (npm `buffer`, `process`, `events`): those packages serve.
const POLYFILLED = new Set(['buffer', 'process', 'events'])
const BUILTINS = new Set(builtinModules.filter((m) => !POLYFILLED.has(m)))
// Packages only the Node side uses (the disk stores of createHeliaStorage, metrics): stubbed like built-ins.
const NODE_ONLY = new Set(['blockstore-fs', 'datastore-fs', 'prom-client'])

// What some packages read from `os` when they load (to pick path rules): answers for a browser.
const SAFE: Record<string, string> = {
  'os.platform': "() => 'browser'",
  'os.EOL': "'\\n'",
  'os.tmpdir': "() => '/tmp'",
  'os.homedir': "() => '/'",
}

/**
 * A Node built-in as the page sees it: every export a function that throws when called, naming
 * what was called, so a path that needs Node fails loudly; importing is fine (the page never takes
 * those paths). `createRequire` returns such a `require`: modules call it when they load.
 */
async function stubSource(name: string): Promise<string> {
  const specifier = NODE_ONLY.has(name) ? name : `node:${name}`
  const real = (await import(/* @vite-ignore */ specifier)) as Record<string, unknown>
  const names = Object.keys(real).filter((k) => k !== 'default' && /^[A-Za-z_$][\w$]*$/.test(k))
  const lines = [
    'const fail = (what) => function () { throw new Error(`${what} is not available in a browser tab`) }',
    ...names.map((k) =>
      k === 'createRequire'
        ? `export const createRequire = () => fail('require() of ${name}')`
        : SAFE[`${name}.${k}`] !== undefined
          ? `export const ${k} = ${SAFE[`${name}.${k}`]}`
          : `export const ${k} = fail('${name}.${k}')`,
    ),
    `export default { ${names.join(', ')} }`,
  ]
  return lines.join('\n')
}

// Node's built-ins, and the parts of the project only a Node process runs (the dev chain, the ws
// global), become stubs: the page imports the shared modules as they are, and never calls those parts.
const browserOnly: Plugin = {
  name: 'crowdtrain-browser',
  setup(b) {
    b.onResolve({ filter: /^[a-z0-9_/:]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '')
      if (POLYFILLED.has(name) && args.path !== name) return b.resolve(name, { kind: args.kind, resolveDir: HERE })
      return BUILTINS.has(name) ? { path: name, namespace: 'node-stub' } : undefined
    })
    b.onResolve({ filter: /^(blockstore-fs|datastore-fs|prom-client)$/ }, (args) => ({
      path: args.path,
      namespace: 'node-stub',
    }))
    b.onLoad({ filter: /.*/, namespace: 'node-stub' }, async (args) => ({
      contents: await stubSource(args.path),
      loader: 'js',
    }))
    b.onResolve({ filter: /(devchain\/index|\/wsGlobal)\.ts$/ }, () => ({ path: EMPTY }))
  },
}

/** Bundles the web miner page (`web/page/index.ts`) for browsers; returns the JavaScript. */
export async function buildWebBundle(): Promise<Uint8Array> {
  const out = await build({
    entryPoints: [join(HERE, 'page', 'index.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: false,
    sourcemap: false,
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    inject: [join(HERE, 'page', 'globals.ts')],
    plugins: [browserOnly],
    logLevel: 'silent',
  })
  return out.outputFiles[0].contents
}
