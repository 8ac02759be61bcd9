import type { FastifyInstance } from 'fastify';
import { syntheticBrpPersoon } from '../sim/brp/brp-data.ts';
import { type BrpSimulator, startBrpSimulator } from '../sim/brp/server.ts';
import { buildApp } from '../src/app.ts';
import { bpvJobHandlers } from '../src/bpv/bpv.service.ts';
import { createSbbClient } from '../src/bpv/sbb.client.ts';
import { type BrpClient, type BrpClientOptions, createBrpClient } from '../src/persoon/brp.client.ts';
import { IDENTIFICATIE_JOB, identificatieJobHandler } from '../src/persoon/identificatie.service.ts';
import { AFNEMERSINDICATIE_JOB, afnemersindicatieJobHandler } from '../src/persoon/mutatie.service.ts';
import { signToken } from '../src/platform/auth.ts';
import { type Clock, fixedClock } from '../src/platform/clock.ts';
import { SYNTHETIC_REFERENCE_DATA } from '../src/platform/config.ts';
import { startWorker, type Worker } from '../src/platform/jobs.ts';
import { importReferentie, readReferentie } from '../src/referentie/referentie.import.ts';
import { loadReferentie } from '../src/referentie/referentie.service.ts';
import type { Referentie } from '../src/referentie/referentie.ts';
import { createTestDatabase, type TestDatabase } from './test-db.ts';

export type TestApp = {
  app: FastifyInstance;
  database: TestDatabase;
  referentie: Referentie;
  token(role: string): Promise<string>;
  /** An onderwijslocatie code of the institution (from the synthetic reference set). */
  locatie(brin: string): string;
  /** The BRP simulator (on the GBA-V test set) the app's real BRP client talks to. */
  brp: BrpSimulator;
  brpClient: BrpClient;
  /** The jobs worker (identification; with `sbbUrl` also BPV), not polling: call runOnce() to run due jobs. */
  worker: Worker;
  close(): Promise<void>;
};

export const TEST_SECRET = new TextEncoder().encode('test-secret-not-for-production-0123456789');

/**
 * The real app on a fresh real database (PGlite or PostgreSQL per TEST_ENGINE) with the project's
 * synthetic reference set imported, and a fixed clock (default 2026-09-15, inside the school year).
 */
export async function createTestApp(
  opts: { clock?: Clock; brpClient?: Partial<BrpClientOptions>; sbbUrl?: string } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  // The BRP knows the GBA-V test set and, so that tests about other controles are not about identification,
  // every synthetic BSN of test/factories.ts (starting with 0, 1 or 2) as a person whose birth date, sex and
  // address are unknown to it (nothing to mismatch). BSNs starting with 3–8 are unknown to this BRP (signal 650).
  const brp = await startBrpSimulator({ synthetisch: syntheticBrpPersoon });
  // Fast failure in tests: short timeout, no waiting retries, circuit effectively off.
  const brpClient = createBrpClient({
    url: brp.url,
    timeoutMs: 1000,
    retries: 0,
    failureThreshold: 1000,
    ...opts.brpClient,
  });
  // SBB only when the test names its SBB simulator (BPV tests); without it BPV is stored unverified.
  const sbb =
    opts.sbbUrl === undefined
      ? undefined
      : createSbbClient({ baseUrl: opts.sbbUrl, timeoutMs: 1000, pauseMs: 0 });
  await importReferentie(database.db, await readReferentie(SYNTHETIC_REFERENCE_DATA));
  const referentie = await loadReferentie(database.db);
  const worker = startWorker({
    db: database.db,
    handlers: {
      [IDENTIFICATIE_JOB]: identificatieJobHandler({ db: database.db, brp: brpClient }),
      [AFNEMERSINDICATIE_JOB]: afnemersindicatieJobHandler({ brp: brpClient }),
      ...(sbb ? bpvJobHandlers({ db: database.db, sbb, kwalificaties: () => referentie.kwalificaties }) : {}),
    },
    autostart: false,
  });
  const app = await buildApp({
    database,
    referentie: () => referentie,
    clock: opts.clock ?? fixedClock('2026-09-15T10:00:00Z'),
    authSecret: TEST_SECRET,
    brp: brpClient,
    sbb,
  });
  await app.ready();
  return {
    app,
    database,
    referentie,
    brp,
    brpClient,
    worker,
    token: (role) => signToken(TEST_SECRET, role),
    locatie(brin) {
      const loc = [...referentie.onderwijslocaties.values()].find((l) => l.brin === brin);
      if (!loc) {
        throw new Error(`no onderwijslocatie for ${brin} in the synthetic set`);
      }
      return loc.code;
    },
    async close() {
      await app.close();
      await worker.stop();
      await brp.close();
      await database.close();
    },
  };
}
