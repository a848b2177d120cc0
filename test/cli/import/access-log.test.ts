import { describe, expect, it } from 'vitest'
import { parseAccessLine } from '../../../src/cli/import/access-log.js'

describe('access-log lines', () => {
  it('reads nginx’s combined format, with the request time nginx can append', () => {
    const facts = parseAccessLine(
      '203.0.113.7 - alice [26/Nov/2026:06:10:00 +0100] "POST /caf%C3%A9?q=1 HTTP/1.1" 404 17 "https://ref.example/" "Mozilla/5.0 \\x22quoted\\x22 \\xC3\\xA9" 0.120',
      'combined',
    )
    expect(facts).toMatchObject({
      date: Date.UTC(2026, 10, 26, 5, 10),
      responseTime: 120,
      method: 'POST',
      url: '/caf%C3%A9?q=1',
      status: 404,
      size: 17,
      remoteAddress: '203.0.113.7',
      referrer: 'https://ref.example/',
      userAgent: 'Mozilla/5.0 "quoted" é',
    })
    // Without the time, and with "-" for no referrer and no body.
    expect(parseAccessLine('::1 - - [01/Jan/2026:00:00:00 -0000] "GET / HTTP/1.0" 304 - "-" "curl/8"', 'combined')).toMatchObject({
      responseTime: null,
      size: 0,
      referrer: undefined,
      userAgent: 'curl/8',
    })
  })

  it('reads Apache’s common format and its escaped quotes', () => {
    expect(parseAccessLine('127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326', 'common')).toMatchObject({
      date: Date.UTC(2000, 9, 10, 20, 55, 36),
      method: 'GET',
      url: '/apache_pb.gif',
      status: 200,
      size: 2326,
      userAgent: undefined,
    })
    expect(parseAccessLine('1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] "GET /a HTTP/1.1" 200 1 "-" "say \\"hi\\""', 'combined')?.userAgent).toBe('say "hi"')
  })

  it('reads JSON lines in nginx’s variable names', () => {
    const line = JSON.stringify({
      time_iso8601: '2026-11-26T05:10:00+00:00',
      remote_addr: '198.51.100.1',
      request: 'GET /api/items?page=2 HTTP/2.0',
      status: '200',
      body_bytes_sent: '512',
      http_referer: '',
      http_user_agent: 'Firefox',
      request_time: '0.004',
      sent_http_content_type: 'application/json; charset=utf-8',
    })
    expect(parseAccessLine(line, 'json')).toMatchObject({
      date: Date.UTC(2026, 10, 26, 5, 10),
      method: 'GET',
      url: '/api/items?page=2',
      status: 200,
      size: 512,
      responseTime: 4,
      referrer: undefined,
      contentType: 'application/json; charset=utf-8',
    })
  })

  it.each([
    ['', 'combined'],
    ['garbage', 'combined'],
    ['1.2.3.4 - - [32/Foo/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"', 'combined'],
    ['1.2.3.4 - - [01/Jan/2026:00:00:00 +0000] "\\x16\\x03\\x01" 400 150 "-" "-"', 'combined'],
    ['1.2.3.4 - - [01/Jan/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-"', 'common'],
    ['{"status": 200}', 'json'],
    ['[1, 2]', 'json'],
    ['{not json', 'json'],
  ] as const)('refuses %j as %s', (line, format) => {
    expect(parseAccessLine(line, format)).toBeUndefined()
  })
})
