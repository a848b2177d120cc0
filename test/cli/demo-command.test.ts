import { describe, expect, it } from 'vitest'
import { runCli } from '../helpers/run-cli.js'
import { tempDir } from '../helpers/temp-dir.js'

const cwd = tempDir()

describe('statgraph demo, behind npm start', () => {
  it('serves its traffic, records all of it and prints the dashboard address', async () => {
    const { code, stdout, stderr } = await runCli(['demo', '--once', '--port', '0'], { cwd })
    expect(code).toBe(0)
    // The address comes first, before the traffic is sent.
    expect(stdout.trim().split('\n')[0]).toMatch(/^Dashboard: http:\/\/localhost:\d+\/statistics$/)
    expect(stdout).toMatch(/wrote 9000 past requests/)
    expect(stdout).toMatch(/sent 3000 live requests; 3000 recorded/)
    const report = await runCli(['report', 'demo-statistics.db', '--json'], { cwd })
    const stats = JSON.parse(report.stdout) as { hits: number; exceptions: { count: number }[] }
    expect(stats.hits).toBe(12_000)
    // One line for each deliberate error of the live traffic, no stack.
    const lines = stderr
      .trim()
      .split('\n')
      .filter((line) => line !== '')
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.every((line) => line.startsWith('statgraph: the request handler threw: Error: report generator is out of paper'))).toBe(true)
    expect(lines.length).toBeLessThanOrEqual(stats.exceptions.reduce((sum, entry) => sum + entry.count, 0))
  }, 120_000)
})
