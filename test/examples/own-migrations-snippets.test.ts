import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { schemaText } from '../../src/cli/schema/schema-command.js'
import { ownDatabase, postgresUrl } from '../cli/schema/schema-tool-helpers.js'
import { freePort } from '../helpers/free-port.js'
import { killedAfterEach } from '../helpers/child-processes.js'
import { poll } from '../helpers/wait-for.js'

// The README's "Your own migrations" snippets: each an app on the connection of its tool, run as
// written on tables made from what `statgraph schema` prints, and in the README byte for byte.

const SNIPPETS = ['own-migrations-drizzle', 'own-migrations-knex', 'own-migrations-typeorm'] as const
const root = new URL('../../', import.meta.url)
const tsx = new URL('node_modules/.bin/tsx', root).pathname
const children = killedAfterEach()

describe.each(SNIPPETS)('the README snippet %s', (name) => {
  const file = new URL(`examples/snippets/${name}.ts`, root).pathname

  it('is in the README as written', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8')
    expect(readme).toContain(`<!-- snippet: examples/snippets/${name}.ts -->\n\`\`\`ts\n${readFileSync(file, 'utf8')}\`\`\``)
  })

  it.skipIf(postgresUrl === undefined)(
    'runs: records into the tables the app made, through its tool’s connection',
    async () => {
      const database = await ownDatabase(name.replaceAll('-', '_'))
      const pool = new pg.Pool({ connectionString: database })
      try {
        const sql = await schemaText({ for: 'sql', engine: 'postgres', table: 'request' })
        await pool.query(sql)
        const port = await freePort()
        const child = spawn(tsx, [file], { env: { ...process.env, PORT: String(port), DATABASE_URL: database }, stdio: ['ignore', 'ignore', 'inherit'] })
        children.push(child)
        const base = `http://127.0.0.1:${port}`
        await poll(
          () =>
            fetch(`${base}/`).then(
              (response) => response.text(),
              () => undefined,
            ),
          (text) => text === 'Hello World!',
          `${name} to answer`,
        )
        await fetch(`${base}/`)
        const rows = await poll(
          async () => Number((await pool.query('select count(*) as n from request')).rows[0].n),
          (count) => count === 2,
          `${name} to record two requests`,
        )
        expect(rows).toBe(2)
        child.kill('SIGTERM')
        const [code, signal] = await once(child, 'exit')
        expect({ code, signal }).not.toEqual({ code: null, signal: 'SIGKILL' })
      } finally {
        await pool.end()
      }
    },
    60_000,
  )
})
