// A progress bar for training loops: iteration, named values such as the loss, speed
// and ETA, drawn with cli-progress on a terminal and quiet when output is redirected.
import cliProgress from 'cli-progress';

/**
 * Where the bar is written: a stream that may be a terminal.
 *
 * @example
 * progress({ total: 10, stream: process.stderr });
 */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Options of {@link progress}.
 *
 * @example
 * const options: ProgressOptions = { total: 1000, label: 'spiral', logEvery: 25 };
 */
export interface ProgressOptions {
  /** Number of ticks that make 100%. */
  total: number;
  /** Shown before the bar, e.g. the script's name. */
  label?: string;
  /** What one tick is, shown as `<unit>` in the count and `<unit>/s`; 'it' by default. */
  unit?: string;
  /**
   * When the stream is not a terminal: print a plain line each time progress passes a
   * multiple of this percentage (e.g. 25 gives 4 lines). 0 by default: redirected
   * output (logs, CI, `| tee`) gets nothing from the bar, since the scripts print what
   * they measured themselves.
   */
  logEvery?: number;
  /** process.stdout by default; the bar hides itself when it is not a TTY. */
  stream?: ProgressStream;
}

/** Seconds as `1h02m`, `3m05s` or `12s`. */
function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600)
    return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** A rate with 3 significant digits at most: 1234, 56.7, 8.90. */
function formatRate(rate: number): string {
  if (!Number.isFinite(rate)) return '?';
  return rate >= 100 ? rate.toFixed(0) : rate >= 10 ? rate.toFixed(1) : rate.toFixed(2);
}

/** A tracked value: integers as they are, others with 4 significant digits. */
function formatValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toPrecision(4);
}

/**
 * A progress bar over `total` ticks. On a terminal it shows
 * `label [████░░░░] 120/1000 | loss 0.8123 | 51.2 it/s | ETA 17s`, redrawn at most ten
 * times a second (also from a synchronous loop, which never yields to timers); elsewhere
 * it prints nothing, or a plain line every `logEvery` percent. Always call `stop()`: on a
 * terminal the bar keeps a redraw timer (and the hidden cursor) until then.
 *
 * @example
 * const bar = progress({ total: 1000, label: 'spiral' });
 * for (let i = 0; i < 1000; i++) bar.tick({ loss: step() });
 * bar.stop();
 */
export class ProgressBar {
  private readonly bar: cliProgress.SingleBar | null = null;
  private readonly stream: ProgressStream;
  private readonly started = performance.now();
  private values: Record<string, number> = {};
  private count = 0;
  private lastLogged = 0;
  private stopped = false;

  constructor(private readonly options: ProgressOptions) {
    const { total } = options;
    if (!Number.isInteger(total) || total < 1) {
      throw new RangeError(`progress: total must be a positive integer, got ${total}`);
    }
    const logEvery = options.logEvery ?? 0;
    if (!(logEvery >= 0 && logEvery <= 100)) {
      throw new RangeError(`progress: logEvery must be a percentage in [0, 100], got ${logEvery}`);
    }
    this.stream = options.stream ?? process.stdout;
    if (this.stream.isTTY === true) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: this.stream as NodeJS.WritableStream,
          format: (opts, params) =>
            `${this.prefix()}${cliProgress.Format.BarFormat(params.progress, opts)} ${this.summary()}`,
          barsize: 24,
          hideCursor: true,
          gracefulExit: true,
          etaBuffer: 50,
          fps: 10,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, 0);
    }
  }

  /** Ticks so far. */
  get value(): number {
    return this.count;
  }

  /**
   * Advances by `steps` (1 by default) and records `values` (e.g. `{ loss }`), which stay
   * shown until replaced.
   */
  tick(values: Readonly<Record<string, number>> = {}, steps = 1): void {
    if (this.stopped) return;
    this.count = Math.min(this.options.total, this.count + steps);
    this.values = { ...this.values, ...values };
    if (this.bar !== null) {
      this.bar.update(this.count);
      return;
    }
    const every = this.options.logEvery ?? 0;
    if (every <= 0) return;
    const step = (this.options.total * every) / 100;
    const reached = Math.floor(this.count / step + 1e-9);
    if (reached > this.lastLogged) {
      this.lastLogged = reached;
      this.stream.write(`${this.prefix()}${this.summary()}\n`);
    }
  }

  /** Prints a line above the bar (on a terminal) or as it is (elsewhere). */
  log(message: string): void {
    if (this.bar !== null && !this.stopped) {
      // Clear the bar's line, print, and save the cursor again (ESC 7): cli-progress
      // returns to the saved position when it stops, which is now one line lower.
      this.stream.write(`\r\x1b[K${message}\n\x1b7`);
      this.bar.render();
    } else {
      this.stream.write(`${message}\n`);
    }
  }

  /** Draws the final state and releases the terminal; later ticks are ignored. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.bar?.stop();
  }

  private prefix(): string {
    return this.options.label ? `${this.options.label} ` : '';
  }

  /** `120/1000 | loss 0.8123 | 51.2 it/s | ETA 17s` (elapsed time once complete). */
  private summary(): string {
    const unit = this.options.unit ?? 'it';
    const { total } = this.options;
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? this.count / seconds : Number.NaN;
    const parts = [`${this.count}/${total}${unit === 'it' ? '' : ` ${unit}`}`];
    for (const [name, v] of Object.entries(this.values)) parts.push(`${name} ${formatValue(v)}`);
    parts.push(`${formatRate(rate)} ${unit}/s`);
    parts.push(
      this.count >= total
        ? `took ${formatDuration(seconds)}`
        : `ETA ${this.count === 0 ? '?' : formatDuration((total - this.count) / rate)}`,
    );
    return parts.join(' | ');
  }
}

/**
 * Starts a {@link ProgressBar}.
 *
 * @example
 * const bar = progress({ total: epochs, label: 'mnist', unit: 'epoch' });
 * for (let e = 0; e < epochs; e++) bar.tick({ loss: trainEpoch(), acc: evaluate() });
 * bar.stop();
 */
export function progress(options: ProgressOptions): ProgressBar {
  return new ProgressBar(options);
}
