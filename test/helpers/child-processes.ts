import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { afterEach } from 'vitest'

/** A list to push started processes to: each still running after a test is stopped, and waited for. */
export function killedAfterEach(): ChildProcess[] {
  const children: ChildProcess[] = []
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode !== null || child.signalCode !== null) continue
      const exited = once(child, 'exit')
      // SIGTERM first: tsx's CLI passes it on to the app it runs, where SIGKILL would leave that app
      // running, holding the test worker's stderr open, and vitest waiting for it at the end.
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    }
  })
  return children
}
