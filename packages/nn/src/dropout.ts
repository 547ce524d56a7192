// Dropout (Srivastava et al. 2014), inverted: in training each unit is kept with
// probability 1 - p and scaled by 1 / (1 - p), so evaluation needs no rescaling.
import { getDefaultRng, lt, type Rng, rand, type Tensor, ValueError, zeros } from '@tapegrad/core';
import { checkBoolean, checkRng, checkTensor, optionsOf, show } from './internal/args.js';
import { Module } from './module.js';

function checkP(op: string, p: number): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new ValueError(op, `p must be a number in [0, 1], got ${show(p)}`);
  }
  return p;
}

/** Options of `dropout`. @example dropout(h, 0.5, { training: model.training, rng }) */
export interface DropoutOptions {
  /** Drop units (default true); false returns x unchanged. */
  readonly training?: boolean;
  /** The generator of the mask (default: the one `manualSeed` seeds). */
  readonly rng?: Rng;
}

/**
 * Inverted dropout: zero each value with probability `p` and scale the rest by `1 / (1 - p)`
 * (so the expected value is unchanged); the identity when not training or `p` is 0.
 *
 * @example
 * dropout(h, 0.5, { rng: new Rng(0) }); // about half of h zeroed, the rest doubled
 */
export function dropout(x: Tensor, p: number, options: DropoutOptions = {}): Tensor {
  const op = 'dropout';
  checkTensor(op, 'x', x);
  checkP(op, p);
  const { training = true, rng } = optionsOf(op, options, '{ training: false }');
  checkBoolean(op, 'training', training);
  checkRng(op, rng);
  if (!training || p === 0) return x;
  const keep = 1 - p;
  if (keep === 0) return x.mul(zeros(x.shape, { dtype: x.dtype })); // p = 1: no draws
  // one draw per element, in row-major order, kept in float64 so that the comparison with
  // `keep` is the number's own (a draw rounded to float32 could land on the other side)
  const draws = rand(x.shape, { rng: rng ?? getDefaultRng(), dtype: 'float64' });
  const mask = lt(draws, keep)
    .to(x.dtype)
    .mul(1 / keep);
  return x.mul(mask);
}

/**
 * The dropout layer: inverted dropout with probability `p` in training mode, the identity
 * in eval mode.
 *
 * @example
 * const drop = new Dropout(0.5);
 * drop.forward(h);          // training: a random half zeroed, the rest × 2
 * drop.eval().forward(h);   // h itself
 */
export class Dropout extends Module {
  readonly p: number;
  #rng: Rng | undefined;

  constructor(p = 0.5, options: { rng?: Rng } = {}) {
    super();
    this.p = checkP('Dropout', p);
    this.#rng = checkRng('Dropout', optionsOf('Dropout', options, '{ rng: new Rng(0) }').rng);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, {
      training: this.training,
      rng: this.#rng ?? getDefaultRng(),
    });
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
