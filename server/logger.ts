import { destination as pinoDestination, pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.ts';

/** Keys whose values are secrets wherever they appear in a logged object. */
const SECRET_KEYS = ['password', 'secret', 'token', 'adminToken', 'authorization', 'cookie', 'credentials', 'agentToken'];

/**
 * Log paths pino censors before a line is written. Secrets (SIP passwords, API and device tokens,
 * per-device HTTP credentials) must never reach a log (DESIGN.md "Phone-facing trust"); the
 * wildcard forms catch them one and two levels below whatever object is logged.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

export const CENSOR = '[redacted]';

/**
 * A logger for lines whose object is flat by type (the phone request line: strings and numbers
 * only): the secret keys are censored at the top level, where alone they could be. The wildcard
 * forms cost ≈ 35 µs a line, a tenth of a boot-storm request (docs/PERFORMANCE.md), and would
 * find nothing to censor in a flat object.
 */
export function flatLineLogger<L extends { child(bindings: object, options: { redact: { paths: string[]; censor: string } }): L }>(logger: L): L {
  return logger.child({}, { redact: { paths: SECRET_KEYS, censor: CENSOR } });
}

/** Query-string keys whose values are masked in logged URLs. */
const SECRET_QUERY_KEY = /pass|secret|token|auth|key|sig/i;

/** A URL as it may be logged: values of secret-looking query keys masked. */
export function maskUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      return eq >= 0 && SECRET_QUERY_KEY.test(decodeURIComponentSafe(key)) ? `${key}=${CENSOR}` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

interface LoggableRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * The request as logged: method, masked URL, source address and all headers (phones are told
 * apart by User-Agent, so headers matter); credentials in headers are censored by REDACTED_PATHS.
 */
export function serializeRequest(req: LoggableRequest): Record<string, unknown> {
  return {
    method: req.method,
    url: maskUrl(req.url),
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
    headers: { ...req.headers },
  };
}

/**
 * The process logger: JSON lines (CONTRACT.md: logs are JSON lines on stdout), secrets censored.
 * Tests pass a destination stream to read what would have been written.
 */
export function createLogger(options: { level: LogLevel; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: CENSOR },
      serializers: { req: serializeRequest as (req: unknown) => Record<string, unknown> },
    },
    options.destination ?? pinoDestination({ dest: 1, sync: false }),
  );
}
