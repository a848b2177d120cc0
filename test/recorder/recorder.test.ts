import { describe, expect, it } from 'vitest'
import { type BatchFormat, Recorder } from '../../src/recorder/recorder.js'
import { waitFor } from '../helpers/wait-for.js'

const quiet = { onWriteError: () => {}, onRecovered: () => {} }

/** A writer that stores batches, and fails while `down` is true. */
function sink() {
  const state = { down: false, written: [] as number[], batches: 0, attempts: 0, attemptTimes: [] as number[] }
  const write = async (batch: number[]) => {
    state.attempts++
    state.attemptTimes.push(Date.now())
    if (state.down) throw new Error('database unreachable')
    state.batches++
    state.written.push(...batch)
  }
  return { state, write }
}

describe('Recorder', () => {
  it('writes nothing on push and everything on flush, in order', async () => {
    const { state, write } = sink()
    const recorder = new Recorder<number>({ write, flushInterval: 60_000, ...quiet })
    for (let i = 0; i < 10; i++) recorder.push(i)
    expect(state.attempts).toBe(0)
    await recorder.flush()
    expect(state.written).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(recorder.counts()).toMatchObject({ buffered: 0, written: 10, dropped: 0 })
    await recorder.close()
  })

  it('writes on its own when a batch fills up and when the timer fires', async () => {
    const { state, write } = sink()
    const bySize = new Recorder<number>({ write, batchSize: 5, flushInterval: 60_000, ...quiet })
    for (let i = 0; i < 5; i++) bySize.push(i)
    await waitFor(() => state.written.length === 5, 'the size-triggered write')
    expect(state.written).toEqual([0, 1, 2, 3, 4])
    await bySize.close()

    const timed = sink()
    const byTimer = new Recorder<number>({ write: timed.write, batchSize: 1000, flushInterval: 20, ...quiet })
    byTimer.push(1)
    await waitFor(() => timed.state.written.length === 1, 'the timed write')
    expect(timed.state.written).toEqual([1])
    await byTimer.close()
  })

  it('writes a batch that filled up during a write as soon as that write ends, not at the next timer', async () => {
    const batches: number[][] = []
    let release = () => {}
    const write = (batch: number[]) => {
      batches.push(batch)
      return batches.length === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve()
    }
    const recorder = new Recorder<number>({ write, batchSize: 2, flushInterval: 60_000, ...quiet })
    recorder.push(1)
    recorder.push(2)
    await waitFor(() => batches.length === 1, 'the first write')
    for (let i = 3; i <= 5; i++) recorder.push(i)
    // The size trigger fires while the first write is still out.
    await new Promise(setImmediate)
    release()
    await waitFor(() => batches.length === 2, 'the write of the batch that filled up meanwhile')
    expect(batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ])
    await recorder.close()
  })

  it('drops and counts what does not fit, never growing past its bound', async () => {
    const { write } = sink()
    const recorder = new Recorder<number>({ write, maxBuffer: 100, batchSize: 1000, flushInterval: 60_000, ...quiet })
    for (let i = 0; i < 250; i++) recorder.push(i)
    expect(recorder.counts()).toMatchObject({ buffered: 100, dropped: 150 })
    await recorder.close()
    expect(recorder.counts()).toMatchObject({ written: 100, dropped: 150 })
  })

  it('keeps a failed batch, retries with backoff, and loses nothing it did not count as dropped', async () => {
    const { state, write } = sink()
    const errors: unknown[] = []
    let recovered = 0
    const recorder = new Recorder<number>({
      write,
      maxBuffer: 50,
      batchSize: 10,
      flushInterval: 10,
      retryDelay: { min: 10, max: 40 },
      onWriteError: (error) => errors.push(error),
      onRecovered: () => recovered++,
    })
    state.down = true
    for (let i = 0; i < 80; i++) recorder.push(i)
    await waitFor(() => recorder.counts().failedWrites >= 5, 'five failed writes')
    const during = recorder.counts()
    expect(during.buffered).toBe(50)
    expect(during.dropped).toBe(30)
    expect(errors).toHaveLength(1)
    // Backoff: the waits between attempts double from 10 ms up to the 40 ms ceiling.
    const gaps = state.attemptTimes.slice(1, 5).map((time, i) => time - (state.attemptTimes[i] as number))
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(Math.min(40, 10 * 2 ** i) - 2))

    state.down = false
    await waitFor(() => recovered === 1, 'the recovery')
    expect(state.written).toEqual(Array.from({ length: 50 }, (_, i) => i))
    expect(recorder.counts()).toMatchObject({ buffered: 0, written: 50, dropped: 30 })
    await recorder.close()
  })

  it('rejects flush while the writer fails, keeping the items for the next try', async () => {
    const { state, write } = sink()
    const recorder = new Recorder<number>({ write, flushInterval: 60_000, ...quiet })
    state.down = true
    recorder.push(1)
    await expect(recorder.flush()).rejects.toThrow('database unreachable')
    expect(recorder.counts().buffered).toBe(1)
    state.down = false
    await recorder.flush()
    expect(state.written).toEqual([1])
    await recorder.close()
  })

  it('close() writes everything and refuses pushes afterwards, counting them', async () => {
    const { state, write } = sink()
    const recorder = new Recorder<number>({ write, batchSize: 7, flushInterval: 5, ...quiet })
    for (let i = 0; i < 1000; i++) recorder.push(i)
    await recorder.close()
    expect(state.written).toHaveLength(1000)
    expect(new Set(state.written).size).toBe(1000)
    recorder.push(1)
    expect(recorder.counts().dropped).toBe(1)
  })

  it('holds items in the batch format it is given, writing a failed batch again whole, with its id, ahead of newer items', async () => {
    // Batches as text: each item a letter.
    const format: BatchFormat<string, { text: string }> = {
      create: () => ({ text: '' }),
      add: (batch, item) => (batch.text += item).length,
      size: (batch) => batch.text.length,
    }
    const written: string[] = []
    const attempts: [string, string][] = []
    let down = true
    const recorder = new Recorder<string, { text: string }>({
      format,
      write: async (batch, id) => {
        attempts.push([batch.text, id])
        if (down) throw new Error('database unreachable')
        written.push(batch.text)
      },
      batchSize: 3,
      flushInterval: 60_000,
      ...quiet,
    })
    for (const letter of 'ab') recorder.push(letter)
    await expect(recorder.flush()).rejects.toThrow('database unreachable')
    for (const letter of 'cdef') recorder.push(letter)
    down = false
    expect(recorder.counts().buffered).toBe(6)
    await recorder.flush()
    expect(written).toEqual(['ab', 'cdef'])
    // The retry is the same batch under the same id, so a store can skip it if the first attempt did commit.
    const [first, retry, next] = attempts
    expect(retry).toEqual(first)
    expect(next?.[1]).not.toBe(first?.[1])
    expect(recorder.counts()).toMatchObject({ buffered: 0, written: 6, dropped: 0 })
    await recorder.close()
  })

  it('names the option when one is invalid', () => {
    expect(() => new Recorder<number>({ write: async () => {}, maxBuffer: 0 })).toThrow('"maxBuffer" must be a positive number')
  })

  it('bounds the bytes its items hold when the format tells them, through failed and in-flight writes', async () => {
    // A class, whose methods use `this`: the recorder calls them on the format.
    class Texts implements BatchFormat<string, string[]> {
      create(): string[] {
        return []
      }
      add(batch: string[], item: string): number {
        return batch.push(item)
      }
      size(batch: string[]): number {
        return batch.length
      }
      bytes(batch: string[]): number {
        return batch.reduce((sum, item) => sum + this.#bytesOf(item), 0)
      }
      #bytesOf(item: string): number {
        return item.length
      }
    }
    const format = new Texts()
    let down = true
    const written: string[] = []
    const recorder = new Recorder<string, string[]>({
      format,
      write: async (batch) => {
        if (down) throw new Error('database unreachable')
        written.push(...batch)
      },
      maxBufferBytes: 1000,
      batchSize: 100,
      flushInterval: 60_000,
      ...quiet,
    })
    for (let i = 0; i < 3; i++) recorder.push('a'.repeat(300))
    await expect(recorder.flush()).rejects.toThrow('database unreachable')
    // The failed batch's 900 bytes still count: one more item fits under 1000, none after it.
    recorder.push('b'.repeat(300))
    recorder.push('c')
    recorder.push('d'.repeat(5000))
    expect(recorder.counts()).toMatchObject({ buffered: 4, dropped: 2 })
    down = false
    await recorder.flush()
    await recorder.flush()
    expect(written.map((item) => item[0])).toEqual(['a', 'a', 'a', 'b'])
    // Written, they no longer count.
    recorder.push('e'.repeat(900))
    expect(recorder.counts()).toMatchObject({ buffered: 1, dropped: 2 })
    await recorder.close()
  })
})
