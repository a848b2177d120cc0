// One writer process of bench/ingest/ingest.ts: generates its share of a site's traffic, opens the
// engine, says `ready`, and on `go` writes it — statgraph's batches of 5000 (raw rows, rollups and
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

process.send?.('ready')
process.once('message', async () => {
  if (mode === 'statgraph') {
    for (let i = 0; i < mine.length; i += BATCH) await store.insertBatch(mine.slice(i, i + BATCH), { id: `${process.pid}:${i}` })
  } else if (mode === 'raw') {
    for (let i = 0; i < mine.length; i += BATCH) await engine.insertRaw(mine.slice(i, i + BATCH))
  } else {
    for (const record of mine) await engine.insertRaw([record])
  }
  process.send?.('done', () => {
    void engine.end().then(() => store.close()).then(() => process.exit(0))
  })
})
