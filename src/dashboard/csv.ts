/**
 * RFC 4180 CSV of `rows` with the given columns. A cell a spreadsheet would read as a formula
 * (starting with `=`, `+`, `-`, `@`, tab or carriage return, or the full-width `＝`, `＋`, `－`, `＠`
 * that some spreadsheets take for them) gets a leading `'`, so a stranger's user agent or path
 * cannot run in the admin's spreadsheet.
 */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return csvLines([columns]) + csvRows(columns, rows)
}

/** The CSV lines of `rows` alone, without the header: for writing a long export page by page. */
export function csvRows(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return csvLines(rows.map((row) => columns.map((column) => row[column])))
}

function csvLines(cells: readonly (readonly unknown[])[]): string {
  return cells.map((line) => `${line.map(cell).join(',')}\r\n`).join('')
}

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/

function cell(value: unknown): string {
  if (value === null || value === undefined) return ''
  let text = String(value)
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}
