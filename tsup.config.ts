import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts', express: 'src/adapters/express.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  splitting: true,
})
