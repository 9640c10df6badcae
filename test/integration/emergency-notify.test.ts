import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPortUrl, HOOK_SECRET, startReceiver, usLocation, type Received } from './helpers/emergency-receiver.ts';
import { seed, startPhoneServer, type PhoneServer } from './helpers/phone-server.ts';

/**
 * Kari's Law notification over real HTTP: a phone's outgoing-call action URL or an agent report
 * naming 911 makes the server POST the notice to each webhook target of the device's location,
 * here a real HTTP listener on 127.0.0.1. Retries are bounded, a target that never takes the
 * notice becomes an alert, and every delivery is an audit event.
 */

const MODEL = 'grandstream/gxp2170';
const MAC = '000b82445566';
const UA = `Grandstream Model HW GXP2170 SW 1.0.11.3 DevId ${MAC}`;

let server: PhoneServer;
let ids: Awaited<ReturnType<typeof seed>>;
const closers: Array<() => Promise<void>> = [];

beforeEach(async () => {
  server = await startPhoneServer({}, { emergency: { attempts: 3, retryBaseMs: 20, retryMaxMs: 40, timeoutMs: 2000 } });
  ids = await seed(server);
});
afterEach(async () => {
  await server.services.emergencyNotify.close();
  await server.close();
  for (const close of closers.splice(0)) await close();
});

async function receiver(statusFor?: (n: number) => number) {
  const r = await startReceiver(statusFor);
  closers.push(r.close);
  return r;
}

/** A US location (the site default) with its callback number and the given targets. */
const location = (targets: string[]) => usLocation(server, ids.siteId, targets);

/** A user device (Alice's extension) whose device file has been fetched; returns the file. */
async function phone(): Promise<string> {
  const created = await server.api('POST', '/devices', { mac: MAC, model: MODEL, siteId: ids.siteId, userId: ids.userId });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const res = await fetch(`${server.root}cfg${MAC}.xml`, { headers: { 'user-agent': UA } });
  expect(res.status).toBe(200);
  const text = await res.text();
  server.front.phone.flush();
  return text;
}

/** The outgoing-call action URL (P8311) with the phone's variables filled in. */
function outgoingCallUrl(file: string, dialled: string): string {
  const m = /<P8311>([^<]+)<\/P8311>/.exec(file);
  if (m === null) throw new Error('no outgoing-call URL in the device file');
  const vars: Record<string, string> = { mac: MAC, phone_ip: '127.0.0.1', program_version: '1.0.11.3', remote: dialled };
  return (m[1] as string).replace(/&amp;/g, '&').replace(/\$([a-z_]+)/g, (whole, name: string) => vars[name] ?? whole);
}

async function agentToken(): Promise<string> {
  const res = await server.api('POST', `/devices/${MAC}/agent-token`);
  expect(res.status).toBe(200);
  return res.body.token as string;
}

async function report(token: string, body: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.root}api/v1/agent/reports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const audits = (action: string) =>
  server.services.audit.list({ action }, { limit: 100, offset: 0 }).items as Array<{ entityId: string; after: any; actorName: string }>;
const settled = () => server.services.emergencyNotify.idle();

