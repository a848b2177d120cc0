/** Line `n` of an access log in nginx's combined format: a request to /r/n. */
function line(n: number): string {
  const minute = String(Math.floor(n / 60) % 60).padStart(2, '0')
  const second = String(n % 60).padStart(2, '0')
  return `203.0.113.${n % 250} - - [26/Nov/2026:05:${minute}:${second} +0000] "GET /r/${n} HTTP/1.1" 200 ${n} "-" "curl/8.5.0" 0.003`
}

/** Lines `from` to `to`, each with `end` after it. */
export function lines(from: number, to: number, end = '\n'): string {
  let text = ''
  for (let n = from; n <= to; n++) text += line(n) + end
  return text
}

/** Hits per path of requests `from` to `to`, one each. */
export function once(from: number, to: number): Map<string, number> {
  return new Map(Array.from({ length: to - from + 1 }, (_, i) => [`/r/${from + i}`, 1]))
}
