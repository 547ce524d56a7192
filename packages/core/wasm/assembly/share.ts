// A large product shared by two threads: C is cut into chunks of rows or of columns, and
// each thread claims the next chunk until none is left. The calling thread never waits for
// a chunk nobody has started, so a worker that the OS schedules late (or never) costs at
// most the chunk it holds, not half the product.
//
// The control block (int32s at `control`, written by the calling thread before it posts the
// job): NEXT holds the job's number in its high 16 bits and the next chunk in its low 16; a
// thread claims chunk i by swapping i for i + 1, which fails once a newer job is posted, so
// a worker that wakes late for an old job takes nothing of it. FINISHED counts done chunks.
import { gemm } from './gemm';

/** Int32 slots of the control block (threads.ts in src/backend/wasm has the same). */
const NEXT: i32 = 1;
const FINISHED: i32 = 2;
/** m, n, k, a, ars, acs, b, brs, bcs, c, ldc, by columns (0/1), chunk width, chunks. */
const ARGS: i32 = 4;

function arg(control: usize, i: i32): i32 {
  return load<i32>(control + ((<usize>(ARGS + i)) << 2));
}

function slot(control: usize, i: i32): usize {
  return control + ((<usize>i) << 2);
}

/** Claims the job's chunks one by one and computes them, with `work` as scratch. */
export function gemmShare(control: usize, job: i32, work: usize): void {
  const m = arg(control, 0);
  const n = arg(control, 1);
  const k = arg(control, 2);
  const a = <usize>arg(control, 3);
  const ars = arg(control, 4);
  const acs = arg(control, 5);
  const b = <usize>arg(control, 6);
  const brs = arg(control, 7);
  const bcs = arg(control, 8);
  const c = <usize>arg(control, 9);
  const ldc = arg(control, 10);
  const byColumns = arg(control, 11) !== 0;
  const width = arg(control, 12);
  const chunks = arg(control, 13);
  for (;;) {
    let v: i32;
    if (ASC_FEATURE_THREADS) {
      v = atomic.load<i32>(slot(control, NEXT));
    } else {
      v = load<i32>(slot(control, NEXT));
    }
    if (v >>> 16 !== job) return;
    const i = v & 0xffff;
    if (i >= chunks) return;
    if (ASC_FEATURE_THREADS) {
      if (atomic.cmpxchg<i32>(slot(control, NEXT), v, v + 1) !== v) continue;
    } else {
      store<i32>(slot(control, NEXT), v + 1);
    }
    const start = i * width;
    if (byColumns) {
      const w = min(width, n - start);
      gemm(
        m,
        w,
        k,
        a,
        ars,
        acs,
        b + ((<usize>(start * bcs)) << 2),
        brs,
        bcs,
        c + ((<usize>start) << 2),
        ldc,
        work,
      );
    } else {
      const h = min(width, m - start);
      gemm(
        h,
        n,
        k,
        a + ((<usize>(start * ars)) << 2),
        ars,
        acs,
        b,
        brs,
        bcs,
        c + ((<usize>(start * ldc)) << 2),
        ldc,
        work,
      );
    }
    if (ASC_FEATURE_THREADS) {
      atomic.add<i32>(slot(control, FINISHED), 1);
    } else {
      store<i32>(slot(control, FINISHED), load<i32>(slot(control, FINISHED)) + 1);
    }
  }
}
