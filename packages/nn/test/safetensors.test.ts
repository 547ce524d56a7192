// safetensors in memory: round trips, the exact byte layout of the spec, a file from the
// reference implementation, and every way a damaged file must fail.
import { Rng, type Tensor, tensor, zeros } from '@tapegrad/core';
import { describe, expect, it } from 'vitest';
import {
  Linear,
  loadSafetensors,
  loadSafetensorsWithMetadata,
  MLP,
  Neuron,
  SafetensorsError,
  StateDictError,
  saveSafetensors,
} from '../src/index.js';

/**
 * Written by the reference implementation (Python `safetensors` 0.8.0):
 * save_file({'layers.0.weight': arange(12, float32).reshape(4, 3) / 8,
 *            'layers.0.bias': [0.5, -1, 2, 3] (float32), 'scale': pi (float64, shape []),
 *            'empty': zeros((0, 3), float32)}, metadata={'format': 'np', 'note': 'reference writer'})
 */
const REFERENCE = Uint8Array.from(
  atob(
    'OAEAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJub3RlIjoicmVmZXJlbmNlIHdyaXRlciIsImZvcm1hdCI6Im5wIn0sInNjYWxlIjp7' +
      'ImR0eXBlIjoiRjY0Iiwic2hhcGUiOltdLCJkYXRhX29mZnNldHMiOlswLDhdfSwiZW1wdHkiOnsiZHR5cGUiOiJGMzIiLCJzaGFw' +
      'ZSI6WzAsM10sImRhdGFfb2Zmc2V0cyI6WzgsOF19LCJsYXllcnMuMC5iaWFzIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOls0XSwi' +
      'ZGF0YV9vZmZzZXRzIjpbOCwyNF19LCJsYXllcnMuMC53ZWlnaHQiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzQsM10sImRhdGFf' +
      'b2Zmc2V0cyI6WzI0LDcyXX19ICAYLURU+yEJQAAAAD8AAIC/AAAAQAAAQEAAAAAAAAAAPgAAgD4AAMA+AAAAPwAAID8AAEA/AABg' +
      'PwAAgD8AAJA/AACgPwAAsD8=',
  ),
  (c) => c.charCodeAt(0),
);

