import { expect } from 'vitest';
import type { PhoneTrustOptions } from '../../../server/services/phone-files.ts';
import { digestHeader, seed, startPhoneServer, type PhoneServer } from '../../integration/helpers/phone-server.ts';

/** A Yealink T54W as it introduces itself (VENDORS.md), and a MAC from the same OUI. */
export const MAC = '44dbd2010203';
export const UA = 'Yealink SIP-T54W 96.86.0.70 44:db:d2:01:02:03';

export function uaFor(mac: string): string {
  return `Yealink SIP-T54W 96.86.0.70 ${mac.match(/../g)?.join(':')}`;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Buffer;
}

/** The real phone pipeline over HTTP on loopback, a site on 127.0.0.0/8, a user, and helpers a phone would use. */
export interface SecureServer {
  server: PhoneServer;
  ids: Awaited<ReturnType<typeof seed>>;
  get(name: string, headers?: Record<string, string>): Promise<Answer>;
  prestage(mac?: string, extra?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** First boot inside the claim window; returns the handed-out HTTP password, then lets the grace pass. */
  claim(mac?: string): Promise<string>;
  /** The MD5 Digest challenge a credential-less request for `name` gets. */
  challenge(name: string): Promise<string>;
  /** The Digest header a phone computes for `name` under a challenge. */
  answer(challenge: string, name: string, username: string, password: string): string;
  /** A challenge, then the Digest answer a phone computes. */
  digestGet(name: string, username: string, password: string, headers?: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}

export async function startSecureServer(options: Partial<PhoneTrustOptions> = {}, databaseUrl?: string): Promise<SecureServer> {
  const server = await startPhoneServer(options, {}, databaseUrl);
  const ids = await seed(server);
  const get = async (name: string, headers: Record<string, string> = {}): Promise<Answer> => {
    const res = await fetch(`${server.root}${name}`, { headers: { 'user-agent': UA, ...headers } });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };
  const self: SecureServer = {
    server,
    ids,
    get,
    async prestage(mac = MAC, extra = {}) {
      const res = await server.api('POST', '/devices', { mac, model: 'yealink/t54w', siteId: ids.siteId, userId: ids.userId, ...extra });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    },
    async claim(mac = MAC) {
      const first = await get(`${mac}.cfg`, { 'user-agent': uaFor(mac) });
      expect(first.status).toBe(200);
      const password = /static\.auto_provision\.server\.password\s*=\s*(\S+)/.exec(first.body.toString())?.[1];
      expect(password).toMatch(/^\S{16,}$/);
      server.advance(11 * 60_000);
      return password as string;
    },
    async challenge(name) {
      const res = await get(name);
      expect(res.status).toBe(401);
      const md5 = (res.headers.get('www-authenticate') ?? '').split(/,\s*(?=Digest )/).find((c) => c.includes('algorithm=MD5')) ?? '';
      expect(md5).not.toBe('');
      return md5;
    },
    answer: (challenge, name, username, password) => digestHeader(challenge, 'GET', `/${name}`, username, password),
    async digestGet(name, username, password, headers = {}) {
      const challenge = await get(name, headers);
      const md5 = (challenge.headers.get('www-authenticate') ?? '').split(/,\s*(?=Digest )/).find((c) => c.includes('algorithm=MD5')) ?? '';
      expect(md5).not.toBe('');
      return get(name, { ...headers, authorization: digestHeader(md5, 'GET', `/${name}`, username, password) });
    },
    close: () => server.close(),
  };
  return self;
}
