import { DEFAULT_LIMITS, type Config } from '../../../server/config.ts';

/**
 * The server config tests run with: loopback HTTP on port 0, no HTTPS, TFTP or discovery, quiet.
 * `overrides` replace whole top-level fields (e.g. `tftp`, `adminToken`, `logLevel`) for the one
 * thing a test needs different.
 */
export function testConfig(dataDir: string, overrides: Partial<Config> = {}): Config {
  return {
    dataDir,
    databaseUrl: null,
    http: { host: '127.0.0.1', port: 0 },
    https: null,
    tftp: null,
    publicUrl: 'http://127.0.0.1/',
    publicUrlDerived: true,
    discovery: [],
    logLevel: 'silent',
    adminToken: undefined,
    limits: DEFAULT_LIMITS,
    ...overrides,
  };
}

/**
 * The config of a test that runs `serve()` with a fixed admin token, as the service does: the
 * public URL is the port-0 placeholder `serve()` replaces with the bound address.
 */
export function servedConfig(dataDir: string, adminToken: string, overrides: Partial<Config> = {}): Config {
  return testConfig(dataDir, { publicUrl: 'http://127.0.0.1:0/', adminToken, ...overrides });
}
