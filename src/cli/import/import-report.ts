import { EXIT } from '../cli-error.js'
import type { ImportResult } from './log-import.js'

/**
 * Prints what each log gave and returns the exit code: 4 when a log had new lines of which none
 * parsed (a wrong `--format`) or holds no line at all; 3 when every log was imported before up to
 * its end (nothing new); else 0.
 */
export function reportImports(results: readonly ImportResult[], format: string): number {
  let failed = false
  for (const result of results) {
    const { source } = result
    if (result.imported > 0 || result.malformed > 0) {
      const malformed = result.malformedLines.join(', ') + (result.malformed > result.malformedLines.length ? ', …' : '')
      const skipped = result.malformed === 0 ? '' : `; skipped ${result.malformed} malformed lines (line ${malformed})`
      const since = result.skipped === 0 ? '' : ` past line ${result.skipped}, where an earlier import left off`
      console.log(`statgraph: imported ${result.imported} requests from ${source}${since}${skipped}`)
    } else if (result.previous !== undefined) {
      const when = new Date(result.previous.importedAt).toISOString()
      console.log(`statgraph: nothing new in ${source}: its ${result.skipped} lines were imported on ${when} (from ${result.previous.source})`)
    }
    if (result.imported === 0 && result.malformed > 0) {
      failed = true
      console.error(
        `statgraph: no new line of ${source} is in the ${format} format; is --format right? (nothing was recorded; run it again with the right one)`,
      )
    } else if (result.imported === 0 && result.previous === undefined) {
      failed = true
      console.error(`statgraph: ${source} holds no request line`)
    }
  }
  if (failed) return EXIT.nothingImported
  return results.every((result) => result.imported === 0) ? EXIT.nothingNew : EXIT.ok
}
