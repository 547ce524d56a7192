// The page: reads the controls into a configuration, trains in short slices per animation
// frame (so the page never freezes), and redraws the decision regions, the readouts, the
// loss curve and the layer health as it goes.
import './style.css';
import { getBackend, listBackends, ready, setBackend } from '@tapegrad/core';
import { classColor } from '@tapegrad/viz';
import {
  ACTIVATIONS,
  type Config,
  DATASETS,
  DEFAULT_LR,
  DEFAULT_NOISE,
  DEFAULTS,
  LABELS,
  MULTICLASS,
  OPTIMIZERS,
  parseHidden,
  parseNumber,
} from './config.js';
import { renderGraph } from './graph-view.js';
import type { PlaygroundGlobal, PlaygroundHook, PlaygroundState } from './hook.js';
import { LossChart } from './loss-chart.js';
import { RegionsView } from './regions.js';
import { type Evaluation, Trainer } from './trainer.js';

/** Training time per animation frame, in ms: the rest of the frame draws. */
const TRAIN_MS = 12;
/**
 * While training, the readouts and the decision regions are redrawn every REGIONS_MS, or
 * less often where evaluating the grid is slow: it takes at most 1/REGIONS_SHARE of the time.
 */
const REGIONS_MS = 100;
const REGIONS_SHARE = 5;
/** Cells per side of the decision-region grid. */
const GRID = 100;

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`playground: the page has no element #${id}`);
  return el as T;
}

const ui = {
  dataset: byId<HTMLSelectElement>('dataset'),
  classesField: byId<HTMLLabelElement>('classes-field'),
  classes: byId<HTMLInputElement>('classes'),
  points: byId<HTMLInputElement>('points'),
  noise: byId<HTMLInputElement>('noise'),
  testFraction: byId<HTMLSelectElement>('test-fraction'),
  hidden: byId<HTMLInputElement>('hidden'),
  activation: byId<HTMLSelectElement>('activation'),
  networkSummary: byId('network-summary'),
  optimizer: byId<HTMLSelectElement>('optimizer'),
  lr: byId<HTMLInputElement>('lr'),
  lambda: byId<HTMLInputElement>('lambda'),
  seed: byId<HTMLInputElement>('seed'),
  backend: byId<HTMLSelectElement>('backend'),
  start: byId<HTMLButtonElement>('start'),
  step: byId<HTMLButtonElement>('step'),
  reset: byId<HTMLButtonElement>('reset'),
  iteration: byId('iteration'),
  canvas: byId<HTMLCanvasElement>('regions'),
  classPicker: byId('class-picker'),
  status: byId('status'),
  dataLoss: byId('data-loss'),
  regLoss: byId('reg-loss'),
  trainAcc: byId('train-acc'),
  testAcc: byId('test-acc'),
  pointCount: byId('point-count'),
  speed: byId('speed'),
  speedBadge: byId('speed-badge'),
  backendBadge: byId('backend-badge'),
  footerBackend: byId('footer-backend'),
  health: byId('health'),
  save: byId<HTMLButtonElement>('save'),
  load: byId<HTMLButtonElement>('load'),
  loadFile: byId<HTMLInputElement>('load-file'),
  renderGraph: byId<HTMLButtonElement>('render-graph'),
  graph: byId('graph'),
};

function fillSelect(
  select: HTMLSelectElement,
  values: readonly string[],
  label: (v: string) => string,
): void {
  select.replaceChildren(
    ...values.map((v) => {
      const option = document.createElement('option');
      option.value = v;
      option.textContent = label(v);
      return option;
    }),
  );
}

const labelOf = (v: string): string => LABELS[v as keyof typeof LABELS] ?? v;
const percent = (v: number): string => (Number.isNaN(v) ? '—' : `${(100 * v).toFixed(1)}%`);
const fixed = (v: number, digits = 4): string => (Number.isNaN(v) ? '—' : v.toFixed(digits));

// The controls and the configuration they show.

/** Show `config` in the controls. */
function showConfig(config: Config): void {
  ui.dataset.value = config.dataset;
  ui.classes.value = String(config.classes);
  ui.classesField.hidden = !MULTICLASS.has(config.dataset);
  ui.points.value = String(config.pointsPerClass);
  ui.noise.value = String(config.noise);
  ui.testFraction.value = String(config.testFraction);
  ui.hidden.value = config.hidden.join(', ');
  ui.activation.value = config.activation;
  ui.optimizer.value = config.optimizer;
  ui.lr.value = String(config.lr);
  ui.lambda.value = String(config.lambda);
  ui.seed.value = String(config.seed);
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-hidden]')) {
    b.setAttribute('aria-pressed', String(b.dataset.hidden === config.hidden.join(',')));
  }
}

