// The raw request log of the view, newest first, a page at a time — the seed's per-path table.
import type { RequestRow } from '../src/store/store.js'
import { DataTable } from './data-table.js'
import { el } from './dom.js'
import { bytes, count, ms, when } from './format.js'

const PAGE = 50

type Fetch = (params: URLSearchParams) => Promise<{ total: number; rows: RequestRow[] }>

export class RequestLog {
  readonly element: HTMLElement
  readonly #table: DataTable<RequestRow>
  readonly #fetch: Fetch
  readonly #position = el('span', { className: 'muted', ariaLive: 'polite' })
  readonly #previous = el('button', { type: 'button' }, '← Newer')
  readonly #next = el('button', { type: 'button' }, 'Older →')
  #offset = 0
  #params: URLSearchParams | undefined

  constructor(fetch: Fetch) {
    this.#fetch = fetch
    this.#table = new DataTable<RequestRow>({
      id: 'requests',
      caption: 'Requests',
      sortable: false,
      columns: [
        { label: 'Date (UTC)', value: (row) => when(row.date) },
        { label: 'Path', value: (row) => row.path, clip: true },
        { label: 'Method', value: (row) => row.method },
        { label: 'Status', value: (row) => row.status_code, numeric: true },
        { label: 'Mimetype', value: (row) => row.mimetype },
        { label: 'Size', value: (row) => row.size, render: (row) => bytes(row.size), numeric: true },
        { label: 'Duration', value: (row) => row.response_time, render: (row) => ms(row.response_time), numeric: true },
        { label: 'Browser', value: (row) => row.browser },
        { label: 'Referrer', value: (row) => row.referrer, clip: true },
        { label: 'User agent', value: (row) => row.user_agent, clip: true },
      ],
    })
    this.#previous.addEventListener('click', () => void this.#go(this.#offset - PAGE))
    this.#next.addEventListener('click', () => void this.#go(this.#offset + PAGE))
    this.element = el('div', { className: 'log' }, this.#table.element, el('nav', { className: 'pager', ariaLabel: 'Request pages' }, this.#previous, this.#position, this.#next))
  }

  /** Shows the page at the current offset for `params` (the view's range and filters). */
  async update(params: URLSearchParams): Promise<void> {
    this.#params = params
    await this.#go(this.#offset)
  }

  async #go(offset: number): Promise<void> {
    if (this.#params === undefined) return
    const params = new URLSearchParams(this.#params)
    params.set('limit', String(PAGE))
    params.set('offset', String(Math.max(0, offset)))
    const page = await this.#fetch(params)
    this.#offset = Math.max(0, offset)
    this.#table.update(page.rows)
    const first = page.total === 0 ? 0 : this.#offset + 1
    this.#position.textContent = `${count(first)}–${count(this.#offset + page.rows.length)} of ${count(page.total)}`
    this.#previous.disabled = this.#offset === 0
    this.#next.disabled = this.#offset + PAGE >= page.total
  }
}
