import { createRequire, registerHooks } from 'node:module'

const require = createRequire(import.meta.url)

let loaded: Promise<void> | undefined

/**
 * Registers TensorFlow.js's gradient functions, once per process. tfjs-core's Node bundle leaves
 * them out (the `@tensorflow/tfjs` union package adds them), and its ESM files that do register
 * them use extension-less relative imports that Node's ESM loader rejects: a resolve hook adds
 * `.js` to those imports, inside tfjs-core's dist folder only, while they load, then goes away.
 * The kernels and gradient registries are process-global, so the Node bundle's engine sees them.
 */
export function ensureGradients(): Promise<void> {
  loaded ??= (async () => {
    const hooks = registerHooks({
      resolve(specifier, context, next) {
        try {
          return next(specifier, context)
        } catch (err) {
          const inTfjsCore = context.parentURL?.includes('/@tensorflow/tfjs-core/dist/') ?? false
          if (inTfjsCore && specifier.startsWith('.') && !specifier.endsWith('.js'))
            return next(`${specifier}.js`, context)
          throw err
        }
      },
    })
    try {
      // require, not import: test runners that transform imports leave Node's require alone.
      require('@tensorflow/tfjs-core/dist/register_all_gradients.js')
    } finally {
      hooks.deregister()
    }
  })()
  return loaded
}
