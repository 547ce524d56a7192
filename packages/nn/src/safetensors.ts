// safetensors (https://github.com/huggingface/safetensors): 8 bytes of little-endian header
// length N, N bytes of JSON header {name: {dtype, shape, data_offsets}, __metadata__?}, then
// the raw little-endian data. Reading parses JSON only and validates every field and offset
// before any tensor is made, so a damaged file is an error, never a partial result.
import { type DType, Tensor, tensor } from '@tapegrad/core';
import { SafetensorsError } from './errors.js';
import { Module, type StateDictLike } from './module.js';

/** Header lengths above this are rejected (the reference implementation's limit). */
const MAX_HEADER = 100_000_000;

const DTYPES: Readonly<Record<string, { dtype: DType; bytes: number }>> = {
  F32: { dtype: 'float32', bytes: 4 },
  F64: { dtype: 'float64', bytes: 8 },
};

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Options of `saveSafetensors`. @example saveSafetensors(model, { metadata: { epoch: '3' } }) */
export interface SaveSafetensorsOptions {
  /** Free-form string metadata, stored under `__metadata__`. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * `obj[key] = value` as an own property whatever the key: a plain assignment of `__proto__`
 * would set the prototype instead, and the name would vanish from the JSON.
 */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function entriesOf(source: Module | StateDictLike): [string, Tensor][] {
  if (source instanceof Module) return [...source.stateDict()];
  return source instanceof Map ? [...source] : Object.entries(source);
}

/**
 * Serialize tensors (a module's `stateDict()`, or the module itself) to safetensors bytes.
 * The JSON header is padded with spaces to a multiple of 8 bytes, float64 tensors come
 * first, so every tensor's data is aligned to its element size. Readable by PyTorch's
 * `safetensors.torch.load` and every other safetensors reader.
 *
 * @example
 * const bytes = saveSafetensors(model.stateDict(), { metadata: { epoch: '3' } });
 * model.loadStateDict(loadSafetensors(bytes));
 */
export function saveSafetensors(
  source: Module | StateDictLike,
  options: SaveSafetensorsOptions = {},
): Uint8Array {
  const op = 'saveSafetensors';
  const entries = entriesOf(source);
  for (const [name, t] of entries) {
    if (!(t instanceof Tensor)) throw new SafetensorsError(op, `'${name}' is not a Tensor`);
    if (name === '__metadata__')
      throw new SafetensorsError(op, `'__metadata__' is a reserved name`);
  }
  // 8-byte elements first keeps every tensor aligned without holes in the data
  const ordered = [
    ...entries.filter(([, t]) => t.dtype === 'float64'),
    ...entries.filter(([, t]) => t.dtype === 'float32'),
  ];
  const header: Record<string, unknown> = {};
  if (options.metadata !== undefined) {
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.metadata)) {
      if (typeof v !== 'string') throw new SafetensorsError(op, `metadata '${k}' must be a string`);
      setOwn(metadata, k, v);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const [name, t] of ordered) {
    const bytes = t.size * (t.dtype === 'float64' ? 8 : 4);
    setOwn(header, name, {
      dtype: t.dtype === 'float64' ? 'F64' : 'F32',
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes],
    });
    offset += bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded, true);
  view.setUint32(4, Math.floor(padded / 2 ** 32), true);
  out.set(json, 8);
  let pos = 8 + padded;
  for (const [, t] of ordered) {
    const values = t.toTypedArray();
    if (littleEndian)
      out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), pos);
    else if (values instanceof Float64Array)
      for (let i = 0; i < values.length; i++) view.setFloat64(pos + 8 * i, values[i]!, true);
    else for (let i = 0; i < values.length; i++) view.setFloat32(pos + 4 * i, values[i]!, true);
    pos += values.byteLength;
  }
  return out;
}

