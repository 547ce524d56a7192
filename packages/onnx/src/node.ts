// @tapegrad/onnx/node: ONNX files on disk (Node only; the main entry stays browser-safe).
import type { Tensor } from '@tapegrad/core';
import type { Module } from '@tapegrad/nn';
import { writeFileAtomic } from '@tapegrad/nn/node';
import { type ExportOnnxOptions, exportOnnx } from './export.js';

/**
 * Export `model` (see `exportOnnx`) and write the ONNX file atomically: a temporary file
 * beside `path`, renamed into place, so a failure leaves an older file intact.
 *
 * @example
 * await saveOnnx('mlp.onnx', model, randn([1, 784]), { dynamicBatch: true });
 */
export async function saveOnnx(
  path: string,
  model: Module | ((...inputs: Tensor[]) => Tensor),
  sampleInput: Tensor | readonly Tensor[],
  options: ExportOnnxOptions = {},
): Promise<void> {
  await writeFileAtomic(path, exportOnnx(model, sampleInput, options), 'saveOnnx');
}
