// The loss curve's points: every iteration's data and regularization loss, thinned as the
// run grows so that a long run keeps a few hundred points (about one per pixel of the curve:
// rendering it costs time in proportion).

/** One point of the loss curve. */
export interface LossPoint {
  readonly iteration: number;
  readonly dataLoss: number;
  readonly regLoss: number;
}

/** The most points kept; past it every other point is dropped and the stride doubles. */
const MAX_POINTS = 300;

export class LossHistory {
  readonly points: LossPoint[] = [];
  /** Keep one iteration in `stride`. */
  #stride = 1;

  clear(): void {
    this.points.length = 0;
    this.#stride = 1;
  }

  push(iteration: number, dataLoss: number, regLoss: number): void {
    if ((iteration - 1) % this.#stride !== 0) return;
    this.points.push({ iteration, dataLoss, regLoss });
    if (this.points.length > MAX_POINTS) {
      let kept = 0;
      for (let i = 0; i < this.points.length; i += 2) this.points[kept++] = this.points[i]!;
      this.points.length = kept;
      this.#stride *= 2;
    }
  }
}
