import { type FileHandle, open, readdir, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { StatgraphError } from '../../errors/statgraph-error.js'
import type { Store } from '../../store/store.js'
import type { LogFormat } from './access-log.js'
import { importLog } from './import-command.js'
import { importedStart } from './imported-start.js'
import { LineSplitter } from './line-splitter.js'
import { type ImportResult, LogImport } from './log-import.js'

export interface FollowOptions {
  /** How often the log is looked at, in ms. Default 250. */
  pollMs?: number
  /** How long a rotated-away file is still read after it last grew (a writer reopens its log late). Default 5000. */
  graceMs?: number
  /** Where rotations and copies read are told. */
  log?: (message: string) => void
}

const CHUNK = 1 << 20

/** One open file of the followed log: the current one, or one rotated away and still read. */
interface Tail {
  handle: FileHandle
  ino: number
  /** Bytes given to the splitter. */
  read: number
  splitter: LineSplitter
  /** The import of its lines, once its first line is there. */
  run: LogImport | undefined
  /** Its first line's bytes: the file no longer beginning with them means it was truncated. */
  head: Buffer | undefined
  /** Lines read that were imported before, still to skip. */
  skip: number
  grewAt: number
}

/**
 * `statgraph import --follow`: reads a log as it grows, as `tail -F` does, through its rotations.
 * Renamed away (logrotate's default), the old file is read to its end, and for `graceMs` more while
 * the writer may still write to it; truncated (`copytruncate`), it is read again from its start,
 * and the lines written before the truncation that were not read yet from the copy beside it (see
 * `#readCopies`). Each poll's lines are committed with the import ledger, so a follower stopped and
 * started again, or an import of the rotated files afterwards, reads only what it did not.
 */
export class LogFollower {
  readonly #store: Store
  readonly #format: LogFormat
  readonly #path: string
  readonly #pollMs: number
  readonly #graceMs: number
  readonly #log: (message: string) => void
  #current: Tail | undefined
  #rotated: Tail[] = []
  readonly #runs: LogImport[] = []
  readonly #copies: ImportResult[] = []
  readonly #startedAt = Date.now()

  constructor(store: Store, format: LogFormat, path: string, options: FollowOptions = {}) {
    this.#store = store
    this.#format = format
    this.#path = path
    this.#pollMs = options.pollMs ?? 250
    this.#graceMs = options.graceMs ?? 5000
    this.#log = options.log ?? (() => undefined)
  }

  /** Requests imported, and lines found malformed, so far. */
  get totals(): { imported: number; malformed: number } {
    const results = [...this.#runs.map((run) => run.result), ...this.#copies]
    return {
      imported: results.reduce((sum, result) => sum + result.imported, 0),
      malformed: results.reduce((sum, result) => sum + result.malformed, 0),
    }
  }

  /**
   * Follows until `signal` aborts, then reads what is there one last time. A look that fails (the
   * database away) is told once and tried again at the next: what it read waits, unwritten.
   */
  async run(signal: AbortSignal): Promise<void> {
    let failing = false
    while (!signal.aborted) {
      try {
        await this.poll()
        if (failing) this.#log(`reading ${this.#path} works again`)
        failing = false
      } catch (error) {
        if (!failing) this.#log(`reading ${this.#path} failed (${error instanceof Error ? error.message : String(error)}); trying again`)
        failing = true
      }
      await sleep(this.#pollMs, undefined, { signal }).catch(() => undefined)
    }
    await this.poll()
    await this.close()
  }

  /** Reads and records every complete line written since the last poll. */
  async poll(): Promise<void> {
    const now = Date.now()
    for (const tail of [...this.#rotated]) {
      if ((await this.#read(tail)) || now - tail.grewAt < this.#graceMs) continue
      this.#rotated.splice(this.#rotated.indexOf(tail), 1)
      await tail.handle.close()
    }
    let rotated = false
    const info = await stat(this.#path).catch(() => undefined)
    if (this.#current !== undefined && this.#current.ino !== info?.ino) {
      this.#log(`${this.#path} was rotated; reading the rest of the old file`)
      this.#rotated.push(this.#current)
      this.#current = undefined
      rotated = true
    }
    if (info !== undefined) this.#current ??= await this.#open()
    if (this.#current !== undefined && (await this.#truncated(this.#current))) {
      this.#log(`${this.#path} was truncated; reading it again from its start`)
      await this.#flush(this.#current)
      restart(this.#current)
      rotated = true
    }
    if (rotated) await this.#readCopies()
    if (this.#current !== undefined) await this.#read(this.#current)
  }

  async close(): Promise<void> {
    for (const tail of [...this.#rotated, this.#current]) await tail?.handle.close()
    this.#rotated = []
    this.#current = undefined
  }

  async #open(): Promise<Tail | undefined> {
    const handle = await open(this.#path).catch(() => undefined)
    if (handle === undefined) return undefined
    const { ino } = await handle.stat()
    return { handle, ino, read: 0, splitter: new LineSplitter(), run: undefined, head: undefined, skip: 0, grewAt: Date.now() }
  }

  /** Whether the file is shorter than what was read, or begins otherwise than it did. */
  async #truncated(tail: Tail): Promise<boolean> {
    const { size } = await tail.handle.stat()
    if (size < tail.read) return true
    if (tail.head === undefined) return false
    const { buffer, bytesRead } = await tail.handle.read(Buffer.alloc(tail.head.length), 0, tail.head.length, 0)
    return bytesRead < tail.head.length || !buffer.equals(tail.head)
  }

  /**
   * After a rotation: the files beside the log (`access.log.1`, `access.log-20261130`, gzipped or
   * not) written since following began, but for those still read, are imported — each line once.
   * They hold what was written between two looks and rotated away before the second: the lines
   * before a `copytruncate`, or a whole file when the log rotated twice.
   */
  async #readCopies(): Promise<void> {
    const folder = dirname(this.#path)
    const name = basename(this.#path)
    const held = new Set([...this.#rotated, this.#current].map((tail) => tail?.ino))
    for (const sibling of await readdir(folder)) {
      if (sibling === name || !sibling.startsWith(name)) continue
      const file = join(folder, sibling)
      const info = await stat(file).catch(() => undefined)
      if (info === undefined || !info.isFile() || held.has(info.ino) || info.mtimeMs < this.#startedAt - 1000) continue
      const copy = await importLog(this.#store, file, this.#format)
      if (copy.imported === 0) continue
      this.#copies.push(copy)
      this.#log(`read ${copy.imported} requests from ${sibling}, written before the log rotated`)
    }
  }

  /** Reads what the file has past what was read; whether it grew. */
  async #read(tail: Tail): Promise<boolean> {
    const { size } = await tail.handle.stat()
    if (size <= tail.read) {
      // Lines read before a failed write are written now.
      await this.#flush(tail)
      return false
    }
    if (tail.run === undefined && !(await this.#begin(tail))) return false
    while (tail.read < size) {
      const { buffer, bytesRead } = await tail.handle.read(Buffer.alloc(Math.min(CHUNK, size - tail.read)), 0, Math.min(CHUNK, size - tail.read), tail.read)
      if (bytesRead === 0) break
      tail.read += bytesRead
      for (const line of tail.splitter.push(buffer.subarray(0, bytesRead))) {
        tail.head ??= Buffer.from(line)
        if (tail.skip > 0) tail.skip--
        else if (!(await this.#step(tail, () => tail.run?.add(line)))) return true
      }
    }
    await this.#flush(tail)
    tail.grewAt = Date.now()
    return true
  }

  async #flush(tail: Tail): Promise<void> {
    await this.#step(tail, () => tail.run?.flush())
  }

  /**
   * Runs a write of `tail`'s; false when another import (of a copy) wrote its lines first: its
   * batch was rolled back, and it is read again from where the ledger now stands.
   */
  async #step(tail: Tail, write: () => Promise<void> | undefined): Promise<boolean> {
    try {
      await write()
      return true
    } catch (error) {
      if (!(error instanceof StatgraphError && error.code === 'STATGRAPH_IMPORT_CONFLICT')) throw error
      this.#log(`another import read ${this.#path} too; reading on from where it left off`)
      restart(tail)
      return false
    }
  }

  /** Finds where the file's content was imported up to, once it has a first line; whether it has one. */
  async #begin(tail: Tail): Promise<boolean> {
    const start = await importedStart(this.#store, fileLines(tail.handle))
    if (start.head === undefined) return false
    tail.run = new LogImport(this.#store, this.#format, this.#path, start)
    tail.skip = start.lines
    this.#runs.push(tail.run)
    return true
  }
}

/** Makes `tail` read its file again from the start, skipping what the ledger has. */
function restart(tail: Tail): void {
  Object.assign(tail, { read: 0, splitter: new LineSplitter(), run: undefined, head: undefined, skip: 0 })
}

/**
 * The lines a file has now, read through its handle, the last one even without its end: an import
 * without `--follow` read such a line, and the follower must find where that import left off.
 */
async function* fileLines(handle: FileHandle): AsyncGenerator<Buffer> {
  const { size } = await handle.stat()
  const splitter = new LineSplitter()
  for (let position = 0; position < size; ) {
    const length = Math.min(CHUNK, size - position)
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, position)
    if (bytesRead === 0) return
    position += bytesRead
    yield* splitter.push(buffer.subarray(0, bytesRead))
  }
  if (splitter.unfinished.length > 0) yield splitter.unfinished
}
