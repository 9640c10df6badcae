/**
 * Runs one discovery component inside a network namespace for the e2e tests
 * (`ip netns exec <ns> node --import tsx netns-discovery-child.ts <mode> <json options>`).
 * Talks JSON lines: prints `{"event":"ready",…}`, `{"event":"discovered",…}`; reads commands
 * `stats` and `close` on stdin (`close` answers `{"event":"closed"}` and exits).
 * Modes: `pnp` (startPnpResponder options), `mdns` (startMdnsAdvertiser options) and
 * `discovery` (startDiscovery options, `publicUrl` as a string).
 */
import readline from 'node:readline';
import { startMdnsAdvertiser } from '../../server/discovery/mdns-advertiser.ts';
import { startPnpResponder, type PnpResponder } from '../../server/discovery/sip-pnp-responder.ts';
import { startDiscovery } from '../../server/discovery/start-discovery.ts';

const [mode, optionsJson] = process.argv.slice(2);
const options = JSON.parse(optionsJson ?? '{}') as Record<string, unknown>;
const say = (obj: object): void => {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
};
const logger = {
  debug: (obj: object, msg?: string) => say({ event: 'log', level: 'debug', msg, ...obj }),
  info: (obj: object, msg?: string) => say({ event: 'log', level: 'info', msg, ...obj }),
  warn: (obj: object, msg?: string) => say({ event: 'log', level: 'warn', msg, ...obj }),
};

let close: () => Promise<void>;
let stats: () => object = () => ({});

if (mode === 'pnp') {
  const responder: PnpResponder = await startPnpResponder({
    interfaces: options.interfaces as string[],
    publicUrl: options.publicUrl as string,
    port: options.port as number,
    logger,
    onDiscovered: (phone) => say({ event: 'discovered', ...phone }),
  });
  close = () => responder.close();
  stats = () => responder.stats();
  say({ event: 'ready' });
} else if (mode === 'mdns') {
  const advertiser = await startMdnsAdvertiser({
    interfaces: options.interfaces as string[],
    port: options.port as number,
    nameFile: options.nameFile as string,
    logger,
  });
  close = () => advertiser.close();
  say({ event: 'ready', name: advertiser.name() });
} else if (mode === 'discovery') {
  const discovery = await startDiscovery({
    interfaces: options.interfaces as string[],
    httpPort: options.httpPort as number,
    publicUrl: () => options.publicUrl as string,
    dataDir: options.dataDir as string,
    logger,
    onDiscovered: (phone) => say({ event: 'discovered', ...phone }),
  });
  if (discovery === null) {
    say({ event: 'off' });
    process.exit(0);
  }
  close = () => discovery.close();
  stats = () => ({ pnp: discovery.pnpStats(), mdns: discovery.mdnsStats() });
  say({ event: 'ready', name: discovery.mdnsName(), pnp: discovery.pnpStats() !== null });
} else {
  throw new Error(`unknown mode ${mode}`);
}

const input = readline.createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line === 'stats') say({ event: 'stats', ...stats() });
  if (line === 'close') {
    void close().then(() => {
      say({ event: 'closed' });
      process.exit(0);
    });
  }
});
