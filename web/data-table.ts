// A table that sorts by any column (click or Enter on its header) and filters its rows by a search
// box. Its state outlives update(), so a live refresh keeps the sort, the search and the focus.
import { el } from './dom.js'

export interface Column<Row> {
  label: string
  /** What the column sorts by. */
  value(row: Row): string | number | null
  /** What the cell shows; the value as text when absent. */
  render?(row: Row): Node | string
  numeric?: boolean
  /** Cells that may hold long strangers' text (paths, exceptions) wrap. */
  wide?: boolean
  /** Long text kept to one line, cut with an ellipsis; the whole text shows on hover. */
  clip?: boolean
}

export interface DataTableOptions<Row> {
  id: string
  caption: string
  columns: Column<Row>[]
  /** The text the search box matches; no search box when absent. */
  searchText?(row: Row): string
  /** Sortable headers; default true. */
  sortable?: boolean
  /** Sort column and direction before any click; default none (the API's order). */
  initialSort?: { column: number; descending: boolean }
}

export class DataTable<Row> {
  readonly element: HTMLElement
  readonly #options: DataTableOptions<Row>
  readonly #body = el('tbody')
  readonly #headers: HTMLTableCellElement[] = []
  readonly #status = el('p', { className: 'table-status muted', ariaLive: 'polite' })
  readonly #note = el('p', { className: 'table-status muted' })
  #rows: Row[] = []
  #sort: { column: number; descending: boolean } | undefined
  #search = ''

  constructor(options: DataTableOptions<Row>) {
    this.#options = options
    this.#sort = options.initialSort
    const head = el('tr')
    options.columns.forEach((column, index) => {
      const th = el('th', { scope: 'col', className: column.numeric ? 'num' : '' })
      if (options.sortable === false) th.append(column.label)
      else {
        const button = el('button', { type: 'button', className: 'sort' }, column.label)
        button.addEventListener('click', () => this.#sortBy(index))
        th.append(button)
      }
      this.#headers.push(th)
      head.append(th)
    })
    // The caption names the table for screen readers; the heading beside the search box shows it.
    const table = el('table', { id: options.id }, el('caption', { className: 'visually-hidden' }, options.caption), el('thead', {}, head), this.#body)
    const tools = el('div', { className: 'table-tools' }, el('h2', { ariaHidden: 'true' }, options.caption))
    if (options.searchText !== undefined) {
      const input = el('input', { type: 'search', placeholder: 'Search', ariaLabel: `Search ${options.caption.toLowerCase()}` })
      input.addEventListener('input', () => {
        this.#search = input.value.toLowerCase()
        this.#draw()
      })
      tools.append(input)
    }
    this.element = el('section', { className: 'panel table-panel' }, tools, el('div', { className: 'scroll' }, table), this.#status, this.#note)
  }

  /** Shows `rows`; `note` (such as what the list leaves out) under them. */
  update(rows: Row[], note = ''): void {
    this.#rows = rows
    this.#note.textContent = note
    this.#draw()
  }

  #sortBy(column: number): void {
    const numeric = this.#options.columns[column]?.numeric === true
    this.#sort = this.#sort?.column === column ? { column, descending: !this.#sort.descending } : { column, descending: numeric }
    this.#draw()
  }

  #draw(): void {
    const { columns, searchText } = this.#options
    let rows = this.#rows
    if (this.#search !== '' && searchText !== undefined) rows = rows.filter((row) => searchText(row).toLowerCase().includes(this.#search))
    const sort = this.#sort
    const column = sort === undefined ? undefined : columns[sort.column]
    if (sort !== undefined && column !== undefined) rows = [...rows].sort((a, b) => compare(column.value(a), column.value(b)) * (sort.descending ? -1 : 1))
    this.#headers.forEach((th, index) => {
      th.ariaSort = sort?.column === index ? (sort.descending ? 'descending' : 'ascending') : null
    })
    this.#body.replaceChildren(
      ...rows.map((row) =>
        el(
          'tr',
          {},
          ...columns.map((col) => {
            const cell = col.render?.(row) ?? displayed(col.value(row))
            const className = [col.numeric ? 'num' : '', col.wide ? 'wide' : '', col.clip ? 'clip' : ''].join(' ').trim()
            return el('td', col.clip ? { className, title: displayed(col.value(row)) } : { className }, cell)
          }),
        ),
      ),
    )
    this.#status.textContent =
      this.#rows.length === 0 ? 'Nothing in this range.' : rows.length === 0 ? 'No row matches the search.' : ''
  }
}

function displayed(value: string | number | null): string {
  return value === null ? '–' : String(value)
}

/** Missing values last, numbers by value, text in the reader's order. */
function compare(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0
  if (a === null) return 1
  if (b === null) return -1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return String(a).localeCompare(String(b))
}
