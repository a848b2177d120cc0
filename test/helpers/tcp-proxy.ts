import { once } from 'node:events'
import { createConnection, createServer, type Server, type Socket } from 'node:net'

/** A TCP proxy to a server that a test can cut (connections reset, new ones refused) and restore. */
export interface TcpProxy {
  port: number
  cut(): Promise<void>
  restore(): Promise<void>
  close(): Promise<void>
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>()
  let server: Server | undefined
  let port = 0
  const listen = async () => {
    const listening = createServer((client) => {
      const upstream = createConnection(target)
      for (const socket of [client, upstream]) {
        sockets.add(socket)
        socket.on('close', () => sockets.delete(socket))
        socket.on('error', () => socket.destroy())
      }
      client.pipe(upstream).pipe(client)
    })
    listening.listen(port, '127.0.0.1')
    await once(listening, 'listening')
    const address = listening.address()
    port = typeof address === 'object' && address !== null ? address.port : port
    server = listening
  }
  const cut = async () => {
    const closing = server
    server = undefined
    for (const socket of sockets) socket.destroy()
    if (closing !== undefined) await new Promise((resolve) => closing.close(resolve))
  }
  await listen()
  return { port, cut, restore: listen, close: cut }
}
