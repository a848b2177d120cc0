import { describe, expect, it } from 'vitest'
import type { RequestFacts } from '../../src/record/request-record.js'
import { PackedFacts, PART, unpackFacts } from '../../src/recorder/packed-facts.js'

const base: RequestFacts = {
  date: Date.UTC(2026, 10, 26, 12, 30, 1, 250),
  responseTime: 12.345,
  method: 'GET',
  url: '/users/7?tab=1',
  route: '/users/:id',
  status: 200,
  size: 1234,
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
  referrer: 'https://example.com/ünïcode',
  remoteAddress: '203.0.113.7',
  forwardedFor: '198.51.100.1, 10.0.0.1',
  contentType: 'text/html; charset=utf-8',
  exception: null,
}

/** Facts that vary every field, some missing. */
function varied(count: number): RequestFacts[] {
  return Array.from({ length: count }, (_, i) => ({
    ...base,
    date: base.date + i,
    responseTime: i % 5 === 0 ? null : i / 7,
    method: i % 3 === 0 ? 'POST' : 'GET',
    url: `/items/${i % 11}`,
    route: i % 4 === 0 ? undefined : '/items/:id',
    status: i % 13 === 0 ? 500 : 200,
    size: i * 3,
    userAgent: i % 6 === 0 ? undefined : `agent ${i % 2}`,
    referrer: i % 2 === 0 ? undefined : '',
    exception: i % 13 === 0 ? `Error: failure ${i}` : null,
  }))
}

function unpack(batch: PackedFacts): RequestFacts[] {
  return batch.parts.flatMap((part) => unpackFacts(part))
}

describe('PackedFacts', () => {
  it('gives back every fact as it was added, across parts', () => {
    const facts = varied(2 * PART + 3)
    const batch = new PackedFacts()
    facts.forEach((item, i) => expect(batch.add(item)).toBe(i + 1))
    expect(batch.size).toBe(facts.length)
    expect(batch.parts.map((part) => part.count)).toEqual([PART, PART, 3])
    expect(unpack(batch)).toEqual(facts)
  })

  it('keeps each distinct text once per part', () => {
    const batch = new PackedFacts()
    for (let i = 0; i < 100; i++) batch.add({ ...base, url: `/${i % 2}` })
    const [part] = batch.parts
    expect(part?.texts.toSorted()).toEqual(
      ['GET', '/0', '/1', base.route, base.userAgent, base.referrer, base.remoteAddress, base.forwardedFor, base.contentType].toSorted(),
    )
  })

  it('survives a structured clone, as a message to the writer thread', () => {
    const facts = varied(PART + 1)
    const batch = new PackedFacts()
    for (const item of facts) batch.add(item)
    expect(batch.parts.flatMap((part) => unpackFacts(structuredClone(part)))).toEqual(facts)
  })

  it('tells the memory it holds: its parts, and each distinct text by its length', () => {
    const repeated = new PackedFacts()
    for (let i = 0; i < 100; i++) repeated.add(base)
    const once = new PackedFacts()
    once.add(base)
    // Repeated texts are kept, and counted, once.
    expect(repeated.bytes).toBe(once.bytes)
    const long = new PackedFacts()
    long.add(base)
    long.add({ ...base, userAgent: 'x'.repeat(100_000) })
    expect(long.bytes - once.bytes).toBeGreaterThanOrEqual(100_000)
    const twoParts = new PackedFacts()
    for (let i = 0; i <= PART; i++) twoParts.add(base)
    expect(twoParts.bytes).toBeGreaterThan(once.bytes)
  })
})
