import { closestName, StatgraphError } from '../errors/statgraph-error.js'
import { CONSOLE_LOGGER, checkedLogger, type Logger } from '../log/logger.js'
import type { TrustProxy } from '../record/client-address.js'
import { type PathPattern, pathMatcher, type RoutingRules } from '../record/path-matcher.js'
import { nonEmpty, resolveMaxValues, resolveMigrations, resolveRuntime, resolveTimeouts, sqlName } from './option-values.js'
import { type Retention, resolveRetention } from './retention.js'
import { type AppIdentity, appIdentity } from '../record/app-identity.js'
import type { AddressPolicy } from '../record/visitor-address.js'
import { type DashboardAuth, type DashboardAuthOption, resolveAuth } from '../dashboard/dashboard-auth.js'
import { type AlertSettings, type AlertsOption, resolveAlerts } from '../alerts/alerts-option.js'
import { type MetricsOption, type MetricsSettings, resolveMetrics } from '../metrics/metrics-option.js'
import type { WriteLimits } from '../store/kysely/kysely-store-config.js'
import type { DatabaseOption } from '../store/open-store.js'

/**
 * Options every adapter takes. `Req` is the framework's request, `Protect` its kind of middleware.
 *
 * @example
 * statgraph(app, { database: './statistics.db', protect: requireAdmin, disable: (req) => req.headers.dnt === '1' })
 */
export interface StatgraphOptions<Req, Protect> {
  /**
   * SQLite file path (default `./statistics.db`), `postgres://` or `mysql://` URL, the app's own
   * better-sqlite3 database, `pg.Pool`, `mysql2` pool or Kysely instance, or a Store.
   */
  database?: DatabaseOption
  /** The table's name; the app owns the table. Default `request`. */
  table?: string
  /** PostgreSQL schema (or MySQL database) holding the table, which must exist; default the connection's own. */
  schema?: string
  /** Where the dashboard is mounted. Default `/statistics`. */
  prefix?: string
  /** Days shown when no range is picked, ending today (UTC). Default 7. */
  defaultDateSpan?: number
  /** The framework's own middleware, run before every dashboard request; it may deny or redirect. */
  protect?: Protect
  /**
   * Built-in protection for apps without their own login: HTTP Basic `{ username, password }`, or
   * `{ token }` sent as `Authorization: Bearer <token>`. Checked after `protect`, if both are given.
   */
  auth?: DashboardAuthOption
  /** Open the dashboard without `protect` or `auth` even when `NODE_ENV` is `production`. Default false. */
  public?: boolean
  /** Opt-out: a request for which this returns true is not recorded. */
  disable?: (req: Req) => boolean
  /**
   * Which `X-Forwarded-For` entries statgraph believes for the client address, overriding the
   * framework: `true` (all), `false` (none: the socket's peer) or the number of proxies in front of
   * the app. Unset (the default), Express, Fastify and Koa apps get the address their framework
   * gives (`req.ip`, `request.ip`, `ctx.ip`, which follow `trust proxy`, `trustProxy`, `app.proxy`);
   * Hono and `node:http` apps, which have no such setting, get the socket's peer.
   */
  trustProxy?: TrustProxy
  /**
   * Where statgraph reports what goes wrong (a failed write, a failed read) and what recovered:
   * pino, or any object with `error`, `warn` and `info`. Default: the console; Fastify's plugin
   * defaults to `app.log`.
   */
  logger?: Logger
  /** Store the client's address with its last IPv4 octet (last 80 bits of IPv6) zeroed. Default false. */
  anonymizeIp?: boolean
  /**
   * `false`: store no address at all, but a hash of it and the user agent with a random salt that
   * changes every UTC day (unique visitors stay countable per day). Default true.
   */
  storeIp?: boolean
  /** Paths never recorded, e.g. `['/health', '/static/*', /\.map$/]`. */
  ignore?: PathPattern[]
  /**
   * Values the rollups keep per group (paths, referrers, exceptions, …) and hour or day, the
   * busiest first; the rest are counted together as `other`, so a scanner's random paths cannot
   * grow them without end. Default 1000.
   */
  maxValues?: number
  /**
   * Write what is buffered when the process is asked to stop (SIGTERM, SIGINT) or runs out of work,
   * then let it end as it would have. Default false: call `close()` yourself.
   */
  flushOnExit?: boolean
  /**
   * Delete raw rows older than `raw` (`'30d'`, `'12w'`) and rollups older than `rollups` (`'400d'`),
   * checked every `every` (default `'1h'`) in the background — off the app's thread for a SQLite
   * file. The dashboard reads rollups, so it keeps showing history once raw rows are gone; only the
   * request log and filtered views need raw rows. Default: keep everything.
   */
  retention?: { raw?: string; rollups?: string; every?: string }
  /**
   * How long a write to a database server may take: each statement (default `'5s'`), each wait for
   * a lock (`'2s'`), and a whole batch however it hangs (`'10s'`). A write past them fails, is
   * retried (never counted twice), and health says `failing` meanwhile.
   */
  timeouts?: { statement?: string; lock?: string; write?: string }
  /** This app instance's name in the statistics. Default: the host name (a container's or pod's) and the process id. */
  instance?: string
  /**
   * The version of the app (a release or commit), kept on every request so that releases can be
   * compared. Default: the first set of `STATGRAPH_VERSION`, `GIT_COMMIT`, `SOURCE_VERSION`, … and
   * `npm_package_version` (see `VERSION_VARIABLES`); none when none is set.
   */
  version?: string
  /**
   * Runtime gauges of this instance (event-loop delay p50/p99, heap used, RSS, CPU %), sampled every
   * `every` (default `'10s'`) off the request path and kept in their own small table; `false`: none.
   */
  runtime?: { every?: string } | false
  /**
   * Alert rules, checked every minute by one instance of the app, and webhooks told when one fires
   * or resolves; a digest every week. See the README's "Alerts".
   */
  alerts?: AlertsOption
  /**
   * The requests as metrics too: a Prometheus exposition (`prometheus: true` at `{prefix}/metrics`,
   * or `{ port }`), and the app's OpenTelemetry `meterProvider`. See the README's "Metrics".
   */
  metrics?: MetricsOption
  /**
   * `'auto'` (default): statgraph creates and upgrades its tables itself. `'off'`: it never runs
   * DDL — the app's own migrations own the tables — and checks at start that every table and column
   * it needs is there; until they are, it says which are missing and records nothing.
   */
  migrations?: 'auto' | 'off'
  /** Buffering of the recorder; the defaults suit most apps. */
  recorder?: {
    /** Most requests held in memory while the database is slow or down. Default 50 000. */
    maxBuffer?: number
    /** Most bytes those requests may take (a request's texts come from strangers and vary in size). Default 64 MiB. */
    maxBufferBytes?: number
    /** Requests that start a write before the timer does. Default 5000 (at most half of `maxBuffer`). */
    batchSize?: number
    /** Milliseconds between writes. Default 1000. */
    flushInterval?: number
  }
}

