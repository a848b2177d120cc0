import { sqlName } from '../../core/option-values.js'
import { CliError, EXIT } from '../cli-error.js'
import { schemaShape } from '../../store/schema/schema-shape.js'
import type { Engine, SchemaShape } from '../../store/schema/table-shape.js'
import { drizzleSchema } from './drizzle-schema.js'
import { knexSchema } from './knex-schema.js'
import { prismaSchema } from './prisma-schema.js'
import { sequelizeSchema } from './sequelize-schema.js'
import { sqlSchema } from './sql-schema.js'
import { typeormSchema } from './typeorm-schema.js'

/** What `--for` takes, and what prints each. */
export const SCHEMA_TOOLS = {
  drizzle: drizzleSchema,
  prisma: prismaSchema,
  typeorm: typeormSchema,
  sequelize: sequelizeSchema,
  knex: knexSchema,
  sql: sqlSchema,
} satisfies Record<string, (shape: SchemaShape, engine: Engine) => string>

type SchemaTool = keyof typeof SCHEMA_TOOLS

export interface SchemaOptions {
  for: SchemaTool
  engine: Engine
  table: string
}

/** The comment each tool's output starts with. */
const COMMENT: Record<SchemaTool, string> = { drizzle: '//', prisma: '//', typeorm: '//', sequelize: '//', knex: '//', sql: '--' }

/** statgraph's tables for `table` on `engine`, as `--for`'s tool declares them (see `schemaShape`). */
export async function schemaText(options: SchemaOptions): Promise<string> {
  const shape = await schemaShape(options.engine, options.table)
  const comment = COMMENT[options.for]
  const header = [
    `${comment} statgraph's tables for ${options.engine}, printed by \`statgraph schema --for ${options.for} --engine ${options.engine} --table ${options.table}\`.`,
    `${comment} Start statgraph with migrations: 'off' once your migrations have made them; print again after upgrading statgraph.`,
  ]
  if (options.engine === 'mysql') {
    header.push(
      `${comment} statgraph's own migrations then convert text to a binary collation that keeps trailing spaces`,
      `${comment} (utf8mb4_0900_bin on MySQL 8, utf8mb4_nopad_bin on MariaDB); do the same to count "/a " apart from "/a".`,
    )
    if (options.for === 'sql') header.push(`${comment} MySQL has no "create index if not exists": over tables that exist, leave the create index lines out.`)
  }
  return `${header.join('\n')}\n${SCHEMA_TOOLS[options.for](shape, options.engine)}`
}

/** `statgraph schema`: prints the tables for a migration tool. */
export async function schemaCommand(options: SchemaOptions): Promise<void> {
  try {
    sqlName('--table', options.table)
  } catch (error) {
    throw new CliError((error as Error).message, EXIT.usage)
  }
  process.stdout.write(await schemaText(options))
}
