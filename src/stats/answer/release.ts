/** A version of the app, as the requests recorded it: kept automatically (see `ReleaseLedger`). */
export interface Release {
  version: string
  /** ISO 8601 instants of its first and latest recorded request. */
  firstSeen: string
  lastSeen: string
  /** Requests recorded with it. */
  hits: number
}

/** A note on the time axis: a deploy, an incident, a config change (`stats.annotate`, `statgraph annotate`). */
export interface Annotation {
  /** ISO 8601 instant it marks. */
  at: string
  text: string
}
