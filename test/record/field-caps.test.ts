import { describe, expect, it } from 'vitest'
import { cap } from '../../src/record/field-caps.js'

describe('cap', () => {
  it('keeps short values and cuts long ones to the limit, marked with …', () => {
    expect(cap('abc', 3)).toBe('abc')
    expect(cap('abcdef', 4)).toBe('abc…')
  })

  it('replaces NUL, which PostgreSQL cannot store in text', () => {
    expect(cap('a\0b', 10)).toBe('a\uFFFDb')
  })

  it('never cuts a character made of two UTF-16 units in half', () => {
    const cut = cap('ab😀cdef', 4)
    expect(cut).toBe('ab…')
    expect(Buffer.from(cut).toString()).toBe(cut)
    expect(cap('a😀cdef', 4)).toBe('a😀…')
  })
})