/** A safetensors file from a header object and a data section, as a hand-made test input. */
function file(
  header: unknown,
  data: Uint8Array = new Uint8Array(0),
  rawHeader?: string,
): Uint8Array {
  const json = new TextEncoder().encode(rawHeader ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (...v: number[]): Uint8Array => new Uint8Array(Float32Array.from(v).buffer);

function expectCorrupt(bytes: Uint8Array, message: string | RegExp): void {
  expect(() => loadSafetensors(bytes)).toThrow(SafetensorsError);
  expect(() => loadSafetensors(bytes)).toThrow(message);
}

function same(a: Map<string, Tensor>, b: Map<string, Tensor>): void {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [k, t] of a) {
    expect(b.get(k)!.dtype, k).toBe(t.dtype);
    expect(b.get(k)!.shape, k).toEqual(t.shape);
    expect(Array.from(b.get(k)!.toTypedArray()), k).toEqual(Array.from(t.toTypedArray()));
  }
}

describe('round trips', () => {
  it('a model saves and loads exactly, through stateDict and loadStateDict', () => {
    const a = new MLP([3, 4, 4, 1], { rng: new Rng(1) });
    const b = new MLP([3, 4, 4, 1], { rng: new Rng(2) });
    const bytes = saveSafetensors(a);
    same(a.stateDict(), loadSafetensors(bytes));
    b.loadStateDict(loadSafetensors(bytes));
    same(a.stateDict(), b.stateDict());
  });

  it('float64, scalars, empty tensors, mixed dtypes and metadata survive', () => {
    const sd = new Map<string, Tensor>([
      ['w', tensor([[1.5, -2.25]])],
      ['pi', tensor(Math.PI, { dtype: 'float64' })],
      ['none', zeros([0, 3])],
      ['v', tensor([1 / 3, 2 / 3, 1], { dtype: 'float64' })],
    ]);
    const { tensors, metadata } = loadSafetensorsWithMetadata(
      saveSafetensors(sd, { metadata: { epoch: '7', note: 'ünïcödé' } }),
    );
    same(sd, tensors);
    expect(metadata).toEqual({ epoch: '7', note: 'ünïcödé' });
    const neuron = new Neuron(2, { dtype: 'float64' });
    same(neuron.stateDict(), loadSafetensors(saveSafetensors(neuron.stateDict())));
  });

  it('reads a file written by the reference implementation', () => {
    const { tensors, metadata } = loadSafetensorsWithMetadata(REFERENCE);
    expect(metadata).toEqual({ format: 'np', note: 'reference writer' });
    expect(tensors.get('scale')!.dtype).toBe('float64');
    expect(tensors.get('scale')!.item()).toBe(Math.PI);
    expect(tensors.get('empty')!.shape).toEqual([0, 3]);
    expect(tensors.get('layers.0.bias')!.toArray()).toEqual([0.5, -1, 2, 3]);
    expect(tensors.get('layers.0.weight')!.toArray()).toEqual([
      [0, 0.125, 0.25],
      [0.375, 0.5, 0.625],
      [0.75, 0.875, 1],
      [1.125, 1.25, 1.375],
    ]);
    const fc = new Linear(3, 4);
    fc.loadStateDict(
      new Map(
        [...tensors].filter(([k]) => k.startsWith('layers.0.')).map(([k, v]) => [k.slice(9), v]),
      ),
    );
    expect(fc.bias!.toArray()).toEqual([0.5, -1, 2, 3]);
  });
});

describe('byte layout', () => {
  it('is: u64 LE header length, JSON header padded with spaces to 8 bytes, raw LE data', () => {
    const sd = new Map<string, Tensor>([
      ['a', tensor([1, 2])],
      ['b', tensor([[3]], { dtype: 'float64' })],
    ]);
    const bytes = saveSafetensors(sd);
    // float64 first, so each tensor's data is aligned to its element size
    const json =
      '{"b":{"dtype":"F64","shape":[1,1],"data_offsets":[0,8]},' +
      '"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}';
    const n = Math.ceil(json.length / 8) * 8;
    const expected = new Uint8Array(8 + n + 16);
    const view = new DataView(expected.buffer);
    view.setBigUint64(0, BigInt(n), true);
    expected.set(new TextEncoder().encode(json.padEnd(n, ' ')), 8);
    view.setFloat64(8 + n, 3, true);
    view.setFloat32(8 + n + 8, 1, true);
    view.setFloat32(8 + n + 12, 2, true);
    expect(Array.from(bytes)).toEqual(Array.from(expected));
    expect((8 + n) % 8).toBe(0);
    expect(json.length % 8).not.toBe(0); // the padding was exercised
  });

  it('aligns the data of every model to 8 bytes', () => {
    for (const sizes of [
      [3, 4, 2],
      [3, 4, 4, 1],
      [7, 5, 3],
    ]) {
      const bytes = saveSafetensors(new MLP(sizes));
      const n = new DataView(bytes.buffer).getUint32(0, true);
      expect(n % 8).toBe(0);
      expect(new DataView(bytes.buffer).getUint32(4, true)).toBe(0);
      const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
      expect(header.trimEnd().endsWith('}')).toBe(true);
      expect(header.slice(header.trimEnd().length)).toMatch(/^ *$/); // padding is spaces only
    }
  });

  it('rejects values that are not tensors and the reserved name', () => {
    expect(() => saveSafetensors({ w: [1, 2] as unknown as Tensor })).toThrow(SafetensorsError);
    expect(() => saveSafetensors({ __metadata__: zeros([1]) })).toThrow(/reserved/);
  });
});

describe('damaged files are clear errors, never a partial load', () => {
  const good = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };

  it('every truncation of a valid file fails', () => {
    const bytes = saveSafetensors(new MLP([2, 3, 1], { rng: new Rng(0) }));
    for (let len = 0; len < bytes.length; len++) {
      expect(() => loadSafetensors(bytes.subarray(0, len)), `length ${len}`).toThrow(
        SafetensorsError,
      );
    }
    expect(() => loadSafetensors(bytes)).not.toThrow();
  });

  it('a short file or a header longer than the file', () => {
    expectCorrupt(new Uint8Array(5), 'truncated file: 5 bytes, less than the 8-byte header length');
    const b = file(good, f32(1, 2));
    new DataView(b.buffer).setUint32(0, 10_000, true);
    expectCorrupt(b, /truncated file: the header needs 10000 bytes/);
    new DataView(b.buffer).setUint32(4, 1, true);
    expectCorrupt(b, /exceeds the limit/);
  });

  it('a header that is not a UTF-8 JSON object', () => {
    const bad = file(null, new Uint8Array(0), '{"w": 1');
    expectCorrupt(bad, /not valid JSON/);
    const utf = file(null, new Uint8Array(0), '{"x":1}');
    utf[10] = 0xff;
    expectCorrupt(utf, 'the header is not valid UTF-8');
    expectCorrupt(file([]), "the header must be a JSON object starting with '{'");
    expectCorrupt(file(null, new Uint8Array(0), ' {}'), /starting with '\{'/);
    expectCorrupt(file(null, new Uint8Array(0), 'null'), /starting with/);
  });

  it('bad dtypes, shapes, offsets and unknown fields', () => {
    const one = (entry: unknown, data = f32(1, 2)): Uint8Array => file({ w: entry }, data);
    expectCorrupt(
      one({ dtype: 'BF16', shape: [4], data_offsets: [0, 8] }),
      `tensor 'w': unsupported dtype "BF16" (this reader supports F32 and F64)`,
    );
    expectCorrupt(one({ shape: [2], data_offsets: [0, 8] }), /unsupported dtype undefined/);
    expectCorrupt(
      one({ dtype: 'F32', shape: [-2], data_offsets: [0, 8] }),
      /shape must be a list of non-negative integers/,
    );
    expectCorrupt(one({ dtype: 'F32', shape: '2', data_offsets: [0, 8] }), /shape must be/);
    expectCorrupt(
      one({ dtype: 'F32', shape: [2], data_offsets: [0] }),
      /data_offsets must be \[begin, end\]/,
    );
    expectCorrupt(
      one({ dtype: 'F32', shape: [2], data_offsets: [0.5, 8] }),
      /data_offsets must be/,
    );
    expectCorrupt(one({ dtype: 'F32', shape: [2], data_offsets: [8, 0] }), /end before they begin/);
    expectCorrupt(one({ dtype: 'F32', shape: [4], data_offsets: [0, 16] }), /outside the 8 bytes/);
    expectCorrupt(
      one({ dtype: 'F32', shape: [3], data_offsets: [0, 8] }),
      "tensor 'w': shape [3] of F32 needs 12 bytes but data_offsets span 8",
    );
    expectCorrupt(one({ dtype: 'F64', shape: [2], data_offsets: [0, 8] }), /needs 16 bytes/);
    expectCorrupt(
      one({ dtype: 'F32', shape: [2], data_offsets: [0, 8], x: 1 }),
      "tensor 'w': unknown field 'x'",
    );
    expectCorrupt(one([1, 2]), /expected an object with dtype, shape and data_offsets/);
  });

  it.each(['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'valueOf', 'F32 '])(
    'a dtype that is not F32 or F64 (%j, even a prototype key) is an unsupported dtype',
    (dtype) => {
      expectCorrupt(
        file({ w: { dtype, shape: [2], data_offsets: [0, 8] } }, f32(1, 2)),
        `tensor 'w': unsupported dtype ${JSON.stringify(dtype)} (this reader supports F32 and F64)`,
      );
    },
  );

  it('overlapping tensors, gaps and trailing bytes', () => {
    const overlap = file(
      {
        a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
      },
      f32(1, 2, 3),
    );
    expectCorrupt(overlap, /tensor 'b' overlaps another tensor's data/);
    const gap = file(
      {
        a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
        b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
      },
      f32(1, 2, 3),
    );
    expectCorrupt(gap, "the data has a gap of unused bytes 4–8 before tensor 'b'");
    expectCorrupt(file(good, f32(1, 2, 3)), 'the data has 12 bytes but the tensors cover 8');
  });

  it('bad metadata', () => {
    expectCorrupt(
      file({ ...good, __metadata__: { a: 1 } }, f32(1, 2)),
      "__metadata__ 'a' must be a string",
    );
    expectCorrupt(file({ ...good, __metadata__: [] }, f32(1, 2)), /__metadata__ must be an object/);
  });

  it('names are data: __proto__ is an ordinary tensor name', () => {
    const bytes = file(
      null,
      f32(1, 2),
      '{"__proto__":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}',
    );
    const t = loadSafetensors(bytes);
    expect(t.get('__proto__')!.toArray()).toEqual([1, 2]);
    expect(({} as Record<string, unknown>).dtype).toBeUndefined();
  });

  it('names are data when writing too: __proto__ as a tensor name or a metadata key round-trips', () => {
    const tensors = new Map([
      ['__proto__', tensor([1, 2])],
      ['w', tensor([3])],
    ]);
    const metadata = JSON.parse('{"__proto__": "p", "epoch": "3"}') as Record<string, string>;
    const back = loadSafetensorsWithMetadata(saveSafetensors(tensors, { metadata }));
    same(tensors, back.tensors);
    expect(Object.entries(back.metadata)).toEqual(Object.entries(metadata));
  });

  it('names that are prototype keys round-trip through a Map and a plain object', () => {
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '__defineGetter__'];
    const tensors = new Map(names.map((n, i) => [n, tensor([i, i + 0.5])]));
    same(tensors, loadSafetensors(saveSafetensors(tensors)));
    // a plain object holding them as own properties (as JSON.parse makes them)
    const plain: Record<string, Tensor> = {};
    for (const [n, t] of tensors) {
      Object.defineProperty(plain, n, { value: t, enumerable: true, configurable: true });
    }
    same(tensors, loadSafetensors(saveSafetensors(plain)));
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).toString).toBe(Object.prototype.toString);
  });

  it('a state dict naming __proto__ is an unexpected name, not a way into the prototype', () => {
    const model = new Linear(2, 1, { rng: new Rng(0) });
    const sd = loadSafetensors(
      saveSafetensors(new Map([...model.stateDict(), ['__proto__', tensor([1])]])),
    );
    expect(() => model.loadStateDict(sd)).toThrow(
      "unexpected '__proto__' (the module has no such parameter; pass { strict: false } to ignore it)",
    );
    expect(model.loadStateDict(sd, { strict: false }).unexpected).toEqual(['__proto__']);
    const plain = Object.fromEntries(sd);
    expect(Object.keys(plain)).toContain('__proto__');
    expect(model.loadStateDict(plain, { strict: false }).unexpected).toEqual(['__proto__']);
  });

  it('a file of another model is a StateDictError and the module stays as it was', () => {
    const model = new MLP([3, 4, 2], { rng: new Rng(3) });
    const before = model.stateDict();
    const other = saveSafetensors(new MLP([3, 5, 2]));
    expect(() => model.loadStateDict(loadSafetensors(other))).toThrow(StateDictError);
    expect(() => model.loadStateDict(loadSafetensors(other))).toThrow(
      "shape mismatch for '0.weight': the module has [4,3], the state dict has [5,3]",
    );
    same(before, model.stateDict());
  });
});
