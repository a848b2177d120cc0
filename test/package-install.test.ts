import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from 'esbuild'
import { freePort } from './helpers/free-port.js'
import { tempDir } from './helpers/temp-dir.js'
import { poll } from './helpers/wait-for.js'

// What a user gets from the registry: the package packed from a clean checkout of what is
// committed (`prepack` builds it), unpacked into scratch apps beside their own node_modules.

const root = new URL('..', import.meta.url).pathname
const dir = tempDir()
const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) child.kill('SIGKILL')
})

/** Packs a fresh clone of the committed tree; the unpacked package's folder. */
function packFromCleanCheckout(): string {
  const clone = join(dir, 'clone')
  execFileSync('git', ['clone', '--quiet', root, clone])
  // The clone has no dist/: only prepack can make what the tarball ships. Its tools are this checkout's.
  symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'))
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: clone, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  // The build prepack runs prints to stdout too; npm's JSON comes last.
  const [packed] = JSON.parse(out.slice(out.lastIndexOf('\n[\n') + 1)) as {
    filename: string
    files: { path: string }[]
  }[]
  const files = packed?.files.map((file) => file.path) ?? []
  expect(files).toEqual(
    expect.arrayContaining([
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
      'package.json',
      'dist/index.js',
      'dist/index.cjs',
      'dist/express.d.ts',
      'dist/writer-worker.js',
      'dist/cli.js',
    ]),
  )
  execFileSync('tar', ['-xzf', join(dir, packed?.filename ?? ''), '-C', dir])
  return join(dir, 'package')
}

/**
 * Scratch apps under one folder whose node_modules holds what `npm install statgraph express
 * @types/express typescript` would: the unpacked package and, linked from this checkout, its
 * dependencies and theirs, and the app's own — nothing only statgraph's development needs.
 */
function scratchApps(unpacked: string): string {
  const apps = join(dir, 'apps')
  const modules = join(apps, 'node_modules')
  mkdirSync(modules, { recursive: true })
  const manifest = (folder: string) => JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
  const wanted = [...Object.keys(manifest(unpacked).dependencies ?? {}), 'express', '@types/express', '@types/node', 'typescript']
  const linked = new Set<string>()
  while (wanted.length > 0) {
    const name = wanted.pop() as string
    const source = join(root, 'node_modules', name)
    // Present at the top of this checkout's tree, or nested under the package that needs it (linked with it).
    if (linked.has(name) || !existsSync(source)) continue
    linked.add(name)
    mkdirSync(dirname(join(modules, name)), { recursive: true })
    symlinkSync(source, join(modules, name))
    wanted.push(...Object.keys(manifest(source).dependencies ?? {}))
  }
  renameSync(unpacked, join(modules, 'statgraph'))
  return apps
}

