import type { Kysely, Transaction } from 'kysely'
import type { SqlFlavor } from './sql-flavor.js'

/**
 * Runs `body` in a write transaction: at the flavour's write isolation, with its statement and
 * lock limits set first (and put back last, where they are session settings).
 */
export async function writeTransaction<DB, T>(
  db: Kysely<DB>,
  flavor: SqlFlavor,
  limits: { statementMs: number; lockMs: number },
  body: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  let transaction = db.transaction()
  if (flavor.writeIsolation !== undefined) transaction = transaction.setIsolationLevel(flavor.writeIsolation)
  return transaction.execute(async (trx) => {
    const settings = flavor.writeLimits?.(limits)
    if (settings !== undefined) await settings.first.execute(trx)
    try {
      return await body(trx)
    } finally {
      if (settings?.last !== undefined) await settings.last.execute(trx).catch(() => undefined)
    }
  })
}
