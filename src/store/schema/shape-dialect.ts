import type {
  AlterTableNode,
  ColumnDefinitionNode,
  CompiledQuery,
  CreateIndexNode,
  CreateTableNode,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  OperationNode,
  QueryCompiler,
  QueryResult,
  TableMetadata,
  TableNode,
} from 'kysely'
import type { ColumnShape, TableShape, ViewShape } from './table-shape.js'

/** The Kysely pieces of one engine that compile its SQL. */
export interface EngineSql {
  adapter: () => DialectAdapter
  compiler: () => QueryCompiler
}

/**
 * A Kysely dialect with no database behind it: its schema statements (create table, add column,
 * create index, rename, drop) are applied to `tables`, and everything else — the migrations' data
 * steps, the migrator's bookkeeping — reads no rows. Running statgraph's migrations on it leaves in
 * `tables` what they leave in a real database, without one.
 */
export class ShapeDialect implements Dialect {
  readonly tables = new Map<string, TableShape>()
  /** The views and their triggers, by view: the statements that make them, as the migrations wrote them. */
  readonly views = new Map<string, ViewShape>()
  /** Tables dropped, by name: a view made in one's place reads as its columns. */
  readonly #dropped = new Map<string, TableShape>()
  readonly #engine: EngineSql

  constructor(engine: EngineSql) {
    this.#engine = engine
  }

  createAdapter(): DialectAdapter {
    return this.#engine.adapter()
  }

  createQueryCompiler(): QueryCompiler {
    return this.#engine.compiler()
  }

  createDriver(): Driver {
    const connection: DatabaseConnection = {
      executeQuery: async <R>(query: CompiledQuery) => {
        this.#apply(query)
        return { rows: [] } as QueryResult<R>
      },
      streamQuery: () => {
        throw new Error('statgraph: a schema shape streams nothing')
      },
    }
    const none = async () => undefined
    return {
      init: none,
      acquireConnection: async () => connection,
      beginTransaction: none,
      commitTransaction: none,
      rollbackTransaction: none,
      releaseConnection: none,
      destroy: none,
    }
  }

  createIntrospector(): DatabaseIntrospector {
    const getTables = async (): Promise<TableMetadata[]> =>
      [...this.tables.values()].map((table) => ({
        name: table.name,
        isView: false,
        columns: table.columns.map((column) => ({
          name: column.name,
          dataType: column.type,
          isNullable: !column.notNull,
          isAutoIncrementing: column.generated,
          hasDefaultValue: column.default !== undefined,
        })),
      }))
    return {
      getSchemas: async () => [],
      getTables,
      getMetadata: async () => ({ tables: await getTables() }),
    }
  }

  #apply(query: CompiledQuery): void {
    const node = query.query as OperationNode
    if (node.kind === 'CreateTableNode') this.#create(node as CreateTableNode)
    else if (node.kind === 'AlterTableNode') this.#alter(node as AlterTableNode)
    else if (node.kind === 'CreateIndexNode') this.#index(node as CreateIndexNode)
    else if (node.kind === 'DropTableNode') this.#drop(tableName((node as unknown as { table: TableNode }).table))
    else {
      // The schema statements the migrations write in raw SQL.
      const text = query.sql.trim()
      const dropped = /^drop table if exists [`"]?([^`"\s]+)[`"]?$/i.exec(text)
      if (dropped?.[1] !== undefined) this.#drop(dropped[1].split('.').at(-1) as string)
      const view = /^create view if not exists "([^"]+)"/i.exec(text) ?? /^create trigger if not exists "[^"]+" instead of \w+ on "([^"]+)"/i.exec(text)
      const name = view?.[1]
      if (name === undefined) return
      const shape = this.views.get(name) ?? { name, columns: this.#dropped.get(name)?.columns ?? [], statements: [] }
      shape.statements.push(text)
      this.views.set(name, shape)
    }
  }

  #drop(name: string): void {
    const table = this.tables.get(name)
    if (table !== undefined) this.#dropped.set(name, table)
    this.tables.delete(name)
  }

  #create(node: CreateTableNode): void {
    const name = tableName(node.table)
    if (this.tables.has(name)) return
    const columns = node.columns.map(columnShape)
    const keyed = node.columns.find((column) => column.primaryKey === true)
    const constraint = node.constraints?.find((candidate) => candidate.kind === 'PrimaryKeyConstraintNode') as
      | { name?: { name: string }; columns: readonly { column: { name: string } }[] }
      | undefined
    const primaryKey =
      constraint === undefined
        ? { columns: keyed === undefined ? [] : [keyed.column.column.name] }
        : { ...(constraint.name === undefined ? {} : { name: constraint.name.name }), columns: constraint.columns.map((column) => column.column.name) }
    const options = node.endModifiers?.map(rawText).join(' ')
    this.tables.set(name, { name, columns, primaryKey, indexes: [], ...(options === undefined ? {} : { options }) })
  }

  #alter(node: AlterTableNode): void {
    const table = this.#table(node.table)
    if (node.renameTo !== undefined) {
      this.tables.delete(table.name)
      const name = tableName(node.renameTo)
      this.tables.set(name, { ...table, name })
    }
    for (const alteration of node.columnAlterations ?? []) {
      if (alteration.kind !== 'AddColumnNode') throw new Error(`statgraph: a schema shape cannot apply ${alteration.kind}`)
      table.columns.push(columnShape(alteration.column))
    }
  }

  #index(node: CreateIndexNode): void {
    if (node.table === undefined) throw new Error('statgraph: a schema shape needs the table of every index')
    const table = this.#table(node.table)
    const name = node.name.name
    if (table.indexes.some((index) => index.name === name)) return
    const columns = (node.columns ?? []).map((column) => (column as unknown as { column: { name: string } }).column.name)
    table.indexes.push({ name, columns, unique: node.unique === true })
  }

  #table(node: TableNode): TableShape {
    const table = this.tables.get(tableName(node))
    if (table === undefined) throw new Error(`statgraph: a schema shape has no table "${tableName(node)}"`)
    return table
  }
}

function tableName(node: TableNode): string {
  return node.table.identifier.name
}

function columnShape(node: ColumnDefinitionNode): ColumnShape {
  const type = node.dataType.kind === 'DataTypeNode' ? String((node.dataType as unknown as { dataType: string }).dataType) : rawText(node.dataType)
  const value = node.defaultTo?.defaultValue as { kind: string; value?: unknown } | undefined
  const fallback = value?.kind === 'ValueNode' ? (value.value as boolean | number | string) : undefined
  return {
    name: node.column.column.name,
    type: type.toLowerCase(),
    notNull: node.notNull === true,
    generated: node.autoIncrement === true || type === 'bigserial',
    ...(fallback === undefined ? {} : { default: fallback }),
  }
}

/** A raw SQL fragment without parameters (a column type, a table option), as text. */
function rawText(node: OperationNode): string {
  if (node.kind !== 'RawNode') throw new Error(`statgraph: a schema shape cannot read ${node.kind}`)
  return (node as unknown as { sqlFragments: readonly string[] }).sqlFragments.join('').trim()
}
