import { execFile, execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * Network namespaces for tests: a private link between two (or more) namespaces, joined by veth
 * pairs created INSIDE the namespaces, so no test interface or address ever exists in the
 * machine's own namespace. Names carry the test process id and a counter, so parallel runs never
 * collide, and a run can sweep the leftovers of runs that died (their process id is gone).
 *
 * Cleanup is guaranteed three ways: `lab.destroy()` (call it in `afterAll`/`finally`); an `exit`
 * hook that synchronously kills tracked processes and deletes namespaces if a test forgot or
 * crashed; and `sweepStaleNamespaces()` at the next lab's creation.
 *
 * Needs root (CAP_NET_ADMIN + CAP_SYS_ADMIN) and `ip` from iproute2. `netnsSupport()` says
 * whether this machine can do it, with the exact failure when not.
 */

const run = promisify(execFile);
const PREFIX = 'dpt';
let counter = 0;
const liveLabs = new Set<NetnsLab>();
let exitHookInstalled = false;

export interface NetnsEndpoint {
  /** Namespace name (for `ip netns exec`). */
  ns: string;
  /** Interface name inside the namespace. */
  ifname: string;
  ipv4: string;
  prefix: number;
}

export interface NetnsLink {
  a: NetnsEndpoint;
  b: NetnsEndpoint;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface NetnsLab {
  /** Unique id of this lab (part of every namespace name). */
  readonly id: string;
  /** Private temporary folder, removed on destroy. */
  readonly dir: string;
  /** Creates a namespace with loopback up and IPv6 off (predictable addresses). */
  addNamespace(role: string): Promise<string>;
  /**
   * Joins two namespaces with a veth pair, addresses `10.<subnet>.<n>.1|2/24` (n counts links),
   * multicast routed to the first link of each namespace. Both ends get `ifname` (names are per
   * namespace, so use a different one for a namespace's second link).
   */
  link(nsA: string, nsB: string, opts?: { ifname?: string; subnet?: number }): Promise<NetnsLink>;
  /** Runs a command inside a namespace and waits for it (never rejects on exit status). */
  exec(ns: string, cmd: string, args: readonly string[], opts?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<ExecResult>;
  /** Starts a long-running command inside a namespace; it is killed on destroy. */
  spawn(ns: string, cmd: string, args: readonly string[], opts?: SpawnOptions): ChildProcess;
  /** Stops tracked processes (TERM, then KILL after 2 s), deletes namespaces and the folder. */
  destroy(): Promise<void>;
}

/** Whether namespaces can be made here; `reason` is the exact failure otherwise. */
export function netnsSupport(): { ok: true } | { ok: false; reason: string } {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'not running as root (ip netns needs CAP_SYS_ADMIN)' };
  const probe = `${PREFIX}-probe-${process.pid}`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'pipe' });
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'pipe' });
    return { ok: true };
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    return { ok: false, reason: `ip netns add failed: ${e.stderr?.toString().trim() || e.message}` };
  }
}

/** Deletes namespaces left by test processes that no longer exist. */
export function sweepStaleNamespaces(): void {
  let list = '';
  try {
    list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  } catch {
    return;
  }
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = new RegExp(`^${PREFIX}-(\\d+)-`).exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    try {
      execFileSync('ip', ['netns', 'del', name], { stdio: 'pipe' });
    } catch {
      // Already gone, or busy: the next sweep tries again.
    }
  }
}