/** Options after validation, with every default filled in. */
export interface ResolvedOptions<Req, Protect> {
  database: DatabaseOption
  table: string
  schema: string | undefined
  prefix: string
  defaultDateSpan: number
  protect: Protect | undefined
  auth: DashboardAuth | undefined
  access: 'open' | 'forbidden'
  disable: ((req: Req) => boolean) | undefined
  /** Undefined: the framework's own proxy setting decides, where it has one. */
  trustProxy: TrustProxy | undefined
  logger: Logger
  address: AddressPolicy
  flushOnExit: boolean
  /** Milliseconds: rows older than `raw` are deleted every `every`. */
  retention: Retention | undefined
  ignore: ((url: string, rules: RoutingRules) => boolean) | undefined
  maxValues: number | undefined
  limits: Partial<WriteLimits>
  recorder: NonNullable<StatgraphOptions<Req, Protect>['recorder']>
  identity: AppIdentity
  /** Milliseconds between runtime samples; undefined: none taken. */
  runtimeEvery: number | undefined
  alerts: AlertSettings | undefined
  metrics: MetricsSettings | undefined
  migrations: 'auto' | 'off'
}

/** Checks options once, at setup, with messages that name the option and the fix. */
/** Every option, each once (the type sees to it): an option not here is refused, as a typo would otherwise be ignored. */
const KNOWN_OPTIONS: Record<keyof StatgraphOptions<unknown, unknown>, true> = {
  database: true,
  table: true,
  schema: true,
  prefix: true,
  defaultDateSpan: true,
  protect: true,
  auth: true,
  public: true,
  disable: true,
  trustProxy: true,
  logger: true,
  anonymizeIp: true,
  storeIp: true,
  ignore: true,
  maxValues: true,
  flushOnExit: true,
  retention: true,
  timeouts: true,
  recorder: true,
  instance: true,
  version: true,
  runtime: true,
  alerts: true,
  metrics: true,
  migrations: true,
}
const OPTION_NAMES = Object.keys(KNOWN_OPTIONS)

