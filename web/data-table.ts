// A table that sorts by any column (click or Enter on its header) and filters its rows by a search
// box — on the server, over the whole range, where the table lists a column's values. Its state
// outlives update(), so a live refresh keeps the sort, the search and the focus.
import type { BreakdownEntry } from '../src/stats/answer/stats.js'
import { el } from './dom.js'
import { count } from './format.js'

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
  /** Left out on narrow screens, where every column would not fit. */
  optional?: boolean
}

/** A search of the table's values on the server: its top list may leave out what is looked for. */
export interface ServerSearch {
  find(text: string): Promise<BreakdownEntry<string>[]>
  /** The cell of a value found: a link that filters by it. */
  render(key: string): Node | string
}

export interface DataTableOptions<Row> {
  id: string
  caption: string
  columns: Column<Row>[]
  /** The text the search box matches in the rows loaded; no search box when absent (and no `search`). */
  searchText?(row: Row): string
  /** Searches the whole range instead of the rows loaded. */
  search?: ServerSearch
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
  /** The server's matches for `#search`, once they came; `undefined` while none is asked or awaited. */
  #found: BreakdownEntry<string>[] | undefined
  #asked = 0
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(options: DataTableOptions<Row>) {
    this.#options = options
    this.#sort = options.initialSort
    const head = el('tr')
    options.columns.forEach((column, index) => {
      const th = el('th', { scope: 'col', className: classes(column) })
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
    if (options.searchText !== undefined || options.search !== undefined) {
      const input = el('input', { type: 'search', placeholder: 'Search', ariaLabel: `Search ${options.caption.toLowerCase()}` })
      input.addEventListener('input', () => this.#searchFor(input.value))
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

  #searchFor(text: string): void {
    this.#search = text.toLowerCase()
    const search = this.#options.search
    if (search === undefined) return this.#draw()
    clearTimeout(this.#timer)
    this.#found = undefined
    const asked = ++this.#asked
    this.#draw()
    if (text.trim() === '') return
    // Asked once typing pauses; an older answer arriving late is dropped.
    this.#timer = setTimeout(() => {
      search.find(text.trim()).then(
        (found) => {
          if (asked !== this.#asked) return
          this.#found = found
          this.#draw()
        },
        () => {
          if (asked === this.#asked) this.#status.textContent = 'The search failed; try again.'
        },
      )
    }, 250)
  }

  #sortBy(column: number): void {
    const numeric = this.#options.columns[column]?.numeric === true
    this.#sort = this.#sort?.column === column ? { column, descending: !this.#sort.descending } : { column, descending: numeric }
    this.#draw()
  }

  #draw(): void {
    if (this.#options.search !== undefined && this.#search.trim() !== '') return this.#drawFound(this.#options.search)
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
            const className = classes(col)
            return el('td', col.clip ? { className, title: displayed(col.value(row)) } : { className }, cell)
          }),
        ),
      ),
    )
    this.#status.textContent = this.#rows.length === 0 ? 'Nothing in this range.' : rows.length === 0 ? 'No row matches the search.' : ''
  }

  /** The values the server found: each with its hits, in every column the table has, the rest left blank. */
  #drawFound(search: ServerSearch): void {
    const found = this.#found
    const blank = this.#options.columns.length - 2
    this.#body.replaceChildren(
      ...(found ?? []).map((entry) =>
        el(
          'tr',
          {},
          el('td', { className: 'wide' }, search.render(entry.key)),
          el('td', { className: 'num' }, count(entry.count)),
          ...(blank > 0 ? [el('td', { colSpan: blank })] : []),
        ),
      ),
    )
    this.#status.textContent =
      found === undefined
        ? 'Searching the whole range…'
        : found.length === 0
          ? 'No value in this range contains this text.'
          : `${count(found.length)} found in the whole range, the most requested first.`
  }
}

function classes(column: Column<never>): string {
  return [column.numeric ? 'num' : '', column.wide ? 'wide' : '', column.clip ? 'clip' : '', column.optional ? 'optional' : ''].join(' ').trim()
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
