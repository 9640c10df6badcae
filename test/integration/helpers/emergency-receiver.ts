import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PhoneServer } from './phone-server.ts';

/**
 * Shared parts of the Kari's Law notification tests: a real webhook receiver on 127.0.0.1, a port
 * nothing listens on, and a US location whose notify targets the test chooses.
 */

/** The token the receiver's URL carries, which no notice, audit event or log may repeat. */
export const HOOK_SECRET = 'hook-secret-7f3a';

export interface Received {
  headers: IncomingMessage['headers'];
  url: string;
  body: any;
}

export interface Receiver {
  received: Received[];
  /** `http://127.0.0.1:<port>/hooks/911?token=<HOOK_SECRET>` */
  url: string;
  close(): Promise<void>;
}

/** A webhook receiver that answers `statusFor(n)` to its n-th request (1-based). */
export async function startReceiver(statusFor: (n: number) => number = () => 204): Promise<Receiver> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, url: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.statusCode = statusFor(received.length);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    received,
    url: `http://127.0.0.1:${port}/hooks/911?token=${HOOK_SECRET}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on: bound, noted, closed. */
export async function closedPortUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}/down`;
}

/** The civic address and place `usLocation` stores, and the line a dispatcher reads for it. */
export const US_LOCATION = {
  name: 'HQ 41st floor',
  address: { country: 'US', A1: 'IL', A3: 'Chicago', RD: 'Wacker', STS: 'Dr', HNO: '233', PC: '60606' },
  place: { FLR: '41', ROOM: '4102' },
  dispatchable: '233 Wacker Dr, Floor 41, Room 4102, Chicago IL 60606, US',
} as const;

/** A US location, the site's default, with its callback number (added to the inventory) and the given targets. */
export async function usLocation(server: PhoneServer, siteId: string, targets: string[], e164 = '+13125550100'): Promise<{ id: string }> {
  const number = await server.api('POST', '/numbers', { e164, region: 'US' });
  if (number.status !== 201) throw new Error(`number: ${JSON.stringify(number.body)}`);
  const res = await server.api('POST', '/locations', {
    siteId,
    name: US_LOCATION.name,
    address: US_LOCATION.address,
    place: US_LOCATION.place,
    callbackNumber: e164,
    notifyTargets: targets,
    default: true,
  });
  if (res.status !== 201) throw new Error(`location: ${JSON.stringify(res.body)}`);
  return res.body as { id: string };
}
