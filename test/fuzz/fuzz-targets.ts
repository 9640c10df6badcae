import { join } from 'node:path';
import fc from 'fast-check';
import { LldpParseError, parseLldpNeighbors } from '../../agent/lldp-neighbors.ts';
import { parseSipMessage } from '../../server/discovery/sip-message.ts';
import { parseAuthorization } from '../../server/domain/digest-auth.ts';
import { formatMac, tryParseMac } from '../../server/domain/mac-address.ts';
import { parseNetworkMapCsv } from '../../server/domain/network-map-csv.ts';
import { phoneEventKind, phoneEventPatch } from '../../server/domain/phone-events.ts';
import { isAppError } from '../../server/errors.ts';
import { parseImportCsv } from '../../server/cli/csv-import.ts';
import { readCatalog } from '../../server/io/read-catalog.ts';
import { checkFileName } from '../../server/provisioning/file-name-guard.ts';
import { identify } from '../../server/provisioning/identify.ts';
import { decodePacket, encodePacket } from '../../server/tftp/tftp-packet.ts';

/**
 * Every parser that takes bytes from outside, with the property each must keep on any input:
 * no crash (only its documented refusal), and answers that respect its contract. Shared by the
 * short runs in `test/fuzz/` and the long runs of `bench/fuzz.ts`.
 */

export interface FuzzTarget {
  name: string;
  /** Runs the property; `onCase` is called once per generated case. */
  run(params: { numRuns: number; interruptAfterTimeLimit: number }, onCase?: () => void): fc.RunDetails<unknown>;
}

function target<Ts extends unknown[]>(name: string, property: fc.IPropertyWithHooks<Ts>): FuzzTarget {
  return {
    name,
    run(params, onCase = () => {}) {
      const counted = property.beforeEach((previous) => {
        onCase();
        previous();
      });
      return fc.check(counted, { ...params, markInterruptAsFailure: false }) as fc.RunDetails<unknown>;
    },
  };
}

const catalog = readCatalog(join(import.meta.dirname, '..', '..', 'firmware-profiles'));

/** Text that looks like the real thing often enough to get past the first checks. */
const hex = fc.constantFrom(...'0123456789abcdefABCDEF'.split(''));
const macText = fc.tuple(fc.array(hex, { minLength: 12, maxLength: 12 }), fc.constantFrom('', ':', '-', '.')).map(([digits, sep]) =>
  sep === '.' ? [0, 4, 8].map((i) => digits.slice(i, i + 4).join('')).join('.') : digits.join('').match(/../g)?.join(sep) ?? '',
);
const nameish = fc.oneof(
  fc.string(),
  fc.stringMatching(/^[A-Za-z0-9._\/\\-]{0,40}$/),
  macText.map((m) => `${m.replace(/[^0-9a-fA-F]/g, '')}.cfg`),
  fc.constantFrom('y000000000000.boot', '../../etc/passwd', 'SEP001122334455.cnf.xml', '000000000000.cfg', 'spa0011223344.xml'),
);
const uaish = fc.oneof(
  fc.string(),
  fc.tuple(fc.constantFrom('Yealink SIP-T54W', 'PolycomVVX-VVX_450-UA', 'Grandstream Model HW GRP2614', 'Cisco/SPA504G'), fc.string(), macText).map((p) => p.join(' ')),
);

function allowedRefusal(err: unknown): boolean {
  return isAppError(err);
}

