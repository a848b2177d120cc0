import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const app = fileURLToPath(new URL('../fixtures/instance-app.ts', import.meta.url))

/** An app instance (test/fixtures/instance-app.ts) in a Node process of its own. */
export interface InstanceProcess {
  url: string
  child: ChildProcess
  /** What the process wrote on stderr so far. */
  stderr(): string
  /** SIGTERM: statgraph flushes, the process exits; resolves with its exit code. */
  stop(): Promise<number | null>
}

/** Starts an instance writing to `database` / `table`; resolves once it listens. */
export async function startInstance(
  env: {
    DATABASE: string
    TABLE: string
    MAX_BUFFER?: string
    FLUSH_ON_EXIT?: '1'
    TRUST_PROXY?: '1'
    WRITE_TIMEOUT?: string
    INSTANCE?: string
    VERSION?: string
    RUNTIME_EVERY?: string
    SLOW_MS?: string
    ALERTS?: string
  },
  user?: { uid: number; gid: number },
  nodeOptions: readonly string[] = [],
): Promise<InstanceProcess> {
  const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', app], {
    ...user,
    cwd: root,
    env: { ...process.env, ...env, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let errors = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk
    process.stderr.write(chunk)
  })
  let output = ''
  child.stdout?.setEncoding('utf8')
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: string) => {
      output += chunk
      const match = /listening (\d+)/.exec(output)
      if (match?.[1] !== undefined) resolve(match[1])
    })
    child.once('exit', (code) => reject(new Error(`instance exited with ${String(code)} before listening`)))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    stderr: () => errors,
    async stop() {
      // Ended already, of itself or killed by a signal.
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
      child.kill('SIGTERM')
      const [code] = await once(child, 'exit')
      return code as number | null
    },
  }
}
