// The class colours: matplotlib's tab10 (the examples' colours before @tapegrad/viz, so a
// class keeps its colour), wrapping after ten, and the region tints 70% toward white.
import { describe, expect, it } from 'vitest';
import { classColor, PALETTE, REGION_TINT, regionColor, rgb } from '../src/index.js';

describe('the class palette', () => {
  it('is tab10 in order, and wraps after ten classes', () => {
    expect(PALETTE).toEqual([
      '#1f77b4',
      '#ff7f0e',
      '#2ca02c',
      '#d62728',
      '#9467bd',
      '#8c564b',
      '#e377c2',
      '#7f7f7f',
      '#bcbd22',
      '#17becf',
    ]);
    expect(classColor(0)).toBe('#1f77b4');
    expect(classColor(3)).toBe('#d62728');
    expect(classColor(10)).toBe(classColor(0));
    expect(classColor(-1)).toBe(classColor(9));
  });

  it('tints a region 70% toward white, rounding each byte', () => {
    expect(REGION_TINT).toBe(0.7);
    // 31 + 224·0.7 = 187.8 → 188 (bc); 119 + 136·0.7 = 214.2 → 214 (d6); 180 + 75·0.7 = 232.5 → 233 (e9)
    expect(regionColor(0)).toBe('#bcd6e9');
    expect(regionColor(1)).toBe('#ffd9b7');
    expect(regionColor(2)).toBe('#c0e3c0');
    expect(regionColor(12)).toBe(regionColor(2));
  });

  it('reads #rrggbb colours and names what it cannot read', () => {
    expect(rgb('#1f77B4')).toEqual([31, 119, 180]);
    expect(() => rgb('red')).toThrow("rgb: expected a colour like '#1f77b4', got 'red'");
    expect(() => classColor(1.5)).toThrow('classColor: k must be an integer, got 1.5');
  });
});
