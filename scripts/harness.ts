/**
 * `npm run harness`: Quantdesk in a browser, on a temporary (or QD_DATA_DIR) data dir.
 * Build first (`npm run build`), then open the printed URL.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHarness } from '../src-main/harness/harness-server.js';

const dataDir = process.env.QD_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'qd-harness-'));
const harness = await startHarness({
  dataDir,
  rendererDir: path.resolve(import.meta.dirname, '../out/renderer'),
  port: Number(process.env.PORT ?? 5174),
});
console.log(`Quantdesk harness on ${harness.url} (data in ${dataDir}); Ctrl+C to stop.`);
const stop = () => void harness.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