export function resolveOptions<Req, Protect>(options: StatgraphOptions<Req, Protect> = {}): ResolvedOptions<Req, Protect> {
  if (typeof options !== 'object' || options === null) throw new StatgraphError('STATGRAPH_INVALID_OPTION', 'statgraph: options must be an object')
  for (const name of Object.keys(options)) {
    if (Object.hasOwn(KNOWN_OPTIONS, name)) continue
    const closest = closestName(name, OPTION_NAMES)
    throw new StatgraphError(
      'STATGRAPH_UNKNOWN_OPTION',
      `statgraph: there is no option "${name}"${closest === undefined ? '' : `; did you mean "${closest}"?`} (the options: ${OPTION_NAMES.join(', ')})`,
    )
  }
  const prefix = options.prefix ?? '/statistics'
  if (typeof prefix !== 'string' || !/^\/[^?#\s]*[^/?#\s]$/.test(prefix)) {
    throw new StatgraphError(
      'STATGRAPH_INVALID_OPTION',
      `statgraph: "prefix" must be a path such as "/statistics" (leading "/", no trailing "/"), got ${JSON.stringify(prefix)}`,
    )
  }
  const table = sqlName('table', options.table ?? 'request')
  const schema = options.schema === undefined ? undefined : sqlName('schema', options.schema)
  const span = options.defaultDateSpan ?? 7
  if (!Number.isInteger(span) || span < 1 || span > 3660) {
    throw new StatgraphError('STATGRAPH_INVALID_OPTION', `statgraph: "defaultDateSpan" must be a whole number of days from 1 to 3660, got ${String(span)}`)
  }
  if (options.protect !== undefined && typeof options.protect !== 'function') {
    throw new StatgraphError('STATGRAPH_INVALID_OPTION', 'statgraph: "protect" must be middleware (a function)')
  }
  if (options.ignore !== undefined && !Array.isArray(options.ignore)) {
    throw new StatgraphError('STATGRAPH_INVALID_OPTION', 'statgraph: "ignore" must be a list of paths ("/health", "/static/*") and RegExps')
  }
  if (options.disable !== undefined && typeof options.disable !== 'function') {
    throw new StatgraphError('STATGRAPH_INVALID_OPTION', 'statgraph: "disable" must be a function (req) => boolean')
  }
  const trustProxy = options.trustProxy
  if (trustProxy !== undefined && typeof trustProxy !== 'boolean' && !(Number.isInteger(trustProxy) && trustProxy >= 0)) {
    throw new StatgraphError('STATGRAPH_INVALID_OPTION', `statgraph: "trustProxy" must be true, false or a number of proxies, got ${String(trustProxy)}`)
  }
  // `process` is missing on some runtimes (Workers); there, no NODE_ENV means not production.
  const nodeEnv = typeof process === 'undefined' ? undefined : process.env?.NODE_ENV
  const auth = resolveAuth(options.auth)
  const runtimeEvery = resolveRuntime(options.runtime)
  const alerts = resolveAlerts(options.alerts)
  if (runtimeEvery === undefined && alerts?.rules.some((rule) => rule.type === 'instanceStopped')) {
    throw new StatgraphError('STATGRAPH_INVALID_OPTION', 'statgraph: the "instanceStopped" alert needs runtime samples; remove "runtime: false"')
  }
  const open = options.protect !== undefined || auth !== undefined || options.public === true || nodeEnv !== 'production'
  return {
    database: options.database ?? './statistics.db',
    table,
    schema,
    prefix,
    defaultDateSpan: span,
    protect: options.protect,
    auth,
    access: open ? 'open' : 'forbidden',
    disable: options.disable,
    trustProxy,
    logger: options.logger === undefined ? CONSOLE_LOGGER : checkedLogger(options.logger),
    address: options.storeIp === false ? 'hash' : options.anonymizeIp === true ? 'anonymize' : 'store',
    flushOnExit: options.flushOnExit === true,
    retention: options.retention === undefined ? undefined : resolveRetention(options.retention),
    ignore: options.ignore === undefined || options.ignore.length === 0 ? undefined : pathMatcher(options.ignore),
    limits: resolveTimeouts(options.timeouts),
    maxValues: resolveMaxValues(options.maxValues),
    recorder: options.recorder ?? {},
    identity: appIdentity({ instance: nonEmpty('instance', options.instance), version: nonEmpty('version', options.version) }),
    runtimeEvery,
    alerts,
    metrics: resolveMetrics(options.metrics),
    migrations: resolveMigrations(options.migrations),
  }
}
