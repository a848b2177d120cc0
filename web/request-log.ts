// The raw request log of the view, newest first, a page at a time — the seed's per-path table.
import type { RequestPage, RequestRow } from '../src/stats/answer/request-page.js'
import { LOG_PAGE, logParams } from '../src/dashboard/view.js'
import { DataTable } from './data-table.js'
import { el } from './dom.js'
import { bytes, count, ms, when } from './format.js'

type Fetch = (params: URLSearchParams) => Promise<RequestPage>

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
        { label: 'Method', value: (row) => row.method, optional: true },
        { label: 'Status', value: (row) => row.status_code, numeric: true },
        { label: 'Mimetype', value: (row) => row.mimetype, clip: true, optional: true },
        { label: 'Size', value: (row) => row.size, render: (row) => bytes(row.size), numeric: true, optional: true },
        { label: 'Duration', value: (row) => row.response_time, render: (row) => ms(row.response_time), numeric: true },
        { label: 'Browser', value: (row) => row.browser, optional: true },
        { label: 'Referrer', value: (row) => row.referrer, clip: true, optional: true },
        { label: 'User agent', value: (row) => row.user_agent, clip: true, optional: true },
      ],
    })
    this.#previous.addEventListener('click', () => void this.#go(this.#offset - LOG_PAGE))
    this.#next.addEventListener('click', () => void this.#go(this.#offset + LOG_PAGE))
    this.element = el(
      'div',
      { className: 'log' },
      this.#table.element,
      el('nav', { className: 'pager', ariaLabel: 'Request pages' }, this.#previous, this.#position, this.#next),
    )
  }

  /**
   * Shows `page`, read for `params` (the view's range and filters) at the offset the log is at: the
   * first page, or, on a live refresh, the one the reader turned to.
   */
  show(params: URLSearchParams, page: RequestPage): void {
    this.#params = params
    this.#showPage(page)
  }

  get offset(): number {
    return this.#offset
  }

  async #go(offset: number): Promise<void> {
    if (this.#params === undefined) return
    const page = await this.#fetch(logParams(this.#params, offset))
    this.#offset = Math.max(0, offset)
    this.#showPage(page)
  }

  #showPage(page: RequestPage): void {
    this.#table.update(page.rows)
    const first = page.total === 0 ? 0 : this.#offset + 1
    this.#position.textContent = `${count(first)}–${count(this.#offset + page.rows.length)} of ${count(page.total)}`
    this.#previous.disabled = this.#offset === 0
    this.#next.disabled = this.#offset + LOG_PAGE >= page.total
  }
}
