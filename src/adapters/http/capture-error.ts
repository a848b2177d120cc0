import type { IncomingMessage } from 'node:http'
import { ResponseTracker } from './response-tracker.js'

/**
 * Records `error` as the exception of a request statgraph is tracking, for frameworks that handle
 * errors where no adapter can see them (a NestJS exception filter, say). Takes the `node:http`
 * request, or a framework request that wraps one in `raw` (Fastify). Does nothing for a request
 * statgraph does not track.
 *
 * @example
 * @Catch()
 * class StatgraphFilter extends BaseExceptionFilter {
 *   catch(error: unknown, host: ArgumentsHost) {
 *     captureError(host.switchToHttp().getRequest(), error)
 *     super.catch(error, host)
 *   }
 * }
 */
export function captureError(req: IncomingMessage | { raw: IncomingMessage }, error: unknown): void {
  ResponseTracker.captureError('raw' in req ? req.raw : req, error)
}
