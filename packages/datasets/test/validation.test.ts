// Bad arguments to every public function: a typed error, thrown before any work, whose
// message names the function, the argument or option, what it got and what it expects.
// Unknown option names are rejected with the list of valid ones.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DTypeError,
  Rng,
  ShapeError,
  type TapegradError,
  tensor,
  ValueError,
} from '@tapegrad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  blobs,
  circles,
  DataFileError,
  DataLoader,
  loadCifar10,
  loadMnist,
  moons,
  oneHot,
  regression1d,
  Standardizer,
  spiral,
  trainValSplit,
  xor,
} from '../src/node.js';

/** The error `fn` throws, checked to be an instance of `type`. */
function thrown<E extends TapegradError>(
  type: abstract new (...args: never[]) => E,
  fn: () => unknown,
): E {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    return e as E;
  }
  throw new Error('expected an error, but nothing was thrown');
}

/** Calls with arguments the types forbid, as JavaScript callers (and `as any`) make them. */
// biome-ignore lint/suspicious/noExplicitAny: the point is to bypass the types
const bad = (v: unknown): any => v;

const ds = () => ({
  x: tensor([
    [1, 2],
    [3, 4],
    [5, 6],
    [7, 8],
  ]),
  y: Int32Array.of(0, 1, 0, 1),
});

describe('options objects: unknown names', () => {
  const cases: [string, () => unknown, string][] = [
    ['spiral', () => spiral(bad({ point: 5 })), 'classes, pointsPerClass, noise, dtype, seed, rng'],
    [
      'blobs',
      () => blobs(bad({ center: [[0, 0]] })),
      'classes, centers, pointsPerClass, std, dtype, seed, rng',
    ],
    ['moons', () => moons(bad({ noize: 0.1 })), 'pointsPerClass, noise, dtype, seed, rng'],
    [
      'circles',
      () => circles(bad({ Factor: 0.3 })),
      'pointsPerClass, noise, factor, dtype, seed, rng',
    ],
    ['xor', () => xor(bad({ pointPerClass: 5 })), 'pointsPerClass, noise, dtype, seed, rng'],
    [
      'regression1d',
      () => regression1d(bad({ n: 5 })),
      'fn, points, low, high, sampling, noise, dtype, seed, rng',
    ],
    [
      'DataLoader',
      () => new DataLoader(ds(), bad({ batch_size: 2 })),
      'batchSize, shuffle, dropLast, seed, rng',
    ],
    [
      'trainValSplit',
      () => trainValSplit(ds(), bad({ valfraction: 0.5 })),
      'valFraction, shuffle, seed, rng',
    ],
    ['Standardizer', () => new Standardizer(bad({ epsilon: 1e-6 })), 'scale, eps'],
    ['oneHot', () => oneHot([0, 1], 2, bad({ dtyp: 'float64' })), 'dtype'],
    ['loadMnist', () => loadMnist(bad({ testFracton: 0.5 })), 'testFraction, seed'],
    [
      'loadCifar10',
      () => loadCifar10('/no/such/folder', bad({ splits: 'test' })),
      'split, flatten, scale, subtractMean',
    ],
  ];
  it.each(cases)('%s rejects a misspelled option and lists the valid names', (op, call, names) => {
    const e = thrown(ValueError, call);
    expect(e.op).toBe(op);
    expect(e.message).toMatch(
      new RegExp(`^${op}: the options object has an unknown option "\\w+"; the options are `),
    );
    expect(e.message.endsWith(`the options are ${names}`)).toBe(true);
  });

  it('gives the exact message, in the same words as @tapegrad/optim', () => {
    expect(
      thrown(ValueError, () => new DataLoader(ds(), bad({ batchSize: 2, drop_last: true })))
        .message,
    ).toBe(
      'DataLoader: the options object has an unknown option "drop_last"; the options are batchSize, shuffle, dropLast, seed, rng',
    );
  });

  it('still treats an option given as undefined (from JavaScript) as not given', () => {
    expect(spiral(bad({ seed: undefined, pointsPerClass: 3 })).x.shape).toEqual([9, 2]);
    expect(new DataLoader(ds(), bad({ batchSize: 2, shuffle: undefined })).length).toBe(2);
  });
});

