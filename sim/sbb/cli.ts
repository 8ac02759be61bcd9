/**
 * `npm run sbb -- [--port 8091] [--seed 1] [--aantal 2000]`: the SBB simulator on its own, with generated
 * leerbedrijven near the onderwijslocaties of the reference data. Point the register at it with SBB_URL.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../src/platform/config.ts';
import { readReferentie } from '../../src/referentie/referentie.import.ts';
import { generateLeerbedrijven, readLocaties } from './leerbedrijven.ts';
import { startSbbSim } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8091' },
    seed: { type: 'string', default: '1' },
    aantal: { type: 'string', default: '2000' },
  },
});
const config = loadConfig();
const vandaag = new Date().toISOString().slice(0, 10);
const referentie = await readReferentie(config.referenceData);
const crebos = referentie.kwalificaties
  .filter((k) => k.soort === 'kwalificatie' && (k.geldigTot === null || k.geldigTot >= vandaag))
  .map((k) => k.crebo)
  .sort();
const sim = await startSbbSim({
  leerbedrijven: generateLeerbedrijven({
    seed: Number(values.seed),
    aantal: Number(values.aantal),
    locaties: readLocaties(path.join(config.referenceData, 'mbo_opleidingsaanbod_locaties_2015.csv')),
    crebos,
    peildatum: vandaag,
  }),
  port: Number(values.port),
  host: '0.0.0.0',
});
process.stdout.write(
  `[sbb-simulator] ${sim.leerbedrijven.size} leerbedrijven op ${sim.url}; start het register met SBB_URL=${sim.url}\n`,
);
const stop = () => void sim.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
