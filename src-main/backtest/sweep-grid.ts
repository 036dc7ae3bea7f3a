/** Parameter grids: per parameter a list of values or a from/to/step range; the product is the sweep. */
import { AppError } from '../errors.js';
import type { ParamValues } from './engine/types.js';

export type GridAxis = number[] | { from: number; to: number; step: number };
export type Grid = Record<string, GridAxis>;

export const MAX_SWEEP_SETS = 10_000;

export function axisValues(axis: GridAxis): number[] {
  if (Array.isArray(axis)) return [...new Set(axis)];
  const { from, to, step } = axis;
  if (!(step > 0) || to < from)
    throw new AppError('VALIDATION', 'A sweep range needs from ≤ to and a positive step.');
  const out: number[] = [];
  // Round to the step's decimals so 0.1 + 0.2 style drift does not add or drop a value.
  const decimals = Math.min(10, (String(step).split('.')[1] ?? '').length);
  for (let k = 0; ; k++) {
    const v = Number((from + k * step).toFixed(decimals));
    if (v > to + step * 1e-9) break;
    out.push(v);
    if (out.length > MAX_SWEEP_SETS) break;
  }
  return out;
}

/** Cartesian product in a stable order (first parameter varies slowest). */
export function expandGrid(grid: Grid, base: ParamValues = {}): ParamValues[] {
  const names = Object.keys(grid);
  let sets: ParamValues[] = [{ ...base }];
  for (const name of names) {
    const values = axisValues(grid[name] as GridAxis);
    if (values.length === 0) throw new AppError('VALIDATION', `The sweep gives "${name}" no values.`);
    const next: ParamValues[] = [];
    for (const s of sets) for (const v of values) next.push({ ...s, [name]: v });
    if (next.length > MAX_SWEEP_SETS) {
      throw new AppError(
        'VALIDATION',
        `The sweep has more than ${MAX_SWEEP_SETS} parameter sets; narrow it.`,
        {
          limit: MAX_SWEEP_SETS,
        },
      );
    }
    sets = next;
  }
  return sets;
}
