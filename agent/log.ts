import { destination, pino, type Logger } from 'pino';

/**
 * The agent's logger: JSON lines on stderr, so stdout stays free for `--print`. The device token
 * must never reach a log; these paths are censored wherever they appear.
 */
export function agentLogger(level: string): Logger {
  return pino(
    {
      name: 'deskprov-agent',
      level,
      redact: { paths: ['token', 'authorization', '*.token', '*.authorization'], censor: '[redacted]' },
    },
    destination(2),
  );
}
