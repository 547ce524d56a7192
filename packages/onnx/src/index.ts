// @tapegrad/onnx: models to ONNX (and back), for ONNX Runtime on servers, in browsers and on GPUs.
export { type ExportOnnxOptions, exportOnnx } from './export.js';
export type { AttrValue, ExportContext } from './graph.js';
export { importableOps, importOnnx, OnnxModule } from './import.js';
export { type ExportRule, exportableOps, registerOnnxExport } from './rules.js';