/** The configuration the controls say, or an Error naming the field that is wrong. */
function readConfig(): Config {
  return {
    dataset: ui.dataset.value as Config['dataset'],
    classes: parseNumber('classes', ui.classes.value, { min: 2, max: 6, integer: true }),
    pointsPerClass: parseNumber('points per class', ui.points.value, {
      min: 5,
      max: 500,
      integer: true,
    }),
    noise: parseNumber('noise', ui.noise.value, { min: 0, max: 2 }),
    testFraction: Number(ui.testFraction.value),
    hidden: parseHidden(ui.hidden.value),
    activation: ui.activation.value as Config['activation'],
    optimizer: ui.optimizer.value as Config['optimizer'],
    lr: parseNumber('learning rate', ui.lr.value, { min: 0, max: 10 }),
    lambda: parseNumber('λ', ui.lambda.value, { min: 0, max: 1 }),
    seed: parseNumber('seed', ui.seed.value, { min: 0, max: 2 ** 31 - 1, integer: true }),
  };
}

let lastError = '';

function showStatus(message: string, kind: 'info' | 'error' = 'info'): void {
  ui.status.textContent = message;
  ui.status.classList.toggle('error', kind === 'error');
  if (kind === 'error') lastError = message;
}

/** Run `action`, showing an error it throws under the canvas (a user's input, a bad file). */
function guarded(action: () => void): void {
  try {
    action();
  } catch (e) {
    showStatus(e instanceof Error ? e.message : String(e), 'error');
  }
}

// The run: the trainer, the training loop and what it draws.

let trainer: Trainer;
let view: RegionsView;
let chart: LossChart;
let running = false;
/** The pending animation frame of the training loop. */
let frameId = 0;
let stopAt = 0;
let pointClass = 0;
let evaluation: Evaluation | null = null;
let gridHash = 0;
let regionsDrawnAt = -Infinity;
/** How long the last evaluation and regions took, in ms. */
let regionsCost = 0;
/** How long the last decision-region grid and its drawing took, in ms. */
let regionsMs = 0;
let graphShown = false;
/** Once per frame over the last second, for the iterations per second. */
const samples: { t: number; iteration: number; trainingMs: number }[] = [];
let speed = 0;
/** Training time per step over the same second, in ms (the rest of a frame draws). */
let msPerStep = 0;
/** Training time since the page loaded, in ms. */
let trainingMs = 0;

function drawRegions(): void {
  const start = performance.now();
  const { data } = trainer;
  const grid = trainer.predictGrid(data.bounds, GRID);
  gridHash = grid.hash;
  view.draw(grid, data.train, data.test);
  regionsDrawnAt = performance.now();
  regionsMs = regionsDrawnAt - start;
}

function drawHealth(e: Evaluation): void {
  const { activation, hidden } = trainer.config;
  if (hidden.length === 0) {
    ui.health.textContent = 'No hidden layer: a linear classifier has no units to watch.';
    return;
  }
  if (activation === 'maxout') {
    ui.health.textContent =
      'Maxout keeps no dead or saturated units: the max of two linear pieces has no flat side.';
    return;
  }
  const rectifier = activation === 'relu' || activation === 'leakyRelu' || activation === 'prelu';
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const h of ['layer', 'units', rectifier ? 'dead' : 'saturated', '']) {
    const th = document.createElement('th');
    th.textContent = h;
    head.append(th);
  }
  const body = table.createTBody();
  for (const layer of e.health) {
    const share = (rectifier ? layer.dead : layer.saturated) ?? 0;
    const row = body.insertRow();
    row.insertCell().textContent = layer.layer;
    row.insertCell().textContent = String(layer.units);
    row.insertCell().textContent = percent(share);
    const bar = document.createElement('span');
    bar.className = 'bar';
    const fill = document.createElement('span');
    fill.style.width = `${(100 * share).toFixed(1)}%`;
    bar.append(fill);
    row.insertCell().append(bar);
  }
  const note = document.createElement('p');
  note.className = 'hint';
  note.textContent =
    activation === 'relu'
      ? 'Dead: units whose input was ≤ 0 on every training point, so they get no gradient.'
      : rectifier
        ? 'Dead: units whose input was ≤ 0 on every training point (a leaky unit still passes a small gradient there).'
        : 'Saturated: units near a rail (local gradient below 0.02) on every training point.';
  ui.health.replaceChildren(table, note);
}

/**
 * Update the readouts: the iteration, speed and loss curve at once; the evaluation of the
 * current weights (losses, accuracies, health) and the regions when REGIONS_MS have passed
 * since they were last drawn, or when `force`d (each costs about a forward pass of the data
 * and of the grid).
 */
