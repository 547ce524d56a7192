// The points the network learns from: one of the datasets package's 2-D sets, split into
// a training set and a held-out test set, kept as plain arrays so that a click can add a
// point, and as tensors for the network.
import { type Tensor, tensor } from '@tapegrad/core';
import {
  blobs,
  circles,
  type Dataset,
  moons,
  spiral,
  trainValSplit,
  xor,
} from '@tapegrad/datasets';
import type { Bounds } from '@tapegrad/viz';
import { type Config, MULTICLASS } from './config.js';

/** Points with class labels, as flat [x0, y0, x1, y1, …] coordinates. */
export class Points {
  readonly coords: number[] = [];
  readonly labels: number[] = [];
  #x: Tensor | null = null;
  #y: Int32Array | null = null;

  static from(ds: Dataset<Int32Array>): Points {
    const p = new Points();
    p.coords.push(...ds.x.toTypedArray());
    p.labels.push(...ds.y);
    return p;
  }

  get length(): number {
    return this.labels.length;
  }

  add(x: number, y: number, label: number): void {
    this.coords.push(x, y);
    this.labels.push(label);
    this.#x = null;
    this.#y = null;
  }

  /** The points as a float32 tensor [N, 2], made once per change. */
  get x(): Tensor {
    this.#x ??= tensor(Float32Array.from(this.coords), { shape: [this.length, 2] });
    return this.#x;
  }

  get y(): Int32Array {
    this.#y ??= Int32Array.from(this.labels);
    return this.#y;
  }
}

export interface PlaygroundData {
  readonly train: Points;
  readonly test: Points;
  readonly classes: number;
  readonly bounds: Bounds;
}

/** The number of classes `config` asks for: its own for the spiral and blobs, else 2. */
export function classesOf(config: Config): number {
  return MULTICLASS.has(config.dataset) ? config.classes : 2;
}

function generate(config: Config): Dataset<Int32Array> {
  const { pointsPerClass, noise, seed } = config;
  const classes = classesOf(config);
  switch (config.dataset) {
    case 'spiral':
      return spiral({ classes, pointsPerClass, noise, seed });
    case 'moons':
      return moons({ pointsPerClass, noise, seed });
    case 'circles':
      return circles({ pointsPerClass, noise, seed });
    case 'xor':
      return xor({ pointsPerClass, noise, seed });
    case 'blobs':
      return blobs({ classes, pointsPerClass, std: noise, seed });
  }
}

/**
 * The window onto the plane that the canvas shows, [xMin, xMax] × [yMin, yMax]: a square
 * around `coords` with a margin, centred on the points, so that every set fills the canvas
 * (the spiral: about [−1.1, 1.1]²).
 */
export function boundsAround(coords: readonly number[]): Bounds {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let i = 0; i < coords.length; i += 2) {
    xMin = Math.min(xMin, coords[i]!);
    xMax = Math.max(xMax, coords[i]!);
    yMin = Math.min(yMin, coords[i + 1]!);
    yMax = Math.max(yMax, coords[i + 1]!);
  }
  if (!(xMin <= xMax)) return { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  const half = Math.max(xMax - xMin, yMax - yMin, 0.2) * 0.55;
  const cx = (xMin + xMax) / 2;
  const cy = (yMin + yMax) / 2;
  return { xMin: cx - half, xMax: cx + half, yMin: cy - half, yMax: cy + half };
}

/**
 * The data of `config`: the set drawn from its seed, split (with the same seed) into the
 * training points and `testFraction` of held-out ones.
 *
 * @example
 * makeData(DEFAULTS); // the spiral: 240 training points, 60 test points, 3 classes
 */
export function makeData(config: Config): PlaygroundData {
  const all = generate(config);
  const { train, val } = trainValSplit(all, {
    valFraction: config.testFraction,
    seed: config.seed,
  });
  const points = Points.from(all);
  return {
    train: Points.from(train),
    test: Points.from(val),
    classes: classesOf(config),
    bounds: boundsAround(points.coords),
  };
}
