// The machine a run measured on, for the results JSON and the README table's header.
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, platform, release, totalmem } from 'node:os';

export interface Machine {
  readonly cpu: string;
  /** Logical CPUs the OS reports. */
  readonly cores: number;
  readonly node: string;
  readonly v8: string;
  readonly os: string;
  readonly memoryGB: number;
  /** 1-minute load average when the run started: others' work shows here. */
  readonly loadAvg1m: number;
}

/** The CPU model from /proc/cpuinfo ('model name'), else what os.cpus() says. */
function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line !== undefined) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model.trim() ?? 'unknown CPU';
}

export function machine(): Machine {
  return {
    cpu: cpuModel(),
    cores: availableParallelism(),
    node: process.version,
    v8: process.versions.v8,
    os: `${platform()} ${release()}`,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    loadAvg1m: Math.round(loadavg()[0]! * 100) / 100,
  };
}

/** One line: `AMD EPYC, 2 cores, Node v20.20.2 (V8 11.3), linux 6.1, 8 GB, load 1.2`. */
export function describeMachine(m: Machine): string {
  return (
    `${m.cpu}, ${m.cores} logical cores, Node ${m.node} (V8 ${m.v8}), ${m.os}, ` +
    `${m.memoryGB} GB RAM, load average ${m.loadAvg1m} at start`
  );
}
