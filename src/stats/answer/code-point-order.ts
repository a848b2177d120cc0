/**
 * Orders strings by Unicode code point: what SQLite's binary, MySQL's `_bin` and PostgreSQL's "C"
 * collations do with UTF-8 text, so that a tie ranks the same whether SQL or rollups answered. (JS's
 * `<` compares UTF-16 code units, which put U+10000 and above before U+E000–U+FFFF.)
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return inCodePointOrder(x) - inCodePointOrder(y)
  }
  return a.length - b.length
}

// Surrogates (the units of U+10000 and above) move after U+E000–U+FFFF, which move down to make room.
function inCodePointOrder(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800
  if (unit >= 0xd800) return unit + 0x2000
  return unit
}
