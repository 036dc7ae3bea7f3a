import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { appMeta, users } from '../db/schema/index.js';

/**
 * Quantdesk has one local user by default. Its UUID is made once and kept in app_meta so every
 * row it owns can later be synced under the same id.
 */
export function ensureLocalUser(db: Db, now = Date.now()): string {
  return db.transaction((tx) => {
    const row = tx.select().from(appMeta).where(eq(appMeta.key, 'local_user_id')).get();
    if (row) return row.value;
    const id = randomUUID();
    tx.insert(users).values({ id, mode: 'beginner', createdAt: now, updatedAt: now }).run();
    tx.insert(appMeta).values({ key: 'local_user_id', value: id }).run();
    return id;
  });
}
