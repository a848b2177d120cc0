// One writer process of bench/ingest/ingest.ts: generates its share of a site's traffic, opens the
// engine, writes a warm-up of other requests (untimed), says `ready`, and on `go` writes its share — statgraph's batches of 5000 (raw rows, rollups and
// batch ids in one transaction each), or the raw rows alone as statgraph inserts them, or one
// committed INSERT per request (Flask-Statgraph's way) — then says `done`.
// Arguments: engine mode table writer writers records
import { parseArgs } from 'node:util'
import type { RequestRecord, Store } from 'statgraph'
import { pastRecords, seededRandom } from '../../src/cli/demo/traffic.js'
import { openEngine } from './ingest-engines.js'

const { positionals } = parseArgs({ allowPositionals: true })
const [engineName, mode, table, writerText, writersText, recordsText] = positionals as [string, string, string, string, string, string]
const writer = Number(writerText)
const writers = Number(writersText)
const total = Number(recordsText)
const BATCH = 5000

// The whole site's traffic (10 million requests a month, so `total` covers hours of it); this
// writer takes every `writers`-th request, as a load balancer would share them, so all writers
// fill the same buckets.
const now = Date.now()
const all = pastRecords(total, now - (total / 10_000_000) * 30 * 86_400_000, now, seededRandom(17))
const mine: RequestRecord[] = all.filter((_, i) => i % writers === writer)
const engine = await openEngine(engineName, table)
const store: Store = engine.store
await store.migrate()

async function write(records: readonly RequestRecord[], name: string): Promise<void> {
  if (mode === 'statgraph') {
    for (let i = 0; i < records.length; i += BATCH) await store.insertBatch(records.slice(i, i + BATCH), { id: `${name}:${process.pid}:${i}` })
  } else if (mode === 'raw') {
    for (let i = 0; i < records.length; i += BATCH) await engine.insertRaw(records.slice(i, i + BATCH))
  } else {
    for (const record of records) await engine.insertRaw([record])
  }
}

// Warm first, untimed, as a running app's writer is: JIT-compiled code, open connections.
const warmUp = pastRecords(mode === 'naive' ? 100 : 2 * BATCH, now - 7_200_000, now, seededRandom(100 + writer))
await write(warmUp, 'warm-up')

process.send?.('ready')
process.once('message', async () => {
  await write(mine, 'timed')
  process.send?.('done', () => {
    void engine
      .end()
      .then(() => store.close())
      .then(() => process.exit(0))
  })
})
