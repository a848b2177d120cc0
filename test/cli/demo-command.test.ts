import { describe, expect, it } from 'vitest'
import { runCli } from '../helpers/run-cli.js'
import { tempDir } from '../helpers/temp-dir.js'

const cwd = tempDir()

describe('statgraph demo, behind npm start', () => {
  it('serves its traffic, records all of it and prints the dashboard address', async () => {
    const { code, stdout } = await runCli(['demo', '--once', '--port', '0'], { cwd })
    expect(code).toBe(0)
    expect(stdout).toMatch(/wrote 9000 past requests/)
    expect(stdout).toMatch(/sent 3000 live requests; 3000 recorded/)
    expect(stdout).toMatch(/Dashboard: http:\/\/localhost:\d+\/statistics/)
    const report = await runCli(['report', 'demo-statistics.db', '--json'], { cwd })
    expect((JSON.parse(report.stdout) as { hits: number }).hits).toBe(12_000)
  }, 120_000)
})
