/**
 * `npm start`: read config → open the database → migrate → reference data → build the app → listen.
 * The only module with side effects. Without DATABASE_URL the register runs on embedded PGlite in DATA_DIR.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startBrpSimulator } from '../sim/brp/server.ts';
import { generateLeerbedrijven, readLocaties } from '../sim/sbb/leerbedrijven.ts';
import { type SbbSim, startSbbSim } from '../sim/sbb/server.ts';
import { buildApp } from './app.ts';
import { bekostigingDeps } from './bekostiging/bekostiging.service.ts';
import { REGELS_VERSIE } from './bekostiging/bekostiging.ts';
import {
  HERBEREKENING_LEASE_MS,
  herberekeningJobHandler,
  startBekostigingKoppeling,
  teldataVenster,
  zorgVoorHerberekening,
} from './bekostiging/herberekening.ts';
import { bpvJobHandlers } from './bpv/bpv.service.ts';
import { createSbbClient } from './bpv/sbb.client.ts';
import { createBrpClient } from './persoon/brp.client.ts';
import { IDENTIFICATIE_JOB, identificatieJobHandler } from './persoon/identificatie.service.ts';
import { AFNEMERSINDICATIE_JOB, afnemersindicatieJobHandler } from './persoon/mutatie.service.ts';
import { resolveAuthSecret, signToken } from './platform/auth.ts';
import { systemClock } from './platform/clock.ts';
import { loadConfig, PROJECT_ROOT } from './platform/config.ts';
import { lockDataDir } from './platform/datadir-lock.ts';
import { dutchDate } from './platform/dates.ts';
import { openDatabase } from './platform/db.ts';
import { startWorker } from './platform/jobs.ts';
import { migrate } from './platform/migrate.ts';
import { ensureReferentie, loadReferentie } from './referentie/referentie.service.ts';

const config = loadConfig();
const version = (
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
const say = (message: string) => console.log(`[mbo-register] ${message}`);

say(`versie ${version}, Node ${process.version}, proces ${process.pid}`);
say(
  config.databaseUrl
    ? `database: PostgreSQL (${new URL(config.databaseUrl).host}${new URL(config.databaseUrl).pathname})`
    : `database: ingebouwde PGlite in ${config.dataDir} (zet DATABASE_URL voor PostgreSQL)`,
);
/** Explains a start-up failure in words a user can act on, and stops. */
function fail(stap: string, error: unknown): never {
  const e = error as NodeJS.ErrnoException & { code?: string };
  const hints: Record<string, string> = {
    ECONNREFUSED: 'PostgreSQL antwoordt niet op dat adres; start PostgreSQL of controleer DATABASE_URL.',
    '3D000':
      'Die database bestaat niet; maak haar aan (bijvoorbeeld: createdb -h 127.0.0.1 -U postgres mbo).',
    '28P01': 'Aanmelden bij PostgreSQL mislukt; controleer gebruiker en wachtwoord in DATABASE_URL.',
    EADDRINUSE: `Poort ${config.port} is al in gebruik; kies een andere met PORT=…`,
    EACCES: 'Geen toegang (poort of map); kies een andere PORT of DATA_DIR.',
  };
  console.error(`[mbo-register] starten mislukt bij ${stap}: ${e?.message ?? String(error)}`);
  const hint = e?.code ? hints[e.code] : undefined;
  if (hint) {
    console.error(`[mbo-register] ${hint}`);
  }
  process.exit(1);
}

let releaseDataDir: () => void = () => undefined;
if (!config.databaseUrl) {
  try {
    releaseDataDir = lockDataDir(config.dataDir);
  } catch (error) {
    fail('de datamap', error);
  }
}
const database = await openDatabase(config);
const applied = await migrate(database).catch((error: unknown) => fail('de database', error));
say(applied.length > 0 ? `migraties toegepast: ${applied.join(', ')}` : 'database-schema is actueel');

