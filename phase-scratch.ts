import { PostgresStore, MysqlStore, SqliteStore } from './src/index.js'
import { pastRecords, seededRandom } from './src/cli/demo/traffic.js'
const engine = process.argv[2]
const store = engine === 'pg' ? new PostgresStore({ database: 'postgres://postgres@127.0.0.1:5432/test', table: 'sg_phase' }) : engine === 'my' ? new MysqlStore({ database: 'mysql://root@127.0.0.1:3306/test', table: 'sg_phase' }) : new SqliteStore({ database: '/tmp/phase.db', table: 'sg_phase' })
await store.migrate()
const now = Date.now()
const all = pastRecords(30000, now - (30000 / 10_000_000) * 30 * 86_400_000, now, seededRandom(17))
const t0 = performance.now()
for (let i = 0; i < all.length; i += 5000) await store.insertBatch(all.slice(i, i + 5000))
console.log('total ms', (performance.now() - t0).toFixed(0), 'rec/s', (30000 / ((performance.now() - t0) / 1000)).toFixed(0))
await store.pruneRollups(now + 86400000); await store.prune(now + 86400000)
await store.close()
