/**
 * Passive mDNS listener for e2e tests, run inside a network namespace
 * (`node --import tsx netns-mdns-listener.ts <interface address>`): prints one JSON line per
 * record seen in any mDNS response (`{"name","type","ttl"}`, plus `data` for A records), after a
 * `{"event":"ready"}` line.
 * Used to see goodbye packets (TTL 0, RFC 6762 §10.1), which resolvers hide.
 */
import mdns from 'multicast-dns';

const iface = process.argv[2];
// Bound to the wildcard: a socket bound to the interface address never sees group traffic.
const listener = mdns({ interface: iface, bind: '0.0.0.0', reuseAddr: true, loopback: false });
listener.on('ready', () => process.stdout.write(`${JSON.stringify({ event: 'ready' })}\n`));
listener.on('response', (packet) => {
  for (const record of [...packet.answers, ...(packet.additionals ?? [])]) {
    const data = record.type === 'A' ? record.data : undefined;
    process.stdout.write(`${JSON.stringify({ event: 'record', name: record.name, type: record.type, ttl: 'ttl' in record ? record.ttl : null, data })}\n`);
  }
});
process.on('SIGTERM', () => listener.destroy(() => process.exit(0)));
