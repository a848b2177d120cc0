import { once } from 'node:events'
import { createServer } from 'node:net'

/** A TCP port on loopback that was free a moment ago, for a server the test starts elsewhere. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  return port
}
