import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { LineSplitter } from './line-splitter.js'

/**
 * The lines of a log file, gunzipped if it is compressed (by its magic bytes, whatever its name), or
 * of stdin for `-`. A last line without a line end is read too: nginx and Apache write each line
 * whole, so it is one a program wrote without its end (`--follow`, reading a live file, waits for it).
 */
export async function* logLines(source: string): AsyncGenerator<Buffer> {
  const compressed = source !== '-' && (await isGzip(source))
  const raw: Readable = source === '-' ? process.stdin : createReadStream(source)
  const input = compressed ? raw.pipe(createGunzip()) : raw
  const splitter = new LineSplitter()
  for await (const chunk of input) yield* splitter.push(chunk as Buffer)
  if (splitter.unfinished.length > 0) yield splitter.unfinished
}

/** Gzip by its magic bytes. */
async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file)
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0)
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b
  } finally {
    await handle.close()
  }
}
