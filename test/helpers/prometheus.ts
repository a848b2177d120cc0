import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from './free-port.js'
import { poll } from './wait-for.js'
import { hasDebianBinary } from './debian-binary.js'

const PROMETHEUS = '/usr/bin/prometheus'

/** Whether Debian's prometheus is here; under CI=true its absence fails the suite that needs it. */
export function hasPrometheus(suite: string): boolean {
  return hasDebianBinary(PROMETHEUS, 'prometheus', suite)
}

/** One series of an instant query's answer: its labels and value. */
interface Sample {
  metric: Record<string, string>
  value: number
}

export interface RunningPrometheus {
  /** Evaluates `query` at `time` (seconds since the epoch; default now). */
  query(query: string, time?: number): Promise<Sample[]>
  /** A range vector `query` (`metric[5m]`) at `time`: each series' samples, [seconds, value]. */
  matrix(query: string, time?: number): Promise<{ metric: Record<string, string>; values: [number, number][] }[]>
  /** When the target was last scraped successfully, seconds since the epoch (0 before the first). */
  lastScrape(): Promise<number>
  stop(): Promise<void>
}

/** Starts Prometheus, its data in a folder of `dir`, scraping `target` (`host:port`) at `path` every second. */
export async function startPrometheus(dir: string, target: string, path: string): Promise<RunningPrometheus> {
  const port = await freePort()
  const home = mkdtempSync(join(dir, 'prometheus-'))
  const config = join(home, 'prometheus.yml')
  writeFileSync(
    config,
    [
      'global:',
      '  scrape_interval: 1s',
      'scrape_configs:',
      '  - job_name: app',
      `    metrics_path: ${path}`,
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n'),
  )
  const child = spawn(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${join(home, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let log = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    log += chunk
  })
  const base = `http://127.0.0.1:${port}`
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${base}${path}`)
    const body = (await response.json()) as { status: string; data: T; error?: string }
    if (body.status !== 'success') throw new Error(`prometheus: ${body.error ?? response.status}`)
    return body.data
  }
  await poll(
    () =>
      fetch(`${base}/-/ready`).then(
        (response) => response.ok,
        () => false,
      ),
    (ready) => ready || child.exitCode !== null,
    'prometheus to be ready',
  )
  if (child.exitCode !== null) throw new Error(`prometheus exited: ${log}`)
  return {
    async query(query, time) {
      const at = time === undefined ? '' : `&time=${time}`
      const data = await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent(query)}${at}`)
      return data.result.map((series) => ({ metric: series.metric, value: Number(series.value[1]) }))
    },
    async matrix(query, time) {
      const at = time === undefined ? '' : `&time=${time}`
      const data = await api<{ result: { metric: Record<string, string>; values: [number, string][] }[] }>(
        `/api/v1/query?query=${encodeURIComponent(query)}${at}`,
      )
      return data.result.map((series) => ({ metric: series.metric, values: series.values.map(([when, value]) => [when, Number(value)] as [number, number]) }))
    },
    async lastScrape() {
      const data = await api<{ activeTargets: { health: string; lastScrape: string }[] }>('/api/v1/targets')
      const found = data.activeTargets[0]
      return found === undefined || found.health !== 'up' ? 0 : Date.parse(found.lastScrape) / 1000
    },
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await once(child, 'exit')
    },
  }
}
