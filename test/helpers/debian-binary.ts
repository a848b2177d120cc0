import { existsSync } from 'node:fs'

/**
 * Whether Debian's package `pkg` put its binary at `path`; under CI=true its absence fails `suite`
 * instead of skipping it (.ci/run installs it).
 */
export function hasDebianBinary(path: string, pkg: string, suite: string): boolean {
  const found = existsSync(path)
  if (!found && process.env.CI) {
    throw new Error(`${suite}: Debian's ${pkg} is needed at ${path} (apt-get install ${pkg}); under CI=true that is a failure, not a skip`)
  }
  return found
}
