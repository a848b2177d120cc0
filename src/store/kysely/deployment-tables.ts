import type { RawBuilder } from 'kysely'
import { AnnotationTable } from './annotation-table.js'
import { ReleaseLedger } from './release-ledger.js'
import { RuntimeTable } from './runtime-table.js'
import type { SqlFlavor } from './sql-flavor.js'

/** The tables beside the statistics table that follow deploys: releases, annotations, runtime samples. */
export function deploymentTableNames(table: string) {
  return {
    releases: `${table}_statgraph_release`,
    annotations: `${table}_statgraph_annotation`,
    runtime: `${table}_statgraph_runtime`,
  }
}

/** The deployment tables of `table`, for a store writing as `writer`. */
export function deploymentTables(table: string, qualified: (name: string) => RawBuilder<unknown>, flavor: SqlFlavor, writer: string) {
  const names = deploymentTableNames(table)
  return {
    releases: new ReleaseLedger(qualified(names.releases), flavor, writer),
    annotations: new AnnotationTable(qualified(names.annotations)),
    runtime: new RuntimeTable(qualified(names.runtime), flavor),
  }
}
