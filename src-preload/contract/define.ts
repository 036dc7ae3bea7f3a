import type { z } from 'zod';

/**
 * Rate-limit categories. `interactive` covers the reads a screen makes all the time and only
 * stops a flood; the others guard expensive or remote work (see docs/rate-limiting.md).
 */
export const RATE_CATEGORIES = ['interactive', 'default', 'backtest', 'api_key', 'anonymous'] as const;
export type RateCategory = (typeof RATE_CATEGORIES)[number];

export interface ChannelDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  category: RateCategory;
  /** Mutating channels write an audit record for every call. */
  mutates: boolean;
  /** One sentence for docs and the generated channel table. */
  summary: string;
}

export const channel = <I extends z.ZodType, O extends z.ZodType>(def: ChannelDef<I, O>): ChannelDef<I, O> =>
  def;
