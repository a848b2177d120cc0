// What the app's thread allocates, in bytes, between start() and stop(). V8 counts no allocation
// itself; its GC profiler gives the heap used before and after each collection, so what was
// allocated is what each collection found beyond what the one before it left. Forced collections
// at both ends close the sum. Needs `node --expose-gc`.
import { GCProfiler, getHeapStatistics } from 'node:v8'

export class AllocationMeter {
  #profiler: GCProfiler | undefined
  #usedAtStart = 0

  start(): void {
    collect()
    this.#usedAtStart = getHeapStatistics().used_heap_size
    this.#profiler = new GCProfiler()
    this.#profiler.start()
  }

  /** Bytes allocated since start(). */
  stop(): number {
    collect()
    const statistics = this.#profiler?.stop().statistics
    if (statistics === undefined) throw new Error('AllocationMeter: stop() before start()')
    let left = this.#usedAtStart
    let allocated = 0
    for (const { beforeGC, afterGC } of statistics) {
      allocated += beforeGC.heapStatistics.usedHeapSize - left
      left = afterGC.heapStatistics.usedHeapSize
    }
    return allocated
  }
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (typeof gc !== 'function') throw new Error('measuring allocation needs node --expose-gc')
  gc()
}
