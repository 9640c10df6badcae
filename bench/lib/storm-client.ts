import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { digestAuthorization, parseChallenge, type Challenge, type PhoneWalk } from './phone-walk.ts';
import { summarize, type LatencySummary } from './stats.ts';

/**
 * The boot-storm load client: `concurrency` phones at a time, each on its own keep-alive
 * connection from its own loopback address, walking its files one after the other as a phone
 * does. Every answer is counted: a 200 is a served file; the one 401 a phone expects (the Digest
 * challenge to its first, credential-less request) is counted as a challenge; anything else —
 * a 401 after credentials, a 404, a 403, a 429, a reset — is a failure.
 */

export interface StormOptions {
  port: number;
  /** Several servers (instances behind DNS or a load balancer): phone i walks on `ports[i % n]`. */
  ports?: readonly number[];
  walks: PhoneWalk[];
  concurrency: number;
  /** `digest`: answer challenges with the walk's secret; `none`: never send credentials. */
  auth: 'digest' | 'none';
  /** Stop starting new phones after this long (phones already walking finish). */
  deadlineMs: number;
  /** When set, every 200 body is written here under its request path (the nginx reference root). */
  saveDir?: string;
}

export interface StormResult {
  phones: number;
  phonesSkipped: number;
  requests: number;
  served: number;
  challenges: number;
  failed: number;
  failures: Record<string, number>;
  bytes: number;
  elapsedMs: number;
  requestsPerSec: number;
  filesPerSec: number;
  latency: LatencySummary;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(port: number, agent: http.Agent, pathName: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: `/${pathName}`, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
  });
}

export async function runStorm(options: StormOptions): Promise<StormResult> {
  const { walks } = options;
  const ports = options.ports ?? [options.port];
  const latencies = new Float64Array(walks.reduce((n, w) => n + w.paths.length * 2, 0));
  let recorded = 0;
  let requests = 0;
  let served = 0;
  let challenges = 0;
  let bytes = 0;
  let phones = 0;
  const failures: Record<string, number> = {};
  const fail = (why: string) => {
    failures[why] = (failures[why] ?? 0) + 1;
  };
  const saved = new Set<string>();

  async function timed(agent: http.Agent, pathName: string, headers: Record<string, string>, port: number): Promise<Answer | null> {
    const t0 = performance.now();
    requests += 1;
    try {
      const answer = await get(port, agent, pathName, headers);
      latencies[recorded++] = performance.now() - t0;
      return answer;
    } catch (err) {
      fail(`error ${(err as Error).message}`);
      return null;
    }
  }

  async function walk(w: PhoneWalk, port: number): Promise<void> {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: w.ip });
    let challenge: Challenge | null = null;
    try {
      for (const pathName of w.paths) {
        const headers: Record<string, string> = {};
        if (w.userAgent !== undefined) headers['user-agent'] = w.userAgent;
        const authorize = () => {
          if (challenge !== null && w.secret !== undefined) headers.authorization = digestAuthorization(challenge, 'GET', `/${pathName}`, w.mac, w.secret);
        };
        authorize();
        let answer = await timed(agent, pathName, headers, port);
        if (answer === null) continue;
        const stale = answer.status === 401 && /stale=true/i.test(String(answer.headers['www-authenticate'] ?? ''));
        if (answer.status === 401 && options.auth === 'digest' && (challenge === null || stale)) {
          // The challenge a phone without a nonce (or with an expired one) expects: answer it once.
          challenges += 1;
          challenge = parseChallenge(answer.headers['www-authenticate']);
          authorize();
          answer = await timed(agent, pathName, headers, port);
          if (answer === null) continue;
        }
        if (answer.status !== 200) {
          fail(`status ${answer.status}`);
          continue;
        }
        served += 1;
        bytes += answer.body.length;
        if (options.saveDir !== undefined && !saved.has(pathName)) {
          saved.add(pathName);
          writeFileSync(path.join(options.saveDir, pathName), answer.body);
        }
      }
    } finally {
      agent.destroy();
    }
  }

  if (options.saveDir !== undefined) mkdirSync(options.saveDir, { recursive: true });
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < walks.length && performance.now() - started < options.deadlineMs) {
      const index = next++;
      phones += 1;
      await walk(walks[index] as PhoneWalk, ports[index % ports.length] as number);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, walks.length) }, worker));
  const elapsedMs = performance.now() - started;
  const failed = Object.values(failures).reduce((a, b) => a + b, 0);
  return {
    phones,
    phonesSkipped: walks.length - phones,
    requests,
    served,
    challenges,
    failed,
    failures,
    bytes,
    elapsedMs,
    requestsPerSec: (requests * 1000) / elapsedMs,
    filesPerSec: (served * 1000) / elapsedMs,
    latency: summarize(latencies.subarray(0, recorded)),
  };
}
