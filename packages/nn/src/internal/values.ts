// Shape helpers the layers' checks and errors share, from core's extender API.
export { fmtShape, sameShape } from '@tapegrad/core/op-kit';
