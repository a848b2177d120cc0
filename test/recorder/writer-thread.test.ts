import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { RequestFacts } from '../../src/record/request-record.js'
import { type FactsPart, PackedFacts } from '../../src/recorder/packed-facts.js'
import { WriterThread } from '../../src/recorder/writer-thread.js'
import type { WriterReply, WriterRequest, WriterWorkerData } from '../../src/recorder/writer-worker.js'

const folders: string[] = []
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

function tempFile(): string {
  const folder = mkdtempSync(join(tmpdir(), 'statgraph-worker-writer-'))
  folders.push(folder)
  return join(folder, 'stats.db')
}

function facts(count: number, from = 0): RequestFacts[] {
  return Array.from({ length: count }, (_, i) => ({
    date: Date.UTC(2026, 10, 26, 12) + from + i,
    responseTime: 1.5,
    method: 'GET',
    url: `/items/${from + i}?q=1`,
    route: '/items/:id',
    status: 200,
    size: 10,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
    referrer: undefined,
    remoteAddress: '203.0.113.7',
    forwardedFor: undefined,
    contentType: 'text/plain; charset=utf-8',
    exception: null,
  }))
}

function packed(list: RequestFacts[]): PackedFacts {
  const batch = new PackedFacts()
  for (const item of list) batch.add(item)
  return batch
}

describe('WriterThread', () => {
  it('writes batches of any size, sent in parts, each once and in order', async () => {
    const file = tempFile()
    const writer = new WriterThread(WriterThread.file() as URL, { database: file, table: 'request', record: { trustProxy: false } })
    let sent = 0
    for (const [i, size] of [1, 500, 501, 1000, 2345].entries()) {
      await writer.write(packed(facts(size, sent)), `batch-${i}`)
      sent += size
    }
    // Sent again under its id (its first write's answer lost, say): skipped.
    await writer.write(packed(facts(1, 0)), 'batch-0')
    await writer.close()
    const db = new Database(file, { readonly: true })
    const paths = db.prepare('select path from request order by "index"').pluck().all()
    const [hits] = db.prepare("select sum(hits) from request_statgraph_cell where dim = 'all' and grain = ?").pluck().all(1) as number[]
    db.close()
    expect(paths).toEqual(Array.from({ length: sent }, (_, i) => `/items/${i}`))
    expect(hits).toBe(sent)
  })

  it('refuses a batch whose earlier parts it never got (they died with a worker before it), writing none of it, and goes on', async () => {
    const file = tempFile()
    const script = new URL('../../src/recorder/writer-worker.ts', import.meta.url).href
    const workerData: WriterWorkerData = { database: file, table: 'request', record: { trustProxy: false } }
    const worker = new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(script)}) })`, { eval: true, workerData })
    try {
      worker.postMessage({ id: 1, batch: packed(facts(3)).parts[0] as FactsPart, parts: 2, batchId: 'a' } satisfies WriterRequest)
      const [reply] = (await once(worker, 'message')) as [WriterReply]
      expect(reply).toEqual({ id: 1, error: "statgraph: the writer thread got 0 of the batch's 2 parts; the batch is sent again" })
      // The worker goes on: the next whole batch is written, and only it.
      worker.postMessage({ id: 2, batch: packed(facts(2, 100)).parts[0] as FactsPart, parts: 0, batchId: 'b' } satisfies WriterRequest)
      expect(await once(worker, 'message')).toEqual([{ id: 2 }])
      worker.postMessage({ id: 3, close: true } satisfies WriterRequest)
      await once(worker, 'message')
    } finally {
      await worker.terminate()
    }
    const db = new Database(file, { readonly: true })
    expect(db.prepare('select path from request').pluck().all()).toEqual(['/items/100', '/items/101'])
    db.close()
  })
})
