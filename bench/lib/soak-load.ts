import http from 'node:http';
import { renderFileName } from '../../server/provisioning/file-pattern.ts';
import { digestAuthorization, parseChallenge, phoneAddress, walkFor, type Challenge, type PhoneWalk } from './phone-walk.ts';
import type { SeededDevice } from './seed.ts';
import type { SoakKind, SoakRecorder } from './soak-recorder.ts';
import { tftpGet } from './tftp-client.ts';

/**
 * The soak's four kinds of load, each a paced loop until a deadline, all against one deskprov:
 * - **phone**: a phone boots and walks its model's files over HTTP from its own loopback address
 *   with its real User-Agent, answering the Digest challenge with its own secret (as the storm).
 * - **tftp**: a phone fetches its own config over TFTP (the share some vendors boot from).
 * - **agent**: a device's agent posts a status report with its own device token.
 * - **edit**: an admin edits the profile every device uses (new NTP server) through the API, with
 *   the ETag it just read; then a probe phone must be served the new value at once (the render
 *   cache is keyed by input revision, so an edit that left old bytes behind is an error).
 * Every loop waits for its next slot after each operation and never bursts to catch up, so the
 * offered load stays the same all run long; a slow server shows as a lower achieved rate.
 */

export interface SoakTarget {
  port: number;
  tftpPort: number;
  adminToken: string;
  profileId: string;
  devices: SeededDevice[];
}

export interface SoakRates {
  /** Phone boots (HTTP walks) per second. */
  phoneBoots: number;
  tftpFetches: number;
  agentReports: number;
  /** Seconds between two profile edits. */
  editEveryS: number;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const TIMEOUT_MS = 30_000;

/** One HTTP exchange on loopback; a reset or a 30 s silence rejects. */
function exchange(port: number, opts: { method: string; path: string; agent?: http.Agent; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...opts.headers, ...(opts.body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(opts.body)) }) };
    const req = http.request({ host: '127.0.0.1', port, method: opts.method, path: opts.path, headers, ...(opts.agent === undefined ? {} : { agent: opts.agent }) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error('timeout')));
    req.end(opts.body);
  });
}