describe('options that are not objects', () => {
  it('names what was given instead', () => {
    expect(thrown(ValueError, () => spiral(bad(5))).message).toBe(
      'spiral: options must be an object such as { classes: 3, seed: 0 }, got 5',
    );
    expect(thrown(ValueError, () => moons(bad(null))).message).toMatch(
      /^moons: options must be an object such as .*, got null$/,
    );
    expect(thrown(ValueError, () => loadMnist(bad('0.5'))).message).toMatch(
      /^loadMnist: options must be an object .*, got the string "0.5"$/,
    );
    expect(thrown(ValueError, () => new DataLoader(ds(), bad(null))).message).toMatch(
      /^DataLoader: options must be an object .*, got null$/,
    );
    expect(thrown(ValueError, () => new Standardizer(bad([1]))).message).toMatch(
      /^Standardizer: options must be an object .*, got an array of length 1$/,
    );
  });
});

describe('loadMnist', () => {
  it('rejects a testFraction given as a string', () => {
    expect(thrown(ValueError, () => loadMnist(bad({ testFraction: '0.5' }))).message).toBe(
      'loadMnist: testFraction must be a number in [0, 1], got the string "0.5"',
    );
  });
  it('rejects a testFraction given as a boolean', () => {
    expect(thrown(ValueError, () => loadMnist(bad({ testFraction: true }))).message).toBe(
      'loadMnist: testFraction must be a number in [0, 1], got true',
    );
  });
  it('rejects a seed that is not a whole number, and an rng (it takes only a seed)', () => {
    expect(thrown(ValueError, () => loadMnist(bad({ seed: '1' }))).message).toBe(
      'loadMnist: seed must be a whole number, got the string "1"',
    );
    expect(thrown(ValueError, () => loadMnist(bad({ rng: new Rng(0) }))).message).toMatch(
      /unknown option "rng"; the options are testFraction, seed$/,
    );
  });
});

describe('DataLoader', () => {
  it('rejects shuffle given as a string', () => {
    expect(
      thrown(ValueError, () => new DataLoader(ds(), bad({ batchSize: 2, shuffle: 'false' })))
        .message,
    ).toBe('DataLoader: shuffle must be true or false, got the string "false"');
  });
  it('rejects dropLast given as a string', () => {
    expect(
      thrown(ValueError, () => new DataLoader(ds(), bad({ batchSize: 2, dropLast: 'no' }))).message,
    ).toBe('DataLoader: dropLast must be true or false, got the string "no"');
  });
  it('rejects a batchSize given as a string, and a missing one', () => {
    expect(thrown(ValueError, () => new DataLoader(ds(), bad({ batchSize: '2' }))).message).toBe(
      'DataLoader: batchSize must be a whole number ≥ 1, got the string "2"',
    );
    expect(thrown(ValueError, () => new DataLoader(ds(), bad({}))).message).toBe(
      'DataLoader: batchSize must be a whole number ≥ 1, got undefined',
    );
  });
  it('rejects an rng that is not an Rng of @tapegrad/core', () => {
    const fake = { random: Math.random };
    expect(
      thrown(ValueError, () => new DataLoader(ds(), bad({ batchSize: 2, rng: fake }))).message,
    ).toBe('DataLoader: rng must be an Rng from @tapegrad/core (new Rng(seed)), got an object');
    class Rng {}
    expect(
      thrown(ValueError, () => new DataLoader(ds(), bad({ batchSize: 2, rng: new Rng() }))).message,
    ).toMatch(
      /got an instance of Rng \(an Rng of another copy of @tapegrad\/core: make every package use one copy\)$/,
    );
  });
  it('names labels given as a Float32Array', () => {
    const e = thrown(
      ValueError,
      () => new DataLoader(bad({ x: ds().x, y: Float32Array.of(0, 1, 0, 1) }), { batchSize: 2 }),
    );
    expect(e.message).toBe(
      'DataLoader: dataset.y must be an Int32Array of labels or a Tensor [N, …], got a Float32Array of length 4 (labels: Int32Array.from(y); regression targets: tensor(y))',
    );
  });
  it('names inputs that are not a tensor', () => {
    expect(
      thrown(
        ValueError,
        () => new DataLoader(bad({ x: [[1, 2]], y: Int32Array.of(0) }), { batchSize: 1 }),
      ).message,
    ).toBe('DataLoader: dataset.x must be a Tensor, got an array of length 1');
    expect(thrown(ValueError, () => new DataLoader(bad('data'), { batchSize: 1 })).message).toBe(
      'DataLoader: dataset must be an object { x: Tensor, y: Int32Array | Tensor }, got the string "data"',
    );
  });
});

