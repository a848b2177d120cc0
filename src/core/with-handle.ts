import type { StatgraphHandle } from './statgraph.js'

/**
 * `fn` (a listener or middleware) carrying the handle on `core`, for adapters whose users keep the
 * function they mount: `app.use(stats)` and later `await stats.close()`.
 */
export function withHandle<F extends object>(fn: F, core: StatgraphHandle): F & StatgraphHandle {
  return Object.assign(fn, {
    store: core.store,
    dashboard: core.dashboard,
    flush: () => core.flush(),
    close: () => core.close(),
    counts: () => core.counts(),
    health: () => core.health(),
    annotate: (text: string, options?: { at?: Date | number | string }) => core.annotate(text, options),
  })
}
