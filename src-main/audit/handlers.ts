import type { Handlers } from '../ipc/router.js';
import type { AuditLog } from './audit-log.js';

export function auditHandlers(audit: AuditLog): Pick<Handlers, 'audit.list'> {
  return {
    'audit.list': (input, ctx) => {
      const page = input?.page ?? 1;
      const pageSize = input?.pageSize ?? 50;
      return { ...audit.list(ctx.userId, page, pageSize, input?.action), page, pageSize };
    },
  };
}
