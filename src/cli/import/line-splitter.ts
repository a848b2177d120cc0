const LINE_END = 0x0a
const CARRIAGE_RETURN = 0x0d

/**
 * Cuts bytes into lines at "\n", dropping a "\r" before it, so that a CRLF copy of a log has the
 * same lines. A line without its end yet (a writer mid-line) is kept until its end comes.
 */
export class LineSplitter {
  #rest = Buffer.alloc(0)

  /** The complete lines `chunk` ends, without their line ends. */
  push(chunk: Buffer): Buffer[] {
    const data = this.#rest.length === 0 ? chunk : Buffer.concat([this.#rest, chunk])
    const lines: Buffer[] = []
    let start = 0
    for (let end = data.indexOf(LINE_END); end !== -1; end = data.indexOf(LINE_END, start)) {
      lines.push(data.subarray(start, end > start && data[end - 1] === CARRIAGE_RETURN ? end - 1 : end))
      start = end + 1
    }
    // A copy: a slice would keep the whole chunk alive.
    this.#rest = Buffer.from(data.subarray(start))
    return lines
  }

  /** The bytes of a line whose end has not come. */
  get unfinished(): Buffer {
    return this.#rest
  }
}
