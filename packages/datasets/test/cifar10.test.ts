// loadCifar10 on small files written in the exact binary format: round trips and bad files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor, ValueError } from '@tapegrad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR10_CLASSES, DataFileError, loadCifar10 } from '../src/node.js';

const RECORD = 3073;

/** A record: its label byte, then pixel (c, row, col) = (seed + 7c + 3·row + col) mod 256. */
function record(label: number, seed: number): Uint8Array {
  const r = new Uint8Array(RECORD);
  r[0] = label;
  for (let c = 0; c < 3; c++)
    for (let row = 0; row < 32; row++)
      for (let col = 0; col < 32; col++)
        r[1 + c * 1024 + row * 32 + col] = (seed + 7 * c + 3 * row + col) % 256;
  return r;
}

function writeBatch(path: string, records: readonly Uint8Array[]): void {
  const buf = new Uint8Array(records.length * RECORD);
  records.forEach((r, i) => {
    buf.set(r, i * RECORD);
  });
  writeFileSync(path, buf);
}

let root: string;
let good: string;
/** The records in file order: train (5 files of 1–3 records), then test. */
const trainRecords: Uint8Array[] = [];
const testRecords: Uint8Array[] = [];

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tapegrad-cifar-'));
  good = join(root, 'cifar-10-batches-bin');
  mkdirSync(good);
  let seed = 0;
  [2, 1, 3, 1, 2].forEach((count, b) => {
    const rs = Array.from({ length: count }, () => record(seed % 10, (seed += 37)));
    trainRecords.push(...rs);
    writeBatch(join(good, `data_batch_${b + 1}.bin`), rs);
  });
  testRecords.push(record(9, 1), record(0, 250), record(4, 128));
  writeBatch(join(good, 'test_batch.bin'), testRecords);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the good folder with one file replaced (or removed when bytes is null). */
function folderWith(name: string, bytes: Uint8Array | null): string {
  const dir = mkdtempSync(join(root, 'case-'));
  for (const f of [
    'data_batch_1.bin',
    'data_batch_2.bin',
    'data_batch_3.bin',
    'data_batch_4.bin',
    'data_batch_5.bin',
    'test_batch.bin',
  ]) {
    if (f === name) {
      if (bytes !== null) writeFileSync(join(dir, f), bytes);
    } else writeBatch(join(dir, f), f === 'test_batch.bin' ? testRecords : [record(1, 2)]);
  }
  return dir;
}

function caught(fn: () => unknown): DataFileError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DataFileError);
    return e as DataFileError;
  }
  throw new Error('expected a DataFileError');
}

