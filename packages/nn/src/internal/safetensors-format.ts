// The safetensors format, read in three steps that both readers share (bytes in memory, and a
// file read piece by piece): the 8-byte header length checked against the size, the JSON
// header parsed and every entry checked against the size of the data, then each tensor
// decoded from its bytes. A file reader thus reads no data before the header has passed.
import { type DType, fromNdarray, type Tensor } from '@tapegrad/core';
import { makeArray } from '@tapegrad/core/op-kit';

/** Header lengths above this are rejected (the reference implementation's limit). */
export const MAX_HEADER = 100_000_000;

/**
 * The dtypes this reader supports, by their safetensors name. A Map, so that a dtype such as
 * `"__proto__"` or `"toString"` is simply not in it (a plain object would answer with its
 * prototype's members).
 */
const DTYPES: ReadonlyMap<string, { readonly dtype: DType; readonly bytes: number }> = new Map([
  ['F32', { dtype: 'float32', bytes: 4 }],
  ['F64', { dtype: 'float64', bytes: 8 }],
]);

/** Whether this machine stores numbers little-endian, as safetensors does. */
export const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reports a malformed file: throws a SafetensorsError with the reader's name (and path). */
export type Fail = (message: string) => never;

/** One tensor of the header, checked: its dtype, shape and bytes in the data section. */
export interface Entry {
  readonly name: string;
  readonly dtype: DType;
  /** Bytes per element. */
  readonly bytes: number;
  readonly shape: number[];
  /** Its bytes in the data section (which starts after the header): [begin, end). */
  readonly begin: number;
  readonly end: number;
}

/** A header that passed every check: its tensors (in header order) and its metadata. */
export interface Header {
  readonly entries: readonly Entry[];
  readonly metadata: Record<string, string>;
}

/**
 * `obj[key] = value` as an own property whatever the key: a plain assignment of `__proto__`
 * would set the prototype instead, and the name would vanish from the JSON.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * The header length N from the first 8 bytes of a file of `fileSize` bytes, checked against
 * the limit and against the bytes that follow.
 */
export function headerLength(fail: Fail, prefix: Uint8Array, fileSize: number): number {
  if (fileSize < 8) fail(`truncated file: ${fileSize} bytes, less than the 8-byte header length`);
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const n = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  if (n > MAX_HEADER) fail(`header length ${n} exceeds the limit of ${MAX_HEADER} bytes`);
  if (8 + n > fileSize) {
    fail(`truncated file: the header needs ${n} bytes but only ${fileSize - 8} follow the length`);
  }
  return n;
}

/** Validate one header entry against the size of the data section. */
function parseEntry(fail: Fail, name: string, v: unknown, dataLength: number): Entry {
  if (!isPlainObject(v))
    fail(`tensor '${name}': expected an object with dtype, shape and data_offsets`);
  for (const key of Object.keys(v)) {
    if (key !== 'dtype' && key !== 'shape' && key !== 'data_offsets')
      fail(`tensor '${name}': unknown field '${key}'`);
  }
  const spec = typeof v.dtype === 'string' ? DTYPES.get(v.dtype) : undefined;
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

/**
 * Parse and check the header (the N bytes after the length) of a file whose data section has
 * `dataLength` bytes: UTF-8 JSON object (parsed with `JSON.parse` only), each entry's dtype,
 * shape and offsets, the metadata's strings, and that the tensors tile the data exactly (no
 * overlap, no gap, nothing past the end), as the format requires.
 */
export function parseHeader(fail: Fail, bytes: Uint8Array, dataLength: number): Header {
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
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
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  // JSON.parse makes every key an own property, `__proto__` included, and Object.entries
  // lists own properties only: a name is data, never a way into a prototype
  for (const [name, v] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!isPlainObject(v)) fail('__metadata__ must be an object of strings');
      for (const [k, s] of Object.entries(v as Record<string, unknown>)) {
        if (typeof s !== 'string') fail(`__metadata__ '${k}' must be a string, got ${typeof s}`);
        setOwn(metadata, k, s);
      }
    } else entries.push(parseEntry(fail, name, v, dataLength));
  }
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
  return { entries, metadata };
}

/**
 * The tensor of `entry` from its `end - begin` bytes (little-endian in the file). With
 * `owned` (a buffer the reader allocated for this tensor alone) its memory becomes the
 * tensor's values without a copy on a little-endian machine; otherwise the values are copied
 * (the tensor must not keep the caller's file contents alive, nor share them).
 */
export function decodeTensor(entry: Entry, raw: Uint8Array, owned: boolean): Tensor {
  const count = (entry.end - entry.begin) / entry.bytes;
  const f64 = entry.dtype === 'float64';
  let values: Float32Array | Float64Array;
  if (littleEndian) {
    const own = owned && raw.byteOffset % entry.bytes === 0 ? raw : raw.slice();
    values = f64
      ? new Float64Array(own.buffer, own.byteOffset, count)
      : new Float32Array(own.buffer, own.byteOffset, count);
  } else {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    values = f64 ? new Float64Array(count) : new Float32Array(count);
    for (let i = 0; i < count; i++) {
      values[i] = f64 ? view.getFloat64(8 * i, true) : view.getFloat32(4 * i, true);
    }
  }
  return fromNdarray(makeArray(values, entry.shape));
}