const bron = {
  gedeeld: 'de gedeelde publieke bestanden',
  synthetisch: 'de eigen kleine synthetische set van het project',
  opgegeven: 'de map uit REFERENCE_DATA',
}[config.referenceDataSource];
say(`referentiegegevens: ${config.referenceData} (${bron})`);
const geimporteerd = await ensureReferentie(database.db, config.referenceData, { info: say });
if (!geimporteerd) {
  say(
    'referentiegegevens stonden al in de database en zijn niet opnieuw ingelezen (npm run import-referentie)',
  );
}
let referentie = await loadReferentie(database.db);
say(
  `${referentie.instellingen.size} instellingen, ${referentie.kwalificaties.size} opleidingscodes in het register`,
);

const auth = resolveAuthSecret(config);
if (auth.source !== 'AUTH_SECRET') {
  say(
    `tokens: ontwikkelsleutel in ${auth.source} (zet AUTH_SECRET in productie); maak een token met: npm run token -- instelling:<BRIN>`,
  );
}

// BRP: the configured service, or the simulator on the GBA-V proefomgeving test set.
let brpSimulator: Awaited<ReturnType<typeof startBrpSimulator>> | undefined;
let brpUrl = config.brpUrl;
if (brpUrl === undefined) {
  brpSimulator = await startBrpSimulator({ port: 0 });
  brpUrl = brpSimulator.url;
  say(
    `BRP: geen BRP_URL ingesteld; BRP-simulator gestart op ${brpUrl} met ${brpSimulator.personen.size} testpersonen (GBA-V proefomgeving)`,
  );
} else {
  say(`BRP: ${new URL(brpUrl).host} (BRP_URL)`);
}
const brp = createBrpClient({
  url: brpUrl,
  timeoutMs: config.brpTimeoutMs,
  ...(config.brpApiKey ? { headers: { 'x-api-key': config.brpApiKey } } : {}),
});

// SBB: the configured one, or (for development) the SBB simulator with generated leerbedrijven near real locations.
let sbbSim: SbbSim | undefined;
let sbbUrl = config.sbbUrl;
if (sbbUrl === undefined) {
  const vandaag = dutchDate(new Date());
  const crebos = [...referentie.kwalificaties.values()]
    .filter((k) => k.soort === 'kwalificatie' && (k.geldigTot === null || k.geldigTot >= vandaag))
    .map((k) => k.crebo)
    .sort();
  const leerbedrijven = generateLeerbedrijven({
    seed: 1,
    aantal: 2000,
    locaties: readLocaties(path.join(config.referenceData, 'mbo_opleidingsaanbod_locaties_2015.csv')),
    crebos,
    peildatum: vandaag,
  });
  // The configured port; when the default one is taken (another register runs), any free port.
  sbbSim = await startSbbSim({ leerbedrijven, port: config.sbbSimPort }).catch(async (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || config.sbbSimPortGekozen) {
      throw error;
    }
    say(`SBB: poort ${config.sbbSimPort} is bezet; de SBB-simulator kiest een vrije poort`);
    return startSbbSim({ leerbedrijven, port: 0 });
  });
  sbbUrl = sbbSim.url;
  say(
    `SBB: ingebouwde SBB-simulator op ${sbbUrl} met ${sbbSim.leerbedrijven.size} leerbedrijven (zet SBB_URL voor SBB zelf)`,
  );
} else {
  say(`SBB: ${sbbUrl}`);
}
const sbb = createSbbClient({ baseUrl: sbbUrl, timeoutMs: config.sbbTimeoutMs });

// One worker for every durable job handler: identification after a BRP outage, afnemersindicaties, later SBB
// verification, erkenning mutations, deliveries to SBB.
const worker = startWorker({
  db: database.db,
  handlers: {
    [IDENTIFICATIE_JOB]: identificatieJobHandler({ db: database.db, brp }),
    [AFNEMERSINDICATIE_JOB]: afnemersindicatieJobHandler({ brp }),
    ...bpvJobHandlers({ db: database.db, sbb, kwalificaties: () => referentie.kwalificaties }),
  },
  log: say,
});
say('jobs: worker gestart (identificatie na BRP-storing, BPV-verificatie en levering aan SBB)');

