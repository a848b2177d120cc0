import type { RequestFacts } from '../record/request-record.js'
import type { BatchFormat } from './recorder.js'

/** What V8 spends on one request's facts object beside its texts, roughly. */
const OBJECT_BYTES = 200

/** A batch of request facts as a plain list, for the recorder of a store written on the app's thread. */
export class FactsList {
  readonly items: RequestFacts[] = []
  #bytes = 0

  get bytes(): number {
    return this.#bytes
  }

  add(facts: RequestFacts): number {
    // The texts are the request's own (headers come new with each request): counted in full, two bytes a character at most.
    const chars =
      facts.method.length +
      facts.url.length +
      (facts.route?.length ?? 0) +
      (facts.userAgent?.length ?? 0) +
      (facts.referrer?.length ?? 0) +
      (facts.remoteAddress?.length ?? 0) +
      (facts.forwardedFor?.length ?? 0) +
      (facts.contentType?.length ?? 0) +
      (facts.exception?.length ?? 0)
    this.#bytes += OBJECT_BYTES + 2 * chars
    return this.items.push(facts)
  }
}

/** {@link FactsList} as a recorder's batches: bounded by bytes as well as by count. */
export const factsListFormat: BatchFormat<RequestFacts, FactsList> = {
  create: () => new FactsList(),
  add: (batch, facts) => batch.add(facts),
  size: (batch) => batch.items.length,
  bytes: (batch) => batch.bytes,
}
