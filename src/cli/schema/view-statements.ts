import type { SchemaShape } from '../../store/schema/table-shape.js'
import { template } from './code-names.js'

/**
 * The views' statements (SQLite's `request` over compact rows, with its triggers) as an exported
 * array of a JavaScript module: no migration tool declares triggers, so the app's migration runs
 * these after the tables, and nothing when there are none.
 */
export function viewStatementsExport(shape: SchemaShape, howToRun: string): string {
  const statements = shape.views.flatMap((view) => view.statements)
  if (statements.length === 0) return ''
  return [
    '',
    `/** The views over the tables above and their triggers: ${howToRun}. */`,
    `export const statgraphViewStatements = [\n${statements.map((statement) => `  ${template(statement)},`).join('\n')}\n]`,
    '',
  ].join('\n')
}
