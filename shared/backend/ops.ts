import type { GradSaveFunc, Tensor } from '@tensorflow/tfjs-core'
import type { Tf } from './initBackend.ts'

/**
 * Differentiable building blocks with hand-written gradients, tuned for the wasm backend (tfjs
 * 4.22): its matmul is fast (XNNPACK) only for a plain 2-D product without transpose flags;
 * batched or flagged products take a scalar loop 4–20× slower, and reductions over a leading axis
 * transpose first. So every gradient here transposes explicitly, sums over rows with a ones-row
 * matmul, and skips the gradients of frozen (non-variable) weights.
 */

type Fn = (...xs: Tensor[]) => Tensor

// One custom-gradient function per TensorFlow.js namespace (tfjs-node may bring its own).
const cache = new WeakMap<Tf, Map<string, Fn>>()

function cached(tf: Tf, key: string, make: () => Fn): Fn {
  let m = cache.get(tf)
  if (!m) {
    m = new Map()
    cache.set(tf, m)
  }
  let fn = m.get(key)
  if (!fn) {
    fn = make()
    m.set(key, fn)
  }
  return fn
}

/** True for a tensor autograd will differentiate (a trainable variable). */
function trainable(tf: Tf, t: Tensor): boolean {
  return t instanceof tf.Variable && t.trainable
}

/** Swaps the last two axes with an explicit transpose (never a transpose flag). */
function swapLast(tf: Tf, x: Tensor): Tensor {
  return x.rank === 2 ? tf.transpose(x) : tf.transpose(x, [0, 2, 1])
}

/**
 * The weight gradient xᵀ·dy for x [N, K], dy [N, M]. Transposing x (rather than computing
 * (dyᵀ·x)ᵀ) keeps the product's right operand, which XNNPACK repacks on every call, at N·M and
 * moves the least memory; measured on wasm, the other way round was slower.
 */
function weightGrad(tf: Tf, x: Tensor, dy: Tensor): Tensor {
  return tf.matMul(tf.transpose(x), dy)
}

/** Σ over rows of a [N, M] tensor as a ones-row matmul → [M]. */
function sumRows(tf: Tf, x: Tensor): Tensor {
  const [n, m] = x.shape
  return tf.reshape(tf.matMul(tf.ones([1, n]), x), [m])
}

function asSave(save: unknown): GradSaveFunc {
  return save as GradSaveFunc
}

/**
 * `a · b` for [N,K]·[K,M] or batched [B,N,K]·[B,K,M], with a gradient that transposes explicitly
 * and then multiplies. Autograd's own gradient sets matMul's transpose flags, which the wasm
 * backend runs 4–20× slower (design §3): this is the one matmul to use.
 */
export function matmul(tf: Tf, a: Tensor, b: Tensor): Tensor {
  const fn = cached(
    tf,
    'matmul',
    () =>
      tf.customGrad((x, y, save) => {
        asSave(save)([x as Tensor, y as Tensor])
        return {
          value: tf.matMul(x as Tensor, y as Tensor),
          gradFunc: (dy, [sa, sb]) => [
            tf.matMul(dy as Tensor, swapLast(tf, sb)),
            sa.rank === 2 ? weightGrad(tf, sa, dy as Tensor) : tf.matMul(swapLast(tf, sa), dy as Tensor),
          ],
        }
      }) as unknown as Fn,
  )
  return fn(a, b)
}

/** `x·w + b` for rows x [N, in], w stored [in, out], b [out]: one fused matmul forward. */
export function linear(tf: Tf, x: Tensor, w: Tensor, b: Tensor): Tensor {
  if (!trainable(tf, w) && !trainable(tf, b)) {
    // Frozen weights: differentiate through x only.
    const frozen = tf.customGrad((xx, save) => {
      asSave(save)([w])
      return {
        value: tf.add(tf.matMul(xx as Tensor, w), b),
        gradFunc: (dy, [sw]) => [tf.matMul(dy as Tensor, tf.transpose(sw))],
      }
    }) as unknown as Fn
    return frozen(x)
  }
  const fn = cached(
    tf,
    'linear',
    () =>
      tf.customGrad((xx, ww, bb, save) => {
        asSave(save)([xx as Tensor, ww as Tensor])
        return {
          value: tf.add(tf.matMul(xx as Tensor, ww as Tensor), bb as Tensor),
          gradFunc: (dy, [sx, sw]) => {
            const g = dy as Tensor
            return [tf.matMul(g, tf.transpose(sw)), weightGrad(tf, sx, g), sumRows(tf, g)]
          },
        }
      }) as unknown as Fn,
  )
  return fn(x, w, b)
}

/**
 * LayerNorm over the last axis of rows x [N, C] (eps 1e-5, as PyTorch), with the closed-form
 * gradient dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)), dx̂ = dy·g.
 */
