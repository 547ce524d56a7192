// The kernels of tapegrad's 'wasm' backend (AssemblyScript, compiled by ../build.mjs into
// src/backend/wasm/binary.generated.ts). Memory is managed by the JavaScript side: it
// copies operands in above heapBase(), calls a kernel, and copies the result out.

export { mapF32 } from './elementwise';
export { gemm, gemmWorkBytes } from './gemm';
export { sumRowsF32 } from './reduce';
export { gemmShare } from './share';
export { gemmSkinny } from './skinny';
export { adamStep, sgdMomentumStep, sgdStep } from './updates';

/** The first byte free for the caller's use (after the module's static data). */
export function heapBase(): usize {
  return __heap_base;
}
