import { describe, expect, it } from 'vitest';
import { progress } from './progress.js';

/** A stream that records what is written; a terminal when `isTTY`. */
function recorder(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 120, write: (s: string) => chunks.push(s) } };
}

describe('progress', () => {
  it('writes nothing when the stream is not a terminal', () => {
    const { chunks, stream } = recorder(false);
    const bar = progress({ total: 50, label: 'quiet', stream });
    for (let i = 0; i < 50; i++) bar.tick({ loss: 1 / (i + 1) });
    bar.stop();
    expect(chunks).toEqual([]);
    expect(bar.value).toBe(50);
  });

  it('prints one plain line per logEvery percent when asked to', () => {
    const { chunks, stream } = recorder(false);
    const bar = progress({ total: 200, label: 'log', logEvery: 25, stream });
    for (let i = 0; i < 200; i++) bar.tick({ loss: 2 - i / 100 });
    bar.stop();
    expect(chunks).toHaveLength(4);
    expect(chunks[0]).toMatch(/^log 50\/200 \| loss 1\.510 \| [\d.]+ it\/s \| ETA \S+\n$/);
    expect(chunks[3]).toMatch(/^log 200\/200 \| loss 0\.01000 \| [\d.]+ it\/s \| took \d+s\n$/);
  });

  it('draws a bar with the count, values, speed and ETA on a terminal', () => {
    const { chunks, stream } = recorder(true);
    const bar = progress({ total: 10, label: 'mnist', unit: 'epoch', stream });
    for (let i = 0; i < 4; i++) bar.tick({ loss: 0.5, acc: 0.91 });
    bar.log('checkpoint');
    bar.stop();
    const out = chunks.join('');
    expect(out).toMatch(
      /mnist [█░]+ 4\/10 epoch \| loss 0\.5000 \| acc 0\.9100 \| [\d.?]+ epoch\/s \| ETA \S+/,
    );
    expect(out).toContain('checkpoint\n');
    bar.tick({ loss: 1 });
    expect(chunks.join('')).toBe(out); // stopped: later ticks draw nothing
  });

  it('rejects a total that is not a positive integer', () => {
    expect(() => progress({ total: 0 })).toThrow(
      'progress: total must be a positive integer, got 0',
    );
  });
});
