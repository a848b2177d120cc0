/**
 * A copy of `response` whose body counts the bytes read from it, calling `done(size)` once the body
 * has been read to its end, cancelled, or at once when there is no body. For runtimes where statgraph
 * cannot see the `node:http` response being written.
 */
export function meterResponse(response: Response, done: (size: number) => void): Response {
  if (response.body === null) {
    done(0)
    return response
  }
  let size = 0
  let finished = false
  const finish = () => {
    if (!finished) {
      finished = true
      done(size)
    }
  }
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      size += chunk.byteLength
      controller.enqueue(chunk)
    },
    flush: finish,
  })
  response.body.pipeTo(counter.writable).catch(finish)
  return new Response(counter.readable, response)
}
