import { hostname } from 'node:os'
import { describe, expect, it } from 'vitest'
import { appIdentity, VERSION_VARIABLES } from '../../src/record/app-identity.js'

describe('appIdentity', () => {
  it('takes the options first', () => {
    expect(appIdentity({ instance: 'web-1', version: '2.0.0' }, { GIT_COMMIT: 'abc' })).toEqual({ instance: 'web-1', version: '2.0.0' })
  })

  it('names the instance by host and process, and the version by the first variable set, in the documented order', () => {
    expect(appIdentity({}, {})).toEqual({ instance: `${hostname()}:${process.pid}`, version: null })
    // Each variable wins over every one after it; blank ones count as unset.
    for (const [i, name] of VERSION_VARIABLES.entries()) {
      const env = Object.fromEntries(VERSION_VARIABLES.slice(i).map((later) => [later, `from ${later}`]))
      expect(appIdentity({}, { ...env, [VERSION_VARIABLES[i - 1] ?? 'UNSET']: '  ' }).version).toBe(`from ${name}`)
    }
    expect(VERSION_VARIABLES.slice(0, 3)).toEqual(['STATGRAPH_VERSION', 'GIT_COMMIT', 'SOURCE_VERSION'])
    expect(VERSION_VARIABLES.at(-1)).toBe('npm_package_version')
  })

  it('caps a long name or version', () => {
    const identity = appIdentity({ instance: 'i'.repeat(500), version: 'v'.repeat(500) }, {})
    expect([identity.instance.length, identity.version?.length]).toEqual([128, 128])
  })
})
