import { readdirSync, readFileSync } from 'node:fs'
import { defineConfig } from 'tsup'

// One entry per adapter file: `src/adapters/express.ts` → `statgraph/express`.
const adapters = readdirSync('src/adapters').filter((file) => file.endsWith('.ts'))
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    // Loaded by path as worker threads, beside the chunk that starts them.
    'writer-worker': 'src/recorder/writer-worker.ts',
    'reader-worker': 'src/dashboard/reader-worker.ts',
    // The `statgraph` command (package.json "bin").
    cli: 'src/cli/cli.ts',
    ...Object.fromEntries(adapters.map((file) => [file.replace(/\.ts$/, ''), `src/adapters/${file}`])),
  },
  format: ['esm', 'cjs'],
  dts: true,
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  splitting: true,
  // import.meta.url in the CommonJS build too (the writer thread's file is found from it).
  shims: true,
  // `statgraph --version`, fixed at build time: the command reads no file to know it.
  define: { STATGRAPH_VERSION: JSON.stringify(version) },
})
