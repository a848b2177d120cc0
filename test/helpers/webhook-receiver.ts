import { once } from 'node:events'
import { createServer, type Server } from 'node:http'

/** A local HTTP server standing in for a webhook: it keeps every JSON body POSTed to it, and can go down and come back on its port. */
export interface WebhookReceiver {
  url: string
  /** The bodies received, in order. */
  received: unknown[]
  /** Stops listening: connections are refused until {@link up}. */
  down(): Promise<void>
  up(): Promise<void>
  close(): Promise<void>
}

export async function webhookReceiver(): Promise<WebhookReceiver> {
  const received: unknown[] = []
  let server: Server
  let port = 0
  const listen = async () => {
    server = createServer((req, res) => {
      let body = ''
      req.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk
      })
      req.on('end', () => {
        received.push(JSON.parse(body))
        res.writeHead(204).end()
      })
    })
    server.listen(port, '127.0.0.1')
    await once(server, 'listening')
    port = (server.address() as { port: number }).port
  }
  const stop = async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
  await listen()
  return { url: `http://127.0.0.1:${port}/hook`, received, down: stop, up: listen, close: stop }
}
