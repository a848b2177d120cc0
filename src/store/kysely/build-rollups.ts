import { type RawBuilder, sql } from 'kysely'
import { RollupBatch } from '../../stats/rollup/rollup-batch.js'
import { rollupSources } from './rollup-sources.js'
import type { SqlRunner } from './rollup-tables.js'
import type { RollupWriter } from './rollup-writer.js'
import type { SqlFlavor } from './sql-flavor.js'

/** Every day: what the upgrade builds from raw rows is complete, day cells included. */
const ALL_DAYS = () => true

/**
 * Builds the rollups of every raw row of `table` through `writer` (writer `''`), a page at a time:
 * the upgrade of a table that had none.
 */
export async function buildRollups(db: SqlRunner, table: RawBuilder<unknown>, flavor: SqlFlavor, writer: RollupWriter): Promise<void> {
  for (let after = -1; ; ) {
    const page = await rollupSources(db, table, flavor, sql`1 = 1`, after, 20_000)
    if (page.length === 0) return
    const batch = new RollupBatch()
    for (const source of page) batch.add(source)
    await writer.write(db, batch, ALL_DAYS)
    after = page[page.length - 1]?.index as number
  }
}
