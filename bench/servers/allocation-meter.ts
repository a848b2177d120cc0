// What the app's thread allocates, in bytes, between start() and stop(), and how much of it
// survived into the old generation. V8 counts no allocation itself; its GC profiler gives the heap
// used before and after each collection, so what was allocated is what each collection found
// beyond what the one before it left, and what a scavenge promoted is what the old generation's
// spaces grew by across it. Forced collections at both ends close the sum. Needs `node --expose-gc`.
import { GCProfiler, getHeapStatistics, type HeapSpaceStatistics } from 'node:v8'

/** The young generation's spaces: what is not in them has been promoted, or was born old. */
const YOUNG = new Set(['new_space', 'new_large_object_space'])

export class AllocationMeter {
  #profiler: GCProfiler | undefined
  #usedAtStart = 0

  start(): void {
    collect()
    this.#usedAtStart = getHeapStatistics().used_heap_size
    this.#profiler = new GCProfiler()
    this.#profiler.start()
  }

  /** Bytes allocated since start(), and the part of them scavenges promoted to the old generation. */
  stop(): { allocated: number; promoted: number } {
    collect()
    const statistics = this.#profiler?.stop().statistics
    if (statistics === undefined) throw new Error('AllocationMeter: stop() before start()')
    let left = this.#usedAtStart
    let allocated = 0
    let promoted = 0
    for (const { gcType, beforeGC, afterGC } of statistics) {
      allocated += beforeGC.heapStatistics.usedHeapSize - left
      left = afterGC.heapStatistics.usedHeapSize
      if (gcType === 'Scavenge') promoted += oldUsed(afterGC.heapSpaceStatistics) - oldUsed(beforeGC.heapSpaceStatistics)
    }
    return { allocated, promoted }
  }
}

function oldUsed(spaces: HeapSpaceStatistics[]): number {
  let used = 0
  for (const space of spaces) if (!YOUNG.has(space.spaceName)) used += space.spaceUsedSize
  return used
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (typeof gc !== 'function') throw new Error('measuring allocation needs node --expose-gc')
  gc()
}