describe('emergency-call notification', () => {
  it('a Grandstream outgoing-call GET to 911 posts the notice to the location\'s webhook with who, where and the callback number', async () => {
    const hook = await receiver();
    const loc = await location([hook.url]);
    const file = await phone();

    const res = await fetch(outgoingCallUrl(file, '911'));
    expect(res.status).toBe(204);
    await settled();

    expect(hook.received).toHaveLength(1);
    const [got] = hook.received as [Received];
    expect(got.url).toBe(`/hooks/911?token=${HOOK_SECRET}`);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['idempotency-key']).toBe(got.body.id);
    expect(got.body).toMatchObject({
      kind: 'emergency-call',
      test: false,
      dialled: '911',
      emergencyNumber: '911',
      at: '2026-03-02T09:00:00.000Z',
      device: { mac: MAC, model: MODEL },
      user: { name: 'Alice Example' },
      extension: ids.extension,
      callbackNumber: '+13125550100',
      location: {
        id: loc.id,
        name: 'HQ 41st floor',
        civic: { country: 'US', A1: 'IL', A3: 'Chicago', RD: 'Wacker', STS: 'Dr', HNO: '233', PC: '60606', FLR: '41', ROOM: '4102' },
        dispatchable: '233 Wacker Dr, Floor 41, Room 4102, Chicago IL 60606, US',
        matchedBy: 'siteDefault',
        unresolved: true,
      },
    });
    // No secrets: not the webhook's token, not the device's event key, not its SIP password.
    const text = JSON.stringify(got.body);
    expect(text).not.toContain(HOOK_SECRET);
    expect(text).not.toMatch(/events\//);
    expect(text).not.toMatch(/secret|password|token/i);

    const [call] = audits('emergency-call');
    expect(call).toMatchObject({ entityId: MAC, actorName: `device ${MAC}`, after: { dialled: '911', emergencyNumber: '911', locationId: loc.id } });
    expect(JSON.stringify(call)).not.toContain(HOOK_SECRET);
    const [sent] = audits('emergency-call.notify');
    expect(sent?.after).toMatchObject({ result: 'sent', attempts: 1, target: `${new URL(hook.url).origin}/…` });
  });

  it('an agent report naming 911 notifies once, and its replay (same report id) notifies no one again', async () => {
    const hook = await receiver();
    await location([hook.url]);
    const file = await phone();
    const token = await agentToken();
    const body = { id: 'call-0001', at: '2026-03-02T09:00:05Z', call: { dialled: 'sip:911@pbx.example.com', callId: 'c1@phone' } };

    expect(await report(token, body)).toEqual({ status: 202, body: { id: 'call-0001', duplicate: false } });
    await settled();
    expect(await report(token, body)).toEqual({ status: 202, body: { id: 'call-0001', duplicate: true } });
    await settled();

    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]?.body).toMatchObject({ dialled: 'sip:911@pbx.example.com', emergencyNumber: '911', at: '2026-03-02T09:00:05Z' });
    expect(audits('emergency-call')).toHaveLength(1);

    // The same call reported again by the phone's action URL a moment later is the same call.
    expect((await fetch(outgoingCallUrl(file, '911'))).status).toBe(204);
    await settled();
    expect(hook.received).toHaveLength(1);

    // A later event of another kind does not carry the call again.
    const registered = (/<P8305>([^<]+)<\/P8305>/.exec(file)?.[1] ?? '').replace(/&amp;/g, '&').replace('$mac', MAC);
    expect((await fetch(registered)).status).toBe(204);
    await settled();
    expect(hook.received).toHaveLength(1);
    expect(audits('emergency-call')).toHaveLength(1);
  });

  it('a call to a number that is not an emergency number sends nothing and writes no audit event', async () => {
    const hook = await receiver();
    await location([hook.url]);
    const file = await phone();
    const token = await agentToken();

    expect((await fetch(outgoingCallUrl(file, '1001'))).status).toBe(204);
    expect((await report(token, { id: 'r-1', at: '2026-03-02T09:00:01Z', call: { dialled: '+13125550123' } })).status).toBe(202);
    expect((await report(token, { id: 'r-2', at: '2026-03-02T09:00:02Z', call: { dialled: '9110' } })).status).toBe(202);
    await settled();

    expect(hook.received).toHaveLength(0);
    expect(audits('emergency-call')).toHaveLength(0);
  });

  it('retries a target that answers 500, then raises an alert and audits the failure; the other target is told', async () => {
    const failing = await receiver(() => 500);
    const ok = await receiver();
    const down = await closedPortUrl();
    await location([failing.url, down, ok.url]);
    const file = await phone();

    expect((await fetch(outgoingCallUrl(file, '911'))).status).toBe(204);
    await settled();

    expect(failing.received).toHaveLength(3);
    // One notice: every retry carries the same idempotency key.
    expect(new Set(failing.received.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(ok.received).toHaveLength(1);

    const results = audits('emergency-call.notify').map((a) => a.after);
    expect(results).toHaveLength(3);
    expect(results).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ result: 'failed', attempts: 3, reason: 'the target answered HTTP 500' }),
        expect.objectContaining({ result: 'failed', attempts: 3, target: `${new URL(down).origin}/…` }),
        expect.objectContaining({ result: 'sent', attempts: 1 }),
      ]),
    );
    expect(JSON.stringify(results)).not.toContain(HOOK_SECRET);

    const alerts = (await server.api('GET', '/alerts')).body.items as Array<{ mac: string; alerts: Array<{ code: string; severity: string; message: string }> }>;
    const mine = alerts.find((a) => a.mac === MAC)?.alerts.filter((a) => a.code === 'EMERGENCY_NOTIFY_FAILED') ?? [];
    expect(mine).toHaveLength(2);
    expect(mine.every((a) => a.severity === 'alert')).toBe(true);
    expect(JSON.stringify(mine)).not.toContain(HOOK_SECRET);
    const status = (await server.api('GET', `/devices/${MAC}/status`)).body;
    expect(status.alerts.some((a: { code: string }) => a.code === 'EMERGENCY_NOTIFY_FAILED')).toBe(true);
  });

  it('answers the phone before a slow target has taken the notice: delivery never holds the phone\'s request', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const requests: string[] = [];
    const slow = createServer((req, res) => {
      requests.push(req.url ?? '');
      req.resume();
      void held.then(() => res.end());
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => slow.close(() => resolve())));
    const { port } = slow.address() as AddressInfo;
    await location([`http://127.0.0.1:${port}/slow`]);
    const file = await phone();

    expect((await fetch(outgoingCallUrl(file, '911'))).status).toBe(204);
    // The phone has its answer while the slow target still holds the notice (no result audited yet).
    for (let i = 0; i < 500 && requests.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(requests).toEqual(['/slow']);
    expect(audits('emergency-call')).toHaveLength(1);
    expect(audits('emergency-call.notify')).toHaveLength(0);
    release();
    await settled();
    expect(audits('emergency-call.notify').map((a) => a.after.result)).toEqual(['sent']);
  });

  it('a location without targets is an alert: nobody was told', async () => {
    await location([]);
    const file = await phone();
    expect((await fetch(outgoingCallUrl(file, '911'))).status).toBe(204);
    await settled();
    const status = (await server.api('GET', `/devices/${MAC}/status`)).body;
    const alert = status.alerts.find((a: { code: string }) => a.code === 'EMERGENCY_NOTIFY_FAILED');
    expect(alert?.message).toContain('has no notification target');
    expect(audits('emergency-call')).toHaveLength(1);
  });

  it('933, the US test line, is told and marked as a test', async () => {
    const hook = await receiver();
    await location([hook.url]);
    const file = await phone();
    expect((await fetch(outgoingCallUrl(file, '933'))).status).toBe(204);
    await settled();
    expect(hook.received.map((r) => [r.body.emergencyNumber, r.body.test])).toEqual([['933', true]]);
  });
});
