import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { destination } from 'pino';
import { createLogger } from '../../../server/logger.ts';
import { serve, type RunningServer } from '../../../server/main.ts';
import { servedConfig } from './test-config.ts';
import { adminApi } from './admin-api.ts';

/** `serve()` as the service runs it (HTTP and TFTP on 127.0.0.1 port 0), its JSON log in a file. */
export interface ServedServer {
  server: RunningServer;
  dir: string;
  /** The JSON-lines log file the process writes. */
  logFile: string;
  adminToken: string;
  /** Admin API call with the super-admin token. */
  api<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startServedServer(adminToken: string): Promise<ServedServer> {
  const dir = mkdtempSync(join(tmpdir(), 'deskprov-served-'));
  const logFile = join(dir, 'deskprov.log');
  const config = servedConfig(join(dir, 'data'), adminToken, { tftp: { host: '127.0.0.1', port: 0 }, logLevel: 'info' });
  const logger = createLogger({ level: 'info', destination: destination({ dest: logFile, sync: true }) });
  const server = await serve(config, { print: () => {}, logger });
  return {
    server,
    dir,
    logFile,
    adminToken,
    api: (method, path, body, token = adminToken) => adminApi(server.httpUrl, token, method, path, body),
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A site whose networks are the loopback addresses, so test requests count as phones on the LAN. */
export const LOOPBACK_SITE = {
  name: 'HQ',
  timezone: 'Europe/Berlin',
  networks: ['127.0.0.0/8', '::1/128'],
  extensionRange: { first: 1000, last: 1999 },
  registrar: { host: 'pbx.example.com' },
};

/** Creates {@link LOOPBACK_SITE} on a served server; its id. */
export async function loopbackSite(served: ServedServer): Promise<string> {
  const site = await served.api('POST', '/sites', LOOPBACK_SITE);
  if (site.status !== 201) throw new Error(`site: ${JSON.stringify(site.body)}`);
  return site.body.id as string;
}
