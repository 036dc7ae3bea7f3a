import { z } from 'zod';
import { channel } from './define.js';

export const MODES = ['beginner', 'expert'] as const;
export const THEMES = ['light', 'dark', 'system'] as const;
export const TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w'] as const;
export const NUMBER_FORMATS = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'ja-JP'] as const;

export const modeSchema = z.enum(MODES);

export const preferencesSchema = z.object({
  theme: z.enum(THEMES),
  defaultTimeframe: z.enum(TIMEFRAMES),
  /** Flat fee per filled order, in the account currency. */
  defaultCommissionPerTrade: z.number().finite().min(0).max(1000),
  /** Commission as a percentage of traded value. */
  defaultCommissionPct: z.number().finite().min(0).max(5),
  defaultSlippagePct: z.number().finite().min(0).max(5),
  numberFormat: z.enum(NUMBER_FORMATS),
});
export type Preferences = z.infer<typeof preferencesSchema>;

export const noInput = z.strictObject({}).optional();

export const userChannels = {
  'user.getMode': channel({
    input: noInput,
    output: z.object({ mode: modeSchema }),
    category: 'interactive',
    mutates: false,
    summary: 'The interface mode of the current user.',
  }),
  'user.setMode': channel({
    input: z.strictObject({ mode: modeSchema }),
    output: z.object({ mode: modeSchema }),
    category: 'default',
    mutates: true,
    summary: 'Switch between beginner and expert mode.',
  }),
  'user.getPreferences': channel({
    input: noInput,
    output: preferencesSchema,
    category: 'interactive',
    mutates: false,
    summary: 'The current user preferences (defaults for a new user).',
  }),
  'user.updatePreferences': channel({
    input: preferencesSchema
      .partial()
      .strict()
      .refine((p) => Object.keys(p).length > 0, { message: 'Give at least one preference to change.' }),
    output: preferencesSchema,
    category: 'default',
    mutates: true,
    summary: 'Change some preferences; the rest stay as they are.',
  }),
};
