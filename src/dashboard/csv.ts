/**
 * RFC 4180 CSV of `rows` with the given columns. A cell a spreadsheet would read as a formula
 * (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets a leading `'`, so a stranger's
 * user agent or path cannot run in the admin's spreadsheet.
 */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const lines = [columns.map(cell).join(',')]
  for (const row of rows) lines.push(columns.map((column) => cell(row[column])).join(','))
  return `${lines.join('\r\n')}\r\n`
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return ''
  let text = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}
