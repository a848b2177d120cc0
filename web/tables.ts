// The page's tables of values: each value a link that narrows the view to it, each search over the
// whole range.
import type { SearchField } from '../src/stats/query/search-query.js'
import type { BreakdownEntry, ExceptionStats, RouteStats } from '../src/stats/answer/stats.js'
import { type Column, DataTable, type ServerSearch } from './data-table.js'
import { el } from './dom.js'
import { count, ms, share, when } from './format.js'
import { type FilterKey, toSearch, type View } from '../src/dashboard/view.js'

export const FILTER_LABELS: Record<FilterKey, string> = {
  route: 'Route',
  path: 'Path',
  status: 'Status',
  method: 'Method',
  browser: 'Browser',
  platform: 'Platform',
  referrer: 'Referrer',
  mimetype: 'Mimetype',
  exception: 'Exception',
  instance: 'Instance',
  version: 'Version',
}

/** What the tables of one view share: the view, how to open another, how to search the range. */
export interface TableContext {
  view: View
  go(view: View): void
  search(field: SearchField, text: string): Promise<BreakdownEntry<string>[]>
}

/** A link that narrows the view by one more filter; a plain link too, for new tabs. */
export function filterLink(context: TableContext, key: FilterKey, value: string | number | null, label?: string): Node {
  if (value === null) return el('span', { className: 'muted' }, label ?? '(none)')
  const target: View = { ...context.view, filters: { ...context.view.filters, [key]: String(value) } }
  const link = el('a', { href: toSearch(target), title: `Show only ${FILTER_LABELS[key].toLowerCase()} ${value}` }, label ?? String(value))
  link.addEventListener('click', (event) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey) return
    event.preventDefault()
    context.go(target)
  })
  return link
}

function serverSearch(context: TableContext, field: SearchField & FilterKey): ServerSearch {
  return { find: (text) => context.search(field, text), render: (key) => filterLink(context, field, key) }
}

/**
 * A breakdown: values, hits and share. `field`: the column searched on the server; without it the
 * search box filters the rows loaded (short lists: methods, status codes).
 */
export function breakdownTable(
  context: TableContext,
  id: string,
  caption: string,
  key: FilterKey,
  total: () => number,
  field?: SearchField & FilterKey,
): DataTable<BreakdownEntry<string | number | null>> {
  return new DataTable({
    id,
    caption,
    columns: [
      { label: caption.replace(/s$/, ''), value: (row) => row.key, render: (row) => filterLink(context, key, row.key), wide: true },
      { label: 'Hits', value: (row) => row.count, render: (row) => count(row.count), numeric: true },
      { label: 'Share', value: (row) => row.count, render: (row) => share(row.count, total()), numeric: true },
    ],
    ...(field === undefined
      ? { searchText: (row: BreakdownEntry<string | number | null>) => String(row.key ?? '') }
      : { search: serverSearch(context, field) }),
  })
}

/**
 * Paths or route patterns. `exact`: the answer has Unique and p95 per row; rollups keep them per
 * route pattern only, so for literal paths from rollups the columns are left out, with a note.
 */
export function routesTable(context: TableContext, exact: boolean): DataTable<RouteStats> {
  const byRoute = context.view.group === 'route'
  const exactOnly = (column: Column<RouteStats>) => (exact ? [column] : [])
  const columns: Column<RouteStats>[] = [
    {
      label: byRoute ? 'Route pattern' : 'Path',
      value: (row) => row.key,
      render: (row) => filterLink(context, byRoute ? 'route' : 'path', row.key, row.key ?? '(no route)'),
      wide: true,
    },
    { label: 'Hits', value: (row) => row.count, render: (row) => count(row.count), numeric: true },
    ...exactOnly({
      label: 'Unique',
      value: (row) => row.uniqueHits,
      render: (row) => (row.uniqueHits === null ? '–' : count(row.uniqueHits)),
      numeric: true,
      optional: true,
    }),
    { label: 'Errors', value: (row) => row.errors, render: (row) => count(row.errors), numeric: true },
    { label: 'Avg', value: (row) => row.avgResponseTime, render: (row) => ms(row.avgResponseTime), numeric: true, optional: true },
    ...exactOnly({ label: 'p95', value: (row) => row.p95ResponseTime, render: (row) => ms(row.p95ResponseTime), numeric: true }),
    { label: 'Last requested (UTC)', value: (row) => row.lastRequested, render: (row) => when(row.lastRequested), optional: true },
  ]
  return new DataTable({ id: 'routes', caption: 'Routes', columns, search: serverSearch(context, byRoute ? 'route' : 'path') })
}

export function exceptionsTable(context: TableContext): DataTable<ExceptionStats> {
  return new DataTable({
    id: 'exceptions',
    caption: 'Exceptions',
    columns: [
      { label: 'Exception', value: (row) => row.key, render: (row) => filterLink(context, 'exception', row.key), wide: true },
      { label: 'Count', value: (row) => row.count, render: (row) => count(row.count), numeric: true },
      { label: 'Last seen (UTC)', value: (row) => row.lastSeen, render: (row) => when(row.lastSeen), optional: true },
      { label: 'Where', value: (row) => row.where, wide: true, optional: true },
    ],
    search: serverSearch(context, 'exception'),
  })
}