export function createNetnsLab(): NetnsLab {
  sweepStaleNamespaces();
  installExitHook();
  counter += 1;
  const id = `${PREFIX}-${process.pid}-${counter}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), `${id}-`));
  const namespaces: string[] = [];
  const children = new Set<ChildProcess>();
  let links = 0;
  let destroyed = false;
  const multicastRouted = new Set<string>();

  const ip = async (...args: string[]): Promise<void> => {
    await run('ip', args);
  };

  const lab: NetnsLab = {
    id,
    dir,
    async addNamespace(role) {
      if (!/^[a-z0-9]{1,6}$/.test(role)) throw new Error(`role must be 1-6 lowercase letters/digits: ${role}`);
      const ns = `${id}-${role}`;
      await ip('netns', 'add', ns);
      namespaces.push(ns);
      await ip('-n', ns, 'link', 'set', 'lo', 'up');
      await run('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
      return ns;
    },
    async link(nsA, nsB, opts = {}) {
      links += 1;
      const ifname = opts.ifname ?? 'veth0';
      const subnet = opts.subnet ?? 77;
      const base = `10.${subnet}.${links}`;
      // Created directly inside the namespaces: the pair never exists in the root namespace.
      await ip('link', 'add', ifname, 'netns', nsA, 'type', 'veth', 'peer', 'name', ifname, 'netns', nsB);
      const ends: NetnsEndpoint[] = [
        { ns: nsA, ifname, ipv4: `${base}.1`, prefix: 24 },
        { ns: nsB, ifname, ipv4: `${base}.2`, prefix: 24 },
      ];
      for (const end of ends) {
        await ip('-n', end.ns, 'addr', 'add', `${end.ipv4}/${end.prefix}`, 'dev', ifname);
        await ip('-n', end.ns, 'link', 'set', ifname, 'up');
        // The first link of a namespace carries its multicast route; senders that pick an
        // interface themselves (IP_MULTICAST_IF, as mDNS stacks do) work on every link anyway.
        if (!multicastRouted.has(end.ns)) {
          await ip('-n', end.ns, 'route', 'add', '224.0.0.0/4', 'dev', ifname);
          multicastRouted.add(end.ns);
        }
      }
      return { a: ends[0]!, b: ends[1]! };
    },
    async exec(ns, cmd, args, opts = {}) {
      try {
        const { stdout, stderr } = await run('ip', ['netns', 'exec', ns, cmd, ...args], {
          env: opts.env ?? process.env,
          timeout: opts.timeoutMs ?? 20_000,
          maxBuffer: 4 * 1024 * 1024,
        });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
        return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
      }
    },
    spawn(ns, cmd, args, opts = {}) {
      // `ip netns exec` execs the command, so the child's pid is the command's own.
      const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      liveLabs.delete(lab);
      await Promise.all([...children].map((child) => stopChild(child)));
      for (const ns of namespaces.reverse()) {
        await run('ip', ['netns', 'del', ns]).catch(() => undefined);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // The sync exit hook needs the raw lists; keep them reachable.
  exitState.set(lab, { namespaces, children, dir });
  liveLabs.add(lab);
  return lab;
}

const exitState = new WeakMap<NetnsLab, { namespaces: string[]; children: Set<ChildProcess>; dir: string }>();

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const lab of liveLabs) {
      const state = exitState.get(lab);
      if (state === undefined) continue;
      for (const child of state.children) {
        try {
          child.kill('SIGKILL');
        } catch {
          // Already exited.
        }
      }
      for (const ns of state.namespaces) {
        try {
          execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
        } catch {
          // Best effort at exit; sweepStaleNamespaces() catches the rest.
        }
      }
      rmSync(state.dir, { recursive: true, force: true });
    }
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface LineLog {
  /** Every complete stdout line so far. */
  readonly lines: string[];
  stderr(): string;
  /** Resolves with the first line (at or after index `from`) matching `test`. */
  waitFor(test: (line: string) => boolean, timeoutMs: number, from?: number): Promise<string>;
}

/** Collects a child's stdout lines from now on, so several waits never miss a line. */
export function collectLines(child: ChildProcess): LineLog {
  const lines: string[] = [];
  let partial = '';
  let errText = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    errText = (errText + chunk.toString()).slice(-4000);
  });
  child.once('exit', () => {
    for (const wake of waiters) wake();
  });
  return {
    lines,
    stderr: () => errText,
    waitFor(test, timeoutMs, from = 0) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = lines.slice(from).find(test);
          if (found !== undefined) return done(null, found);
          if (child.exitCode !== null || child.signalCode !== null) {
            done(new Error(`process ended (${child.exitCode ?? child.signalCode}) first; stdout: ${lines.slice(-10).join(' | ')} stderr: ${errText.slice(-800)}`));
          }
        };
        const timer = setTimeout(() => done(new Error(`no matching line within ${timeoutMs} ms; stdout: ${lines.slice(-10).join(' | ')} stderr: ${errText.slice(-800)}`)), timeoutMs);
        function done(err: Error | null, line?: string): void {
          clearTimeout(timer);
          waiters.delete(check);
          if (err) reject(err);
          else resolve(line ?? '');
        }
        waiters.add(check);
        check();
      });
    },
  };
}
