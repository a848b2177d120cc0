/**
 * A copy of `response` whose body counts the bytes read from it, calling `done(size, whole)` once
 * the body has been read to its end (`whole`), cancelled by a client that went away (not `whole`),
 * or at once when there is no body. For runtimes where statgraph cannot see the `node:http`
 * response being written.
 */
export function meterResponse(response: Response, done: (size: number, whole: boolean) => void): Response {
  if (response.body === null) {
    done(0, true)
    return response
  }
  let size = 0
  let finished = false
  const finish = (whole: boolean) => {
    if (!finished) {
      finished = true
      done(size, whole)
    }
  }
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      size += chunk.byteLength
      controller.enqueue(chunk)
    },
    flush: () => finish(true),
  })
  response.body.pipeTo(counter.writable).catch(() => finish(false))
  return new Response(counter.readable, response)
}
