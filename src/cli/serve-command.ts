import { CONSOLE_LOGGER } from '../log/logger.js'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { sendWebResponse, toWebRequest } from '../dashboard/web-bridge.js'
import { createDashboard } from '../dashboard/dashboard.js'
import { CliError, EXIT } from './cli-error.js'
import { type DatabaseArgs, databaseName, openCliStore } from './open-cli-store.js'

export interface ServeOptions extends DatabaseArgs {
  port: string
  host: string
  auth?: string | undefined
  days: string
}

const PREFIX = '/statistics'

/** The dashboard alone, over any statgraph database; resolves once it listens, with its server. */
export async function serveCommand(database: string, options: ServeOptions): Promise<Server> {
  const port = Number(options.port)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError(`--port must be a port number, not "${options.port}"`, EXIT.usage)
  const auth = options.auth === undefined ? undefined : credentials(options.auth)
  const store = await openCliStore(database, options, 'existing')
  const dashboard = createDashboard({ store, prefix: PREFIX, defaultDateSpan: Number(options.days), access: 'open', auth })
  const server = createServer((req, res) => {
    const url = req.url ?? '/'
    if (!url.startsWith(PREFIX)) {
      res.writeHead(302, { location: PREFIX })
      res.end()
      return
    }
    dashboard(toWebRequest(req, url))
      .then((response) => sendWebResponse(response, res, CONSOLE_LOGGER))
      .catch(() => {
        res.statusCode = 500
        res.end()
      })
  })
  server.listen(port, options.host)
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', (error) => reject(new CliError(`cannot listen on ${options.host}:${port}: ${error.message}`)))
  })
  server.on('close', () => void store.close())
  const { port: bound } = server.address() as AddressInfo
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  console.log(`statgraph: the dashboard for ${databaseName(database)} is at http://${host}:${bound}${PREFIX}${auth === undefined ? '' : ' (basic auth)'}`)
  return server
}

function credentials(text: string): { username: string; password: string } {
  const colon = text.indexOf(':')
  if (colon < 1 || colon === text.length - 1) throw new CliError('--auth must be user:password', EXIT.usage)
  return { username: text.slice(0, colon), password: text.slice(colon + 1) }
}
