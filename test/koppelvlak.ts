import type { LightMyRequestResponse } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { openPostgres } from '../src/platform/db.ts';
import type { DB } from '../src/platform/db-schema.ts';
import type { TestApp } from './test-app.ts';
import { TEST_ENGINE } from './test-db.ts';

/** HTTP helpers for tests of the koppelvlak (via `app.inject`, no network). */

export const MELDINGEN = '/koppelvlak/v1/meldingen';

/** POSTs a melding (an object, sent as JSON, or a raw string sent verbatim) with a bearer token. */
export function postMelding(
  t: TestApp,
  body: unknown,
  token: string | undefined,
): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) {
    headers.authorization = `Bearer ${token}`;
  }
  return t.app.inject({
    method: 'POST',
    url: MELDINGEN,
    headers,
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function get(t: TestApp, url: string, token: string | undefined): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'GET',
    url,
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
}

/** The register's tables (not the archive, signals or audit): what a rejected melding must leave alone. */
export const REGISTER_TABELLEN = [
  'persoon',
  'persoon_gegevens',
  'inschrijving',
  'inschrijving_versie',
  'inschrijvingsperiode',
  'inschrijvingsperiode_versie',
  'extra_ondersteuning',
  'extra_ondersteuning_versie',
  'resultaat',
  'resultaat_versie',
  'bpv',
  'bpv_versie',
  'outbox_event',
] as const;

/** Row counts per register table. */
export type Tellingen = Record<(typeof REGISTER_TABELLEN)[number], number>;

export async function tellingen(db: Kysely<DB>): Promise<Tellingen> {
  const out = {} as Tellingen;
  for (const tabel of REGISTER_TABELLEN) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.raw(tabel)}`.execute(db);
    out[tabel] = rows[0]?.n ?? -1;
  }
  return out;
}

/** Problem+json answer of a rejected melding. */
export type Afgekeurd = {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance: string;
  meldingId: string;
  meldingStatus: string;
  bevindingen: {
    code: string;
    ernst: string;
    record: string;
    veld?: string;
    sleutel?: string;
    tekst: string;
  }[];
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts `requests` so that they truly overlap inside the database. In-process they would mostly run
 * one after the other (each transaction is short and the JS thread is shared), which proves nothing
 * about locking. On PostgreSQL a separate session therefore holds an EXCLUSIVE lock on table persoon
 * (reads pass, inserts wait) until `wachtenden` sessions wait on a lock, and then lets them all go.
 * PGlite has a single connection, so there the requests simply run together.
 */
export async function gelijktijdig<T>(
  t: TestApp,
  requests: () => Promise<T>[],
  wachtenden: number,
): Promise<T[]> {
  if (TEST_ENGINE !== 'postgres') {
    return Promise.all(requests());
  }
  const url = new URL(process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${t.database.name}`;
  const eigen = openPostgres(url.toString(), 2);
  let lopend: Promise<T>[] = [];
  try {
    await eigen.db.transaction().execute(async (trx) => {
      await sql`lock table persoon in exclusive mode`.execute(trx);
      lopend = requests();
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`.execute(eigen.db);
        if ((rows[0]?.n ?? 0) >= wachtenden) {
          return;
        }
        if (Date.now() > deadline) {
          throw new Error(`only ${rows[0]?.n} of ${wachtenden} sessions came to wait on a lock`);
        }
        await sleep(5);
      }
    });
    return await Promise.all(lopend);
  } catch (error) {
    await Promise.allSettled(lopend);
    throw error;
  } finally {
    await eigen.close();
  }
}