describe('trainValSplit', () => {
  it('rejects a valFraction given as a string and shuffle given as a number', () => {
    expect(thrown(ValueError, () => trainValSplit(ds(), bad({ valFraction: '0.5' }))).message).toBe(
      'trainValSplit: valFraction must be a number in [0, 1], got the string "0.5"',
    );
    expect(thrown(ValueError, () => trainValSplit(ds(), bad({ shuffle: 0 }))).message).toBe(
      'trainValSplit: shuffle must be true or false, got 0',
    );
  });
  it('names labels given as strings', () => {
    const e = thrown(ValueError, () =>
      trainValSplit(bad({ x: ds().x, y: ['cat', 'dog', 'cat', 'dog'] })),
    );
    expect(e.message).toBe(
      'trainValSplit: dataset.y must be an Int32Array of labels or a Tensor [N, …], got an array of length 4 (labels: Int32Array.from(y); regression targets: tensor(y))',
    );
  });
  it('checks its options before touching the rng', () => {
    const rng = new Rng(5);
    const before = new Rng(5).random();
    thrown(ValueError, () => trainValSplit(ds(), bad({ rng, shuffle: 'yes' })));
    expect(rng.random()).toBe(before);
  });
});

describe('Standardizer', () => {
  it('rejects scale given as a string and eps given as a string', () => {
    expect(thrown(ValueError, () => new Standardizer(bad({ scale: 'no' }))).message).toBe(
      'Standardizer: scale must be true or false, got the string "no"',
    );
    expect(thrown(ValueError, () => new Standardizer(bad({ eps: '1e-8' }))).message).toBe(
      'Standardizer: eps must be a finite number ≥ 0, got the string "1e-8"',
    );
  });
  it('names x when it is not a tensor', () => {
    expect(
      thrown(ValueError, () => new Standardizer().fit(bad(Float32Array.of(1, 2)))).message,
    ).toBe('Standardizer.fit: x must be a Tensor, got a Float32Array of length 2');
  });
});

describe('oneHot', () => {
  it('names labels given as a Float32Array', () => {
    expect(thrown(ValueError, () => oneHot(bad(Float32Array.of(0, 1)))).message).toBe(
      'oneHot: labels must be a Tensor, an Int32Array or a number[], got a Float32Array of length 2 (convert it with Int32Array.from(labels))',
    );
  });
  it('names labels given as a string', () => {
    expect(thrown(ValueError, () => oneHot(bad('cat'))).message).toBe(
      'oneHot: labels must be a Tensor, an Int32Array or a number[], got the string "cat"',
    );
  });
  it('names labels given as strings in an array', () => {
    expect(thrown(ValueError, () => oneHot(bad(['cat', 'dog']))).message).toBe(
      'oneHot: labels must hold whole numbers, got the string "cat" at position 0',
    );
    expect(thrown(ValueError, () => oneHot(bad([0, '1']))).message).toBe(
      'oneHot: labels must hold whole numbers, got the string "1" at position 1',
    );
  });
  it('rejects numClasses given as a string, and options in its place', () => {
    expect(thrown(ValueError, () => oneHot([0, 1], bad('3'))).message).toBe(
      'oneHot: numClasses must be a whole number ≥ 1, got the string "3"',
    );
    expect(thrown(ValueError, () => oneHot([0, 1], bad({ dtype: 'float64' }))).message).toBe(
      'oneHot: numClasses must be a whole number ≥ 1, got an object; options go third: oneHot(labels, undefined, { dtype })',
    );
  });
  it('rejects an unknown dtype with a DTypeError naming it', () => {
    expect(thrown(DTypeError, () => oneHot([0], 1, bad({ dtype: 'int32' }))).message).toBe(
      `oneHot: dtype must be 'float32' or 'float64', got the string "int32"`,
    );
  });
});

