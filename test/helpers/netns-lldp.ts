import { execFile, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createNetnsLab, type NetnsLab } from './netns.ts';

const run = promisify(execFile);

/**
 * A fake switch and a fake phone, each with its own lldpd, in network namespaces this helper
 * makes. A third "patch panel" namespace joins the phone's eth0 to switch port swp1 or swp2 with
 * tc mirred redirects, so the phone can be re-patched. Nothing touches the real interfaces:
 * every veth is created inside the namespaces, and lldpd is started with `-I` on them only.
 *
 * Facts used (verified with lldpd 1.0.16 on Debian 12): the switch needs `-M 4` or it sends no
 * LLDP-MED TLVs; lldpcli is setuid _lldpd, so the control sockets' folder must be traversable
 * (0711) and the `-O` config world-readable, or lldpd stays paused and silent.
 */
export interface LldpLab {
  readonly lab: NetnsLab;
  readonly switchNs: string;
  readonly phoneNs: string;
  /** lldpd control socket of the phone side (lldpcli `-u`). */
  readonly phoneSocket: string;
  /** The phone's address on eth0, with prefix. */
  readonly phoneIp: string;
  /** Connects eth0 to swp1 or swp2; with `carrierLoss` the link goes down and up as when unplugged. */
  patchTo(port: 1 | 2, opts?: { carrierLoss?: boolean }): Promise<void>;
  /** `lldpcli -f json0 show neighbors details` as the phone sees it. */
  neighborsJson(): Promise<string>;
  destroy(): Promise<void>;
}

export interface LldpLabOptions {
  /** lldpcli commands for the switch's `-O` file (ports are swp1 and swp2). */
  switchConfig: string[];
}

async function ip(...args: string[]): Promise<void> {
  await run('ip', args);
}

export async function createLldpLab(opts: LldpLabOptions): Promise<LldpLab> {
  const lab = createNetnsLab();
  const daemons: ChildProcess[] = [];
  try {
    const switchNs = await lab.addNamespace('sw');
    const phoneNs = await lab.addNamespace('ph');
    const patchNs = await lab.addNamespace('pp');
    chmodSync(lab.dir, 0o711);
    await ip('link', 'add', 'swp1', 'netns', switchNs, 'type', 'veth', 'peer', 'name', 'w1', 'netns', patchNs);
    await ip('link', 'add', 'swp2', 'netns', switchNs, 'type', 'veth', 'peer', 'name', 'w2', 'netns', patchNs);
    await ip('link', 'add', 'eth0', 'netns', phoneNs, 'type', 'veth', 'peer', 'name', 'w0', 'netns', patchNs);
    for (const w of ['w0', 'w1', 'w2']) {
      await ip('-n', patchNs, 'link', 'set', w, 'up');
      await run('ip', ['netns', 'exec', patchNs, 'tc', 'qdisc', 'add', 'dev', w, 'clsact']);
    }
    for (const p of ['swp1', 'swp2']) await ip('-n', switchNs, 'link', 'set', p, 'up');
    await ip('-n', switchNs, 'addr', 'add', '10.231.1.1/24', 'dev', 'swp1');
    await ip('-n', phoneNs, 'addr', 'add', '10.231.1.2/24', 'dev', 'eth0');
    await ip('-n', phoneNs, 'link', 'set', 'eth0', 'up');

    // A patch cord: frames entering one port leave by the other, both ways.
    const cord = async (a: string, b: string) => {
      for (const [from, to] of [[a, b], [b, a]] as const) {
        await run('ip', ['netns', 'exec', patchNs, 'tc', 'filter', 'replace', 'dev', from, 'ingress', 'pref', '10',
          'handle', '800::800', 'protocol', 'all', 'u32', 'match', 'u32', '0', '0', 'action', 'mirred', 'egress', 'redirect', 'dev', to]);
      }
    };
    const unplugAll = async () => {
      for (const w of ['w0', 'w1', 'w2']) {
        await run('ip', ['netns', 'exec', patchNs, 'tc', 'filter', 'del', 'dev', w, 'ingress', 'pref', '10']).catch(() => undefined);
      }
    };
    await cord('w0', 'w1');

    const conf = (name: string, lines: string[]) => {
      const file = path.join(lab.dir, name);
      writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o644 });
      return file;
    };
    const switchConf = conf('switch.conf', ['configure lldp tx-interval 1', ...opts.switchConfig]);
    const phoneConf = conf('phone.conf', ['configure lldp tx-interval 1', 'configure system hostname test-phone-1']);
    const phoneSocket = path.join(lab.dir, 'phone.sock');
    const start = (ns: string, args: string[]) => {
      const child = lab.spawn(ns, 'lldpd', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr?.resume();
      daemons.push(child);
    };
    start(switchNs, ['-dd', '-M', '4', '-I', 'swp1,swp2', '-u', path.join(lab.dir, 'switch.sock'), '-p', path.join(lab.dir, 'switch.pid'), '-O', switchConf]);
    start(phoneNs, ['-dd', '-M', '3', '-I', 'eth0', '-u', phoneSocket, '-p', path.join(lab.dir, 'phone.pid'), '-O', phoneConf]);

    return {
      lab,
      switchNs,
      phoneNs,
      phoneSocket,
      phoneIp: '10.231.1.2/24',
      async patchTo(port, o = {}) {
        if (o.carrierLoss) await ip('-n', patchNs, 'link', 'set', 'w0', 'down');
        await unplugAll();
        await cord('w0', `w${port}`);
        if (o.carrierLoss) await ip('-n', patchNs, 'link', 'set', 'w0', 'up');
      },
      async neighborsJson() {
        const r = await lab.exec(phoneNs, 'lldpcli', ['-u', phoneSocket, '-f', 'json0', 'show', 'neighbors', 'details'], { timeoutMs: 5000 });
        return r.code === 0 ? r.stdout : '';
      },
      destroy: () => destroyAll(lab, daemons),
    };
  } catch (err) {
    await destroyAll(lab, daemons);
    throw err;
  }
}

/** lldpd's monitor forks a privilege-separated child; stop both, by the pids we started. */
async function destroyAll(lab: NetnsLab, daemons: ChildProcess[]): Promise<void> {
  const kids: number[] = [];
  for (const d of daemons) {
    if (d.pid === undefined) continue;
    const r = await run('ps', ['-o', 'pid=', '--ppid', String(d.pid)]).catch(() => ({ stdout: '' }));
    kids.push(...r.stdout.split(/\s+/).filter(Boolean).map(Number));
  }
  await lab.destroy();
  for (const pid of kids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone with its monitor.
    }
  }
}
