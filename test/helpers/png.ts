import { inflateSync } from 'node:zlib'

/** A decoded PNG: 8-bit samples, `channels` per pixel (3 RGB or 4 RGBA), rows top to bottom. */
export type DecodedPng = { width: number; height: number; channels: number; pixels: Uint8Array }

/** Decodes the PNGs Chromium writes (8-bit RGB or RGBA, not interlaced); throws on anything else. */
export function decodePng(png: Uint8Array): DecodedPng {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength)
  const signature = [137, 80, 78, 71, 13, 10, 26, 10]
  if (!signature.every((b, i) => png[i] === b)) throw new Error('not a PNG')
  let width = 0
  let height = 0
  let channels = 0
  const idat: Uint8Array[] = []
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at)
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8))
    const data = png.subarray(at + 8, at + 8 + length)
    if (type === 'IHDR') {
      width = view.getUint32(at + 8)
      height = view.getUint32(at + 12)
      const [depth, color, , , interlace] = data.subarray(8, 13)
      channels = color === 6 ? 4 : color === 2 ? 3 : 0
      if (depth !== 8 || channels === 0 || interlace !== 0)
        throw new Error(`unsupported PNG (depth ${depth}, color ${color})`)
    } else if (type === 'IDAT') idat.push(data)
    at += 12 + length
  }
  const raw = inflateSync(Buffer.concat(idat))
  const stride = width * channels
  const pixels = new Uint8Array(height * stride)
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels] : 0
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0
      pixels[y * stride + x] = (line[x] + predict(filter, a, b, c)) & 0xff
    }
  }
  return { width, height, channels, pixels }
}

function predict(filter: number, a: number, b: number, c: number): number {
  switch (filter) {
    case 0:
      return 0
    case 1:
      return a
    case 2:
      return b
    case 3:
      return (a + b) >> 1
    case 4: {
      const p = a + b - c
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)]
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
    }
    default:
      throw new Error(`bad PNG filter ${filter}`)
  }
}

/** How many pixels have exactly this colour (`#rrggbb`). */
export function countColor(img: DecodedPng, hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16))
  let n = 0
  for (let i = 0; i < img.pixels.length; i += img.channels) {
    if (img.pixels[i] === r && img.pixels[i + 1] === g && img.pixels[i + 2] === b) n++
  }
  return n
}
