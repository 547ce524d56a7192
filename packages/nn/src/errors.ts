// The errors of @tapegrad/nn: a state dict that does not fit a module, a file that is not
// valid safetensors. Both extend core's TapegradError, so `op` names the function.
import { TapegradError } from '@tapegrad/core';

/** A parameter whose shape in the state dict differs from the module's. */
export interface ShapeMismatch {
  readonly name: string;
  /** The parameter's shape in the module. */
  readonly expected: readonly number[];
  /** The shape found in the state dict. */
  readonly got: readonly number[];
}

/**
 * A state dict that does not fit a module: names missing from it, names the module does not
 * have, shapes that differ. Thrown before any parameter is changed.
 *
 * @example
 * try { model.loadStateDict(sd); } catch (e) { if (e instanceof StateDictError) console.log(e.missing); }
 */
export class StateDictError extends TapegradError {
  readonly missing: readonly string[];
  readonly unexpected: readonly string[];
  readonly mismatched: readonly ShapeMismatch[];
  constructor(
    op: string,
    problems: {
      missing: readonly string[];
      unexpected: readonly string[];
      mismatched: readonly ShapeMismatch[];
      message?: string;
    },
  ) {
    const lines: string[] = [];
    const shape = (s: readonly number[]): string => `[${s.join(',')}]`;
    for (const m of problems.mismatched) {
      lines.push(
        `shape mismatch for '${m.name}': the module has ${shape(m.expected)}, the state dict has ${shape(m.got)}`,
      );
    }
    for (const name of problems.missing) lines.push(`missing '${name}' (the module has it)`);
    for (const name of problems.unexpected) {
      lines.push(
        `unexpected '${name}' (the module has no such parameter; pass { strict: false } to ignore it)`,
      );
    }
    if (problems.message !== undefined) lines.push(problems.message);
    super(op, `${lines.join('; ')}. Nothing was loaded.`);
    this.missing = problems.missing;
    this.unexpected = problems.unexpected;
    this.mismatched = problems.mismatched;
  }
}

/**
 * Bytes that are not a valid safetensors file (truncated, malformed header, offsets out of
 * bounds, an unsupported dtype). Nothing is returned from a file that fails any check.
 *
 * @example
 * try { loadSafetensors(bytes); } catch (e) { if (e instanceof SafetensorsError) console.error(e.message); }
 */
export class SafetensorsError extends TapegradError {}

/** A file that cannot be read or written (core's `FileError`, shared with @tapegrad/datasets). */
export { FileError } from '@tapegrad/core';
