import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import type { RecorderCounts } from '../../../src/recorder/recorder.js'
import { type InstanceProcess, startInstance } from '../../helpers/instance-process.js'
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js'
import { serverUrl, storeTables } from '../../helpers/test-databases.js'
import { poll } from '../../helpers/wait-for.js'

const url = serverUrl('STATGRAPH_TEST_POSTGRES_URL')
const table = `sg_outage_${process.pid}`
const MAX_BUFFER = 300
const OUTAGE_MS = 11_000

let proxy: TcpProxy | undefined
let instance: InstanceProcess | undefined
afterAll(async () => {
  await instance?.stop()
  await proxy?.close()
})

describe.skipIf(url === undefined)('a PostgreSQL outage while the app serves traffic', () => {
  it('fails no request, keeps at most its buffer, and after recovery has every request it did not count as dropped', async () => {
    const server = new URL(url as string)
    proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) })
    const proxied = new URL(server)
    proxied.host = `127.0.0.1:${proxy.port}`
    instance = await startInstance({ DATABASE: proxied.href, TABLE: table, MAX_BUFFER: String(MAX_BUFFER) })
    const app = instance.url

    let sent = 0
    const failures: string[] = []
    const send = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const n = sent++
        const response = await fetch(`${app}/hit/${n}`)
        if ((await response.text()) !== `hit ${n}` || response.status !== 200) failures.push(`${n}: ${response.status}`)
      }
    }
    const counts = async () => (await (await fetch(`${app}/recorder`)).json()) as RecorderCounts

    await send(200)
    await poll(counts, (c) => c.buffered === 0 && c.written === 200, 'the first requests to be written')

    // Short cuts under load first: connections die while checked out, in the middle of a write.
    for (let i = 0; i < 20; i++) {
      const sending = send(40)
      await new Promise((resolve) => setTimeout(resolve, 150))
      await proxy.cut()
      await sending
      await proxy.restore()
    }

    await proxy.cut()
    const outageEnds = Date.now() + OUTAGE_MS
    const buffered: number[] = []
    while (Date.now() < outageEnds) {
      await send(50)
      buffered.push((await counts()).buffered)
    }
    const during = await counts()
    await proxy.restore()
    // Within its backoff (at most 5 s), the recorder writes what it kept, then records as before.
    await poll(counts, (c) => c.buffered === 0, 'the recorder to write what it kept', 60_000)
    await send(200)
    const after = await poll(counts, (c) => c.buffered === 0 && c.written + c.dropped === sent, 'the recorder to catch up', 60_000)

    expect(failures).toEqual([])
    // Far more requests than the buffer holds arrived during the outage: the rest were dropped, counted.
    expect(Math.max(...buffered)).toBeLessThanOrEqual(MAX_BUFFER)
    expect(during.failedWrites).toBeGreaterThan(1)
    expect(during.dropped).toBeGreaterThan(0)
    expect(after.written).toBe(sent - after.dropped)

    const pool = new pg.Pool({ connectionString: url })
    try {
      const { rows } = await pool.query(`select count(*)::int as n, count(distinct path)::int as paths from ${table}`)
      expect(rows[0]).toEqual({ n: sent - after.dropped, paths: sent - after.dropped })
      // The first requests and the last ones, after recovery, are all there.
      const { rows: ends } = await pool.query(`select count(*)::int as n from ${table} where path = any($1)`, [
        [...Array.from({ length: 200 }, (_, i) => `/hit/${i}`), ...Array.from({ length: 200 }, (_, i) => `/hit/${sent - 1 - i}`)],
      ])
      expect(ends[0].n).toBe(400)
    } finally {
      await instance.stop()
      for (const name of storeTables(table)) await pool.query(`drop table if exists ${name}`)
      await pool.end()
    }
  }, 120_000)
})
