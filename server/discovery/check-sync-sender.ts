import dgram from 'node:dgram';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { findHeader, parseSipMessage, serializeSipMessage } from './sip-message.ts';
import { buildCheckSyncNotify, parseContact } from './sip-check-sync.ts';

/** What became of one check-sync push; stored as the device's last push status. */
export type CheckSyncResult =
  | { outcome: 'answered'; status: number; reason: string }
  | { outcome: 'timeout' }
  /** The network said no (e.g. ICMP port unreachable: nothing listens at the contact). */
  | { outcome: 'send-failed'; reason: string }
  | { outcome: 'invalid-contact'; reason: string };

export interface CheckSyncOptions {
  /** Give up after this long without a final response (default 4 s). */
  timeoutMs?: number;
  reboot?: boolean;
}

/** RFC 3261 §17.1.2.2 timer E start value. */
const T1_MS = 500;

/**
 * Sends one check-sync NOTIFY to a phone's SIP contact over UDP and waits for its final
 * response, retransmitting at T1, 2·T1, … until then. Only IP-literal contacts are used: a
 * stored host name would need DNS, which a phone's own contact never does.
 */
export async function sendCheckSync(contact: string, opts: CheckSyncOptions = {}): Promise<CheckSyncResult> {
  const target = parseContact(contact);
  if (target === null) return { outcome: 'invalid-contact', reason: 'not a sip: URI' };
  const family = net.isIP(target.host);
  if (family === 0) return { outcome: 'invalid-contact', reason: 'host is not an IP address' };

  const socket = dgram.createSocket(family === 6 ? 'udp6' : 'udp4');
  const timeoutMs = opts.timeoutMs ?? 4000;
  try {
    // connect() makes the kernel pick the source address, which is what the phone must see in Via.
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(target.port, target.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const local = socket.address();
    const callId = `${randomBytes(10).toString('hex')}@deskprov`;
    const request = buildCheckSyncNotify({
      target,
      local: { host: local.address, port: local.port },
      callId,
      fromTag: randomBytes(6).toString('hex'),
      branch: randomBytes(8).toString('hex'),
      ...(opts.reboot === undefined ? {} : { reboot: opts.reboot }),
    });
    const wire = serializeSipMessage(request);

    return await new Promise<CheckSyncResult>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let interval = T1_MS;
      const finish = (result: CheckSyncResult): void => {
        clearTimeout(timer);
        clearTimeout(deadline);
        socket.off('message', onMessage);
        resolve(result);
      };
      const deadline = setTimeout(() => finish({ outcome: 'timeout' }), timeoutMs);
      const transmit = (): void => {
        socket.send(wire);
        timer = setTimeout(transmit, interval);
        interval = Math.min(interval * 2, 4000);
      };
      const onMessage = (data: Buffer): void => {
        const parsed = parseSipMessage(data);
        if (!parsed.ok || parsed.message.kind !== 'response') return;
        if (findHeader(parsed.message.headers, 'Call-ID') !== callId) return;
        // 1xx are provisional: keep waiting (and stop retransmitting, §17.1.2.2).
        if (parsed.message.status < 200) {
          clearTimeout(timer);
          return;
        }
        finish({ outcome: 'answered', status: parsed.message.status, reason: parsed.message.reason });
      };
      socket.on('message', onMessage);
      socket.on('error', (err: NodeJS.ErrnoException) => finish({ outcome: 'send-failed', reason: err.code ?? err.message }));
      transmit();
    });
  } catch (err) {
    return { outcome: 'send-failed', reason: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
  } finally {
    socket.close();
  }
}
