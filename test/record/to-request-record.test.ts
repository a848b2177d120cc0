import { describe, expect, it } from 'vitest'
import { describeError } from '../../src/record/describe-error.js'
import { FIELD_CAPS } from '../../src/record/field-caps.js'
import type { RequestFacts } from '../../src/record/request-record.js'
import { mimetype, toRequestRecord, urlPath } from '../../src/record/to-request-record.js'

function facts(overrides: Partial<RequestFacts> = {}): RequestFacts {
  return {
    date: Date.UTC(2026, 0, 1),
    responseTime: 1.5,
    method: 'GET',
    url: '/hello?x=1',
    route: '/hello',
    status: 200,
    size: 12,
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:72.0) Gecko/20100101 Firefox/72.0',
    referrer: 'https://example.com/',
    remoteAddress: '::ffff:192.0.2.1',
    forwardedFor: '203.0.113.7',
    contentType: 'text/html; charset=utf-8',
    exception: null,
    ...overrides,
  }
}

describe('toRequestRecord', () => {
  it('fills every column from the facts', () => {
    expect(toRequestRecord(facts(), { trustProxy: false })).toEqual({
      response_time: 1.5,
      date: Date.UTC(2026, 0, 1),
      method: 'GET',
      size: 12,
      status_code: 200,
      path: '/hello',
      route: '/hello',
      user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:72.0) Gecko/20100101 Firefox/72.0',
      remote_address: '192.0.2.1',
      exception: null,
      referrer: 'https://example.com/',
      browser: 'firefox 72.0',
      platform: 'windows',
      mimetype: 'text/html',
      bot: false,
      instance: null,
      version: null,
    })
    expect(toRequestRecord(facts(), { trustProxy: true }).remote_address).toBe('203.0.113.7')
    const identity = { instance: 'web-1', version: '1.4.0' }
    expect(toRequestRecord(facts(), { trustProxy: false, identity })).toMatchObject(identity)
  })

  it('caps a 1 MB user agent, path, referrer and exception', () => {
    const huge = 'a'.repeat(1_000_000)
    const record = toRequestRecord(facts({ userAgent: huge, url: `/${huge}`, referrer: huge, exception: huge }), { trustProxy: false })
    expect(record.user_agent).toHaveLength(FIELD_CAPS.user_agent)
    expect(record.path).toHaveLength(FIELD_CAPS.path)
    expect(record.referrer).toHaveLength(FIELD_CAPS.referrer)
    expect(record.exception).toHaveLength(FIELD_CAPS.exception)
    expect(record.user_agent.endsWith('…')).toBe(true)
  })

  it('stores no user agent as empty text and no referrer or type as null', () => {
    const record = toRequestRecord(facts({ userAgent: undefined, referrer: undefined, contentType: undefined }), { trustProxy: false })
    expect(record).toMatchObject({ user_agent: '', referrer: null, mimetype: null, browser: null, platform: null })
  })
})

describe('urlPath', () => {
  it('drops the query and fragment', () => {
    expect(urlPath('/a/b?c=d#e')).toBe('/a/b')
    expect(urlPath('?only=query')).toBe('/')
  })

  it('decodes percent-escapes but keeps encoded reserved characters', () => {
    expect(urlPath('/caf%C3%A9')).toBe('/café')
    expect(urlPath('/a%2Fb')).toBe('/a%2Fb')
    expect(urlPath('/bad%E0%A4%A')).toBe('/bad%E0%A4%A')
  })
})

describe('mimetype and describeError', () => {
  it('keep the type without parameters', () => {
    expect(mimetype('Application/JSON; charset=utf-8')).toBe('application/json')
  })

  it('write errors the way String(error) does, for anything thrown', () => {
    expect(describeError(new Error('division by zero'))).toBe('Error: division by zero')
    expect(describeError(new TypeError('x is undefined'))).toBe('TypeError: x is undefined')
    expect(describeError('plain string')).toBe('plain string')
    expect(
      describeError({
        toString: () => {
          throw new Error('no')
        },
      }),
    ).toBe('Unknown error')
  })
})
