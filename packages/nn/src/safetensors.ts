// safetensors (https://github.com/huggingface/safetensors): 8 bytes of little-endian header
// length N, N bytes of JSON header {name: {dtype, shape, data_offsets}, __metadata__?}, then
// the raw little-endian data. Reading parses JSON only and validates every field and offset
// before any tensor is made, so a damaged file is an error, never a partial result.
import { Tensor, ValueError } from '@tapegrad/core';
import { SafetensorsError } from './errors.js';
import { isOptionsObject, optionsOf, show } from './internal/args.js';
import {
  decodeTensor,
  type Fail,
  headerLength,
  littleEndian,
  parseHeader,
  setOwn,
} from './internal/safetensors-format.js';
import { Module, type StateDictLike } from './module.js';

/** Options of `saveSafetensors`. @example saveSafetensors(model, { metadata: { epoch: '3' } }) */
export interface SaveSafetensorsOptions {
  /** Free-form string metadata, stored under `__metadata__`. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The named tensors of `source`, each name a string and each value a Tensor. */
function entriesOf(op: string, source: Module | StateDictLike): [string, Tensor][] {
  let entries: [unknown, unknown][];
  if (source instanceof Module) entries = [...source.stateDict()];
  else if (source instanceof Map) entries = [...(source as Map<unknown, unknown>)];
  else if (isOptionsObject(source) && !ArrayBuffer.isView(source)) entries = Object.entries(source);
  else {
    throw new ValueError(
      op,
      `source must be a Module, a state dict (a Map of tensors by name) or an object of tensors by name, got ${show(source)}`,
    );
  }
  for (const [name, t] of entries) {
    if (typeof name !== 'string') {
      throw new SafetensorsError(op, `tensor names must be strings, got ${show(name)}`);
    }
    if (!(t instanceof Tensor)) {
      throw new SafetensorsError(op, `'${name}' must be a Tensor, got ${show(t)}`);
    }
    if (name === '__metadata__') {
      throw new SafetensorsError(op, `'__metadata__' is a reserved name`);
    }
  }
  return entries as [string, Tensor][];
}

/**
 * Serialize tensors (a module's `stateDict()`, or the module itself) to safetensors bytes.
 * The JSON header is padded with spaces to a multiple of 8 bytes, float64 tensors come
 * first, so every tensor's data is aligned to its element size. Readable by PyTorch's
 * `safetensors.torch.load` and every other safetensors reader. Names are data: `__proto__`
 * or `constructor` are saved like any other name.
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
  const entries = entriesOf(op, source);
  const { metadata: given } = optionsOf(op, options, "{ metadata: { epoch: '3' } }");
  // 8-byte elements first keeps every tensor aligned without holes in the data
  const ordered = [
    ...entries.filter(([, t]) => t.dtype === 'float64'),
    ...entries.filter(([, t]) => t.dtype === 'float32'),
  ];
  const header: Record<string, unknown> = {};
  if (given !== undefined) {
    if (!isOptionsObject(given)) {
      throw new ValueError(op, `metadata must be an object of strings, got ${show(given)}`);
    }
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(given)) {
      if (typeof v !== 'string') {
        throw new SafetensorsError(op, `metadata '${k}' must be a string, got ${show(v)}`);
      }
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
  const fail: Fail = (message) => {
    throw new SafetensorsError('loadSafetensors', message);
  };
  if (!(bytes instanceof Uint8Array)) {
    fail(`expected the file contents as a Uint8Array, got ${show(bytes)}`);
  }
  const n = headerLength(fail, bytes, bytes.length);
  const { entries, metadata } = parseHeader(fail, bytes.subarray(8, 8 + n), bytes.length - 8 - n);
  const base = 8 + n;
  const tensors = new Map<string, Tensor>();
  for (const e of entries) {
    tensors.set(e.name, decodeTensor(e, bytes.subarray(base + e.begin, base + e.end), false));
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
