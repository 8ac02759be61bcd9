/**
 * `npm run brp -- [--port <p>] [--bestand <csv>]`: the BRP simulator (Haal Centraal BRP Personen Bevragen v2)
 * on the GBA-V proefomgeving test set. Prints its base URL; point the register at it with BRP_URL.
 */
import { parseArgs } from 'node:util';
import { startBrpSimulator } from './server.ts';

const { values } = parseArgs({
  options: { port: { type: 'string' }, bestand: { type: 'string' }, host: { type: 'string' } },
});
const sim = await startBrpSimulator({
  port: values.port === undefined ? 8081 : Number(values.port),
  ...(values.bestand === undefined ? {} : { file: values.bestand }),
  ...(values.host === undefined ? {} : { host: values.host }),
});
console.log(`[brp-simulator] ${sim.personen.size} testpersonen; BRP_URL=${sim.url}`);
const stop = () => void sim.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
