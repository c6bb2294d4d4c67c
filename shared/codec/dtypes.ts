/** The dtypes of the safetensors format, with their size in bytes. */
export const DTYPE_SIZES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
} as const

/** A safetensors dtype name. */
export type Dtype = keyof typeof DTYPE_SIZES

/**
 * The typed array a dtype is read into. Formats JavaScript has no array for keep their raw bits:
 * F16 and BF16 as Uint16Array, F8 and BOOL as Uint8Array.
 */
export type TensorData =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array

/** True for the names in `DTYPE_SIZES`. */
export function isDtype(x: unknown): x is Dtype {
  return typeof x === 'string' && Object.hasOwn(DTYPE_SIZES, x)
}

/** A typed array over `buffer` (which must be aligned for the dtype) of the dtype's JS form. */
export function typedArrayOf(dtype: Dtype, buffer: ArrayBuffer): TensorData {
  switch (dtype) {
    case 'I8':
      return new Int8Array(buffer)
    case 'I16':
      return new Int16Array(buffer)
    case 'U16':
    case 'F16':
    case 'BF16':
      return new Uint16Array(buffer)
    case 'I32':
      return new Int32Array(buffer)
    case 'U32':
      return new Uint32Array(buffer)
    case 'F32':
      return new Float32Array(buffer)
    case 'F64':
      return new Float64Array(buffer)
    case 'I64':
      return new BigInt64Array(buffer)
    case 'U64':
      return new BigUint64Array(buffer)
    default:
      return new Uint8Array(buffer)
  }
}

/** The JS array constructors each dtype accepts on encode (raw-bit formats take their storage array). */
export function dataMatchesDtype(dtype: Dtype, data: TensorData): boolean {
  const want = typedArrayOf(dtype, new ArrayBuffer(0)).constructor
  return data.constructor === want
}
