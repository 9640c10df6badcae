import { spawn, type ChildProcess } from 'node:child_process';
import { BIN } from './cli-process.ts';

export interface ServerProcess {
  child: ChildProcess;
  /** The HTTP base URL from the start-up banner, e.g. `http://127.0.0.1:40123/`. */
  url: string;
  stderr(): string;
  stdout(): string;
  /** Sends a signal and resolves with the exit code (or the signal name when killed). */
  stop(signal: NodeJS.Signals): Promise<number | NodeJS.Signals | null>;
}

/**
 * Starts `node bin/deskprov.mjs serve <args>` and resolves once its banner names the URL it
 * serves (pass `--http 127.0.0.1:0`: the banner carries the port the OS chose).
 */
export function startServerProcess(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
      const match = /deskprov serving on (\S+)\n(?:.*\n)*?  API: .*\n/.exec(err);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({
          child,
          url: match[1],
          stderr: () => err,
          stdout: () => out,
          stop: (signal) => {
            child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${String(code)}) before serving; stderr: ${err}`));
    });
  });
}

/** SIGKILLs a server a test left running (one that failed before stopping it). */
export async function killIfRunning(server: ServerProcess | undefined): Promise<void> {
  if (server !== undefined && server.child.exitCode === null && server.child.signalCode === null) await server.stop('SIGKILL');
}

/** One admin API call on a server process, JSON body if given, abandoned after `timeoutMs`. */
export function serverApi(server: ServerProcess, token: string, method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<Response> {
  return fetch(`${server.url}api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
}
