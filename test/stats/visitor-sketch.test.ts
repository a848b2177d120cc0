import { describe, expect, it } from 'vitest'
import { SKETCH_STANDARD_ERROR, VisitorSketch } from '../../src/stats/visitor-sketch.js'

const addresses = (count: number, offset = 0) => Array.from({ length: count }, (_, i) => `10.${(i + offset) >> 16}.${((i + offset) >> 8) & 255}.${(i + offset) & 255}`)

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

  it('refuses unreadable text', () => {
    expect(() => VisitorSketch.decode('d:AAAA')).toThrow(/unreadable/)
    expect(() => VisitorSketch.decode('zz')).toThrow(/unreadable/)
  })
})
