import { execFile } from 'node:child_process';

/** What running a helper program gave: its stdout, or why there is none. */
export type CommandResult = { ok: true; stdout: string } | { ok: false; reason: string };

export interface RunOptions {
  timeoutMs?: number;
  /** Output beyond this many bytes is refused, not read: a hostile neighbour can make it huge. */
  maxBytes?: number;
}

/** Runs a program with arguments (no shell), bounded in time and output size. Never throws. */
export function runCommand(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { timeout: opts.timeoutMs ?? 5000, maxBuffer: maxBytes, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } },
      (err, stdout) => {
        if (err === null) return resolve({ ok: true, stdout });
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return resolve({ ok: false, reason: `${cmd} is not installed` });
        if (code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          return resolve({ ok: false, reason: `${cmd} printed more than ${maxBytes} bytes` });
        }
        if (err.killed) return resolve({ ok: false, reason: `${cmd} timed out` });
        resolve({ ok: false, reason: `${cmd} failed: ${err.message.split('\n')[0]}` });
      },
    );
  });
}

/** The signature gatherers take, so tests can hand in recorded output. */
export type Runner = typeof runCommand;
