import { z } from 'zod';
import { channel } from './define.js';

export const auditRecordSchema = z.object({
  id: z.string(),
  ts: z.number().int(),
  userId: z.string(),
  action: z.string(),
  correlationId: z.string(),
  outcome: z.enum(['ok', 'error']),
  details: z.record(z.string(), z.unknown()),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

export const auditChannels = {
  'audit.list': channel({
    input: z
      .strictObject({
        page: z.number().int().min(1).max(1_000_000).default(1),
        pageSize: z.number().int().min(1).max(500).default(50),
        action: z.string().min(1).max(100).optional(),
      })
      .optional(),
    output: z.object({
      items: z.array(auditRecordSchema),
      total: z.number().int(),
      page: z.number().int(),
      pageSize: z.number().int(),
    }),
    category: 'interactive',
    mutates: false,
    summary: 'Audit records of the current user, newest first, a page at a time.',
  }),
};
