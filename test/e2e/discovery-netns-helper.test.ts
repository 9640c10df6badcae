import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createNetnsLab, netnsSupport } from '../helpers/netns.ts';

/** The namespace helper the discovery (and later LLDP) e2e tests share: it must clean up. */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const support = netnsSupport();
if (!support.ok) throw new Error(`netns helper tests need network namespaces: ${support.reason}`);

const namespaces = (): string[] =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((l) => l.split(' ')[0] ?? '').filter(Boolean);

describe('createNetnsLab', () => {
  it('links two namespaces without the link or its addresses ever appearing in the root namespace', async () => {
    const lab = createNetnsLab();
    try {
      const a = await lab.addNamespace('a');
      const b = await lab.addNamespace('b');
      const link = await lab.link(a, b, { ifname: 'dptest0' });
      const inside = await lab.exec(b, 'ip', ['-4', '-o', 'addr', 'show', 'dev', 'dptest0']);
      expect(inside.stdout).toContain(`inet ${link.b.ipv4}/24`);
      const rootAddresses = Object.values(os.networkInterfaces()).flat().map((i) => i?.address);
      expect(rootAddresses).not.toContain(link.a.ipv4);
      expect(Object.keys(os.networkInterfaces())).not.toContain('dptest0');
    } finally {
      await lab.destroy();
    }
  });

  it('stops its processes and removes its namespaces and folder on destroy', async () => {
    const lab = createNetnsLab();
    const ns = await lab.addNamespace('p');
    const child = lab.spawn(ns, 'sleep', ['60']);
    await new Promise((resolve) => child.once('spawn', resolve));
    expect(namespaces()).toContain(ns);
    await lab.destroy();
    expect(child.exitCode !== null || child.signalCode !== null).toBe(true);
    expect(namespaces()).not.toContain(ns);
    expect(existsSync(lab.dir)).toBe(false);
  });

  it('removes the namespaces of a test process that exited without destroying its lab', async () => {
    const code = `import { createNetnsLab } from ${JSON.stringify(path.join(root, 'test/helpers/netns.ts'))};
const lab = createNetnsLab(); const ns = await lab.addNamespace('orph'); lab.spawn(ns, 'sleep', ['60']);
console.log(ns); process.exit(0);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((resolve) => child.once('exit', resolve));
    const ns = out.trim();
    expect(ns).toMatch(/^dpt-\d+-1-orph$/);
    expect(namespaces()).not.toContain(ns);
  });

  it('sweeps namespaces left by a test process that no longer exists', async () => {
    const dead = spawn('true');
    await new Promise((resolve) => dead.once('exit', resolve));
    const stale = `dpt-${dead.pid}-9-stale`;
    execFileSync('ip', ['netns', 'add', stale]);
    const lab = createNetnsLab();
    try {
      expect(namespaces()).not.toContain(stale);
    } finally {
      await lab.destroy();
    }
  });
});
