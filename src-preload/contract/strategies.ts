import { z } from 'zod';
import { channel } from './define.js';

const id = z.string().uuid();
export const STRATEGY_SOURCE_MAX = 50_000;
const source = z.string().min(1).max(STRATEGY_SOURCE_MAX);
const name = z.string().trim().min(1).max(120);
const description = z.string().max(2000);

export const paramSpecSchema = z.object({
  default: z.number(),
  min: z.number().optional(),
  max: z.number().optional(),
  step: z.number().optional(),
  label: z.string().optional(),
});
export type ParamSpecDto = z.infer<typeof paramSpecSchema>;

export const strategySummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  templateId: z.string().nullable(),
  latestVersionId: z.string(),
  latestVersion: z.number().int(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type StrategySummary = z.infer<typeof strategySummarySchema>;

export const strategyVersionSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  note: z.string(),
  createdAt: z.number().int(),
});
export type StrategyVersionDto = z.infer<typeof strategyVersionSchema>;

export const strategyDetailSchema = strategySummarySchema.extend({
  /** The version shown (latest unless one was asked for) and its source. */
  versionId: z.string(),
  version: z.number().int(),
  source: z.string(),
  versions: z.array(strategyVersionSchema),
});
export type StrategyDetail = z.infer<typeof strategyDetailSchema>;

export const templateSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  source: z.string(),
});

export const strategyChannels = {
  'strategies.list': channel({
    input: z
      .strictObject({
        search: z.string().max(120).optional(),
      })
      .optional(),
    output: z.object({ items: z.array(strategySummarySchema) }),
    category: 'interactive',
    mutates: false,
    summary: 'Strategies of the current user, most recently changed first.',
  }),
  'strategies.get': channel({
    input: z.strictObject({ id, versionId: id.optional() }),
    output: strategyDetailSchema,
    category: 'interactive',
    mutates: false,
    summary: 'One strategy with the source of its latest (or a given) version and its version list.',
  }),
  'strategies.create': channel({
    input: z
      .strictObject({
        name,
        description: description.optional(),
        source: source.optional(),
        fromTemplate: z.string().max(100).optional(),
      })
      .refine((v) => (v.source === undefined) !== (v.fromTemplate === undefined), {
        message: 'Give either source or fromTemplate.',
      }),
    output: strategyDetailSchema,
    category: 'default',
    mutates: true,
    summary: 'Create a strategy from source or from a template; this is its version 1.',
  }),
  'strategies.update': channel({
    input: z
      .strictObject({
        id,
        name: name.optional(),
        description: description.optional(),
        source: source.optional(),
        note: z.string().max(500).optional(),
      })
      .refine((v) => v.name !== undefined || v.description !== undefined || v.source !== undefined, {
        message: 'Give at least one of name, description or source.',
      }),
    output: strategyDetailSchema,
    category: 'default',
    mutates: true,
    summary:
      'Rename or describe a strategy; new source is saved as a new version (versions are never edited).',
  }),
  'strategies.delete': channel({
    input: z.strictObject({ id }),
    output: z.object({ id: z.string(), deletedAt: z.number().int() }),
    category: 'default',
    mutates: true,
    summary: 'Delete a strategy (a tombstone; runs keep the versions they ran).',
  }),
  'strategies.templates': channel({
    input: z.strictObject({}).optional(),
    output: z.object({ items: z.array(templateSchema) }),
    category: 'interactive',
    mutates: false,
    summary: 'Starter strategies: SMA crossover, RSI mean reversion, breakout, buy and hold.',
  }),
  'strategies.inspect': channel({
    input: z.strictObject({ source }),
    output: z.object({ params: z.record(z.string(), paramSpecSchema) }),
    category: 'default',
    mutates: false,
    summary:
      'Check strategy source and list its declared parameters (evaluates the code where strategies run).',
  }),
};
