// `statgraph import` speed: a generated access log of N lines in nginx's combined format with
// $request_time, imported into a fresh SQLite file by the real command (its own process). Baselines
// in the same run: reading the lines alone, and parsing them without writing. Prints lines/s. Then the
// log grows by a tenth and is imported again: the time against the first import.
// Usage: npm run bench:import [-- --lines 1000000]
import { spawnSync } from 'node:child_process'
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { parseAccessLine } from '../src/cli/import/access-log.js'
import { toRequestRecord } from '../src/record/to-request-record.js'
import { pastRecords, seededRandom } from '../src/cli/demo/traffic.js'

const { values } = parseArgs({ options: { lines: { type: 'string', default: '1000000' } } })
const lines = Number(values.lines)
const dir = mkdtempSync(join(tmpdir(), 'statgraph-import-'))
const log = join(dir, 'access.log')
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function logTime(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`
}

async function timed(run: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint()
  await run()
  return Number(process.hrtime.bigint() - start) / 1e9
}

/** Appends `count` log lines of the last 30 days (in date order) to the log. */
async function writeLines(count: number, random: () => number): Promise<void> {
  const out = createWriteStream(log, { flags: 'a' })
  const now = Date.now()
  for (let done = 0; done < count; done += 50_000) {
    const chunk = pastRecords(Math.min(50_000, count - done), now - 30 * 86_400_000, now, random)
      .sort((a, b) => a.date - b.date)
      .map(
        (r) =>
          `${r.remote_address} - - [${logTime(r.date)}] "${r.method} ${r.path} HTTP/1.1" ${r.status_code} ${r.size} "${r.referrer ?? '-'}" "${r.user_agent}" ${((r.response_time ?? 0) / 1000).toFixed(3)}\n`,
      )
      .join('')
    if (!out.write(chunk)) await once(out, 'drain')
  }
  out.end()
  await once(out, 'close')
}

try {
  const random = seededRandom(7)
  await writeLines(lines, random)

  const read = await timed(async () => {
    for await (const _line of createInterface({ input: createReadStream(log), crlfDelay: Number.POSITIVE_INFINITY }));
  })
  let parsed = 0
  const parse = await timed(async () => {
    for await (const line of createInterface({ input: createReadStream(log), crlfDelay: Number.POSITIVE_INFINITY })) {
      const facts = parseAccessLine(line, 'combined')
      if (facts !== undefined && toRequestRecord(facts, { trustProxy: false })) parsed++
    }
  })
  const cli = new URL('../dist/cli.js', import.meta.url).pathname
  let output = ''
  const runImport = () =>
    timed(async () => {
      const result = spawnSync(process.execPath, [cli, 'import', log, '--database', join(dir, 'imported.db')], { encoding: 'utf8' })
      output = result.stdout + result.stderr
      if (result.status !== 0) throw new Error(`import failed: ${output}`)
    })
  const full = await runImport()
  console.log(`import: ${lines} lines (${parsed} parsed); ${output.trim()}`)
  console.log(`read lines only:        ${Math.round(lines / read)} lines/s`)
  console.log(`parse, no writes:       ${Math.round(lines / parse)} lines/s`)
  console.log(`statgraph import:       ${Math.round(lines / full)} lines/s (whole command, SQLite, process start included)`)
  console.log(`import speed / parse-only speed: ${(parse / full).toFixed(2)}`)
  // The log grows by a tenth: the next import rereads and hashes the old lines, imports the new.
  await writeLines(Math.round(lines / 10), random)
  const grown = await runImport()
  console.log(`re-import after 10% growth: ${output.trim()}`)
  console.log(`re-import time / first import time: ${(grown / full).toFixed(2)} (reading only the new tenth would be 0.10)`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
