import { mkdirSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';

export type Logger = pino.Logger;

/**
 * The main-process log: JSON lines under `<dataDir>/logs/main.log`. Secret-looking fields are
 * censored by pino's redaction as a second line of defence; code should never log them at all.
 */
export function createLogger(dataDir: string, level = process.env.QD_LOG_LEVEL ?? 'info'): Logger {
  const dir = path.join(dataDir, 'logs');
  mkdirSync(dir, { recursive: true });
  const dest = pino.destination({ dest: path.join(dir, 'main.log'), sync: true, mkdir: true });
  return pino(
    {
      level,
      redact: {
        paths: [
          '*.password',
          '*.passphrase',
          '*.token',
          '*.secret',
          '*.value',
          '*.apiKey',
          'password',
          'token',
          'secret',
        ],
        censor: '[redacted]',
      },
    },
    dest,
  );
}

/** A logger that drops everything, for code paths that run before the data dir is known. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
