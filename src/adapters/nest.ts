import type {
  CallHandler,
  DynamicModule,
  ExecutionContext,
  InjectionToken,
  ModuleMetadata,
  NestInterceptor,
  OptionalFactoryDependency,
  Provider,
} from '@nestjs/common'
import { APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core'
import type { FastifyInstance } from 'fastify'
import { catchError, type Observable, throwError } from 'rxjs'
import type { StatgraphHandle } from '../core/statgraph.js'
import { StatgraphError } from '../errors/statgraph-error.js'
import { type ExpressApp, type ExpressStatgraphOptions, statgraph as expressStatgraph } from './express.js'
import { type FastifyStatgraphOptions, statgraph as fastifyStatgraph } from './fastify.js'
import { captureError } from './http/capture-error.js'

export { captureError }

/**
 * The token of the {@link StatgraphHandle} the module provides (everywhere: it is global).
 *
 * @example
 * constructor(@Inject(STATGRAPH) private readonly stats: StatgraphHandle) {}
 */
export const STATGRAPH: InjectionToken<StatgraphHandle> = Symbol('statgraph')

const OPTIONS = Symbol('statgraph options')

/** statgraph's options on either Nest platform: the Express adapter's, or the Fastify plugin's. */
export type NestStatgraphOptions = ExpressStatgraphOptions | FastifyStatgraphOptions

/** `forRootAsync`'s argument: options from a factory, with what it injects, as in Nest's own modules. */
export interface StatgraphModuleAsyncOptions<Options extends NestStatgraphOptions> extends Pick<ModuleMetadata, 'imports'> {
  useFactory: (...args: never[]) => Options | Promise<Options>
  inject?: (InjectionToken | OptionalFactoryDependency)[]
}

/**
 * statgraph as a NestJS module, on Nest's Express or Fastify platform: records every request the
 * app serves and mounts the dashboard at `prefix` (default `/statistics`) on the underlying
 * instance, before Nest adds its routes. An interceptor notes the errors Nest answers itself (500s
 * with their message; HTTP exceptions below 500 are answers, not failures), and `app.close()` writes
 * what is buffered and releases the database. `protect` is the platform's middleware: Express's
 * `(req, res, next)`, or a Fastify `preHandler`.
 *
 * @example
 * @Module({ imports: [StatgraphModule.forRoot({ auth: { token: process.env.STATS_TOKEN } })], controllers: [AppController] })
 * class AppModule {}
 */
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with a static forRoot, by Nest's design.
export class StatgraphModule {
  static forRoot(options?: ExpressStatgraphOptions): DynamicModule
  static forRoot(options: FastifyStatgraphOptions): DynamicModule
  static forRoot(options: NestStatgraphOptions = {}): DynamicModule {
    return statgraphModule([], { provide: OPTIONS, useValue: options })
  }

  static forRootAsync(options: StatgraphModuleAsyncOptions<ExpressStatgraphOptions>): DynamicModule
  static forRootAsync(options: StatgraphModuleAsyncOptions<FastifyStatgraphOptions>): DynamicModule
  static forRootAsync({ imports = [], useFactory, inject = [] }: StatgraphModuleAsyncOptions<NestStatgraphOptions>): DynamicModule {
    return statgraphModule(imports, { provide: OPTIONS, useFactory, inject })
  }
}

function statgraphModule(imports: ModuleMetadata['imports'], options: Provider): DynamicModule {
  return {
    module: StatgraphModule,
    global: true,
    imports,
    providers: [
      options,
      { provide: STATGRAPH, useFactory: mount, inject: [HttpAdapterHost, OPTIONS] },
      // Nest calls the hook on app.close(), once its server stopped taking requests, and on the
      // signals `enableShutdownHooks()` names.
      { provide: StatgraphShutdown, useFactory: (stats: StatgraphHandle) => new StatgraphShutdown(stats), inject: [STATGRAPH] },
      { provide: APP_INTERCEPTOR, useValue: errorCapture },
    ],
    exports: [STATGRAPH],
  }
}

/** Puts statgraph on the instance under Nest's HTTP adapter; runs while Nest builds its providers, before routes. */
async function mount(host: HttpAdapterHost, options: NestStatgraphOptions): Promise<StatgraphHandle> {
  const adapter = host.httpAdapter as HttpAdapterHost['httpAdapter'] | undefined
  const platform = adapter?.getType()
  if (platform === 'express') return expressStatgraph(adapter?.getInstance() as ExpressApp, options as ExpressStatgraphOptions)
  if (platform === 'fastify') {
    const fastify = adapter?.getInstance() as FastifyInstance
    await fastify.register(fastifyStatgraph, options as FastifyStatgraphOptions)
    return fastify.statgraph
  }
  throw new StatgraphError(
    'STATGRAPH_INVALID_APP',
    `statgraph: StatgraphModule needs Nest's Express or Fastify platform (an app from NestFactory.create), not ${platform === undefined ? 'an application context without HTTP' : `"${platform}"`}`,
  )
}

class StatgraphShutdown {
  readonly #stats: StatgraphHandle
  constructor(stats: StatgraphHandle) {
    this.#stats = stats
  }
  onApplicationShutdown(): Promise<void> {
    return this.#stats.close()
  }
}

/** Notes the errors that handlers, pipes and interceptors throw and Nest answers with a 5xx. */
const errorCapture: NestInterceptor = {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (context.getType() === 'http' && !isClientError(error)) captureError(context.switchToHttp().getRequest(), error)
        return throwError(() => error)
      }),
    )
  },
}

/** Whether `error` is an HTTP exception Nest answers below 500 (not found, forbidden, a failed validation…). */
function isClientError(error: unknown): boolean {
  const status = (error as { getStatus?: () => unknown } | null)?.getStatus?.()
  return typeof status === 'number' && status < 500
}
