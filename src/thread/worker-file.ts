import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/**
 * Where statgraph's worker module `name` is: beside the module at `here` (its `import.meta.url`:
 * statgraph's `dist/`, or `src/` under a TypeScript runner), else in the statgraph package installed
 * where the app runs — an app bundle carries statgraph's code but not its worker files, and may
 * have no `import.meta.url` at all. Undefined when neither has it.
 */
export function findWorkerFile(name: string, here: string | undefined): URL | undefined {
  // .js, .cjs, or .ts under a TS runner: the worker file has the extension of the module starting it.
  const extension = /\.(c?js|ts)$/.exec(here ?? '')?.[0] ?? '.js'
  const beside = here === undefined ? undefined : new URL(`./${name}${extension}`, here)
  if (beside !== undefined && existsSync(beside)) return beside
  const installed = installedPackage(here)
  const file = installed === undefined ? undefined : pathToFileURL(join(installed, 'dist', `${name}.js`))
  return file !== undefined && existsSync(file) ? file : undefined
}

/** The folder of the statgraph package that `here` (or the working directory) would import, if any. */
function installedPackage(here: string | undefined): string | undefined {
  try {
    const manifest = createRequire(here ?? join(process.cwd(), 'index.js')).resolve('statgraph/package.json')
    return join(manifest, '..')
  } catch {
    return undefined
  }
}
