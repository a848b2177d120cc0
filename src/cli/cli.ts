#!/usr/bin/env node
// The `statgraph` command: serve, report, export, prune, annotate, import, schema, demo. Exit codes: see EXIT.
import { Command, CommanderError, Option } from 'commander'
import { CliError, EXIT } from './cli-error.js'
import { annotateCommand } from './annotate-command.js'
import { demoCommand } from './demo-command.js'
import { exportCommand } from './export-command.js'
import { followCommand } from './import/follow-command.js'
import { type ImportOptions, importCommand } from './import/import-command.js'
import { reportImports } from './import/import-report.js'
import { pruneCommand } from './prune-command.js'
import { reportCommand } from './report-command.js'
import { SCHEMA_TOOLS, schemaCommand } from './schema/schema-command.js'
import { serveCommand } from './serve-command.js'

const DATABASE_HELP = 'a SQLite file, or a postgres:// or mysql:// URL'

/** The package's version, put in by the build (tsup.config.ts). */
declare const STATGRAPH_VERSION: string

/** The options every command that reads a database takes. */
function withDatabaseOptions(command: Command): Command {
  return command.option('--table <name>', 'the statistics table', 'request').option('--schema <name>', 'PostgreSQL schema or MySQL database holding the table')
}

function withRange(command: Command): Command {
  return command
    .option('--start <day>', 'first UTC day, YYYY-MM-DD')
    .option('--end <day>', 'last UTC day, YYYY-MM-DD (default today)')
    .option('--days <n>', 'days shown when --start is not given', '7')
}

export function program(): Command {
  const cli = new Command('statgraph')
    .description('Request statistics for Node web apps: dashboards, reports, exports and access-log imports over a statgraph database.')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .showHelpAfterError()
    .version(STATGRAPH_VERSION, '-v, --version', 'print the version')

  withDatabaseOptions(
    cli
      .command('serve')
      .description('serve the dashboard alone for a statgraph database')
      .argument('<database>', DATABASE_HELP)
      .option('--port <port>', 'port to listen on (0: any free one)', '4000')
      .option('--host <host>', 'address to bind; loopback unless you say otherwise', '127.0.0.1')
      .option('--auth <user:password>', 'require HTTP Basic auth with these credentials')
      .option('--days <n>', 'days shown when no range is picked', '7'),
  ).action(async (database: string, options) => {
    await serveCommand(database, options)
  })

  withRange(
    withDatabaseOptions(
      cli
        .command('report')
        .description('print the main numbers and the top routes of a range')
        .argument('<database>', DATABASE_HELP)
        .option('--top <n>', 'routes listed', '10')
        .option('--json', 'print the API’s JSON answer instead of a table'),
    ),
  ).action(reportCommand)

  withRange(
    withDatabaseOptions(
      cli
        .command('export')
        .description('stream the raw rows of a range as CSV, JSON or NDJSON, oldest first')
        .argument('<database>', DATABASE_HELP)
        .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json', 'ndjson']).default('csv'))
        .option('--out <file>', 'write to a file instead of stdout'),
    ),
  ).action(async (database: string, options) => {
    await exportCommand(database, options)
  })

  withDatabaseOptions(
    cli
      .command('prune')
      .description('delete the raw rows older than a duration (the dashboard keeps their rollups), and rollups too if asked')
      .argument('<database>', DATABASE_HELP)
      .requiredOption('--older-than <duration>', 'raw rows older than this, e.g. 90d, 12h, 2w')
      .option('--rollups-older-than <duration>', 'also the rollups older than this, e.g. 400d'),
  ).action(pruneCommand)

  withDatabaseOptions(
    cli
      .command('annotate')
      .description('put a note on every chart of the dashboard: a deploy, an incident, a change')
      .argument('<database>', DATABASE_HELP)
      .argument('<text>', 'the note, up to 500 characters')
      .option('--at <instant>', 'when, as ISO 8601 (default now), e.g. 2026-11-30T12:00:00Z'),
  ).action(annotateCommand)

  withDatabaseOptions(
    cli
      .command('import')
      .description('read nginx/Apache access logs (gzip too, - for stdin) into a statgraph database, each line once')
      .argument('<logs...>', 'access log files, or - for stdin')
      .requiredOption('--database <database>', `${DATABASE_HELP}; created if missing`)
      .addOption(new Option('--format <format>', 'log format').choices(['combined', 'common', 'json']).default('combined'))
      .option('--follow', 'go on reading the logs as they grow, through rotations, until stopped')
      .option('--poll <ms>', 'how often --follow looks at the logs', '250'),
  ).action(async (logs: string[], options: ImportOptions & { follow?: boolean; poll: string }) => {
    if (options.follow === true) await followCommand(logs, options)
    else process.exitCode = reportImports(await importCommand(logs, options), options.format)
  })

  cli
    .command('schema')
    .description("print statgraph's tables for your migration tool, to run with migrations: 'off'")
    .addOption(new Option('--for <tool>', 'the migration tool').choices(Object.keys(SCHEMA_TOOLS)).makeOptionMandatory())
    .addOption(new Option('--engine <engine>', 'the database engine').choices(['sqlite', 'postgres', 'mysql']).makeOptionMandatory())
    .option('--table <name>', 'the statistics table', 'request')
    .action(schemaCommand)

  cli
    .command('demo')
    .description('run a demo shop with statgraph on SQLite, send it traffic, and serve the dashboard')
    .option('--database <file>', 'the demo’s SQLite file (replaced)', './demo-statistics.db')
    .option('--port <port>', 'port to listen on', process.env.PORT ?? '3000')
    .option('--requests <n>', 'live requests to send', '3000')
    .option('--once', 'exit once the traffic is sent')
    .action(demoCommand)

  return cli
}

async function main(): Promise<void> {
  // `statgraph export … | head` closes the pipe early: that is the reader's choice, not a failure.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.ok)
    throw error
  })
  try {
    await program().parseAsync(process.argv)
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; commander already printed what was wrong otherwise.
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage
      return
    }
    const message = error instanceof Error ? error.message : String(error)
    console.error(message.startsWith('statgraph:') ? message : `statgraph: ${message}`)
    process.exitCode = error instanceof CliError ? error.exitCode : EXIT.failed
  }
}

void main()