const reasonOf = (err: unknown): string => `transport ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;

/** A phone on its keep-alive connection: remembers the nonce it was given, answers challenges. */
class PhoneSession {
  readonly #agent: http.Agent;
  #challenge: Challenge | null = null;
  #lastMs = 0;

  constructor(
    readonly walk: PhoneWalk,
    readonly port: number,
  ) {
    this.#agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: walk.ip });
  }

  /**
   * GETs one file. `onAnswer` sees every exchange: the expected Digest challenge (the first
   * request without a nonce, or a stale nonce) and the final answer.
   */
  async get(pathName: string, onAnswer: (answer: Answer | Error, ms: number, challenge: boolean) => void): Promise<Answer | null> {
    const uri = `/${pathName}`;
    const send = async (): Promise<Answer | null> => {
      const headers: Record<string, string> = {};
      if (this.walk.userAgent !== undefined) headers['user-agent'] = this.walk.userAgent;
      if (this.#challenge !== null && this.walk.secret !== undefined) headers.authorization = digestAuthorization(this.#challenge, 'GET', uri, this.walk.mac, this.walk.secret);
      const t0 = performance.now();
      try {
        return await exchange(this.port, { method: 'GET', path: uri, agent: this.#agent, headers });
      } catch (err) {
        onAnswer(err as Error, performance.now() - t0, false);
        return null;
      } finally {
        this.#lastMs = performance.now() - t0;
      }
    };
    let answer = await send();
    if (answer === null) return null;
    const stale = /stale=true/i.test(String(answer.headers['www-authenticate'] ?? ''));
    if (answer.status === 401 && (this.#challenge === null || stale)) {
      onAnswer(answer, this.#lastMs, true);
      this.#challenge = parseChallenge(answer.headers['www-authenticate']);
      answer = await send();
      if (answer === null) return null;
    }
    onAnswer(answer, this.#lastMs, false);
    return answer;
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** Records a phone exchange: 200 and the one expected challenge are fine, the rest are errors. */
function phoneRecorder(recorder: SoakRecorder): (answer: Answer | Error, ms: number, challenge: boolean) => void {
  return (answer, ms, challenge) => {
    if (answer instanceof Error) return recorder.error('phone', reasonOf(answer));
    if (challenge || answer.status === 200) return recorder.ok('phone', ms);
    recorder.error('phone', `status ${answer.status}`);
  };
}

/** One boot: the model's files in its request order, on one connection. */
export async function phoneBoot(port: number, device: SeededDevice, ip: string, recorder: SoakRecorder): Promise<void> {
  const session = new PhoneSession({ ...walkFor(device, ip), ...(device.secret === undefined ? {} : { secret: device.secret }) }, port);
  const record = phoneRecorder(recorder);
  try {
    for (const pathName of session.walk.paths) await session.get(pathName, record);
  } finally {
    session.close();
  }
}

/** The device's own config file name (its `device` kind file), as TFTP phones ask for it. */
export function configFileName(device: SeededDevice): string {
  const file = device.model.files.find((f) => f.kind === 'device') ?? device.model.files[0];
  return renderFileName(file?.name ?? '', device.model.modelToken, device.mac);
}

export async function tftpFetch(port: number, device: SeededDevice, ip: string, blksize: number, recorder: SoakRecorder): Promise<void> {
  const t0 = performance.now();
  const r = await tftpGet({ port, localAddress: ip, file: configFileName(device), blksize, timeoutMs: 1_000, retries: 5, deadline: Number.POSITIVE_INFINITY });
  if (r.outcome === 'ok' && r.bytes > 0) return recorder.ok('tftp', performance.now() - t0);
  recorder.error('tftp', r.outcome === 'ok' ? 'empty file' : (r.error ?? r.outcome));
}

export async function agentReport(port: number, agent: http.Agent, device: SeededDevice, seq: number, recorder: SoakRecorder): Promise<void> {
  if (device.agentToken === undefined) throw new Error(`device ${device.mac} has no agent token: seed with agentTokens`);
  const body = JSON.stringify({
    id: `soak-${seq}-${device.mac}`,
    at: new Date().toISOString(),
    mac: device.mac,
    firmware: `soak-${seq % 3}`,
    sip: { registered: seq % 7 !== 0, registrar: 'pbx.example.com' },
    network: { ip: '10.1.2.3/24', gateway: '10.1.2.1', lldp: { chassisId: { type: 'mac', value: '00:11:22:33:44:55' }, portId: { type: 'ifname', value: `Gi1/0/${(seq % 48) + 1}` } } },
  });
  const t0 = performance.now();
  try {
    const answer = await exchange(port, { method: 'POST', path: '/api/v1/agent/reports', agent, headers: { authorization: `Bearer ${device.agentToken}` }, body });
    if (answer.status === 202) recorder.ok('agent', performance.now() - t0);
    else recorder.error('agent', `status ${answer.status}`);
  } catch (err) {
    recorder.error('agent', reasonOf(err));
  }
}

/** A device file whose bytes carry the profile's NTP server: where an edit must show at once. */
export interface EditProbe {
  session: PhoneSession;
  pathName: string;
}

/** Finds, among the first devices, a file that carries `ntp` (the seeded NTP server). */
export async function findEditProbe(target: SoakTarget, ntp: string): Promise<EditProbe | null> {
  for (const [i, device] of target.devices.slice(0, 80).entries()) {
    const session = new PhoneSession({ ...walkFor(device, phoneAddress(30, i)), ...(device.secret === undefined ? {} : { secret: device.secret }) }, target.port);
    for (const pathName of session.walk.paths) {
      const answer = await session.get(pathName, () => {});
      if (answer?.status === 200 && answer.body.includes(ntp)) return { session, pathName };
    }
    session.close();
  }
  return null;
}

/** The NTP server the `n`-th edit sets: it always differs from the one before. */
export const editNtp = (n: number): string => `ntp${n % 4}.soak.example.com`;

export async function profileEdit(target: SoakTarget, n: number, probe: EditProbe | null, recorder: SoakRecorder): Promise<void> {
  const url = `/api/v1/profiles/${target.profileId}`;
  const auth = { authorization: `Bearer ${target.adminToken}` };
  const ntp = editNtp(n);
  try {
    const current = await exchange(target.port, { method: 'GET', path: url, headers: auth });
    if (current.status !== 200) return recorder.error('edit', `read status ${current.status}`);
    const t0 = performance.now();
    const saved = await exchange(target.port, {
      method: 'PATCH',
      path: url,
      headers: { ...auth, 'if-match': String(current.headers.etag ?? '') },
      body: JSON.stringify({ settings: { time: { ntp }, language: 'en', network: { lldp: true } } }),
    });
    if (saved.status !== 200) return recorder.error('edit', `status ${saved.status}`);
    recorder.ok('edit', performance.now() - t0);
  } catch (err) {
    return recorder.error('edit', reasonOf(err));
  }
  if (probe === null) return;
  const served = await probe.session.get(probe.pathName, () => {});
  if (served === null || served.status !== 200) recorder.error('edit', `probe status ${served?.status ?? 'transport'}`);
  else if (!served.body.includes(ntp)) recorder.error('edit', 'old bytes served after the edit');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `op` every `intervalMs` until `until` (performance.now() time); never bursts to catch up. */
async function paced(intervalMs: number, until: number, op: (n: number) => Promise<void>): Promise<void> {
  let next = performance.now();
  for (let n = 0; performance.now() < until; n++) {
    await op(n);
    next += intervalMs;
    const wait = next - performance.now();
    if (wait > 0) await sleep(Math.min(wait, Math.max(0, until - performance.now())));
    else next = performance.now();
  }
}

/** Operations started per kind: the achieved rate is this over the load's duration. */
export type SoakCounts = Record<SoakKind, number>;

/**
 * Every kind's loops until `until`; resolves when the last operation in flight has finished.
 * `workers` loops share each kind's rate, so one slow answer does not stall the kind.
 */
export function runSoakLoad(target: SoakTarget, rates: SoakRates, until: number, recorder: SoakRecorder, probe: EditProbe | null): { done: Promise<void>; counts: SoakCounts } {
  const counts: SoakCounts = { phone: 0, tftp: 0, agent: 0, edit: 0 };
  const devices = target.devices;
  let phoneNext = 0;
  let tftpNext = 0;
  let agentNext = 0;
  const reportAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const loops = (kind: SoakKind, workers: number, perSecond: number, op: () => Promise<void>) =>
    perSecond <= 0
      ? []
      : Array.from({ length: workers }, () =>
          paced((1000 * workers) / perSecond, until, async () => {
            counts[kind] += 1;
            await op();
          }),
        );
  const all = [
    ...loops('phone', 4, rates.phoneBoots, () => {
      const i = phoneNext++ % devices.length;
      return phoneBoot(target.port, devices[i] as SeededDevice, phoneAddress(40, i), recorder);
    }),
    ...loops('tftp', 2, rates.tftpFetches, () => {
      const i = tftpNext++ % devices.length;
      return tftpFetch(target.tftpPort, devices[i] as SeededDevice, phoneAddress(100, i), i % 2 === 0 ? 512 : 1428, recorder);
    }),
    ...loops('agent', 4, rates.agentReports, () => {
      const seq = agentNext++;
      return agentReport(target.port, reportAgent, devices[seq % devices.length] as SeededDevice, seq, recorder);
    }),
    ...loops('edit', 1, rates.editEveryS > 0 ? 1 / rates.editEveryS : 0, () => profileEdit(target, counts.edit, probe, recorder)),
  ];
  const done = Promise.all(all).then(() => {
    reportAgent.destroy();
    probe?.session.close();
  });
  return { done, counts };
}
