import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentReport } from '../../server/domain/e911-evidence.ts';

/** A stand-in for the server's report endpoint: records every arrival, answers 202 once per id. */
export interface ReportRecorder {
  /** Every POST body in arrival order, duplicates included. */
  readonly arrivals: AgentReport[];
  /** Authorization headers seen (to check the token was sent). */
  readonly authorizations: string[];
  readonly port: number;
  url(): string;
  /** Stops listening and drops open connections, like a server that went away. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

export async function startReportRecorder(host = '127.0.0.1', port = 0): Promise<ReportRecorder> {
  const arrivals: AgentReport[] = [];
  const authorizations: string[] = [];
  const ids = new Set<string>();
  let server: Server;
  let boundPort = port;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          if (req.method !== 'POST' || req.url !== '/api/v1/agent/reports') {
            res.writeHead(404).end();
            return;
          }
          const report = JSON.parse(Buffer.concat(chunks).toString('utf8')) as AgentReport;
          arrivals.push(report);
          authorizations.push(req.headers.authorization ?? '');
          const status = ids.has(report.id) ? 409 : 202;
          ids.add(report.id);
          res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
        });
      });
      server.once('error', reject);
      server.listen(boundPort, host, () => {
        boundPort = (server.address() as AddressInfo).port;
        resolve();
      });
    });

  await listen();
  return {
    arrivals,
    authorizations,
    get port() {
      return boundPort;
    },
    url: () => `http://${host}:${boundPort}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    start: listen,
  };
}
