import snmp from 'net-snmp';
import { MAX_TABLE_ROWS, SWITCH_WALK_PLAN, type SwitchWalk, type Varbind, type WalkedTable } from '../domain/snmp-tables.ts';
import type { SnmpCredentials, SwitchRecord } from '../domain/switch-inventory.ts';
import { SwitchPollError, type SwitchWalker } from '../services/switches.ts';

/** Limits on one switch walk: every request is bounded, and so is the whole walk. */
export interface WalkLimits {
  /** Per request (net-snmp `timeout`). */
  timeoutMs: number;
  /** Resends of an unanswered request (net-snmp `retries`); bounded and small. */
  retries: number;
  /** GetBulk max-repetitions (RFC 3416 §4.2.3). */
  maxRepetitions: number;
  /** Rows kept per table; the walk of that table stops there. */
  maxRowsPerTable: number;
  /** The whole walk of one switch; past it the session is closed and the poll fails. */
  walkDeadlineMs: number;
}

export const DEFAULT_WALK_LIMITS: WalkLimits = {
  timeoutMs: 2000,
  retries: 1,
  maxRepetitions: 25,
  maxRowsPerTable: MAX_TABLE_ROWS,
  walkDeadlineMs: 60_000,
};

const AUTH: Record<string, snmp.AuthProtocols> = {
  md5: snmp.AuthProtocols.md5,
  sha: snmp.AuthProtocols.sha,
  sha224: snmp.AuthProtocols.sha224,
  sha256: snmp.AuthProtocols.sha256,
  sha384: snmp.AuthProtocols.sha384,
  sha512: snmp.AuthProtocols.sha512,
};
const PRIV: Record<string, snmp.PrivProtocols> = {
  des: snmp.PrivProtocols.des,
  aes: snmp.PrivProtocols.aes,
  aes256b: snmp.PrivProtocols.aes256b,
  aes256r: snmp.PrivProtocols.aes256r,
};

function openSession(target: SwitchRecord, limits: WalkLimits): snmp.Session {
  const transport = target.host.includes(':') ? 'udp6' : 'udp4';
  const common = { port: target.port, timeout: limits.timeoutMs, retries: limits.retries, transport } as const;
  const creds: SnmpCredentials = target.snmp;
  if (creds.version === '2c') return snmp.createSession(target.host, creds.community, { ...common, version: snmp.Version2c });
  const level =
    creds.privKey !== undefined ? snmp.SecurityLevel.authPriv : creds.authKey !== undefined ? snmp.SecurityLevel.authNoPriv : snmp.SecurityLevel.noAuthNoPriv;
  const user: snmp.User = { name: creds.user, level };
  if (creds.authKey !== undefined) {
    user.authProtocol = AUTH[creds.authProtocol ?? 'sha']!;
    user.authKey = creds.authKey;
  }
  if (creds.privKey !== undefined) {
    user.privProtocol = PRIV[creds.privProtocol ?? 'aes']!;
    user.privKey = creds.privKey;
  }
  return snmp.createV3Session(target.host, user, { ...common, version: snmp.Version3 });
}

/**
 * Names a net-snmp failure without echoing it: its messages can quote what was sent, and for v2c
 * that includes the community. USM (RFC 3414 §3.2) answers an unknown user or a wrong digest with
 * a Report PDU, which net-snmp surfaces as an unexpected report or an auth failure; a v2c agent
 * drops a wrong community silently, so that looks like a timeout.
 */
export function classifySnmpError(err: unknown, target: SwitchRecord): SwitchPollError {
  const where = `${target.host}:${target.port}`;
  const e = err as { name?: string; code?: unknown; message?: string } | null;
  if (e?.name === 'RequestTimedOutError') {
    const hint = target.snmp.version === '2c' ? ' (or the community is wrong: v2c agents do not answer those)' : '';
    return new SwitchPollError('SWITCH_TIMEOUT', `switch ${where} did not answer in time${hint}`);
  }
  if (e?.name === 'ResponseInvalidError') {
    const code = e.code;
    if (
      code === snmp.ResponseInvalidCode.EAuthFailure ||
      code === snmp.ResponseInvalidCode.EUnexpectedReport ||
      code === snmp.ResponseInvalidCode.ECouldNotDecrypt ||
      code === snmp.ResponseInvalidCode.ECommunityNoMatch
    ) {
      return new SwitchPollError('SWITCH_AUTH_FAILED', `switch ${where} refused our SNMP credentials`);
    }
    return new SwitchPollError('SWITCH_BAD_RESPONSE', `switch ${where} sent an SNMP response the poller could not use`);
  }
  if (e?.name === 'RequestFailedError') {
    return new SwitchPollError('SWITCH_BAD_RESPONSE', `switch ${where} answered with an SNMP error`);
  }
  const sys = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof sys === 'string') return new SwitchPollError('SWITCH_UNREACHABLE', `switch ${where} is unreachable (${sys})`);
  return new SwitchPollError('SWITCH_BAD_RESPONSE', `switch ${where} could not be walked`);
}

/** Walks one subtree, keeping at most `maxRows` good varbinds (error varbinds are skipped). */
function walkSubtree(session: snmp.Session, oid: string, limits: WalkLimits): Promise<Varbind[]> {
  return new Promise((resolve, reject) => {
    const rows: Varbind[] = [];
    session.subtree(
      oid,
      limits.maxRepetitions,
      (varbinds: snmp.Varbind[]) => {
        for (const vb of varbinds) {
          if (snmp.isVarbindError(vb)) continue;
          rows.push({ oid: vb.oid, value: vb.value });
          if (rows.length >= limits.maxRowsPerTable) return true;
        }
        return false;
      },
      (error?: Error | null) => (error ? reject(error) : resolve(rows)),
    );
  });
}

/**
 * The SNMP edge of the poller: walks every planned subtree of one switch, in turn (one request
 * in flight per switch), and hands the raw varbinds to the pure parsers. Never throws anything but
 * SwitchPollError; the socket is always closed.
 */
export function createSnmpWalker(limits: Partial<WalkLimits> = {}): SwitchWalker {
  const l = { ...DEFAULT_WALK_LIMITS, ...limits };
  return async (target) => {
    let session: snmp.Session;
    try {
      session = openSession(target, l);
    } catch (err) {
      throw classifySnmpError(err, target);
    }
    let socketError: unknown = null;
    // An 'error' event without a listener would throw out of the event loop and end the process.
    session.on('error', (err: unknown) => {
      socketError = err;
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new SwitchPollError('SWITCH_TIMEOUT', `switch ${target.host}:${target.port} took longer than ${l.walkDeadlineMs} ms to walk`)),
        l.walkDeadlineMs,
      );
    });
    const walk = async (): Promise<SwitchWalk> => {
      const out: SwitchWalk = {};
      for (const [name, oid] of Object.entries(SWITCH_WALK_PLAN) as Array<[WalkedTable, string]>) {
        out[name] = await walkSubtree(session, oid, l);
      }
      return out;
    };
    const walking = walk();
    // When the deadline wins, the abandoned walk still settles (the session is closed under it).
    walking.catch(() => undefined);
    try {
      return await Promise.race([walking, deadline]);
    } catch (err) {
      if (err instanceof SwitchPollError) throw err;
      throw classifySnmpError(socketError ?? err, target);
    } finally {
      clearTimeout(timer);
      try {
        session.close();
      } catch {
        // Already closed by a socket error; nothing left to release.
      }
    }
  };
}
