import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cpuSeconds } from './lib/process-cpu.ts';
import { freePort, rssMiB, startDeskprov } from './lib/processes.ts';
import { seedDataDir } from './lib/seed.ts';
import { DEFAULT_SOAK_RULES, judgeSoak, type SoakRules, type Verdict } from './lib/soak-criteria.ts';
import { editNtp, findEditProbe, profileEdit, runSoakLoad, type SoakCounts, type SoakRates } from './lib/soak-load.ts';
import { SOAK_KINDS, SoakRecorder, type SoakSample } from './lib/soak-recorder.ts';
import { round, summarize } from './lib/stats.ts';

/**
 * Benchmark 7, the soak (P8 item 6, "load held"): one deskprov (real CLI, HTTP and TFTP on
 * loopback) under a steady mix for `--minutes` (default 10) — phones booting over HTTP with Digest
 * and their real User-Agents (every catalogue vendor), phones fetching their config over TFTP,
 * agents posting status reports with their device tokens, and an admin editing the profile every
 * device uses (so every device's bytes change and cached renders go stale). Every
 * `--sample-seconds` (10) it samples the server's RSS (/proc/<pid>/status VmRSS) and, per kind,
 * p50/p99 and errors over the window. At the end it prints the windows and judges the criteria
 * (bench/lib/soak-criteria.ts); the exit code is 1 when one fails. `--smoke`: 10 s on 100 devices,
 * where only "no error" is enforced (10 s is no soak: memory and p99 are shown, not judged).
 * `--json <file>` also writes every window (raw latencies included) for judging again later.
 * `node --import tsx bench/soak.ts [--minutes 10] [--devices 500] [--smoke] [--json <file>]`
 */

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    smoke: { type: 'boolean', default: false },
    devices: { type: 'string' },
    'sample-seconds': { type: 'string' },
    'warmup-seconds': { type: 'string' },
    'phone-boots': { type: 'string', default: '5' },
    'tftp-fetches': { type: 'string', default: '2' },
    'agent-reports': { type: 'string', default: '10' },
    'edit-every': { type: 'string', default: '5' },
    json: { type: 'string' },
  },
});
const smoke = values.smoke;
const loadS = smoke ? 10 : Number(values.minutes) * 60;
const devices = Number(values.devices ?? (smoke ? 100 : 500));
const sampleS = Number(values['sample-seconds'] ?? (smoke ? 2 : 10));
// Two minutes, or a fifth of a short run: time to fetch every device once and let the heap settle.
const warmupS = Number(values['warmup-seconds'] ?? Math.min(120, loadS / 5));
const rates: SoakRates = {
  phoneBoots: Number(values['phone-boots']),
  tftpFetches: Number(values['tftp-fetches']),
  agentReports: Number(values['agent-reports']),
  editEveryS: Number(values['edit-every']),
};
const rules: SoakRules = { ...DEFAULT_SOAK_RULES, warmupS };
/** After the load stops, answers still in flight get this long; then the run is cut short. */
const DRAIN_MS = 45_000;

const kindCell = (s: SoakSample, kind: (typeof SOAK_KINDS)[number]): string => {
  const k = s.kinds[kind];
  return `${k.count} · ${round(k.p50, 1)} / ${round(k.p99, 1)} · ${k.errors}`;
};

function samplesTable(samples: SoakSample[]): string[] {
  return [
    `| t s | RSS MiB | server CPU % | load 1 min | ${SOAK_KINDS.map((k) => `${k}: n · p50 / p99 ms · errors`).join(' | ')} |`,
    `|---|---|---|---|${SOAK_KINDS.map(() => '---').join('|')}|`,
    ...samples.map((s) => `| ${round(s.atS, 0)}${s.drain ? ' (drain)' : s.fromS < warmupS - 0.1 ? ' (warm-up)' : ''} | ${round(s.rssMiB, 1)} | ${round(s.serverCpuPct, 0)} | ${round(s.load1, 1)} | ${SOAK_KINDS.map((k) => kindCell(s, k)).join(' | ')} |`),
  ];
}

function totalsTable(recorder: SoakRecorder, counts: SoakCounts, elapsedS: number): string[] {
  const target: Record<(typeof SOAK_KINDS)[number], string> = {
    phone: `${rates.phoneBoots} boots/s`,
    tftp: `${rates.tftpFetches}/s`,
    agent: `${rates.agentReports}/s`,
    edit: `1 per ${rates.editEveryS} s`,
  };
  return [
    '| kind | operations | offered | achieved /s | answers ok | p50 ms | p99 ms | max ms | errors |',
    '|---|---|---|---|---|---|---|---|---|',
    ...SOAK_KINDS.map((k) => {
      const lat = summarize(recorder.samples.flatMap((s) => s.kinds[k].latencies));
      const reasons = [...recorder.reasons[k]].map(([why, n]) => `${why} ×${n}`).join(', ');
      const errors = recorder.totalErrors(k);
      return `| ${k} | ${counts[k]} | ${target[k]} | ${round(counts[k] / elapsedS, 2)} | ${lat.count} | ${round(lat.p50, 1)} | ${round(lat.p99, 1)} | ${round(lat.max, 1)} | ${errors === 0 ? '0' : `${errors} (${reasons})`} |`;
    }),
  ];
}

function verdictTable(verdicts: Verdict[], enforced: (v: Verdict) => boolean): string[] {
  const result = (v: Verdict) => (v.pass === null ? 'not judged' : v.pass ? 'PASS' : enforced(v) ? 'FAIL' : 'fail (not enforced in smoke)');
  return ['| criterion | rule | measured | result |', '|---|---|---|---|', ...verdicts.map((v) => `| ${v.criterion} | ${v.rule} | ${v.measured} | ${result(v)} |`)];
}

