import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

/** The built command, as `npx statgraph` runs it (npm test builds it first). */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url))

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `statgraph …args` to its end, with `input` on stdin. */
export async function runCli(args: string[], options: { cwd?: string; input?: string | Buffer } = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  child.stdin.end(options.input ?? '')
  const [code] = (await once(child, 'close')) as [number | null]
  return { code, stdout, stderr }
}

/** Starts a long-running `statgraph …args` (serve) and resolves once it printed `ready`. */
export async function startCli(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
      const found = ready.exec(output)
      if (found !== null) resolve(found)
    })
    child.once('exit', (code) => reject(new Error(`statgraph ${args.join(' ')} exited with ${String(code)}: ${output}`)))
  })
  return { child, match }
}
