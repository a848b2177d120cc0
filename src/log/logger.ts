import { StatgraphError } from '../errors/statgraph-error.js'
/**
 * Where statgraph says what went wrong (and what recovered): pino-shaped, so pino, Fastify's
 * `app.log` or any logger with these three methods fits. Messages are whole lines, starting with
 * `statgraph:`.
 */
export interface Logger {
  error(message: string): void
  warn(message: string): void
  info(message: string): void
}

/** The default: stderr for errors and warnings, stdout for the rest. */
export const CONSOLE_LOGGER: Logger = {
  error: (message) => console.error(message),
  warn: (message) => console.warn(message),
  info: (message) => console.info(message),
}

/** `logger` if it has the three methods; otherwise a StatgraphError that says what is missing. */
export function checkedLogger(logger: unknown): Logger {
  const missing = ['error', 'warn', 'info'].filter((method) => typeof (logger as Record<string, unknown> | null)?.[method] !== 'function')
  if (missing.length > 0) {
    throw new StatgraphError(
      'STATGRAPH_INVALID_OPTION',
      `statgraph: "logger" must have error, warn and info methods (like pino or Fastify's app.log); it lacks ${missing.join(', ')}`,
    )
  }
  return logger as Logger
}
