import { describe, expect, it } from 'vitest'
import { toCsv } from '../../src/dashboard/csv.js'

describe('toCsv', () => {
  it('quotes what needs quoting and leaves empty cells for null', () => {
    expect(
      toCsv(
        ['a', 'b', 'c'],
        [
          { a: 'x,y', b: 'say "hi"', c: null },
          { a: 1, b: 'line\nbreak', c: false },
        ],
      ),
    ).toBe('a,b,c\r\n"x,y","say ""hi""",\r\n1,"line\nbreak",false\r\n')
  })

  it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '＝1+1', '＋1', '－1', '＠SUM(A1)'])('neutralises the formula-looking text %j', (value) => {
    const line = toCsv(['v'], [{ v: value }]).split('\r\n')[1] as string
    expect(line.replace(/^"|"$/g, '').startsWith("'")).toBe(true)
  })

  it('leaves negative numbers alone: they are numbers, not text', () => {
    expect(toCsv(['v'], [{ v: -5 }])).toBe('v\r\n-5\r\n')
  })
})
