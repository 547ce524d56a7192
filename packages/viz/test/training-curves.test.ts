// Training curves: the loss plot's series (data loss, regularization loss, epoch means), the
// accuracy plot's points in % at the steps they were measured, side by side, and errors.
import { describe, expect, it } from 'vitest';
import { trainingCurves } from '../src/index.js';

// biome-ignore lint/suspicious/noExplicitAny: the tests walk the plain JSON of a spec
type Json = any;

/** [series, x, y] of each row of a line plot's layers. */
function rows(plot: Json): [string, number, number][] {
  return plot.layer.flatMap((l: Json) => l.data.values.map((r: Json) => [r.series, r.x, r.y]));
}

describe('trainingCurves', () => {
  it('puts the loss with its epoch means beside the train and test accuracy in %', () => {
    const spec: Json = trainingCurves(
      { loss: [4, 2, 3, 1, 2], trainAccuracy: [0.5, 0.75, 0.8], valAccuracy: [0.25, 0.5, 0.6] },
      { stepsPerEpoch: 2, valName: 'test' },
    );
    expect(spec.columns).toBe(2);
    const [loss, accuracy] = spec.concat;
    expect(loss.title).toBe('loss');
    expect(loss.encoding.y.scale.type).toBe('log');
    expect(loss.encoding.color.scale.domain).toEqual(['loss', 'epoch mean']);
    const lossRows = rows(loss);
    expect(lossRows.filter(([s]) => s === 'loss')).toEqual([
      ['loss', 0, 4],
      ['loss', 1, 2],
      ['loss', 2, 3],
      ['loss', 3, 1],
      ['loss', 4, 2],
    ]);
    // the mean of each epoch at the step that ends it (the last epoch is the one step left)
    expect(lossRows.filter(([s]) => s === 'epoch mean')).toEqual([
      ['epoch mean', 2, 3],
      ['epoch mean', 4, 2],
      ['epoch mean', 5, 2],
      ['epoch mean', 2, 3],
      ['epoch mean', 4, 2],
      ['epoch mean', 5, 2],
    ]);
    expect(accuracy.title).toBe('accuracy');
    expect(accuracy.encoding.color.scale.domain).toEqual(['train', 'test']);
    expect(accuracy.encoding.x.scale.domain).toEqual([0, 5]);
    expect(rows(accuracy).slice(0, 6)).toEqual([
      ['train', 2, 50],
      ['train', 4, 75],
      ['train', 5, 80],
      ['test', 2, 25],
      ['test', 4, 50],
      ['test', 5, 60],
    ]);
  });

  it('draws the regularization loss, and accuracies at the steps given', () => {
    const spec: Json = trainingCurves(
      {
        loss: [1, 0.5, 0.25, 0.2],
        regLoss: [0.1, 0.2, 0.3, 0.4],
        valAccuracy: [0.5, 0.9],
        accuracyAt: [1, 4],
      },
      { logLoss: false, title: 'spiral' },
    );
    expect(spec.title.text).toBe('spiral');
    const [loss, accuracy] = spec.concat;
    expect(loss.encoding.y.scale).toEqual({ zero: false });
    expect(loss.encoding.color.scale.domain).toEqual(['data loss', 'regularization loss']);
    expect(rows(loss).filter(([s]) => s === 'regularization loss')).toHaveLength(4);
    expect(rows(accuracy).slice(0, 2)).toEqual([
      ['val', 1, 50],
      ['val', 4, 90],
    ]);
  });

  it('spreads accuracies evenly over the steps by default; the loss alone without them', () => {
    const spread: Json = trainingCurves({
      loss: [1, 1, 1, 1, 1, 1],
      trainAccuracy: [0.1, 0.2, 0.3],
    });
    expect(rows(spread.concat[1]).map(([, x]) => x)).toEqual([2, 4, 6, 2, 4, 6]);
    const alone: Json = trainingCurves({ loss: [2, 1] });
    expect(alone.concat).toBeUndefined();
    expect(alone.title).toBe('loss');
  });

  it('draws a thinned history at the steps it kept (lossAt), accuracies spread up to the last', () => {
    const spec: Json = trainingCurves({
      loss: [1, 0.5, 0.25],
      regLoss: [0.05, 0.1, 0.2],
      lossAt: [1, 3, 7],
      trainAccuracy: [0.5, 0.9],
    });
    const [loss, accuracy] = spec.concat;
    expect(rows(loss)).toEqual([
      ['data loss', 1, 1],
      ['data loss', 3, 0.5],
      ['data loss', 7, 0.25],
      ['regularization loss', 1, 0.05],
      ['regularization loss', 3, 0.1],
      ['regularization loss', 7, 0.2],
    ]);
    // 8 steps (0 to 7): the accuracies at 4 and 8, on the same x range
    expect(accuracy.encoding.x.scale.domain).toEqual([0, 8]);
    expect(rows(accuracy).map(([, x]) => x)).toEqual([4, 8, 4, 8]);
    expect(rows(trainingCurves({ loss: [], lossAt: [] }))).toEqual([]);
  });

  it('names the argument it cannot use', () => {
    expect(() => trainingCurves({ loss: [1, 2], regLoss: [1] })).toThrow(
      'trainingCurves: regLoss must have one value per loss (2), got 1',
    );
    expect(() => trainingCurves({ loss: [1, 2], lossAt: [1] })).toThrow(
      'trainingCurves: lossAt must give the step of each of the 2 losses, got 1 steps',
    );
    expect(() => trainingCurves({ loss: [1, 2], lossAt: [1, 3] }, { stepsPerEpoch: 2 })).toThrow(
      'trainingCurves: stepsPerEpoch needs the loss of every step (no lossAt) for its epoch means',
    );
    expect(() =>
      trainingCurves({ loss: [1, 2], trainAccuracy: [0.5], accuracyAt: [1, 2] }),
    ).toThrow('trainingCurves: accuracyAt has 2 steps for 1 train accuracies');
    expect(() => trainingCurves({ loss: [1] }, { stepsPerEpoch: 0 })).toThrow(
      'trainingCurves: stepsPerEpoch must be a positive integer, got 0',
    );
  });
});
