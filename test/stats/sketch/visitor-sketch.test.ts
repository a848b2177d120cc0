import { describe, expect, it } from 'vitest'
import { SKETCH_STANDARD_ERROR, VisitorSketch } from '../../../src/stats/sketch/visitor-sketch.js'

const addresses = (count: number, offset = 0) =>
  Array.from({ length: count }, (_, i) => `10.${(i + offset) >> 16}.${((i + offset) >> 8) & 255}.${(i + offset) & 255}`)

const sketchOf = (list: string[]) => {
  const sketch = new VisitorSketch()
  for (const address of list) sketch.add(address)
  return sketch
}

describe('VisitorSketch', () => {
  it('counts exactly up to 200 visitors, duplicates and merges included', () => {
    const a = new VisitorSketch()
    const b = new VisitorSketch()
    for (const address of addresses(120)) a.add(address)
    for (const address of addresses(120, 60)) b.add(address)
    for (const address of addresses(10)) a.add(address)
    expect(a.count()).toBe(120)
    a.merge(VisitorSketch.decode(b.encode()))
    expect(a.count()).toBe(180)
    expect(VisitorSketch.decode(a.encode()).count()).toBe(180)
  })

  it.each([1_000, 10_000, 200_000])('estimates %i visitors within three standard errors (%#), merged from parts', (count) => {
    const parts = [new VisitorSketch(), new VisitorSketch(), new VisitorSketch()]
    addresses(count).forEach((address, i) => parts[i % 3]?.add(address))
    // Overlapping parts: every visitor seen twice, in two of them.
    addresses(count).forEach((address, i) => parts[(i + 1) % 3]?.add(address))
    const merged = new VisitorSketch()
    for (const part of parts) merged.merge(VisitorSketch.decode(part.encode()))
    expect(Math.abs(merged.count() - count) / count).toBeLessThanOrEqual(3 * SKETCH_STANDARD_ERROR)
  })

  it('keeps a decoded exact sketch exact through adds, merges both ways and encoding again', () => {
    const decoded = VisitorSketch.decode(sketchOf(addresses(150)).encode())
    expect(VisitorSketch.decode(decoded.encode()).count()).toBe(150)
    const into = sketchOf(addresses(30, 140))
    into.merge(decoded)
    expect(into.count()).toBe(170)
    decoded.add(addresses(1, 149)[0] as string)
    decoded.add('192.0.2.1')
    expect(decoded.count()).toBe(151)
    // Past 200, the merged hashes turn into registers: an estimate from then on.
    decoded.merge(VisitorSketch.decode(sketchOf(addresses(100, 1000)).encode()))
    expect(Math.abs(decoded.count() - 251) / 251).toBeLessThanOrEqual(3 * SKETCH_STANDARD_ERROR)
    expect(decoded.encode()).toMatch(/^d:/)
  })

  it('refuses unreadable text', () => {
    expect(() => VisitorSketch.decode('d:AAAA')).toThrow(/unreadable/)
    expect(() => VisitorSketch.decode('zz')).toThrow(/unreadable/)
  })
})
