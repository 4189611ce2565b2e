import { startAdaSimulator } from './ada';
import { startAmiqusSimulator } from './amiqus';
import { startGenesysSimulator } from './genesys';

/**
 * `npm run simulator -- [amiqus] [ada] [genesys]` (all three when none is named): starts the provider
 * simulators on free loopback ports in real time and prints one JSON line with their URLs and the demo
 * credentials each accepts, for trying a provider client or curl against them. Ctrl-C stops them.
 */

const KNOWN = ['amiqus', 'ada', 'genesys'] as const;
type Name = (typeof KNOWN)[number];

async function main(): Promise<void> {
  const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = asked.filter((a) => !(KNOWN as readonly string[]).includes(a));
  if (unknown.length > 0) {
    process.stderr.write(`unknown simulator(s): ${unknown.join(', ')}; choose from ${KNOWN.join(', ')}\n`);
    process.exit(2);
  }
  const names: Name[] = asked.length > 0 ? (asked as Name[]) : [...KNOWN];
  const closers: Array<() => Promise<void>> = [];
  const ready: Record<string, unknown> = { ready: true };
  for (const name of names) {
    if (name === 'amiqus') {
      const sim = await startAmiqusSimulator();
      closers.push(() => sim.close());
      ready.amiqus = { baseUrl: sim.url, token: sim.token };
    } else if (name === 'ada') {
      const sim = await startAdaSimulator();
      closers.push(() => sim.close());
      ready.ada = { baseUrl: sim.url, apiKey: sim.apiKey };
    } else {
      const sim = await startGenesysSimulator();
      closers.push(() => sim.close());
      ready.genesys = {
        loginUrl: sim.loginUrl,
        apiUrl: sim.apiUrl,
        clientId: sim.clientId,
        clientSecret: sim.clientSecret,
      };
    }
  }
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  const stop = () => void Promise.all(closers.map((c) => c())).then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`simulators failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