function refresh(force = false): void {
  ui.iteration.textContent = `iteration ${trainer.iteration.toLocaleString('en')}`;
  const rate = running || speed > 0 ? `${Math.round(speed).toLocaleString('en')}` : '—';
  ui.speed.textContent = rate;
  ui.speed.title = msPerStep > 0 ? `${msPerStep.toFixed(2)} ms of training per step` : '';
  ui.speedBadge.textContent = `${rate} it/s`;
  chart.render(trainer.history.points, trainingMs, force);
  const start = performance.now();
  const every = Math.max(REGIONS_MS, REGIONS_SHARE * regionsCost);
  if (!force && start - regionsDrawnAt < every) return;
  const e = trainer.evaluate();
  evaluation = e;
  drawRegions();
  ui.dataLoss.textContent = fixed(e.dataLoss);
  ui.regLoss.textContent = fixed(e.regLoss);
  ui.trainAcc.textContent = percent(e.trainAccuracy);
  ui.testAcc.textContent = percent(e.testAccuracy);
  const { train, test } = trainer.data;
  ui.pointCount.textContent = `${train.length} · ${test.length}`;
  ui.pointCount.title = `${train.length} training points, ${test.length} held out`;
  drawHealth(e);
  regionsCost = performance.now() - start;
}

function showNetwork(): void {
  const sizes = [2, ...trainer.config.hidden, trainer.data.classes].join(' → ');
  const n = trainer.model.numParameters().toLocaleString('en');
  ui.networkSummary.textContent = `${sizes} · ${n} parameters`;
}

function showClassPicker(): void {
  const classes = trainer.data.classes;
  if (pointClass >= classes) pointClass = 0;
  ui.classPicker.replaceChildren(
    ...Array.from({ length: classes }, (_, k) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'swatch';
      b.setAttribute('role', 'radio');
      b.setAttribute('aria-checked', String(k === pointClass));
      b.setAttribute('aria-label', `class ${k}`);
      b.dataset.class = String(k);
      b.style.setProperty('--swatch', classColor(k));
      b.textContent = String(k);
      b.addEventListener('click', () => {
        pointClass = k;
        showClassPicker();
      });
      return b;
    }),
  );
}

function showBackend(): void {
  const name = getBackend();
  ui.backend.value = name;
  ui.backendBadge.textContent = `backend: ${name}`;
  ui.footerBackend.textContent = `the '${name}' backend`;
}

function setRunning(on: boolean): void {
  running = on;
  ui.start.textContent = on ? 'Pause' : 'Start';
  ui.start.classList.toggle('running', on);
  samples.length = 0;
  cancelAnimationFrame(frameId);
  if (on) frameId = requestAnimationFrame(frame);
  else refresh(true);
}

/** One animation frame of training: steps for TRAIN_MS, then the readouts. */
function frame(now: number): void {
  if (!running) return;
  const t0 = performance.now();
  do {
    trainer.step();
    if (stopAt > 0 && trainer.iteration >= stopAt) {
      stopAt = 0;
      running = false;
      break;
    }
  } while (performance.now() - t0 < TRAIN_MS);
  trainingMs += performance.now() - t0;
  samples.push({ t: now, iteration: trainer.iteration, trainingMs });
  while (samples.length > 2 && now - samples[0]!.t > 1000) samples.shift();
  const first = samples[0]!;
  const steps = trainer.iteration - first.iteration;
  if (now > first.t && steps > 0) {
    speed = (steps * 1000) / (now - first.t);
    msPerStep = (trainingMs - first.trainingMs) / steps;
  }
  if (running) {
    refresh();
    frameId = requestAnimationFrame(frame);
  } else {
    setRunning(false);
  }
}

/** After new data or a new network: everything is drawn afresh. */
function rebuilt(): void {
  samples.length = 0;
  speed = 0;
  msPerStep = 0;
  showNetwork();
  showClassPicker();
  refresh(true);
  if (graphShown) void showGraph();
}

function applyControls(): void {
  guarded(() => {
    const next = readConfig();
    const change = trainer.configure(next);
    showConfig(next);
    showStatus('');
    if (change === 'data' || change === 'network') rebuilt();
    else refresh();
  });
}

async function showGraph(): Promise<void> {
  ui.renderGraph.disabled = true;
  try {
    const svg = await renderGraph(ui.graph, trainer.graphDot());
    const ops = svg.querySelectorAll('g.node').length;
    ui.renderGraph.textContent = 'Update graph';
    ui.graph.dataset.nodes = String(ops);
    graphShown = true;
  } catch (e) {
    showStatus(`graph: ${e instanceof Error ? e.message : String(e)}`, 'error');
  } finally {
    ui.renderGraph.disabled = false;
  }
}

