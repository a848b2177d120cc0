// The dashboard bench's traffic, shared with the disk bench: 30 days of the demo's realistic
// requests ending at a fixed instant, written in date order through a store's own batched writes.
import type { Store } from 'statgraph'
import { pastTraffic, seededRandom } from '../src/cli/demo/traffic.js'

/** The end of the traffic: fixed, so that a kept table answers the same ranges next run. */
export const TRAFFIC_END = Date.UTC(2026, 10, 1)
const DAY = 86_400_000

/** Writes `rows` requests of the traffic into `store`, showing progress on a terminal. */
export async function writeTraffic(store: Store, rows: number): Promise<void> {
  let done = 0
  for (const chunk of pastTraffic(rows, TRAFFIC_END - 30 * DAY, TRAFFIC_END, seededRandom(42), 20_000)) {
    await store.insertBatch(chunk)
    done += chunk.length
    if (process.stdout.isTTY) process.stdout.write(`\r  filling: ${done} / ${rows}`)
  }
  if (process.stdout.isTTY) process.stdout.write('\r')
}