export const FUZZ_TARGETS: FuzzTarget[] = [
  target('TFTP packet decode', fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 600 }),
        // A valid opcode and NUL-separated fields reach deeper.
        fc.tuple(fc.integer({ min: 0, max: 7 }), fc.array(fc.string({ maxLength: 20 }), { maxLength: 8 })).map(([op, fields]) =>
          Uint8Array.from(Buffer.concat([Buffer.from([0, op]), Buffer.from(fields.map((f) => `${f}\0`).join(''))])),
        ),
      ),
      (bytes) => {
        const result = decodePacket(Buffer.from(bytes));
        // Whatever decodes encodes again and decodes to the same packet (an OACK without
        // options is never sent: it would be shorter than any packet).
        if (!result.ok || (result.packet.op === 'OACK' && result.packet.options.length === 0)) return;
        const again = decodePacket(encodePacket(result.packet));
        if (!again.ok || JSON.stringify(again.packet) !== JSON.stringify(result.packet)) {
          throw new Error('a decoded packet does not survive encoding');
        }
      },
    ),
  ),
  target('SIP message parse', fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 1_500 }),
        fc.tuple(fc.constantFrom('SUBSCRIBE sip:x@y SIP/2.0', 'SIP/2.0 200 OK', 'NOTIFY', ''), fc.array(fc.string({ maxLength: 40 }), { maxLength: 10 }), fc.string({ maxLength: 100 })).map(
          ([start, headers, body]) => Uint8Array.from(Buffer.from(`${start}\r\n${headers.join('\r\n')}\r\n\r\n${body}`)),
        ),
      ),
      (bytes) => {
        const result = parseSipMessage(bytes);
        if (typeof result.ok !== 'boolean') throw new Error('no verdict');
      },
    ),
  ),
  target('identify (path and User-Agent)', fc.property(nameish, fc.option(uaish, { nil: undefined }), (path, userAgent) => {
      const ident = identify(catalog, { path, userAgent });
      if (ident?.mac != null && !/^[0-9a-f]{12}$/.test(ident.mac)) throw new Error(`bad mac ${ident.mac}`);
    }),
  ),
  target('file-name guard', fc.property(nameish, (name) => {
      const check = checkFileName(name);
      // Sub-folders are the route's business; the guard owns escaping the root and control bytes.
      const escapes = name.startsWith('/') || name.includes('\\') || name.split('/').includes('..') || /[\u0000-\u001f\u007f-\u009f]/u.test(name);
      if (check.ok && escapes) {
        throw new Error(`guard let ${JSON.stringify(name)} through`);
      }
    }),
  ),
  target('MAC parsing', fc.property(fc.oneof(fc.string(), macText), (text) => {
      const mac = tryParseMac(text);
      if (mac === null) return;
      if (!/^[0-9a-f]{12}$/.test(mac)) throw new Error(`bad canonical form ${mac}`);
      if (tryParseMac(formatMac(mac)) !== mac || tryParseMac(formatMac(mac, { separator: '-', upper: true })) !== mac) throw new Error('format does not parse back');
    }),
  ),
  target('CSV import rows', fc.property(
      fc.oneof(
        fc.string({ maxLength: 400 }),
        fc.array(fc.array(fc.oneof(fc.string({ maxLength: 12 }), macText, fc.constantFrom('user', 'device', 'HQ', '"', ',', '\n')), { maxLength: 7 }), { maxLength: 6 }).map(
          (rows) => `type,site,name,email,mac,model,extension\n${rows.map((r) => r.join(',')).join('\n')}`,
        ),
      ),
      (text) => {
        const parsed = parseImportCsv(text);
        if (!Array.isArray(parsed.rows) || !Array.isArray(parsed.problems)) throw new Error('no verdict');
        if (parsed.rows.length > 0 && parsed.problems.length > 0) throw new Error('rows and problems at once');
      },
    ),
  ),
  target('network map CSV', fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.array(fc.array(fc.string({ maxLength: 10 }), { maxLength: 6 }), { maxLength: 6 }).map((r) => `kind,chassisId,portId,locationId\n${r.map((c) => c.join(',')).join('\n')}`)), (text) => {
      try {
        parseNetworkMapCsv(text);
      } catch (err) {
        if (!allowedRefusal(err)) throw err;
      }
    }),
  ),
  target('lldpcli JSON', fc.property(
      fc.oneof(
        fc.string({ maxLength: 300 }),
        fc.json({ maxDepth: 5 }),
        fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify({ lldp: [{ interface: [{ eth0: v }] }] })),
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ lldp: [{ interface: [{ eth0: { chassis: [{ id: [v] }], port: [{ id: [v] }], age: [v] } }] }] })),
      ),
      (json) => {
        try {
          const neighbours = parseLldpNeighbors(json);
          if (!Array.isArray(neighbours)) throw new Error('no list');
        } catch (err) {
          if (!(err instanceof LldpParseError)) throw err;
        }
      },
    ),
  ),
  target('action-URL event and query', fc.property(
      fc.oneof(fc.string(), fc.constantFrom('regon', 'RegOff', 'regfailed', 'bootcompleted', 'ipchange')),
      fc.record({ rev: fc.string(), ip: fc.string(), firmware: fc.string(), code: fc.string(), registrar: fc.string() }, { requiredKeys: [] }),
      (name, query) => {
        const kind = phoneEventKind(name);
        if (kind !== null) phoneEventPatch(kind, query);
      },
    ),
  ),
  target('HTTP Authorization header', fc.property(
      fc.option(
        fc.oneof(
          fc.string(),
          fc.array(fc.tuple(fc.constantFrom('username', 'realm', 'nonce', 'uri', 'response', 'qop', 'nc', 'cnonce', 'algorithm', 'opaque', 'x'), fc.string({ maxLength: 30 })), { maxLength: 10 }).map(
            (pairs) => `Digest ${pairs.map(([k, v]) => `${k}="${v}"`).join(', ')}`,
          ),
          fc.string().map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
        ),
        { nil: undefined },
      ),
      (header) => {
        const parsed = parseAuthorization(header);
        if (parsed === undefined) throw new Error('no verdict');
      },
    ),
  ),
];
