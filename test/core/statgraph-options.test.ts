import { afterEach, describe, expect, it, vi } from 'vitest'
import Fastify from 'fastify'
import { statgraph as fastifyStatgraph } from '../../src/adapters/fastify.js'
import { resolveOptions, type StatgraphOptions } from '../../src/core/statgraph-options.js'
import { StatgraphError } from '../../src/errors/statgraph-error.js'

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('resolveOptions', () => {
  it('closes the dashboard in production unless protect, auth or public opens it', () => {
    vi.stubEnv('NODE_ENV', 'production')
    expect(resolveOptions({}).access).toBe('forbidden')
    expect(resolveOptions({ protect: () => {} }).access).toBe('open')
    expect(resolveOptions({ auth: { token: 't' } }).access).toBe('open')
    expect(resolveOptions({ auth: { username: 'a', password: 'b' } }).access).toBe('open')
    expect(resolveOptions({ public: true }).access).toBe('open')
    vi.stubEnv('NODE_ENV', 'development')
    expect(resolveOptions({}).access).toBe('open')
  })

  it.each([
    [{}],
    [{ username: 'a' }],
    [{ username: '', password: 'b' }],
    [{ username: 'a:b', password: 'c' }],
    [{ username: 'a', password: 'b', token: 'c' }],
    [null],
  ])('refuses auth %j with a message saying what it takes', (auth) => {
    expect(() => resolveOptions({ auth: auth as never })).toThrow('"auth" must be { username, password }')
  })

  it.each([[{ token: '' }], [{ token: undefined }], [{ username: 'admin', password: undefined }], [{ username: 'admin', password: '' }]])(
    'refuses auth %j naming the unset secret, as an environment variable leaves it',
    (auth) => {
      expect(() => resolveOptions({ auth })).toThrow(/"auth\.(token|password)" is unset or empty; set it/)
    },
  )

  it('refuses an option it does not know, naming the closest one, with a stable code', () => {
    const refused = (options: Record<string, unknown>) => {
      try {
        resolveOptions(options as StatgraphOptions<unknown, unknown>)
      } catch (error) {
        return { code: (error as StatgraphError).code, message: (error as Error).message, isStatgraphError: error instanceof StatgraphError }
      }
      return undefined
    }
    expect(refused({ databse: './stats.db' })).toMatchObject({
      code: 'STATGRAPH_UNKNOWN_OPTION',
      message: expect.stringContaining('no option "databse"; did you mean "database"?'),
      isStatgraphError: true,
    })
    expect(refused({ trust_proxy: 1 })?.message).toContain('did you mean "trustProxy"?')
    expect(refused({ colour: 'blue' })?.message).not.toContain('did you mean')
    expect(refused({ prefix: 'stats/' })).toMatchObject({ code: 'STATGRAPH_INVALID_OPTION', isStatgraphError: true })
    expect(refused({ database: './stats.db', trustProxy: 1, logger: console })).toBeUndefined()
  })

  it('takes Fastify’s register options beside its own', async () => {
    const app = Fastify()
    await app.register(fastifyStatgraph, { database: ':memory:', logLevel: 'warn' } as never)
    await app.close()
  })

  it('refuses table and schema names that are not plain SQL names', () => {
    expect(() => resolveOptions({ table: 'x; drop table y' })).toThrow('"table" must be a plain SQL name')
    expect(() => resolveOptions({ schema: 'a.b' })).toThrow('"schema" must be a plain SQL name')
    expect(resolveOptions({ schema: 'metrics' }).schema).toBe('metrics')
  })

  it('takes a bound on the values rollups keep, and refuses one that is no sensible count', () => {
    expect(resolveOptions({}).maxValues).toBeUndefined()
    expect(resolveOptions({ maxValues: 200 }).maxValues).toBe(200)
    for (const bad of [0, 5, 1.5, -1, 1e9, '100']) expect(() => resolveOptions({ maxValues: bad as number })).toThrow('"maxValues" must be a whole number')
  })
})

describe('instance, version and runtime options', () => {
  it('names the instance and version as given, and refuses an empty one', () => {
    expect(resolveOptions({ instance: ' web-1 ', version: '1.4.0' }).identity).toEqual({ instance: 'web-1', version: '1.4.0' })
    expect(() => resolveOptions({ instance: '' })).toThrow('"instance" must be a non-empty string')
    expect(() => resolveOptions({ version: 3 as unknown as string })).toThrow('"version" must be a non-empty string')
  })

  it('samples the runtime every 10 s by default, as often as asked, or not at all', () => {
    expect(resolveOptions({}).runtimeEvery).toBe(10_000)
    expect(resolveOptions({ runtime: { every: '1m' } }).runtimeEvery).toBe(60_000)
    expect(resolveOptions({ runtime: false }).runtimeEvery).toBeUndefined()
    expect(() => resolveOptions({ runtime: { every: 'often' } })).toThrow('"runtime.every" must be a duration')
  })
})

