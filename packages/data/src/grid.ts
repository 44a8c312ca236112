/**
 * The reference draws every random quantity uniformly from a numpy `arange` grid; these helpers build
 * the same grids so our datasets have the reference's distributions, not just its ranges.
 */

/** numpy's `arange(start, stop, step)` for the step sizes the reference uses. */
export function arange(start: number, stop: number, step: number): number[] {
  const count = Math.max(0, Math.ceil((stop - start) / step - 1e-9));
  return Array.from({ length: count }, (_, i) => start + i * step);
}

/**
 * Integer index grid of the reference: `arange(floor(min*N), floor(max*N), max(1, floor(0.01*N)))`.
 * Where N is so small that the grid is empty (min and max floor to the same index) we use that index
 * alone rather than fail: short series keep a meaningful, if coarse, sweep.
 */
export function indexGrid(range: readonly [number, number], numPoints: number): number[] {
  const lo = Math.floor(range[0] * numPoints);
  const hi = Math.floor(range[1] * numPoints);
  const grid = arange(lo, hi, Math.max(1, Math.floor(0.01 * numPoints)));
  return grid.length > 0 ? grid : [lo];
}
