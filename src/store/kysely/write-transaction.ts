import type { Kysely, Transaction } from 'kysely'
import type { SqlFlavor } from './sql-flavor.js'

/**
 * Runs `body` in a write transaction: at the flavour's write isolation, with its statement and
 * lock limits set first (and put back last, where they are session settings). When `body` fails,
 * its error is the one thrown: SQLite ends the transaction itself on some errors (a full disk), and
 * the rollback that follows fails with "no transaction is active", which would hide why.
 */
export async function writeTransaction<DB, T>(
  db: Kysely<DB>,
  flavor: SqlFlavor,
  limits: { statementMs: number; lockMs: number },
  body: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  let transaction = db.transaction()
  if (flavor.writeIsolation !== undefined) transaction = transaction.setIsolationLevel(flavor.writeIsolation)
  let failure: { error: unknown } | undefined
  try {
    return await transaction.execute(async (trx) => {
      const settings = flavor.writeLimits?.(limits)
      if (settings !== undefined) await settings.first.execute(trx)
      try {
        return await body(trx)
      } catch (error) {
        failure = { error }
        throw error
      } finally {
        if (settings?.last !== undefined) await settings.last.execute(trx).catch(() => undefined)
      }
    })
  } catch (error) {
    throw failure === undefined ? error : failure.error
  }
}
