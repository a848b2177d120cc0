/**
 * The text recorded for a thrown value, e.g. `Error: division by zero` (what `String(error)` gives
 * for an `Error`); never throws, whatever was thrown.
 */
export function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`
    return String(error)
  } catch {
    return 'Unknown error'
  }
}