describe('migrations option', () => {
  it("lets statgraph make its tables unless it is 'off', and refuses anything else", () => {
    expect(resolveOptions({}).migrations).toBe('auto')
    expect(resolveOptions({ migrations: 'off' }).migrations).toBe('off')
    expect(() => resolveOptions({ migrations: 'never' as 'off' })).toThrow(`"migrations" must be 'auto' or 'off', got "never"`)
  })
})

describe('alerts option', () => {
  const webhooks = [{ url: 'https://hooks.example.com/statgraph' }]
  it('fills in every default, names each rule in words, and keys webhooks by a hash, not the URL', () => {
    const alerts = resolveOptions({
      alerts: {
        rules: [{ type: 'errorRate', above: 5 }, { type: 'p95', above: 300, route: '/search' }, { type: 'newException' }, { type: 'trafficDrop', below: 40 }],
        webhooks,
      },
    }).alerts
    expect(alerts).toMatchObject({ everyMs: 60_000, leaseMs: 180_000, cooldownMs: 1_800_000, digestMs: 7 * 86_400_000 })
    expect(alerts?.rules).toEqual([
      { type: 'errorRate', above: 5, windowMs: 300_000, minHits: 20, name: 'error rate above 5 % over 5 min' },
      { type: 'p95', above: 300, route: '/search', windowMs: 300_000, minHits: 20, name: 'p95 of /search above 300 ms over 5 min' },
      { type: 'newException', windowMs: 3_600_000, sinceMs: 7 * 86_400_000, name: 'new exception' },
      { type: 'trafficDrop', below: 40, windowMs: 3_600_000, minHits: 100, name: 'traffic below 40 % of a week earlier over 1 h' },
    ])
    expect(alerts?.destinations.map((destination) => destination.name)).toEqual(['hooks.example.com'])
    expect(alerts?.destinations[0]?.key).toMatch(/^[0-9a-f]{32}$/)
    expect(resolveOptions({ alerts: { webhooks, digest: false } }).alerts?.digestMs).toBeUndefined()
    // The SMTP password is not part of the key: a new one is the same destination.
    const email = (smtp: string) => resolveOptions({ alerts: { email: { smtp, from: 'a@example.com', to: 'ops@example.com' } } }).alerts?.destinations[0]
    expect(email('smtp://u:one@mail.example.com:587')?.key).toBe(email('smtp://u:two@mail.example.com:587')?.key)
    expect(email('smtp://u:one@mail.example.com:587')?.name).toBe('mail via mail.example.com:587')
    expect(resolveOptions({}).alerts).toBeUndefined()
  })

  it('refuses rules, webhooks and durations it cannot use, saying what to write', () => {
    const bad: [unknown, string][] = [
      [{ rules: [], webhooks: [] }, 'needs somewhere to send'],
      [{ rules: [{ type: 'errors', above: 5 }], webhooks }, 'must have a "type": errorRate, p95'],
      [{ rules: [{ type: 'errorRate', above: 150 }], webhooks }, '"alerts.rules[0]".above must be a number from 0 to 100'],
      [{ rules: [{ type: 'p95', above: 100, route: 'search' }], webhooks }, 'must be a route pattern such as "/users/:id"'],
      [{ rules: [{ type: 'errorRate', above: 5, window: '5 minutes' }], webhooks }, '"alerts.rules[0]".window must be a duration'],
      [{ rules: [{ type: 'newException' }, { type: 'newException' }], webhooks }, 'two alert rules are named "new exception"'],
      [{ webhooks: [{ url: 'ftp://example.com' }] }, '"alerts.webhooks[0]".url must be an http(s) URL'],
      [{ webhooks: [{ url: 'https://example.com', format: 'teams' }] }, 'format must be "json" or "slack"'],
      [{ webhooks, cooldown: 'soon' }, '"alerts.cooldown" must be a duration'],
      [{ email: { smtp: 'mail.example.com', from: 'a@example.com', to: 'b@example.com' } }, '"alerts.email".smtp must be a URL'],
      [{ email: { smtp: 'http://mail.example.com', from: 'a@example.com', to: 'b@example.com' } }, 'must start with smtp:// or smtps://'],
      [{ email: { smtp: 'smtp://mail.example.com', from: 'statgraph', to: 'b@example.com' } }, '"alerts.email".from must be an e-mail address'],
      [{ email: { smtp: 'smtp://mail.example.com', from: 'a@example.com', to: [] } }, '"alerts.email".to must be an e-mail address or a list'],
    ]
    for (const [alerts, message] of bad) expect(() => resolveOptions({ alerts: alerts as never })).toThrow(message)
    expect(() => resolveOptions({ runtime: false, alerts: { rules: [{ type: 'instanceStopped' }], webhooks } })).toThrow('needs runtime samples')
  })
})
