// The fixtures are PyTorch's answers for the code as it is: they must come from the current
// generator (scripts/oracle), and cover every op of core's op table, every loss, module,
// optimizer, schedule and clipping function the packages export. Adding one without a fixture
// fails here; regenerate with `pnpm oracle` (see scripts/oracle/README.md).
import * as nn from '@tapegrad/nn';
import * as optim from '@tapegrad/optim';
import { describe, expect, it } from 'vitest';
import * as coreOps from '../../packages/core/src/ops/index.js';
import { opTable } from '../../packages/core/test/op-table.js';
import {
  type DerivativeCase,
  FIXTURE_NAMES,
  generatorSourcesSha256,
  loadFixture,
} from './helpers.js';
import type { ModuleSpec } from './modules.test.js';
import type { OpsFixtureCase } from './ops.test.js';
import type { ClipCase, SchedulerSpec, TrajectoryCase } from './optim.test.js';

const STALE = 'fixtures are stale: run pnpm oracle';

describe('staleness', () => {
  const current = generatorSourcesSha256();
  it.each(FIXTURE_NAMES.map((n) => [n]))(
    'fixtures/%s.json comes from the current generator',
    (name) => {
      const { generator } = loadFixture(name);
      expect(generator.sourcesSha256, STALE).toBe(current);
    },
  );
});

/** The names exported by `mod` whose values are subclasses of `base` (not `base` itself). */
function subclasses(mod: object, base: { readonly prototype: object }): string[] {
  return Object.entries(mod)
    .filter(
      ([, v]) =>
        typeof v === 'function' &&
        v !== base &&
        Object.prototype.isPrototypeOf.call(base.prototype, v.prototype),
    )
    .map(([k]) => k);
}

describe('coverage', () => {
  it('every op of core has fixtures: the op-table entries, and the values of the others', () => {
    const cases = loadFixture<OpsFixtureCase>('ops').cases;
    const withGradients = new Set(cases.filter((c) => !c.forwardOnly).map((c) => c.op));
    const valuesOnly = new Set(cases.filter((c) => c.forwardOnly).map((c) => c.op));
    const names = opTable.map((e) => e.name);
    expect(
      names.filter((n) => !withGradients.has(n)),
      'op-table entries without a fixture',
    ).toEqual([]);
    expect(
      [...withGradients].filter((n) => !names.includes(n)),
      'fixture ops not in the table',
    ).toEqual([]);
    // the library's ops that the table does not hold (it names variants "op (variant)")
    const inTable = new Set(names.map((n) => n.split(' ')[0]));
    const others = Object.keys(coreOps).filter((op) => !inTable.has(op));
    expect(
      others.filter((n) => !valuesOnly.has(n)),
      'ops without a fixture',
    ).toEqual([]);
  });

  it('every loss of @tapegrad/nn has fixtures', () => {
    const covered = new Set(loadFixture<DerivativeCase>('losses').cases.map((c) => c.op));
    const losses = Object.keys(nn).filter((k) => /(Loss|CrossEntropy|WithLogits)$/.test(k));
    expect(losses.length).toBeGreaterThanOrEqual(5);
    expect(
      losses.filter((n) => !covered.has(n)),
      'losses without a fixture',
    ).toEqual([]);
  });

  it('every module of @tapegrad/nn has fixtures', () => {
    const types = new Set<string>();
    const walk = (s: ModuleSpec): void => {
      types.add(s.type);
      s.layers?.forEach(walk);
    };
    for (const c of loadFixture<{ module: ModuleSpec }>('modules').cases) walk(c.module);
    // Activation: the abstract base of the activations; Dropout: a random mask (its own tests
    // check it); Identity: nothing to compute
    const exempt = ['Activation', 'Dropout', 'Identity'];
    const modules = subclasses(nn, nn.Module).filter((n) => !exempt.includes(n));
    expect(
      modules.filter((n) => !types.has(n)),
      'modules without a fixture',
    ).toEqual([]);
  });

  it('every optimizer, schedule and clipping function of @tapegrad/optim has fixtures', () => {
    const names = new Set<string>();
    const walk = (s: SchedulerSpec): void => {
      names.add(s.type);
      s.schedulers?.forEach(walk);
    };
    for (const c of loadFixture<TrajectoryCase | ClipCase>('optim').cases) {
      if (c.kind === 'clip') names.add(c.op);
      else {
        names.add(c.optimizer.type);
        if (c.scheduler !== null) walk(c.scheduler);
      }
    }
    const wanted = [
      ...subclasses(optim, optim.Optimizer),
      ...subclasses(optim, optim.LRScheduler),
      ...Object.keys(optim).filter((k) => k.startsWith('clipGrad')),
    ];
    expect(
      wanted.filter((n) => !names.has(n)),
      'without a fixture',
    ).toEqual([]);
  });
});
