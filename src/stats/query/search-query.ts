import { type DateRange, type QueryDefaults, QueryParams, type StatsFilters } from './query-params.js'
import { QueryError } from './query-error.js'
import type { BreakdownEntry } from '../answer/stats.js'

/** The columns a search looks in: those whose values the page lists and strangers wrote. */
const SEARCH_FIELDS = ['path', 'route', 'referrer', 'user_agent', 'browser', 'platform', 'mimetype', 'exception'] as const
export type SearchField = (typeof SEARCH_FIELDS)[number]

/** What `GET {prefix}/api/search` asks for: the values of `field` that contain `text`, in the range and filters. */
export interface SearchQuery {
  range: DateRange
  filters: StatsFilters
  field: SearchField
  /** Matched anywhere in the value, case aside. */
  text: string
  /** Most values in the answer, the most requested first. */
  limit: number
}

/** The answer of `GET {prefix}/api/search`. */
export interface SearchAnswer {
  field: SearchField
  q: string
  rows: BreakdownEntry<string>[]
}

const MAX_TEXT = 200

/** The search query in `params`, validated; throws a {@link QueryError} naming a bad parameter. */
export function parseSearchQuery(params: URLSearchParams, defaults: QueryDefaults): SearchQuery {
  const reader = new QueryParams(params, ['field', 'q', 'limit'])
  const text = reader.text('q')
  if (text === undefined) throw new QueryError('"q" is the text to look for, and must not be empty')
  if (text.length > MAX_TEXT) throw new QueryError(`"q" must be at most ${MAX_TEXT} characters`)
  if (reader.text('field') === undefined) throw new QueryError(`"field" is needed: one of ${SEARCH_FIELDS.join(', ')}`)
  return {
    range: reader.range(defaults),
    filters: reader.filters(),
    field: reader.choice('field', SEARCH_FIELDS),
    text,
    limit: reader.integer('limit', 1, 1000, 100),
  }
}
