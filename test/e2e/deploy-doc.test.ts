import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli/main.ts';
import type { CliIo } from '../../server/cli/output.ts';
import { parseConfigFile } from '../../server/config-file.ts';
import { createLogger } from '../../server/logger.ts';
import { serve, type RunningServer } from '../../server/main.ts';
import { BIN } from '../setup/cli-process.ts';
import { servedConfig } from '../integration/helpers/test-config.ts';

/**
 * docs/DEPLOY.md keeps its promise that every command in it runs somewhere: the `sh` blocks run
 * here as one bash script against a real server (paths under /etc, /var/lib and /opt/deskprov
 * mapped into a temporary root), and each line of the `sh root` blocks, which change the machine,
 * is checked: its program exists, and a `deskprov …` line names a real command whose --help
 * lists every flag the line uses.
 */
const REPO = join(import.meta.dirname, '..', '..');
const DOC = readFileSync(join(REPO, 'docs', 'DEPLOY.md'), 'utf8');
const ADMIN_TOKEN = 'deploy-doc-admin-token-0123456789';

interface Block {
  info: string;
  body: string;
  line: number;
}

function blocks(markdown: string): Block[] {
  const found: Block[] = [];
  const fence = /^```([^\n`]*)\n([\s\S]*?)^```$/gm;
  for (let match = fence.exec(markdown); match !== null; match = fence.exec(markdown)) {
    found.push({ info: (match[1] ?? '').trim(), body: match[2] ?? '', line: markdown.slice(0, match.index).split('\n').length });
  }
  return found;
}

const ALL = blocks(DOC);
const RUN = ALL.filter((b) => b.info === 'sh');
const ROOT = ALL.filter((b) => b.info === 'sh root');

/** Commands of a block: one a line, comments and blank lines dropped. */
const linesOf = (block: Block): string[] =>
  block.body
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

let root: string;
let server: RunningServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'deskprov-deploy-doc-'));
  server = await serve(
    servedConfig(join(root, 'var', 'lib', 'deskprov'), ADMIN_TOKEN, { https: { host: '127.0.0.1', port: 0 }, tftp: { host: '127.0.0.1', port: 0 } }),
    { print: () => {}, logger: createLogger({ level: 'silent' }) },
  );
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('docs/DEPLOY.md', () => {
  it('has runnable and root-only shell blocks, and no shell block of another kind', () => {
    expect(RUN.length).toBeGreaterThanOrEqual(5);
    expect(ROOT.length).toBeGreaterThanOrEqual(5);
    const other = ALL.filter((b) => /^(sh|bash|shell|console)\b/.test(b.info) && b.info !== 'sh' && b.info !== 'sh root');
    expect(other.map((b) => `line ${b.line}: ${b.info}`)).toEqual([]);
    // A runnable block must not need a value the reader fills in.
    for (const block of RUN) expect(block.body, `line ${block.line}`).not.toMatch(/<[^>]+>/);
  });

  it('shows a config file that passes the published schema', () => {
    const json = ALL.filter((b) => b.info === 'json');
    expect(json.length).toBeGreaterThanOrEqual(1);
    for (const block of json) {
      const parsed = parseConfigFile(block.body, `DEPLOY.md line ${block.line}`);
      expect(parsed.ok ? [] : parsed.errors).toEqual([]);
    }
  });

  it('runs every sh block, in order, as one script against a real server', async () => {
    const bin = join(root, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'deskprov'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
    chmodSync(join(bin, 'deskprov'), 0o755);
    // The file the doc's doctor reads: the doc's example, pointed at this server's loopback ports.
    const example = JSON.parse(ALL.find((b) => b.info === 'json')!.body) as Record<string, unknown>;
    const httpPort = new URL(server.httpUrl).port;
    mkdirSync(join(root, 'etc', 'deskprov'), { recursive: true });
    writeFileSync(
      join(root, 'etc', 'deskprov', 'deskprov.json'),
      JSON.stringify({
        ...example,
        $schema: undefined,
        data: join(root, 'var', 'lib', 'deskprov'),
        http: `127.0.0.1:${httpPort}`,
        https: `127.0.0.1:${server.https!.port}`,
        tftp: `127.0.0.1:${server.tftp!.address().port}`,
        publicUrl: server.httpUrl,
        discovery: [],
      }),
    );
    const script = RUN.map((block) => `# DEPLOY.md line ${block.line}\n${mapPaths(block.body)}`).join('\n');
    const result = await bash(script, {
      PATH: `${bin}:${process.env.PATH ?? ''}`,
      HOME: root,
      DESKPROV_SERVER: server.httpUrl,
      DESKPROV_TOKEN: ADMIN_TOKEN,
    });
    expect(result.code, `${result.stderr}\n${result.stdout}`).toBe(0);

    // What the commands left behind is real: a DHCP fragment naming this server, a site with the
    // phone, a clean doctor report, one backup.
    const fragment = readFileSync(join(root, 'etc', 'dhcp', 'deskprov-phones.conf'), 'utf8');
    expect(fragment).toContain(server.httpUrl);
    expect(result.stdout).toMatch(/\n\d+ ok, \d+ warnings, 0 failures\n/);
    const devices = await (await fetch(`${server.httpUrl}api/v1/devices`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json();
    expect(JSON.stringify(devices)).toContain('001565aabbcc');
    const backups = readdirSync(join(root, 'var', 'lib', 'deskprov-backups'));
    expect(backups).toHaveLength(1);
    expect(existsSync(join(root, 'etc', 'deskprov', 'deskprov.nft'))).toBe(true);
  }, 180_000);

  it('names only programs that exist and deskprov commands and flags that exist in its sh root blocks', async () => {
    const problems: string[] = [];
    for (const block of ROOT) {
      for (const line of linesOf(block)) {
        for (const command of line.split(/&&|\|\||;|\|/).map((part) => part.trim()).filter(Boolean)) {
          const words = command.split(/\s+/).filter((word) => !/^[A-Z_]+=/.test(word));
          const program = words[0];
          if (program === undefined) continue;
          if (program === 'deskprov') {
            const problem = await checkDeskprov(words.slice(1));
            if (problem !== null) problems.push(`line ${block.line}: ${command}: ${problem}`);
          } else if (!programExists(program)) {
            problems.push(`line ${block.line}: ${program} is not a program here`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

/** /etc/… and /var/lib/… into the temporary root, /opt/deskprov to this repository. */
function mapPaths(text: string): string {
  return text
    .replace(/(^|[\s"'=>(])\/(etc|var\/lib)\//gm, (_all, before: string, top: string) => `${before}${root}/${top}/`)
    .replace(/\/opt\/deskprov\b/g, REPO);
}

function bash(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const BUILTINS = new Set(['cd', 'export', 'echo', 'set']);

function programExists(program: string): boolean {
  if (BUILTINS.has(program)) return true;
  try {
    execFileSync('bash', ['-c', `command -v ${program} || test -x /usr/sbin/${program} || test -x /sbin/${program}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `deskprov <command words> [args] [--flags]`: the command must exist and list each flag in its --help. */
async function checkDeskprov(args: string[]): Promise<string | null> {
  const commandWords: string[] = [];
  for (const word of args) {
    if (word.startsWith('-') || /[/<>.:"]/.test(word)) break;
    commandWords.push(word);
  }
  let help = '';
  const io: CliIo = { stdout: (t) => (help += t), stderr: (t) => (help += t), isTty: false, env: {} };
  const code = await runCli(['node', 'deskprov', ...commandWords, '--help'], io);
  if (code !== 0) return `"deskprov ${commandWords.join(' ')} --help" exits ${code}`;
  if (!help.startsWith(`Usage: deskprov ${commandWords.join(' ')}`)) return `no command "deskprov ${commandWords.join(' ')}"`;
  const globalHelp = await new Promise<string>((resolve) => {
    let text = '';
    void runCli(['node', 'deskprov', '--help'], { stdout: (t) => (text += t), stderr: () => {}, isTty: false, env: {} }).then(() => resolve(text));
  });
  const missing = args.filter((word) => word.startsWith('--')).map((flag) => flag.split('=')[0]!).filter((flag) => !help.includes(flag) && !globalHelp.includes(flag));
  return missing.length === 0 ? null : `flags not in its --help: ${missing.join(', ')}`;
}
