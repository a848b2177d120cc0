import { QueryError } from './query-error.js'
import { addUtcDays, DAY_MS, startOfUtcDay, utcDayOf, type UtcDay } from '../time/utc-day.js'

/** The instants a query spans, and the UTC days they touch. */
export interface DateRange {
  /** The UTC day of `from`. */
  start: UtcDay
  /** The UTC day of the range's last instant. */
  end: UtcDay
  /** First instant, ms since the epoch (included). */
  from: number
  /** End, ms since the epoch (excluded). */
  to: number
}

/** Status codes from `min` to `max`: `404` is 404–404, `5xx` is 500–599. */
export interface StatusFilter {
  min: number
  max: number
}

/** Filters shared by every query; each narrows the rows counted. */
export interface StatsFilters {
  path?: string
  /** A route pattern such as `/users/:id`. */
  route?: string
  method?: string
  status?: StatusFilter
  browser?: string
  platform?: string
  referrer?: string
  exception?: string
  mimetype?: string
  bot?: boolean
  /** An app instance's name. */
  instance?: string
  /** A version of the app. */
  version?: string
}

/** How a query without dates is completed. */
export interface QueryDefaults {
  /** Days shown when no range is given, ending today (UTC). */
  defaultDateSpan: number
  /** The current instant; tests pin it. */
  now?: number
}

const MAX_SPAN_DAYS = 3660
const EPOCH_DAY = '1970-01-01'
const MAX_TEXT = 2048
const FILTER_KEYS = ['path', 'route', 'method', 'status', 'browser', 'platform', 'referrer', 'exception', 'mimetype', 'bot', 'instance', 'version'] as const
/** Filters matched as plain text, with the longest value each may have (the stored caps). */
const TEXT_FILTERS = { route: MAX_TEXT, browser: 200, platform: 200, referrer: MAX_TEXT, exception: 4096, mimetype: 200, instance: 128, version: 128 } as const
// An instant in UTC, to the minute or finer: 2026-01-15T13:00Z, 2026-01-15T13:00:05.250Z.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/

/**
 * Reads URL parameters strictly: an unknown, repeated or malformed parameter is a
 * {@link QueryError} naming it, so a typo never silently shows unfiltered numbers.
 */
export class QueryParams {
  readonly #params: URLSearchParams

  constructor(params: URLSearchParams, allowed: readonly string[]) {
    this.#params = params
    const known = new Set([...allowed, 'start', 'end', 'from', 'to', ...FILTER_KEYS])
    const seen = new Set<string>()
    for (const key of params.keys()) {
      if (!known.has(key)) {
        throw new QueryError(`unknown parameter "${clip(key)}"; allowed: ${[...known].join(', ')}`)
      }
      if (seen.has(key)) throw new QueryError(`parameter "${key}" is given more than once`)
      seen.add(key)
    }
  }

  /** The parameter's value; undefined when absent. An empty value counts as absent. */
  text(key: string): string | undefined {
    const value = this.#params.get(key)
    if (value === null || value === '') return undefined
    // No stored value holds NUL (records replace it), and PostgreSQL refuses it in a parameter.
    if (value.includes('\0')) throw new QueryError(`"${key}" must not contain NUL characters`)
    return value
  }

  /** A whole number within `min`–`max`, or `fallback` when absent. */
  integer(key: string, min: number, max: number, fallback: number): number {
    const value = this.text(key)
    if (value === undefined) return fallback
    const number = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN
    if (!(number >= min && number <= max)) {
      throw new QueryError(`"${key}" must be a whole number from ${min} to ${max}, not "${clip(value)}"`)
    }
    return number
  }

  /** One of `choices`, or the first choice when absent. */
  choice<T extends string>(key: string, choices: readonly T[]): T {
    const value = this.text(key) ?? choices[0]
    const found = choices.find((choice) => choice === value)
    if (found === undefined) {
      throw new QueryError(`"${key}" must be one of ${choices.join(', ')}, not "${clip(String(value))}"`)
    }
    return found
  }

