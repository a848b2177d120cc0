import { StatgraphError } from '../../errors/statgraph-error.js'

/** What an Express app or Router looks like from the outside, as far as placement goes. */
interface ExpressLike {
  listen?: unknown
  stack?: unknown
  on?: (event: string, listener: (parent: unknown) => void) => unknown
  mountpath?: unknown
  _router?: { stack?: Layer[] }
  router?: { stack?: Layer[] }
}

interface Layer {
  route?: { path?: unknown; methods?: Record<string, boolean> }
  handle?: { stack?: unknown; name?: string }
}

/**
 * Refuses the placements where statgraph would silently miss requests or serve a broken dashboard:
 * a Router instead of the app, routes added before statgraph (Express answers them before it runs),
 * and an app that is itself mounted in another (the error comes from the `app.use` that mounts it).
 */
export function checkPlacement(app: unknown): void {
  const express = app as ExpressLike
  if (typeof express.listen !== 'function' && Array.isArray(express.stack)) {
    throw new StatgraphError(
      'STATGRAPH_MISPLACED',
      'statgraph: statgraph() takes the Express app itself, not a Router: call it on the app, before its routes and routers',
    )
  }
  const earlier = layers(express).find((layer) => layer.route !== undefined || Array.isArray(layer.handle?.stack) || layer.handle?.name === 'mounted_app')
  if (earlier !== undefined) {
    throw new StatgraphError(
      'STATGRAPH_MISPLACED',
      `statgraph: ${describe(earlier)} was added to the app before statgraph(app), and the requests it answers would not be recorded; call statgraph(app) right after creating the app`,
    )
  }
  express.on?.('mount', () => {
    throw new StatgraphError(
      'STATGRAPH_MISPLACED',
      `statgraph: an app with statgraph is being mounted in another app${typeof express.mountpath === 'string' ? ` at "${express.mountpath}"` : ''}, where its dashboard's links would break and the other app's requests go unrecorded; call statgraph() on the app that listens instead`,
    )
  })
}

/** The app's router layers so far. Express 4 makes its router on first use (its `app.router` throws); Express 5 on first read. */
function layers(app: ExpressLike): Layer[] {
  if (app._router !== undefined) return app._router.stack ?? []
  try {
    return app.router?.stack ?? []
  } catch {
    return []
  }
}

function describe(layer: Layer): string {
  if (layer.route === undefined) return 'a router or sub-app'
  const methods = Object.keys(layer.route.methods ?? {})
    .filter((method) => method !== '_all')
    .map((method) => method.toUpperCase())
  return `the route ${methods.join(', ') || 'ALL'} ${String(layer.route.path)}`
}
