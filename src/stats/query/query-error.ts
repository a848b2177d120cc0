/** A query parameter the dashboard API cannot answer; the API turns it into a 400 with `message`. */
export class QueryError extends Error {
  override name = 'QueryError'
}
