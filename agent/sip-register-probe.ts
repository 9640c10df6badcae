import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { SipState } from '../server/domain/e911-evidence.ts';

/**
 * A registration probe that changes nothing: a REGISTER without a Contact header asks the
 * registrar for the current bindings of the address of record (RFC 3261 §10.2.3, "querying
 * bindings"). A 200 listing at least one Contact means the line is registered somewhere.
 */
export interface ProbeTarget {
  /** Address of record, e.g. `sip:201@pbx.example.com`. */
  aor: string;
  /** Registrar host (name or IPv4) and UDP port. */
  host: string;
  port: number;
  /** Digest user name (defaults to the AOR's user). */
  authUser?: string;
  /** The line's SIP password; never logged. */
  password?: string;
}

export interface SipResponse {
  status: number;
  reason: string;
  /** Header values by lower-case name, in order (compact forms expanded). */
  headers: Map<string, string[]>;
}

const COMPACT: Record<string, string> = { m: 'contact', i: 'call-id', f: 'from', t: 'to', v: 'via', l: 'content-length' };

/** Parses the start line and headers of a SIP response (RFC 3261 §7.2); null when it is not one. */
export function parseSipResponse(text: string): SipResponse | null {
  const [head] = text.split(/\r?\n\r?\n/, 1);
  const lines = (head ?? '').split(/\r?\n/);
  const m = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(lines[0] ?? '');
  if (m === null) return null;
  const headers = new Map<string, string[]>();
  let last: string | null = null;
  for (const line of lines.slice(1)) {
    if (/^[ \t]/.test(line) && last !== null) {
      // RFC 3261 §7.3.1: a line starting with white space continues the previous header.
      const values = headers.get(last)!;
      values[values.length - 1] += ` ${line.trim()}`;
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const raw = line.slice(0, i).trim().toLowerCase();
    const name = COMPACT[raw] ?? raw;
    const values = headers.get(name) ?? [];
    // Contact may list several bindings in one header, separated by commas outside <>.
    if (name === 'contact') values.push(...splitContacts(line.slice(i + 1)));
    else values.push(line.slice(i + 1).trim());
    headers.set(name, values);
    last = name;
  }
  return { status: Number(m[1]), reason: m[2] ?? '', headers };
}

function splitContacts(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === '<') depth += 1;
    if (!quoted && ch === '>') depth -= 1;
    if (ch === ',' && depth === 0 && !quoted) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

/** `Digest realm="x", nonce="y", qop="auth"` → its parameters. */
export function parseChallenge(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  const body = header.replace(/^\s*Digest\s+/i, '');
  for (const m of body.matchAll(/([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|([^,\s]+))/g)) {
    out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  }
  return out;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** RFC 2617 §3.2.2 digest response (MD5; qop `auth` or none). */
export function digestResponse(p: {
  method: string;
  uri: string;
  username: string;
  password: string;
  realm: string;
  nonce: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
}): string {
  const ha1 = md5(`${p.username}:${p.realm}:${p.password}`);
  const ha2 = md5(`${p.method}:${p.uri}`);
  if (p.qop === 'auth') return md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`);
  return md5(`${ha1}:${p.nonce}:${ha2}`);
}

export interface RegisterParams {
  aor: string;
  localHost: string;
  localPort: number;
  callId: string;
  cseq: number;
  fromTag: string;
  branch: string;
  authorization?: string;
}

/** A Contact-less REGISTER (a bindings query), RFC 3261 §10.2. */
export function buildRegister(p: RegisterParams): string {
  const domain = p.aor.replace(/^sips?:([^@]*@)?/, '');
  const requestUri = `sip:${domain}`;
  return [
    `REGISTER ${requestUri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${p.localHost}:${p.localPort};branch=z9hG4bK${p.branch};rport`,
    'Max-Forwards: 70',
    `From: <${p.aor}>;tag=${p.fromTag}`,
    `To: <${p.aor}>`,
    `Call-ID: ${p.callId}`,
    `CSeq: ${p.cseq} REGISTER`,
    ...(p.authorization === undefined ? [] : [`Authorization: ${p.authorization}`]),
    'User-Agent: deskprov-agent',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** What a bindings query says about the line. */
export function sipStateOf(res: SipResponse, registrar: string): SipState {
  if (res.status === 200) {
    const bindings = (res.headers.get('contact') ?? []).filter((c) => c !== '*' && c !== '');
    return bindings.length > 0
      ? { registered: true, registrar }
      : { registered: false, registrar, lastError: 'the registrar has no binding for this line' };
  }
  return { registered: false, registrar, lastError: `registrar answered ${res.status} ${res.reason}`.trim() };
}

/** Sends the query (answering one digest challenge) and gives the line's SIP state. */
export function probeRegistration(target: ProbeTarget, timeoutMs = 3000): Promise<SipState> {
  const registrar = `${target.host}:${target.port}`;
  const socket = createSocket('udp4');
  const callId = `${randomBytes(8).toString('hex')}@deskprov-agent`;
  const fromTag = randomBytes(4).toString('hex');
  const user = target.authUser ?? /^sips?:([^@]+)@/.exec(target.aor)?.[1] ?? '';
  let cseq = 1;
  return new Promise((resolve) => {
    let settled = false;
    const done = (state: SipState) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve(state);
    };
    const timer = setTimeout(() => done({ registered: false, registrar, lastError: 'no answer from the registrar' }), timeoutMs);
    const send = (authorization?: string) => {
      const { address, port } = socket.address();
      const msg = buildRegister({
        aor: target.aor,
        localHost: address,
        localPort: port,
        callId,
        cseq,
        fromTag,
        branch: randomBytes(6).toString('hex'),
        ...(authorization === undefined ? {} : { authorization }),
      });
      socket.send(msg);
    };
    socket.on('error', (err) => done({ registered: false, registrar, lastError: `cannot reach the registrar: ${err.message}` }));
    socket.on('message', (buf) => {
      const res = parseSipResponse(buf.toString('utf8'));
      if (res === null || res.status < 200) return;
      const challenge = res.headers.get('www-authenticate')?.[0] ?? res.headers.get('proxy-authenticate')?.[0];
      if ((res.status === 401 || res.status === 407) && challenge !== undefined && cseq === 1 && target.password !== undefined) {
        const c = parseChallenge(challenge);
        const uri = `sip:${target.aor.replace(/^sips?:([^@]*@)?/, '')}`;
        const qop = c.qop?.split(',').map((q) => q.trim()).includes('auth') ? 'auth' : undefined;
        const cnonce = randomBytes(8).toString('hex');
        const nc = '00000001';
        const response = digestResponse({ method: 'REGISTER', uri, username: user, password: target.password, realm: c.realm ?? '', nonce: c.nonce ?? '', ...(qop ? { qop, nc, cnonce } : {}) });
        const parts = [`username="${user}"`, `realm="${c.realm ?? ''}"`, `nonce="${c.nonce ?? ''}"`, `uri="${uri}"`, `response="${response}"`, 'algorithm=MD5'];
        if (c.opaque !== undefined) parts.push(`opaque="${c.opaque}"`);
        if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
        cseq += 1;
        send(`Digest ${parts.join(', ')}`);
        return;
      }
      done(sipStateOf(res, registrar));
    });
    // A connected socket knows the local address the registrar sees, for the Via header.
    socket.connect(target.port, target.host, () => send());
  });
}
