import { describe, expect, it } from 'vitest'
import { QueryError } from '../../../src/stats/query/query-error.js'
import { parseRequestsQuery } from '../../../src/stats/query/requests-query.js'
import { parseStatsQuery } from '../../../src/stats/query/stats-query.js'

const NOW = Date.UTC(2026, 10, 26, 15, 30)
const stats = (search: string, defaultDateSpan = 7) => parseStatsQuery(new URLSearchParams(search), { defaultDateSpan, now: NOW })
const requests = (search: string) => parseRequestsQuery(new URLSearchParams(search), { defaultDateSpan: 7, now: NOW })

describe('stats and requests queries', () => {
  it('default to the last defaultDateSpan days, today included', () => {
    expect(stats('').range).toEqual({
      start: '2026-11-20',
      end: '2026-11-26',
      from: Date.UTC(2026, 10, 20),
      to: Date.UTC(2026, 10, 27),
    })
    expect(stats('', 1).range.start).toBe('2026-11-26')
    expect(stats('end=2026-01-10').range.start).toBe('2026-01-04')
    expect(stats('end=1970-01-02').range).toMatchObject({ start: '1970-01-01', from: 0 })
  })

  it('take inclusive UTC days and validated filters', () => {
    const query = stats('start=2024-02-28&end=2024-03-01&path=/a&method=post&status=5xx&browser=firefox 72.0&platform=linux&bot=false&top=10')
    expect(query.range.to - query.range.from).toBe(3 * 86_400_000)
    expect(query.filters).toEqual({ path: '/a', method: 'POST', status: { min: 500, max: 599 }, browser: 'firefox 72.0', platform: 'linux', bot: false })
    expect(query.top).toBe(10)
    expect(requests('limit=1000&offset=5&format=csv')).toMatchObject({ limit: 1000, offset: 5, format: 'csv' })
    expect(requests('')).toMatchObject({ limit: 100, offset: 0, format: 'json' })
    // A CSV export holds the whole view, up to its own bound.
    expect(requests('format=csv')).toMatchObject({ limit: 100_000, format: 'csv' })
    expect(stats('referrer=https://a.example/&exception=Error: x&mimetype=text/html').filters).toEqual({
      referrer: 'https://a.example/',
      exception: 'Error: x',
      mimetype: 'text/html',
    })
  })

  it('take instants for ranges shorter than a day, to now by default', () => {
    expect(stats('from=2026-11-26T14:30Z').range).toEqual({ start: '2026-11-26', end: '2026-11-26', from: NOW - 3_600_000, to: NOW })
    const query = stats('from=2026-11-25T15:30:00.000Z&to=2026-11-26T15:30Z')
    expect(query.range).toMatchObject({ start: '2026-11-25', end: '2026-11-26' })
    expect(query.range.to - query.range.from).toBe(86_400_000)
  })

  it('pick the time series bucket from the range: minutes for hours, hours for days, days, then weeks past 2000 points', () => {
    expect(stats('from=2026-11-26T14:30Z').bucket).toBe('minute')
    expect(stats('from=2026-11-25T15:30Z').bucket).toBe('hour')
    expect(stats('start=2026-11-25&end=2026-11-26').bucket).toBe('hour')
    expect(stats('').bucket).toBe('day')
    expect(stats('bucket=hour').bucket).toBe('hour')
    expect(() => stats('start=2026-01-01&end=2026-03-31&bucket=minute')).toThrow('more than 2000 points; pick a wider bucket: day or week or month')
    expect(stats('start=2021-01-01&end=2026-06-23').bucket).toBe('day')
    expect(stats('start=2021-01-01&end=2026-06-24').bucket).toBe('week')
    expect(stats('start=2016-11-29&end=2026-11-26&bucket=month').bucket).toBe('month')
    expect(() => stats('start=2016-11-29&end=2026-11-26&bucket=day')).toThrow('pick a wider bucket: week or month')
    // The longest default view there is: 3660 days, in weeks.
    expect(stats('', 3660)).toMatchObject({ bucket: 'week', range: { start: '2016-11-19', end: '2026-11-26' } })
  })

  const bad: [string, string][] = [
    ['start=2024-13-01', '"start" must be a date'],
    ['start=2024-02-30', '"start" must be a date'],
    ['start=yesterday', '"start" must be a date'],
    ['end=2024-1-1', '"end" must be a date'],
    ['start=1969-12-31', '"start" must be a date'],
    ["start=2024-01-01' OR '1'='1", '"start" must be a date'],
    ['start=2024-01-10&end=2024-01-01', 'is after'],
    ['start=2000-01-01&end=2026-01-01', 'longer than'],
    ['status=999', '"status"'],
    ['status=abc', '"status"'],
    ['status=6xx', '"status"'],
    ['status=500;DROP TABLE request', '"status"'],
    ['method=G3T', '"method"'],
    ['path=nopath', '"path"'],
    ["path=' OR 1=1 --", '"path"'],
    ['bot=maybe', '"bot"'],
    ['top=0', '"top"'],
    ['top=1e3', '"top"'],
    ['colour=red', 'unknown parameter "colour"'],
    ['start=2024-01-01&start=2024-01-02', 'more than once'],
    ['from=2026-11-26', '"from" must be an instant'],
    ['from=2026-11-26T10:00', '"from" must be an instant'],
    ['from=2026-02-30T10:00Z', '"from" must be an instant'],
    ['from=2026-11-26T24:00Z', '"from" must be an instant'],
    ['from=2026-11-26T10:00+01:00', '"from" must be an instant'],
    ['from=2026-11-26T10:00Z&to=2026-11-26T09:00Z', 'is not before'],
    ['to=2026-11-26T10:00Z', '"to" needs "from"'],
    ['from=2026-11-26T10:00Z&start=2026-11-26', 'not both'],
    ['bucket=year', '"bucket"'],
    [`exception=${'e'.repeat(4097)}`, '"exception"'],
  ]
  it.each(bad)('refuses %s with a message naming the parameter', (search, message) => {
    expect(() => stats(search)).toThrow(QueryError)
    expect(() => stats(search)).toThrow(message)
  })

  it.each([
    ['limit=0', '"limit"'],
    ['limit=1001', '"limit"'],
    ['limit=99999999999999999999', '"limit"'],
    ['offset=-1', '"offset"'],
    ['offset=1.5', '"offset"'],
    ['format=xml', '"format"'],
    ['top=5', 'unknown parameter "top"'],
  ])('refuses requests %s', (search, message) => {
    expect(() => requests(search)).toThrow(message)
  })
})
