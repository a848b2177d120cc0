import { once } from 'node:events'
import { createConnection, createServer, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy to a database server that a test can break: cut (connections reset, new ones
 * refused) and restore, lose the answer to a COMMIT the server carried out, or hold a connection
 * silent in the middle of a transaction.
 */
export interface TcpProxy {
  port: number
  cut(): Promise<void>
  restore(): Promise<void>
  close(): Promise<void>
  /**
   * The next COMMIT a client sends reaches the server, which carries it out, but its answer never
   * comes back: the connection is cut once the server has had it. Resolves when that is done.
   */
  loseNextCommitAnswer(): Promise<void>
  /**
   * The next statement whose text contains `marker`, and everything after it on that connection,
   * both ways, are held for `ms`, then let through (or the connection closed, if an end closed it
   * meanwhile). Resolves when the hold starts; `released` when it ends.
   */
  holdConnection(marker: string, ms: number): Promise<{ released: Promise<void> }>
}

/** One proxied connection, and what is held back from each end. */
interface Link {
  client: Socket
  upstream: Socket
  held: { toServer: Buffer[]; toClient: Buffer[] } | undefined
  closing: boolean
}

const COMMIT = /\bcommit\b/i

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const links = new Set<Link>()
  let server: Server | undefined
  let port = 0
  let onCommit: (() => void) | undefined
  let onMarker: { marker: string; ms: number; started: (released: Promise<void>) => void } | undefined

  const close = (link: Link) => {
    link.client.destroy()
    link.upstream.destroy()
    links.delete(link)
  }
  const fromClient = (link: Link, chunk: Buffer) => {
    if (link.held !== undefined) return void link.held.toServer.push(chunk)
    const text = chunk.toString('latin1')
    const hold = onMarker
    if (hold !== undefined && text.includes(hold.marker)) {
      onMarker = undefined
      link.held = { toServer: [chunk], toClient: [] }
      const released = new Promise<void>((resolve) =>
        setTimeout(() => {
          const held = link.held
          link.held = undefined
          if (link.closing || held === undefined) close(link)
          else {
            for (const part of held.toServer) link.upstream.write(part)
            for (const part of held.toClient) link.client.write(part)
          }
          resolve()
        }, hold.ms),
      )
      hold.started(released)
      return
    }
    link.upstream.write(chunk)
    const lose = onCommit
    if (lose !== undefined && COMMIT.test(text)) {
      onCommit = undefined
      // Whatever the server answers is dropped; once it has surely had the COMMIT, the line is cut.
      link.held = { toServer: [], toClient: [] }
      setTimeout(() => {
        close(link)
        lose()
      }, 300)
    }
  }
  const fromServer = (link: Link, chunk: Buffer) => {
    if (link.held !== undefined) link.held.toClient.push(chunk)
    else link.client.write(chunk)
  }

  const listen = async () => {
    const listening = createServer((client) => {
      const upstream = createConnection(target)
      const link: Link = { client, upstream, held: undefined, closing: false }
      links.add(link)
      client.on('data', (chunk: Buffer) => fromClient(link, chunk))
      upstream.on('data', (chunk: Buffer) => fromServer(link, chunk))
      for (const socket of [client, upstream]) {
        socket.on('error', () => socket.destroy())
        // An end that closes while the link is held stays unseen by the other end until the hold ends.
        socket.on('close', () => {
          if (link.held !== undefined) link.closing = true
          else close(link)
        })
      }
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
    for (const link of [...links]) close(link)
    if (closing !== undefined) await new Promise((resolve) => closing.close(resolve))
  }
  await listen()
  return {
    port,
    cut,
    restore: listen,
    close: cut,
    loseNextCommitAnswer: () => new Promise<void>((resolve) => (onCommit = resolve)),
    holdConnection: (marker, ms) => new Promise((resolve) => (onMarker = { marker, ms, started: (released) => resolve({ released }) })),
  }
}