  /**
   * The range: `from`/`to` instants (`to` defaults to now), or inclusive UTC days `start`/`end`;
   * neither = the last `defaultDateSpan` days ending today.
   */
  range(defaults: QueryDefaults): DateRange {
    const fromText = this.text('from')
    const toText = this.text('to')
    if (fromText === undefined && toText === undefined) return this.#dayRange(defaults)
    if (this.text('start') !== undefined || this.text('end') !== undefined) {
      throw new QueryError('give the range as "start"/"end" days or as "from"/"to" instants, not both')
    }
    if (fromText === undefined) throw new QueryError('"to" needs "from"')
    const from = instant('from', fromText)
    const to = toText === undefined ? (defaults.now ?? Date.now()) : instant('to', toText)
    if (from >= to) throw new QueryError(`"from" (${fromText}) is not before "to" (${toText ?? 'now'})`)
    if (to - from > MAX_SPAN_DAYS * DAY_MS) throw new QueryError(`the range is longer than ${MAX_SPAN_DAYS} days`)
    return { start: utcDayOf(from), end: utcDayOf(to - 1), from, to }
  }

  #dayRange(defaults: QueryDefaults): DateRange {
    const today = utcDayOf(defaults.now ?? Date.now())
    const startText = this.text('start')
    const endText = this.text('end')
    const end = endText === undefined ? today : day('end', endText)
    // The default span never reaches before the epoch, where no request was recorded.
    const spanStart = addUtcDays(end, 1 - defaults.defaultDateSpan)
    const start = startText === undefined ? (spanStart < EPOCH_DAY ? EPOCH_DAY : spanStart) : day('start', startText)
    const from = startOfUtcDay(start)
    const to = startOfUtcDay(end) + DAY_MS
    if (from >= to) throw new QueryError(`"start" (${start}) is after "end" (${end})`)
    if (to - from > MAX_SPAN_DAYS * DAY_MS) {
      throw new QueryError(`the range ${start} – ${end} is longer than ${MAX_SPAN_DAYS} days`)
    }
    return { start, end, from, to }
  }

  /** The filters present, each validated. */
  filters(): StatsFilters {
    const filters: StatsFilters = {}
    const path = this.text('path')
    if (path !== undefined) {
      if (!path.startsWith('/') || path.length > MAX_TEXT) {
        throw new QueryError(`"path" must start with "/" and be at most ${MAX_TEXT} characters`)
      }
      filters.path = path
    }
    const method = this.text('method')
    if (method !== undefined) {
      if (!/^[A-Za-z]{1,32}$/.test(method)) throw new QueryError(`"method" must be an HTTP method such as GET, not "${clip(method)}"`)
      filters.method = method.toUpperCase()
    }
    const status = this.text('status')
    if (status !== undefined) filters.status = statusFilter(status)
    for (const [key, max] of Object.entries(TEXT_FILTERS) as [keyof typeof TEXT_FILTERS, number][]) {
      const value = this.text(key)
      if (value === undefined) continue
      if (value.length > max) throw new QueryError(`"${key}" must be at most ${max} characters`)
      filters[key] = value
    }
    const bot = this.text('bot')
    if (bot !== undefined) {
      if (bot !== 'true' && bot !== 'false') throw new QueryError(`"bot" must be true or false, not "${clip(bot)}"`)
      filters.bot = bot === 'true'
    }
    return filters
  }
}

function day(key: string, value: string): UtcDay {
  if (Number.isNaN(startOfUtcDay(value)) || value > '9999-12-30') {
    throw new QueryError(`"${key}" must be a date written YYYY-MM-DD (UTC), not "${clip(value)}"`)
  }
  return value
}

function instant(key: string, value: string): number {
  const ms = INSTANT.test(value) ? Date.parse(value) : Number.NaN
  // A real instant survives the round trip: no 2026-02-30, no 24:00.
  const real = !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 16) === value.slice(0, 16)
  if (!real || ms < 0 || ms > Date.UTC(9999, 11, 30)) {
    throw new QueryError(`"${key}" must be an instant written YYYY-MM-DDTHH:MM[:SS[.mmm]]Z (UTC), not "${clip(value)}"`)
  }
  return ms
}

function statusFilter(value: string): StatusFilter {
  if (/^[1-5]\d\d$/.test(value)) return { min: Number(value), max: Number(value) }
  if (/^[1-5]xx$/i.test(value)) {
    const min = Number(value[0]) * 100
    return { min, max: min + 99 }
  }
  throw new QueryError(`"status" must be a status code from 100 to 599 or a class such as 5xx, not "${clip(value)}"`)
}

/** Echoes of user input in error messages stay short. */
function clip(value: string): string {
  return value.length > 64 ? `${value.slice(0, 63)}…` : value
}