describe('the synthetic sets', () => {
  it('name numbers given as strings', () => {
    expect(thrown(ValueError, () => spiral(bad({ classes: '3' }))).message).toBe(
      'spiral: classes must be a whole number ≥ 1, got the string "3"',
    );
    expect(thrown(ValueError, () => moons(bad({ noise: '0.1' }))).message).toBe(
      'moons: noise must be a finite number ≥ 0, got the string "0.1"',
    );
    expect(thrown(ValueError, () => xor(bad({ pointsPerClass: null }))).message).toBe(
      'xor: pointsPerClass must be a whole number ≥ 1, got null',
    );
    expect(thrown(ValueError, () => blobs(bad({ std: true }))).message).toBe(
      'blobs: std must be a finite number ≥ 0, got true',
    );
  });
  it('reject a factor given as a string (it used to pass)', () => {
    expect(thrown(ValueError, () => circles(bad({ factor: '0.5' }))).message).toBe(
      'circles: factor must be in (0, 1), got the string "0.5"',
    );
  });
  it('name a dtype that does not exist, with a DTypeError', () => {
    expect(thrown(DTypeError, () => spiral(bad({ dtype: 'float16' }))).message).toBe(
      `spiral: dtype must be 'float32' or 'float64', got the string "float16"`,
    );
  });
  it('name a seed or an rng of the wrong kind', () => {
    expect(thrown(ValueError, () => circles(bad({ seed: '7' }))).message).toBe(
      'circles: seed must be a whole number, got the string "7"',
    );
    expect(thrown(ValueError, () => spiral(bad({ rng: 42 }))).message).toBe(
      'spiral: rng must be an Rng from @tapegrad/core (new Rng(seed)), got 42',
    );
  });
  it('blobs names centres that are not lists of numbers', () => {
    expect(thrown(ValueError, () => blobs(bad({ centers: 'abc' }))).message).toBe(
      'blobs: centers must be an array of centres such as [[0, 0], [3, 3]], got the string "abc"',
    );
    expect(thrown(ValueError, () => blobs(bad({ centers: [[0, 0], 3] }))).message).toBe(
      'blobs: centers[1] must be an array of coordinates such as [0, 0], got 3',
    );
    expect(thrown(ValueError, () => blobs(bad({ centers: [[0, '1']] }))).message).toBe(
      'blobs: centers[0][1] must be a finite number, got the string "1"',
    );
    expect(
      thrown(ValueError, () => blobs(bad({ classes: '2', centers: [[0], [1]] }))).message,
    ).toBe('blobs: classes must be a whole number ≥ 1, got the string "2"');
    expect(() => blobs({ centers: [[0, 0], [1]] })).toThrow(ShapeError);
  });
  it('regression1d names each bad option', () => {
    expect(thrown(ValueError, () => regression1d(bad({ low: '-1' }))).message).toBe(
      'regression1d: low must be a finite number, got the string "-1"',
    );
    expect(thrown(ValueError, () => regression1d(bad({ sampling: 'random' }))).message).toBe(
      `regression1d: sampling must be 'grid' or 'uniform', got the string "random"`,
    );
    expect(thrown(ValueError, () => regression1d(bad({ fn: 42 }))).message).toBe(
      `regression1d: fn must be 'sin', 'step' or a function, got 42`,
    );
  });
});

