import { afterEach, describe, expect, it, vi } from 'vitest'
import { resolveOptions } from '../../src/core/statgraph-options.js'

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
    [{ token: '' }],
    [{ username: 'a' }],
    [{ username: '', password: 'b' }],
    [{ username: 'a:b', password: 'c' }],
    [{ username: 'a', password: 'b', token: 'c' }],
    [null],
  ])('refuses auth %j with a message saying what it takes', (auth) => {
    expect(() => resolveOptions({ auth: auth as never })).toThrow('"auth" must be { username, password }')
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
