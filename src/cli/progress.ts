/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (never into a log file or
 * a pipe), at most ten times a second.
 */
export class Progress {
  readonly #label: string
  readonly #total: number
  readonly #unit: (value: number) => string
  readonly #enabled = process.stderr.isTTY === true
  #drawnAt = 0

  constructor(label: string, total: number, unit: (value: number) => string = String) {
    this.#label = label
    this.#total = total
    this.#unit = unit
  }

  update(done: number): void {
    const now = Date.now()
    if (!this.#enabled || now - this.#drawnAt < 100) return
    this.#drawnAt = now
    const share = this.#total > 0 ? Math.min(1, done / this.#total) : 0
    const width = 30
    const bar = '█'.repeat(Math.round(share * width)).padEnd(width, '░')
    process.stderr.write(`\r${this.#label} ${bar} ${Math.floor(share * 100)}% ${this.#unit(done)}/${this.#unit(this.#total)}`)
  }

  done(): void {
    if (this.#enabled) process.stderr.write('\r\x1b[2K')
  }
}
