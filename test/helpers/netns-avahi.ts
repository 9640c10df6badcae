import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { collectLines, type NetnsLab } from './netns.ts';

/**
 * A real DNS-SD resolver for e2e tests: dbus-daemon (private system bus, socket in the lab's
 * temp folder) and avahi-daemon confined to one interface of one namespace, with a private
 * folder bind-mounted over /run/avahi-daemon in its own mount namespace so it never meets the
 * machine's own avahi (pid file, socket). Both stop when the lab is destroyed.
 */

export interface ResolvedService {
  interface: string;
  protocol: string;
  name: string;
  type: string;
  domain: string;
  host: string;
  address: string;
  port: number;
  txt: string[];
}

export interface AvahiResolver {
  /** One `avahi-browse -rpt <type>` run: every resolved instance avahi knows right now. */
  browse(type: string): Promise<ResolvedService[]>;
  /** Browses until `match` finds an instance, or fails after `timeoutMs`. */
  waitFor(type: string, match: (s: ResolvedService) => boolean, timeoutMs: number): Promise<ResolvedService>;
}

const AVAHI_RUN_DIR = '/run/avahi-daemon';

export async function startAvahi(lab: NetnsLab, ns: string, ifname: string): Promise<AvahiResolver> {
  const dir = path.join(lab.dir, `avahi-${ns}`);
  mkdirSync(path.join(dir, 'run'), { recursive: true });
  // The mount point itself must exist; it is the package's own runtime folder.
  mkdirSync(AVAHI_RUN_DIR, { recursive: true });
  const socket = path.join(dir, 'system_bus_socket');
  writeFileSync(
    path.join(dir, 'bus.conf'),
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_type="method_return"/>
    <allow send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="signal"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
  </policy>
</busconfig>
`,
  );
  writeFileSync(
    path.join(dir, 'avahi-daemon.conf'),
    `[server]
host-name=${lab.id.replace(/[^a-z0-9-]/g, '-')}-resolver
use-ipv4=yes
use-ipv6=no
allow-interfaces=${ifname}
enable-dbus=yes
[wide-area]
enable-wide-area=no
[publish]
disable-publishing=yes
[reflector]
enable-reflector=no
`,
  );
  const env = { ...process.env, DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${socket}` };

  const bus = lab.spawn(ns, 'dbus-daemon', [`--config-file=${path.join(dir, 'bus.conf')}`, '--nofork', '--nopidfile', '--print-address=1']);
  await collectLines(bus).waitFor((l) => l.startsWith('unix:path='), 10_000);

  const daemon = lab.spawn(
    ns,
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c',
      `mount --bind "$0" ${AVAHI_RUN_DIR} && exec avahi-daemon -f "$1" --no-drop-root --no-chroot --no-rlimits 2>&1`,
      path.join(dir, 'run'), path.join(dir, 'avahi-daemon.conf')],
    { env },
  );
  await collectLines(daemon).waitFor((l) => l.includes('Server startup complete'), 15_000);

  const browse = async (type: string): Promise<ResolvedService[]> => {
    const result = await lab.exec(ns, 'avahi-browse', ['-rpt', type], { env, timeoutMs: 10_000 });
    if (result.code !== 0) throw new Error(`avahi-browse failed (${result.code}): ${result.stderr}`);
    return result.stdout.split('\n').filter((l) => l.startsWith('=;')).map(parseResolvedLine);
  };
  return {
    browse,
    async waitFor(type, match, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let seen: ResolvedService[] = [];
      for (let round = 0; round < 100 && Date.now() < deadline; round++) {
        seen = await browse(type);
        const found = seen.find(match);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      throw new Error(`avahi did not resolve a matching ${type} within ${timeoutMs} ms; saw ${JSON.stringify(seen)}`);
    },
  };
}

/** `=;veth0;IPv4;deskprov\032\0402\041;_deskprov._tcp;local;host.local;10.77.1.1;8080;"v=1" "path=/"` */
function parseResolvedLine(line: string): ResolvedService {
  const f = line.split(';');
  const txt = [...(f.slice(9).join(';').matchAll(/"((?:[^"\\]|\\.)*)"/g))].map((m) => m[1] ?? '');
  return {
    interface: f[1] ?? '',
    protocol: f[2] ?? '',
    name: unescapeAvahi(f[3] ?? ''),
    type: f[4] ?? '',
    domain: f[5] ?? '',
    host: unescapeAvahi(f[6] ?? ''),
    address: f[7] ?? '',
    port: Number(f[8]),
    txt,
  };
}

/** avahi-browse -p escapes bytes as `\DDD` (decimal). */
function unescapeAvahi(text: string): string {
  return text.replace(/\\(\d{3})/g, (_m, code: string) => String.fromCharCode(Number(code)));
}