interface Entry {
  readonly name: string;
  readonly dtype: DType;
  readonly bytes: number;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Validate one header entry against the size of the data section. */
function parseEntry(
  fail: (m: string) => never,
  name: string,
  v: unknown,
  dataLength: number,
): Entry {
  if (!isPlainObject(v))
    fail(`tensor '${name}': expected an object with dtype, shape and data_offsets`);
  for (const key of Object.keys(v)) {
    if (key !== 'dtype' && key !== 'shape' && key !== 'data_offsets')
      fail(`tensor '${name}': unknown field '${key}'`);
  }
  const spec = typeof v.dtype === 'string' ? DTYPES[v.dtype] : undefined;
  if (spec === undefined) {
    fail(
      `tensor '${name}': unsupported dtype ${JSON.stringify(v.dtype)} (this reader supports F32 and F64)`,
    );
  }
  const shape = v.shape;
  if (!Array.isArray(shape) || !shape.every(isCount))
    fail(
      `tensor '${name}': shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  const offsets = v.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount))
    fail(
      `tensor '${name}': data_offsets must be [begin, end] of non-negative integers, got ${JSON.stringify(offsets)}`,
    );
  const [begin, end] = offsets as [number, number];
  if (begin > end) fail(`tensor '${name}': data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataLength) {
    fail(
      `tensor '${name}': data_offsets [${begin}, ${end}] are outside the ${dataLength} bytes of data (a truncated file?)`,
    );
  }
  let count = 1;
  for (const d of shape as number[]) count *= d;
  if (!Number.isSafeInteger(count) || count * spec.bytes !== end - begin) {
    fail(
      `tensor '${name}': shape [${(shape as number[]).join(',')}] of ${v.dtype as string} needs ${count * spec.bytes} bytes but data_offsets span ${end - begin}`,
    );
  }
  return { name, dtype: spec.dtype, bytes: spec.bytes, shape: shape as number[], begin, end };
}

/** The tensors and metadata of a safetensors file, as `loadSafetensorsWithMetadata` returns. */
export interface SafetensorsContents {
  readonly tensors: Map<string, Tensor>;
  readonly metadata: Record<string, string>;
}

/**
 * Parse safetensors bytes into tensors (by name, in header order) and the header's metadata.
 * Everything is validated before any tensor is made: the header length, the JSON (parsed
 * with `JSON.parse` only), each dtype (F32 or F64), shape and offset, and that the tensors
 * tile the data exactly (no overlap, no gap, nothing past the end).
 *
 * @example
 * const { tensors, metadata } = loadSafetensorsWithMetadata(bytes);
 */
export function loadSafetensorsWithMetadata(bytes: Uint8Array): SafetensorsContents {
  const op = 'loadSafetensors';
  const fail = (message: string): never => {
    throw new SafetensorsError(op, message);
  };
  if (!(bytes instanceof Uint8Array)) fail('expected the file contents as a Uint8Array');
  if (bytes.length < 8)
    fail(`truncated file: ${bytes.length} bytes, less than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const n = hi * 2 ** 32 + lo;
  if (n > MAX_HEADER) fail(`header length ${n} exceeds the limit of ${MAX_HEADER} bytes`);
  if (8 + n > bytes.length) {
    fail(
      `truncated file: the header needs ${n} bytes but only ${bytes.length - 8} follow the length`,
    );
  }
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail('the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail(`the header must be a JSON object starting with '{'`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(header)) fail('the header must be a JSON object');
  const h = header as Record<string, unknown>;
  const dataLength = bytes.length - 8 - n;
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, v] of Object.entries(h)) {
    if (name === '__metadata__') {
      if (!isPlainObject(v)) fail('__metadata__ must be an object of strings');
      for (const [k, s] of Object.entries(v as Record<string, unknown>)) {
        if (typeof s !== 'string') fail(`__metadata__ '${k}' must be a string, got ${typeof s}`);
        setOwn(metadata, k, s);
      }
    } else entries.push(parseEntry(fail, name, v, dataLength));
  }
  // the tensors must tile the data: sorted by offset, each starts where the last ended
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of sorted) {
    if (e.begin < expected)
      fail(`tensor '${e.name}' overlaps another tensor's data (bytes ${e.begin}–${e.end})`);
    if (e.begin > expected)
      fail(`the data has a gap of unused bytes ${expected}–${e.begin} before tensor '${e.name}'`);
    expected = e.end;
  }
  if (expected !== dataLength) {
    fail(
      `the data has ${dataLength} bytes but the tensors cover ${expected} (truncated, or trailing bytes)`,
    );
  }
  const base = 8 + n;
  const tensors = new Map<string, Tensor>();
  for (const e of entries) {
    const count = (e.end - e.begin) / e.bytes;
    const values = e.dtype === 'float64' ? new Float64Array(count) : new Float32Array(count);
    const start = base + e.begin;
    if (littleEndian) {
      new Uint8Array(values.buffer).set(bytes.subarray(start, base + e.end));
    } else if (values instanceof Float64Array) {
      for (let i = 0; i < count; i++) values[i] = view.getFloat64(start + 8 * i, true);
    } else {
      for (let i = 0; i < count; i++) values[i] = view.getFloat32(start + 4 * i, true);
    }
    tensors.set(e.name, tensor(values, { shape: e.shape, dtype: e.dtype }));
  }
  return { tensors, metadata };
}

/**
 * Parse safetensors bytes into a state dict (tensors by name), validating everything first;
 * a truncated or malformed file is a `SafetensorsError`.
 *
 * @example
 * model.loadStateDict(loadSafetensors(saveSafetensors(model)));
 */
export function loadSafetensors(bytes: Uint8Array): Map<string, Tensor> {
  return loadSafetensorsWithMetadata(bytes).tensors;
}