function saveWeights(): void {
  const bytes = trainer.saveWeights();
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
  const { dataset, hidden, activation } = trainer.config;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = `tapegrad-${dataset}-${hidden.join('x') || 'linear'}-${activation}-${trainer.iteration}.safetensors`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  showStatus(`saved ${a.download} (${bytes.length.toLocaleString('en')} bytes)`);
}

async function loadWeights(file: File): Promise<void> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  guarded(() => {
    if (running) setRunning(false);
    const config = trainer.loadWeights(bytes, file.name);
    showConfig(config);
    rebuilt();
    showStatus(`loaded ${file.name}: training starts over from these weights`);
  });
}

// The controls' events and the test hook.

function wire(): void {
  for (const input of [
    ui.classes,
    ui.points,
    ui.noise,
    ui.testFraction,
    ui.hidden,
    ui.activation,
    ui.lr,
    ui.lambda,
    ui.seed,
  ]) {
    input.addEventListener('change', applyControls);
  }
  ui.dataset.addEventListener('change', () => {
    // each set with a noise of its own scale
    ui.noise.value = String(DEFAULT_NOISE[ui.dataset.value as Config['dataset']]);
    applyControls();
  });
  ui.optimizer.addEventListener('change', () => {
    ui.lr.value = String(DEFAULT_LR[ui.optimizer.value as Config['optimizer']]);
    applyControls();
  });
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-hidden]')) {
    b.addEventListener('click', () => {
      ui.hidden.value = b.dataset.hidden!;
      applyControls();
    });
  }
  ui.backend.addEventListener('change', () =>
    guarded(() => {
      setBackend(ui.backend.value);
      samples.length = 0;
      showBackend();
    }),
  );
  ui.start.addEventListener('click', () => setRunning(!running));
  ui.step.addEventListener('click', () => {
    if (running) setRunning(false);
    trainer.step();
    refresh(true);
  });
  ui.reset.addEventListener('click', () => {
    trainer.reset();
    rebuilt();
    showStatus('new initial weights from the seed');
  });
  ui.canvas.addEventListener('click', (event) => {
    const [x, y] = view.pointAt(event, trainer.data.bounds);
    trainer.data.train.add(x, y, pointClass);
    refresh(true);
  });
  ui.save.addEventListener('click', () => guarded(saveWeights));
  ui.load.addEventListener('click', () => ui.loadFile.click());
  ui.loadFile.addEventListener('change', () => {
    const file = ui.loadFile.files?.[0];
    ui.loadFile.value = '';
    if (file !== undefined) void loadWeights(file);
  });
  ui.renderGraph.addEventListener('click', () => void showGraph());
  window.addEventListener('resize', () => refresh(true));
}

function state(): PlaygroundState {
  const e = evaluation;
  return {
    backend: getBackend(),
    running,
    iteration: trainer.iteration,
    dataset: trainer.config.dataset,
    classes: trainer.data.classes,
    hidden: trainer.config.hidden,
    activation: trainer.config.activation,
    trainPoints: trainer.data.train.length,
    testPoints: trainer.data.test.length,
    dataLoss: e?.dataLoss ?? Number.NaN,
    regLoss: e?.regLoss ?? Number.NaN,
    firstLoss: trainer.firstLoss,
    trainAccuracy: e?.trainAccuracy ?? Number.NaN,
    testAccuracy: e?.testAccuracy ?? Number.NaN,
    health: e?.health ?? [],
    gridHash,
    speed,
    msPerStep,
    trainingMs,
    regionsMs,
    chart: chart.cost,
    error: lastError,
  };
}

async function start(): Promise<void> {
  fillSelect(ui.dataset, DATASETS, labelOf);
  fillSelect(ui.activation, ACTIVATIONS, labelOf);
  fillSelect(ui.optimizer, OPTIMIZERS, labelOf);
  // the WebAssembly backend compiles asynchronously in a page: train only once it is in place
  await ready();
  fillSelect(ui.backend, listBackends(), (b) => b);
  const wanted = new URLSearchParams(location.search).get('backend');
  if (wanted !== null) guarded(() => setBackend(wanted));
  showBackend();

  trainer = new Trainer(DEFAULTS);
  view = new RegionsView(ui.canvas);
  chart = new LossChart(byId('loss-chart'));
  showConfig(trainer.config);
  wire();
  rebuilt();
}

const started = start().catch((e: unknown) => {
  showStatus(
    `The page could not start: ${e instanceof Error ? e.message : String(e)}. Served with a Content-Security-Policy, it needs script-src 'unsafe-eval' 'wasm-unsafe-eval'.`,
    'error',
  );
  throw e;
});
const hook: PlaygroundHook = {
  ready: started,
  state,
  stopAt: (n) => {
    stopAt = n;
  },
};
(window as PlaygroundGlobal).__playground = hook;
