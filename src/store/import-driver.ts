import { StatgraphError } from '../errors/statgraph-error.js'

/**
 * Loads the database driver `name` only when a store needs it, so an app installs only its own
 * engine's driver; a missing or unloadable one fails with `hint`, which names the package to install.
 * The name is a value, not a literal: a bundler leaves the import to run time, so an app bundled
 * without pg or mysql2 installed still builds, and better-sqlite3's native addon loads from the
 * app's node_modules, where its binary is.
 */
export async function importDriver<T>(name: string, hint: string): Promise<T> {
  try {
    return (await import(name)) as T
  } catch (error) {
    throw new StatgraphError('STATGRAPH_DRIVER_MISSING', `statgraph: ${hint} (${String(error)})`, { cause: error })
  }
}