describe('loadCifar10', () => {
  it('round-trips labels and pixel values of the train batches exactly, in file order', () => {
    const { x, y, mean } = loadCifar10(good);
    expect(x.shape).toEqual([9, 3072]);
    expect(x.dtype).toBe('float32');
    expect(mean).toBeNull();
    expect(Array.from(y)).toEqual(trainRecords.map((r) => r[0]));
    const xs = x.toTypedArray();
    trainRecords.forEach((r, i) => {
      for (let k = 0; k < 3072; k++)
        if (xs[i * 3072 + k] !== r[1 + k]) expect(xs[i * 3072 + k]).toBe(r[1 + k]);
    });
  });

  it('reads the test batch and keeps the channel-major image layout with flatten: false', () => {
    const { x, y } = loadCifar10(good, { split: 'test', flatten: false });
    expect(x.shape).toEqual([3, 3, 32, 32]);
    expect(Array.from(y)).toEqual([9, 0, 4]);
    const img = x.toArray() as number[][][][];
    // record(0, 250): pixel (c, row, col) = (250 + 7c + 3 row + col) mod 256
    expect(img[1]![0]![0]![0]).toBe(250);
    expect(img[1]![2]![5]![1]).toBe((250 + 14 + 15 + 1) % 256);
    expect(img[1]![1]![31]![31]).toBe((250 + 7 + 93 + 31) % 256);
    expect(CIFAR10_CLASSES[y[0]!]).toBe('truck');
  });

  it('scales and subtracts the training mean image from both splits', () => {
    const train = loadCifar10(good, { scale: 1 / 255, subtractMean: true });
    const raw = loadCifar10(good).x.toTypedArray();
    const xs = train.x.toTypedArray();
    const mean = train.mean!.toTypedArray();
    expect(train.mean!.shape).toEqual([3072]);
    for (const k of [0, 1, 1500, 3071]) {
      let m = 0;
      for (let i = 0; i < 9; i++) m += Math.fround(raw[i * 3072 + k]! / 255);
      expect(mean[k]).toBeCloseTo(m / 9, 6);
      for (let i = 0; i < 9; i++)
        expect(xs[i * 3072 + k]).toBeCloseTo(raw[i * 3072 + k]! / 255 - m / 9, 6);
    }
    // each pixel of the centred training data has mean 0
    let colSum = 0;
    for (let i = 0; i < 9; i++) colSum += xs[i * 3072 + 100]!;
    expect(colSum).toBeCloseTo(0, 5);
    const test = loadCifar10(good, { split: 'test', scale: 1 / 255, subtractMean: train.mean! });
    const t = test.x.toTypedArray();
    expect(t[0]).toBeCloseTo(1 / 255 - mean[0]!, 6);
    expect(test.mean!.toTypedArray()).toEqual(mean);
  });

  it('refuses the test split centred on its own mean, and a mean of the wrong size', () => {
    expect(() => loadCifar10(good, { split: 'test', subtractMean: true })).toThrow(
      /pass the training mean/,
    );
    expect(() => loadCifar10(good, { subtractMean: tensor([1, 2, 3]) })).toThrow(ValueError);
    // @ts-expect-error: not a split
    expect(() => loadCifar10(good, { split: 'val' })).toThrow(/split must be 'train' or 'test'/);
  });

  it('names a missing folder and what it should hold', () => {
    const missing = join(root, 'nope');
    const e = caught(() => loadCifar10(missing));
    expect(e.path).toBe(missing);
    expect(e.offset).toBeNull();
    expect(e.message).toContain(`folder not found: ${missing}`);
    expect(e.message).toContain('data_batch_1.bin');
    const file = join(good, 'test_batch.bin');
    expect(caught(() => loadCifar10(file)).message).toContain(`not a folder: ${file}`);
  });

  it('names a missing batch file', () => {
    const dir = folderWith('data_batch_4.bin', null);
    const e = caught(() => loadCifar10(dir));
    expect(e.path).toBe(join(dir, 'data_batch_4.bin'));
    expect(e.message).toMatch(
      /file not found: .*data_batch_4\.bin; expected the CIFAR-10 binary batch/,
    );
    expect(loadCifar10(dir, { split: 'test' }).y.length).toBe(3); // the test split does not need it
    const noTest = folderWith('test_batch.bin', null);
    expect(caught(() => loadCifar10(noTest, { split: 'test' })).path).toBe(
      join(noTest, 'test_batch.bin'),
    );
  });

  it('names a file whose length is not a multiple of 3073, and the offset', () => {
    const bytes = new Uint8Array(2 * RECORD + 100);
    const dir = folderWith('data_batch_2.bin', bytes);
    const e = caught(() => loadCifar10(dir));
    expect(e.path).toBe(join(dir, 'data_batch_2.bin'));
    expect(e.offset).toBe(2 * RECORD);
    expect(e.message).toContain(`length ${2 * RECORD + 100} is not a multiple of 3073`);
    expect(e.message).toContain(`offset ${2 * RECORD} has 100 bytes`);
    const empty = caught(() => loadCifar10(folderWith('data_batch_1.bin', new Uint8Array(0))));
    expect(empty.message).toContain('the file is empty');
  });

  it('names a label byte above 9, with its file and offset', () => {
    const bad = new Uint8Array(3 * RECORD);
    bad.set(record(3, 0), 0);
    bad.set(record(12, 0), RECORD);
    bad.set(record(5, 0), 2 * RECORD);
    const dir = folderWith('test_batch.bin', bad);
    const e = caught(() => loadCifar10(dir, { split: 'test' }));
    expect(e.path).toBe(join(dir, 'test_batch.bin'));
    expect(e.offset).toBe(RECORD);
    expect(e.message).toContain(`label byte 12 at offset ${RECORD} (record 1)`);
    expect(e.message).toContain('expected 0–9');
  });
});
