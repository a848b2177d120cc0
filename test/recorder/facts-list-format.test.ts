import { describe, expect, it } from 'vitest'
import type { RequestFacts } from '../../src/record/request-record.js'
import { factsListFormat } from '../../src/recorder/facts-list-format.js'

const facts: RequestFacts = {
  date: Date.UTC(2026, 11, 3),
  responseTime: 1.5,
  method: 'GET',
  url: '/',
  route: undefined,
  status: 200,
  size: 12,
  userAgent: 'curl/8.5.0',
  referrer: undefined,
  remoteAddress: '127.0.0.1',
  forwardedFor: undefined,
  contentType: 'text/plain',
  exception: null,
}

describe('factsListFormat', () => {
  it('keeps the facts in order and counts each request with its texts', () => {
    const batch = factsListFormat.create()
    expect(factsListFormat.add(batch, facts)).toBe(1)
    const small = factsListFormat.bytes?.(batch) ?? 0
    expect(factsListFormat.add(batch, { ...facts, userAgent: 'x'.repeat(50_000) })).toBe(2)
    expect(factsListFormat.size(batch)).toBe(2)
    expect(batch.items.map((item) => item.userAgent?.length)).toEqual([10, 50_000])
    expect((factsListFormat.bytes?.(batch) ?? 0) - small).toBeGreaterThanOrEqual(100_000)
  })
})