describe('loadCifar10', () => {
  let root: string;
  let folder: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tapegrad-cifar-validation-'));
    folder = join(root, 'cifar-10-batches-bin');
    mkdirSync(folder);
    const record = new Uint8Array(3073);
    record[0] = 3;
    for (let i = 1; i <= 5; i++) writeFileSync(join(folder, `data_batch_${i}.bin`), record);
    writeFileSync(join(folder, 'test_batch.bin'), record);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A copy of the folder where `name` is a folder instead of a file. */
  function withFolderAt(name: string): string {
    const dir = mkdtempSync(join(root, 'case-'));
    const record = new Uint8Array(3073);
    for (const f of [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`).concat('test_batch.bin')) {
      if (f === name) mkdirSync(join(dir, f));
      else writeFileSync(join(dir, f), record);
    }
    return dir;
  }

  it('names a batch path that is a folder where a file belongs', () => {
    const dir = withFolderAt('data_batch_3.bin');
    const path = join(dir, 'data_batch_3.bin');
    const e = thrown(DataFileError, () => loadCifar10(dir));
    expect(e.path).toBe(path);
    expect(e.offset).toBeNull();
    expect(e.message).toBe(
      `loadCifar10: not a file: ${path} is a folder; expected the CIFAR-10 binary batch data_batch_3.bin (records of 1 label byte + 3072 pixel bytes) in ${dir}`,
    );
    const testDir = withFolderAt('test_batch.bin');
    expect(thrown(DataFileError, () => loadCifar10(testDir, { split: 'test' })).message).toContain(
      `not a file: ${join(testDir, 'test_batch.bin')} is a folder`,
    );
  });

  it('names a missing folder, and points one level down when the batches are there', () => {
    const missing = join(root, 'nope');
    expect(thrown(DataFileError, () => loadCifar10(missing)).message).toMatch(
      new RegExp(`^loadCifar10: folder not found: ${missing}; expected a folder holding`),
    );
    const e = thrown(DataFileError, () => loadCifar10(root));
    expect(e.path).toBe(join(root, 'data_batch_1.bin'));
    expect(e.message).toContain(`file not found: ${join(root, 'data_batch_1.bin')}`);
    expect(e.message).toContain(`(did you mean ${folder}?)`);
  });

  it('rejects a folder that is not a path string', () => {
    expect(thrown(ValueError, () => loadCifar10(bad(undefined))).message).toBe(
      'loadCifar10: folder must be a non-empty path string, got undefined',
    );
    expect(thrown(ValueError, () => loadCifar10(bad(''))).message).toBe(
      'loadCifar10: folder must be a non-empty path string, got the string ""',
    );
  });

  it('rejects options of the wrong type, before reading any file', () => {
    expect(thrown(ValueError, () => loadCifar10(folder, bad({ flatten: 'no' }))).message).toBe(
      'loadCifar10: flatten must be true or false, got the string "no"',
    );
    expect(thrown(ValueError, () => loadCifar10(folder, bad({ scale: '2' }))).message).toBe(
      'loadCifar10: scale must be a finite number, got the string "2"',
    );
    expect(
      thrown(ValueError, () => loadCifar10(folder, bad({ subtractMean: 'yes' }))).message,
    ).toBe(
      'loadCifar10: subtractMean must be true, false or a mean image Tensor of 3072 values (such as train.mean), got the string "yes"',
    );
    expect(thrown(ValueError, () => loadCifar10(folder, bad({ split: 1 }))).message).toBe(
      `loadCifar10: split must be 'train' or 'test', got 1`,
    );
    // the options are checked first: a bad option wins over a missing folder
    expect(() => loadCifar10(join(root, 'nope'), bad({ flatten: 'no' }))).toThrow(ValueError);
  });

  it('still reads a good folder', () => {
    const { x, y } = loadCifar10(folder, { flatten: false });
    expect(x.shape).toEqual([5, 3, 32, 32]);
    expect(Array.from(y)).toEqual([3, 3, 3, 3, 3]);
  });
});
