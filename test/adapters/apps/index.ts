import type { AppSetup } from './app-setup.js'
import { express4Setup, express5Setup } from './express-app.js'
import { fastify4Setup, fastify5Setup } from './fastify-app.js'
import { honoSetup } from './hono-app.js'
import { koa2Setup, koa3Setup } from './koa-app.js'
import { nestExpressSetup, nestFastifySetup } from './nest-app.js'
import { nodeSetup } from './node-app.js'

/** Every adapter's test app; `ADAPTERS=express5,node` (names lower-cased, spaces removed) narrows the run. */
const ALL: AppSetup[] = [
  express4Setup,
  express5Setup,
  fastify4Setup,
  fastify5Setup,
  honoSetup,
  koa2Setup,
  koa3Setup,
  nestExpressSetup,
  nestFastifySetup,
  nodeSetup,
]
const only = process.env.ADAPTERS?.split(',')
export const APP_SETUPS = only ? ALL.filter((setup) => only.includes(setup.name.toLowerCase().replace(/[^a-z0-9]/g, ''))) : ALL