/** Runs the app in `folder`, sends it a request, and gives the paths its dashboard lists and what it wrote to stderr. */
async function run(folder: string, main: string): Promise<{ paths: string[]; stderr: string }> {
  const port = await freePort()
  const child = spawn(process.execPath, [main], {
    cwd: folder,
    env: { ...process.env, PORT: String(port), ADMIN_PASSWORD: 'secret' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  children.push(child)
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const base = `http://127.0.0.1:${port}`
  const home = await poll(
    () =>
      fetch(`${base}/`).then(
        (response) => response.text(),
        () => undefined,
      ),
    (text) => text !== undefined,
    `${folder} to answer`,
  )
  expect(home).toBe('Hello World!')
  const listed = await poll(
    () =>
      fetch(`${base}/statistics/api/requests`, { headers: { authorization: `Basic ${Buffer.from('admin:secret').toString('base64')}` } }).then(
        (response) => response.json() as Promise<{ rows: { path: string }[] }>,
      ),
    (answer) => answer.rows.length > 0,
    'the request on the dashboard',
  )
  child.kill('SIGTERM')
  await once(child, 'exit')
  return { paths: listed.rows.map((row) => row.path), stderr }
}

async function recordedBy(folder: string, main: string): Promise<string[]> {
  const { paths, stderr } = await run(folder, main)
  expect(stderr).toBe('')
  return paths
}

/** A scratch app folder under `parent` holding `files`. */
function app(parent: string, name: string, files: Record<string, string>): string {
  const folder = join(parent, name)
  mkdirSync(folder, { recursive: true })
  for (const [file, text] of Object.entries(files)) writeFileSync(join(folder, file), text)
  return folder
}

describe('the package as published', () => {
  let apps = ''
  beforeAll(() => {
    apps = scratchApps(packFromCleanCheckout())
  }, 300_000)

  it('packs from a clean checkout, and its README snippet runs as ES module, as CommonJS, and type-checks strictly', async () => {
    const snippet = readFileSync(join(root, 'examples/snippets/express.ts'), 'utf8')
    const esm = app(apps, 'esm', { 'package.json': '{ "type": "module" }', 'index.js': snippet })
    const cjs = app(apps, 'cjs', { 'package.json': '{}', 'index.js': readFileSync(join(root, 'examples/snippets/express.cjs'), 'utf8') })
    expect(await recordedBy(esm, 'index.js')).toEqual(['/'])
    expect(await recordedBy(cjs, 'index.js')).toEqual(['/'])
    // A consumer's strictest settings: the declarations are checked too, and every type they import must be installed.
    const compilerOptions = { strict: true, module: 'node16', moduleResolution: 'node16', target: 'es2022', skipLibCheck: false, noEmit: true, types: ['node'] }
    const typed = app(apps, 'ts', {
      'package.json': '{ "type": "module" }',
      'tsconfig.json': JSON.stringify({ compilerOptions, files: ['index.ts'] }),
      'index.ts': snippet,
    })
    const tsc = join(root, 'node_modules/typescript/bin/tsc')
    expect(execFileSync(process.execPath, [tsc, '-p', typed], { encoding: 'utf8' })).toBe('')
  }, 300_000)
  it('records when bundled with esbuild: its workers found in the installed package, or its work on the app thread with one warning', async () => {
    const source = app(apps, 'bundled', {
      'package.json': '{}',
      'index.cjs': readFileSync(join(root, 'examples/snippets/express.cjs'), 'utf8'),
      'index.mjs': readFileSync(join(root, 'examples/snippets/express.ts'), 'utf8'),
    })
    // esbuild's defaults for Node, nothing marked external: CommonJS out, whatever the module system
    // in (from ES modules, statgraph has no `import.meta.url` at all); pg and mysql2 are not installed.
    const bundles = ['cjs.js', 'esm.js']
    for (const [bundle, entry] of [
      ['cjs.js', 'index.cjs'],
      ['esm.js', 'index.mjs'],
    ]) {
      await build({ entryPoints: [join(source, `${entry}`)], outfile: join(source, 'out', `${bundle}`), bundle: true, platform: 'node', logLevel: 'silent' })
    }
    expect(readdirSync(join(source, 'out')).sort()).toEqual(bundles)
    // Deployed with nothing but the bundle and the native addon (which no bundler can carry), statgraph works on the app's thread and says so once.
    const deployed = join(dir, 'deployed')
    mkdirSync(join(deployed, 'node_modules'), { recursive: true })
    symlinkSync(join(root, 'node_modules/better-sqlite3'), join(deployed, 'node_modules/better-sqlite3'))
    for (const bundle of bundles) {
      // Where statgraph is installed beside the bundle, its worker threads start from the package.
      expect(await recordedBy(join(source, 'out'), bundle)).toEqual(['/'])
      const alone = app(deployed, bundle.replace('.js', ''), { 'index.js': readFileSync(join(source, 'out', bundle), 'utf8') })
      const { paths, stderr } = await run(alone, 'index.js')
      expect(paths).toEqual(['/'])
      expect(stderr.match(/statgraph: its worker thread files were not found/g)).toHaveLength(1)
      expect(stderr).toContain('--external:statgraph')
    }
  }, 120_000)
})
