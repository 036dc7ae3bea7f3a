import pino from 'pino';
import type { Logger } from '../../src-main/logger.js';

/** A real pino logger whose JSON lines land in an array the test can read. */
export function captureLogger(): { logger: Logger; lines: () => { level: number; msg: string }[] } {
  const raw: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void raw.push(s) });
  return { logger, lines: () => raw.map((l) => JSON.parse(l) as { level: number; msg: string }) };
}