const work = mkdtempSync(path.join(tmpdir(), 'deskprov-bench-soak-'));
const dataDir = path.join(work, 'data');
mkdirSync(dataDir);
let exitCode = 0;
try {
  const load0 = loadavg();
  const seedStarted = performance.now();
  const seeded = seedDataDir(dataDir, devices, devices, { agentTokens: true });
  const seedS = (performance.now() - seedStarted) / 1000;
  const tftpPort = await freePort();
  const server = await startDeskprov({ dataDir, adminToken: seeded.adminToken, logFile: path.join(work, 'deskprov.log'), extraArgs: ['--tftp', `127.0.0.1:${tftpPort}`] });
  const pid = server.child.pid ?? 0;
  const recorder = new SoakRecorder();
  let crashed = '';
  server.child.once('exit', (code, signal) => (crashed = `deskprov exited (${code ?? signal}) during the soak`));
  // The hard deadline: whatever hangs, the server is stopped and the script ends.
  const watchdog = setTimeout(() => {
    process.stderr.write('soak: hard deadline passed, stopping\n');
    server.child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
    process.exit(3);
  }, (loadS + 120) * 1000 + DRAIN_MS);
  watchdog.unref();
  try {
    const target = { port: server.port, tftpPort, adminToken: seeded.adminToken, profileId: seeded.profileId, devices: seeded.devices };
    // The first edit sets a value only the profile can put into a file; the probe is a device file carrying it.
    const before = new SoakRecorder();
    await profileEdit(target, 0, null, before);
    const probe = before.reasons.edit.size === 0 ? await findEditProbe(target, editNtp(0)) : null;
    if (probe === null) throw new Error(`no device file carries the profile's NTP server: ${JSON.stringify([...before.reasons.edit])}`);
    process.stderr.write(`soak: seeded ${devices} devices in ${round(seedS, 1)} s, started in ${round(server.startMs / 1000, 1)} s, RSS ${round(rssMiB(pid), 1)} MiB; edit probe ${probe.pathName}\n`);
    const started = performance.now();
    const until = started + loadS * 1000;
    const atS = () => (performance.now() - started) / 1000;
    let cpuMark = { atS: 0, cpuS: cpuSeconds(pid) };
    const machine = () => {
      const now = { atS: atS(), cpuS: cpuSeconds(pid) };
      const serverCpuPct = (100 * (now.cpuS - cpuMark.cpuS)) / Math.max(0.001, now.atS - cpuMark.atS);
      cpuMark = now;
      return { rssMiB: rssMiB(pid), serverCpuPct, load1: loadavg()[0] ?? 0 };
    };
    const sampler = setInterval(() => {
      if (crashed !== '') return;
      const s = recorder.cut(atS(), machine());
      process.stderr.write(`soak: ${round(s.atS, 0)} s RSS ${round(s.rssMiB, 1)} MiB CPU ${round(s.serverCpuPct, 0)} % load ${round(s.load1, 1)} ${SOAK_KINDS.map((k) => `${k} ${kindCell(s, k)}`).join('; ')}\n`);
    }, sampleS * 1000);
    const { done, counts } = runSoakLoad(target, rates, until, recorder, probe);
    await new Promise<void>((resolve) => setTimeout(resolve, loadS * 1000));
    clearInterval(sampler);
    const elapsedS = atS();
    // The window the interval did not close yet (timers drift), then what was still in flight.
    const lastCut = recorder.samples.at(-1)?.atS ?? 0;
    if (crashed === '' && elapsedS - lastCut > sampleS / 2) recorder.cut(elapsedS, machine());
    let drainTimer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([done.then(() => true), new Promise<boolean>((resolve) => (drainTimer = setTimeout(() => resolve(false), DRAIN_MS)))]);
    clearTimeout(drainTimer);
    if (crashed === '') recorder.cut(atS(), machine(), true);
    const load1 = loadavg();

    if (values.json !== undefined) writeFileSync(values.json, JSON.stringify({ devices, loadS, sampleS, rates, rules, samples: recorder.samples }));
    const verdicts = judgeSoak(recorder.samples, rules);
    if (!drained) verdicts.push({ criterion: 'bounded', rule: `answers in flight finish within ${DRAIN_MS / 1000} s of the end`, measured: 'cut short', pass: false });
    if (crashed !== '') verdicts.push({ criterion: 'server alive', rule: 'deskprov runs the whole soak', measured: crashed, pass: false });
    // A smoke run is too short to say anything about memory or tail latency: only errors count there.
    const enforced = (v: Verdict) => !smoke || v.criterion !== 'RSS flat' && !v.criterion.startsWith('p99');
    exitCode = verdicts.some((v) => v.pass === false && enforced(v)) ? 1 : 0;
    process.stdout.write(
      [
        `${devices} devices (every catalogue model), ${round(loadS / 60, 2)} min of load, windows of ${sampleS} s, warm-up ${warmupS} s; load average ${load0.map((l) => round(l, 2)).join(' ')} before, ${load1.map((l) => round(l, 2)).join(' ')} after`,
        '',
        ...samplesTable(recorder.samples),
        '',
        ...totalsTable(recorder, counts, elapsedS),
        '',
        ...verdictTable(verdicts, enforced),
        '',
        exitCode === 0 ? 'soak: passed' : 'soak: FAILED',
        '',
      ].join('\n'),
    );
  } finally {
    await server.stop();
    clearTimeout(watchdog);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = exitCode;
