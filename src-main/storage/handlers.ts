import type Database from 'better-sqlite3';
import type { FileDeletion } from '../data/file-deletion.js';
import type { Handlers } from '../ipc/router.js';
import type { QuotaManager } from './quota-manager.js';

type StorageHandlers = Pick<Handlers, 'storage.usage' | 'storage.files' | 'storage.deleteFile'>;

export function storageHandlers(d: {
  sqlite: Database.Database;
  quota: QuotaManager;
  deletion: FileDeletion;
}): StorageHandlers {
  return {
    'storage.usage': (_input, ctx) => d.quota.usage(ctx.userId),
    'storage.files': (_input, ctx) => ({
      items: (
        d.sqlite
          .prepare(
            `select id, filename, file_size_bytes, mime_type, created_at from user_files
             where user_id = ? and status = 'stored' and deleted_at is null order by created_at desc`,
          )
          .all(ctx.userId) as {
          id: string;
          filename: string;
          file_size_bytes: number;
          mime_type: string;
          created_at: number;
        }[]
      ).map((r) => ({
        id: r.id,
        filename: r.filename,
        fileSizeBytes: r.file_size_bytes,
        mimeType: r.mime_type,
        createdAt: r.created_at,
      })),
    }),
    'storage.deleteFile': (input, ctx) => d.deletion.delete(ctx.userId, input.fileId, ctx.emit),
  };
}
