import { readdirSync } from 'node:fs'
import { defineConfig } from 'tsup'

// One entry per adapter file: `src/adapters/express.ts` → `statgraph/express`.
const adapters = readdirSync('src/adapters').filter((file) => file.endsWith('.ts'))

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    ...Object.fromEntries(adapters.map((file) => [file.replace(/\.ts$/, ''), `src/adapters/${file}`])),
  },
  format: ['esm', 'cjs'],
  dts: true,
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  splitting: true,
})
