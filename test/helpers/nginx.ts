import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort } from './free-port.js'
import { poll } from './wait-for.js'
import { hasDebianBinary } from './debian-binary.js'

const NGINX = '/usr/sbin/nginx'

/** Whether Debian's nginx-light is here; under CI=true its absence fails the suite that needs it. */
export function hasNginx(suite: string): boolean {
  return hasDebianBinary(NGINX, 'nginx-light', suite)
}

/** A running nginx: where it listens, and how to stop it. */
export interface RunningNginx {
  port: number
  /** Makes nginx reopen its logs, as logrotate's postrotate does. */
  reopen(): void
  stop(): Promise<void>
}

/**
 * Starts nginx in the foreground as this user, everything in a folder of `dir`, serving `server`
 * (the body of a `server { }` block; `listen` is added) until `stop()`, which lets it finish what
 * it was doing (its logs are complete). `http`: more directives for the `http { }` block.
 */
export async function startNginx(dir: string, server: string, http = ''): Promise<RunningNginx> {
  const port = await freePort()
  const home = mkdtempSync(join(dir, 'nginx-'))
  const logs = join(home, 'logs')
  mkdirSync(logs)
  const config = join(home, 'nginx.conf')
  writeFileSync(
    config,
    `daemon off;
master_process off;
pid ${join(home, 'nginx.pid')};
error_log ${join(logs, 'error.log')};
events {}
http {
  access_log off;
  client_body_temp_path ${home}/body; proxy_temp_path ${home}/proxy; fastcgi_temp_path ${home}/fastcgi;
  uwsgi_temp_path ${home}/uwsgi; scgi_temp_path ${home}/scgi;
  ${http}
  server {
    listen 127.0.0.1:${port};
${server}
  }
}
`,
  )
  const nginx: ChildProcess = spawn(NGINX, ['-c', config, '-e', join(logs, 'error.log')], { stdio: 'inherit' })
  // Listening is enough: a request would reach what nginx serves (an app's recorder, say).
  const listening = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => resolve(socket.end() !== undefined)).on('error', () => resolve(false))
    })
  await poll(listening, (up) => up, 'nginx to listen')
  return {
    port,
    reopen() {
      nginx.kill('SIGUSR1')
    },
    async stop() {
      if (nginx.exitCode !== null) return
      nginx.kill('SIGQUIT')
      await once(nginx, 'exit')
    },
  }
}
