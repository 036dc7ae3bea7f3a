import { z } from 'zod';

/** Events main pushes to the renderer. Long work reports `{ jobId, done, total, phase }`. */
export const progressSchema = z.object({
  jobId: z.string(),
  done: z.number(),
  total: z.number(),
  phase: z.string(),
});

export const eventSchemas = {
  'preferences.changed': z.object({ theme: z.string() }).passthrough(),
  'job.progress': progressSchema,
  /** Datasets or stored files changed (import, delete): screens refresh their lists. */
  'data.changed': z.object({ reason: z.enum(['import', 'delete']), datasetIds: z.array(z.string()) }),
};
