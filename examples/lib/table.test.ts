import { describe, expect, it } from 'vitest';
import { formatTable, indent } from './table.js';

describe('formatTable', () => {
  it('pads each column to its widest cell, two spaces apart, with no trailing spaces', () => {
    expect(
      formatTable([
        ['layer', 'relu'],
        ['hidden 1', '4.0% dead'],
        ['hidden 10', '—'],
      ]),
    ).toBe('layer      relu\nhidden 1   4.0% dead\nhidden 10  —');
  });
});

describe('indent', () => {
  it('puts two spaces before every line', () => {
    expect(indent('a\nb')).toBe('  a\n  b');
  });
});