// Koppeling tussen registers en bekostiging: stored funding statuses follow every change (outbox events), and a
// full recomputation runs when the rules version or the teldata in view change (a long job: its own worker, with
// a short lease renewed per page; it resumes after the last finished page).
const bekostiging = () => bekostigingDeps(database.db, referentie);
const vandaag = () => dutchDate(systemClock.now());
// on PGlite a round holds the one connection meldingen also need: modest rounds with a pause between them let
// waiting meldingen through (measured: the koppeling costs PGlite intake about 17%)
const koppeling = startBekostigingKoppeling({
  deps: bekostiging,
  vandaag,
  batch: config.databaseUrl ? 200 : 50,
  pauzeMs: config.databaseUrl ? 0 : 100,
  log: say,
});
const herberekenWorker = startWorker({
  db: database.db,
  handlers: herberekeningJobHandler({
    deps: bekostiging,
    gelijktijdig: config.databaseUrl ? 2 : 1,
    log: say,
  }),
  batch: 1,
  pollMs: 5000,
  leaseMs: HERBEREKENING_LEASE_MS,
  log: say,
});
const zorg = (bijStart = false) =>
  zorgVoorHerberekening(database.db, vandaag())
    .then((nodig) => {
      if (nodig) {
        say('bekostiging: volledige herberekening van de bekostigingsstatussen ingepland');
      } else if (bijStart) {
        say(
          `bekostiging: opgeslagen statussen zijn bij met regels ${REGELS_VERSIE} en teldata ` +
            `${teldataVenster(vandaag()).join(', ')}; wijzigingen volgen via de koppeling`,
        );
      }
    })
    .catch((e: unknown) => say(`bekostiging: herberekening inplannen mislukt: ${String(e)}`));
await zorg(true);
const zorgTimer = setInterval(() => void zorg(), 3_600_000);
zorgTimer.unref();

const app = await buildApp({
  database,
  referentie: () => referentie,
  clock: systemClock,
  brp,
  sbb,
  authSecret: auth.secret,
  logger: { level: config.logLevel },
  version,
});

// Reload the in-memory reference snapshot on SIGHUP (after `npm run import-referentie`).
process.on('SIGHUP', () => {
  loadReferentie(database.db)
    .then((r) => {
      referentie = r;
      say('referentiegegevens opnieuw geladen');
    })
    .catch((e: unknown) => say(`herladen referentiegegevens mislukt: ${String(e)}`));
});

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) {
    return;
  }
  closing = true;
  say(`${signal}: afsluiten; lopende meldingen worden afgemaakt`);
  await app.close();
  await worker.stop();
  clearInterval(zorgTimer);
  await koppeling.stop();
  await herberekenWorker.stop();
  await brpSimulator?.close();
  await sbbSim?.close();
  await database.close();
  releaseDataDir();
  say('gestopt; alles wat beantwoord is, is bewaard');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

await app
  .listen({ port: config.port, host: config.host })
  .catch((error: unknown) => fail('het luisteren', error));
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : config.port;
// Mutatieservice: SBB pushes erkenning changes to the register.
await sbb
  .abonneer(
    `http://127.0.0.1:${port}/koppelvlak/v1/sbb/erkenningen`,
    await signToken(auth.secret, 'sbb', 365 * 24 * 3600),
  )
  .then(() => say('SBB-mutatieservice: geabonneerd op erkenningsmutaties'))
  .catch((e: unknown) => say(`SBB-mutatieservice: abonneren mislukt (${String(e)}); later opnieuw starten`));
say(
  `klaar: http://127.0.0.1:${port}  (API-documentatie: http://127.0.0.1:${port}/docs, gezondheid: /health)`,
);
if (brpSimulator) {
  // Spontaneous mutations from the simulator reach this register as role brp.
  brpSimulator.setPush({
    url: `http://127.0.0.1:${port}/brp/v1/mutaties`,
    token: await signToken(auth.secret, 'brp'),
  });
  say(
    `BRP-simulator: spontane mutatie met curl -X POST ${brpSimulator.url}/_sim/mutaties -d '{"burgerservicenummer":"999995145","soort":"overlijden","datum":"2026-10-01"}'`,
  );
}
say(`speel een schooljaar: npm run sis -- --url http://127.0.0.1:${port} --studenten 300`);