export function layerNorm(tf: Tf, x: Tensor, g: Tensor, b: Tensor): Tensor {
  const fn = cached(
    tf,
    'layerNorm',
    () =>
      tf.customGrad((xx, gg, bb, save) => {
        const xc = tf.sub(xx as Tensor, tf.mean(xx as Tensor, -1, true))
        const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), 1e-5))
        const xhat = tf.mul(xc, rstd)
        asSave(save)([xhat, rstd, gg as Tensor])
        return {
          value: tf.add(tf.mul(xhat, gg as Tensor), bb as Tensor),
          gradFunc: (dy, [sxhat, srstd, sg]) => {
            const d = dy as Tensor
            const dxhat = tf.mul(d, sg)
            const inner = tf.sub(
              tf.sub(dxhat, tf.mean(dxhat, -1, true)),
              tf.mul(sxhat, tf.mean(tf.mul(dxhat, sxhat), -1, true)),
            )
            return [tf.mul(inner, srstd), sumRows(tf, tf.mul(d, sxhat)), sumRows(tf, d)]
          },
        }
      }) as unknown as Fn,
  )
  return fn(x, g, b)
}

/**
 * Rows of `w` [V,C] picked by the int32 ids `ids` [N] → [N,C]. The forward pass is a gather; the
 * gradient is a one-hot matmul, because the wasm backend has no kernel for gather's own gradient
 * (UnsortedSegmentSum), so `tf.gather` embeddings would not train there.
 */
export function embed(tf: Tf, ids: Tensor, w: Tensor): Tensor {
  const vocab = w.shape[0]
  const fn = tf.customGrad((x, save) => {
    // Tensors the gradient needs must be saved: the forward scope disposes the rest.
    asSave(save)([ids])
    return {
      value: tf.gather(x as Tensor, ids),
      gradFunc: (dy, [sids]) => {
        const oneHotT = tf.transpose(tf.cast(tf.oneHot(sids, vocab), 'float32')) // [V, N]
        return [tf.matMul(oneHotT, dy as Tensor)]
      },
    }
  }) as unknown as Fn
  return fn(w)
}

/**
 * tok [B, T, C] + the first T rows of wpe [context, C] → rows [B·T, C]; wpe's gradient sums the
 * batch with a ones-row matmul instead of a leading-axis reduction.
 */
export function addPositions(tf: Tf, tok: Tensor, wpe: Tensor): Tensor {
  const [B, T, C] = tok.shape
  const context = wpe.shape[0]
  const fn = cached(
    tf,
    'addPositions',
    () =>
      tf.customGrad((tt, pp) => {
        const t = tt as Tensor
        const p = pp as Tensor
        const [b, tl, c] = t.shape
        return {
          value: tf.reshape(tf.add(t, tf.slice(p, [0, 0], [tl, c])), [b * tl, c]),
          gradFunc: (dy) => {
            const g = dy as Tensor
            // A copy, not a reshaped view: the wasm backend caches its XNNPACK matmul operator by the
            // right operand's buffer id, shape ignored, and the embedding gradient multiplies this
            // same buffer as [B·T, C]; reusing it as [B, T·C] here reads out of bounds.
            const copy = tf.mul(tf.reshape(g, [b, tl * c]), 1)
            const dPos = tf.reshape(sumRows(tf, copy), [tl, c])
            return [
              tf.reshape(g, [b, tl, c]),
              tl === p.shape[0]
                ? dPos
                : tf.pad(dPos, [
                    [0, p.shape[0] - tl],
                    [0, 0],
                  ]),
            ]
          },
        }
      }) as unknown as Fn,
  )
  if (T > context) throw new RangeError(`sequence of ${T} tokens is longer than the context of ${context}`)
  return tf.reshape(fn(tok, wpe), [B * T, C])
}

/**
 * GELU in its sigmoid form, x·σ(1.702x), with the gradient written out:
 * dx = dy·(s + 1.702·x·s·(1 − s)), s = σ(1.702x). Autograd of the plain form adds casts and
 * copies of [B·T, 4C] tensors on wasm.
 */
export function gelu(tf: Tf, x: Tensor): Tensor {
  const fn = cached(
    tf,
    'gelu',
    () =>
      tf.customGrad((xx, save) => {
        const s = tf.sigmoid(tf.mul(xx as Tensor, 1.702))
        asSave(save)([xx as Tensor, s])
        return {
          value: tf.mul(xx as Tensor, s),
          gradFunc: (dy, [sx, ss]) => {
            const slope = tf.add(ss, tf.mul(tf.mul(sx, 1.702), tf.mul(ss, tf.sub(1, ss))))
            return [tf.mul(dy as Tensor, slope)]
          },
        }
      }) as unknown as Fn,
  )
  return fn(x)
}
