import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.ts';
import { createSbbClient } from '../src/bpv/sbb.client.ts';
import { signToken } from '../src/platform/auth.ts';
import { type Clock, fixedClock } from '../src/platform/clock.ts';
import { SYNTHETIC_REFERENCE_DATA } from '../src/platform/config.ts';
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
  close(): Promise<void>;
};

export const TEST_SECRET = new TextEncoder().encode('test-secret-not-for-production-0123456789');

/**
 * The real app on a fresh real database (PGlite or PostgreSQL per TEST_ENGINE) with the project's
 * synthetic reference set imported, and a fixed clock (default 2026-09-15, inside the school year).
 */
export async function createTestApp(opts: { clock?: Clock; sbbUrl?: string } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  await importReferentie(database.db, await readReferentie(SYNTHETIC_REFERENCE_DATA));
  const referentie = await loadReferentie(database.db);
  const app = await buildApp({
    database,
    referentie: () => referentie,
    clock: opts.clock ?? fixedClock('2026-09-15T10:00:00Z'),
    authSecret: TEST_SECRET,
    sbb:
      opts.sbbUrl === undefined
        ? undefined
        : createSbbClient({ baseUrl: opts.sbbUrl, timeoutMs: 1000, pauseMs: 0 }),
  });
  await app.ready();
  return {
    app,
    database,
    referentie,
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
      await database.close();
    },
  };
}
