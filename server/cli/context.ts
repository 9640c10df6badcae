import type { Command } from 'commander';
import { createApiClient, type ApiClient } from './api-client.ts';
import type { CliIo } from './output.ts';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

/** Global options every command accepts (declared on the root program). */
export interface GlobalOptions {
  server?: string;
  token?: string;
  json?: boolean;
}

/** What a command action needs: output, the JSON switch and an API client. */
export interface CommandContext {
  io: CliIo;
  json: boolean;
  client: ApiClient;
}

/** Resolves `--server`/`DESKPROV_SERVER` and `--token`/`DESKPROV_TOKEN` for one command. */
export function contextFor(io: CliIo, command: Command): CommandContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  return {
    io,
    json: options.json === true,
    client: createApiClient({
      server: options.server ?? io.env.DESKPROV_SERVER ?? DEFAULT_SERVER,
      token: options.token ?? io.env.DESKPROV_TOKEN,
    }),
  };
}

/** A path segment from user input: encoded so `../` or `?` cannot change the URL. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

/** Bad input found by a command itself (exit code 2); commander's own parse errors are separate. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
