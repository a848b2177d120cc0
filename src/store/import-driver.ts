/**
 * Loads a database driver only when a store needs it, so an app installs only its own engine's
 * driver; a missing or unloadable one fails with `hint`, which names the package to install.
 */
export async function importDriver<T>(load: () => Promise<T>, hint: string): Promise<T> {
  try {
    return await load()
  } catch (error) {
    throw new Error(`statgraph: ${hint} (${String(error)})`, { cause: error })
  }
}
