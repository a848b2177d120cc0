import { QueryError } from './query-error.js'

/** Longest note, in characters: a line on a chart, not a changelog. */
const MAX_ANNOTATION = 500

/**
 * A note to put on the time axis, validated: `text` of 1–{@link MAX_ANNOTATION} characters, `at` an
 * instant (a Date, ms since the epoch or an ISO 8601 text; default `now`). Throws a {@link QueryError}.
 */
export function parseAnnotation(input: { text?: unknown; at?: unknown }, now: number): { at: number; text: string } {
  const { text, at } = input
  if (typeof text !== 'string' || text.trim() === '') throw new QueryError('"text" must be a non-empty string')
  if (text.length > MAX_ANNOTATION) throw new QueryError(`"text" must be at most ${MAX_ANNOTATION} characters`)
  if (text.includes('\0')) throw new QueryError('"text" must not contain NUL characters')
  const ms =
    at === undefined || at === null
      ? now
      : at instanceof Date
        ? at.getTime()
        : typeof at === 'number'
          ? at
          : typeof at === 'string'
            ? Date.parse(at)
            : Number.NaN
  if (!Number.isFinite(ms) || ms < 0 || ms > Date.UTC(9999, 11, 30)) {
    throw new QueryError('"at" must be an instant: a Date, milliseconds since the epoch, or an ISO 8601 text such as 2026-11-30T12:00:00Z')
  }
  return { at: Math.round(ms), text: text.trim() }
}
