import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../platform/db-schema.ts';
import type { ReferentieData } from './referentie.ts';

type Executor = Kysely<DB> | Transaction<DB>;

/** Rows per multi-row INSERT: well under PostgreSQL’s 65 535 bind parameters (14 kwalificatie columns × 500). */
const INSERT_CHUNK_SIZE = 500;
/** Advisory-lock key that serialises concurrent imports (two starting processes, or start-up and the command). */
const REFERENTIE_IMPORT_LOCK = 72_011_002;

function chunks<T>(rows: readonly T[], size = INSERT_CHUNK_SIZE): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < rows.length; i += size) {
    result.push(rows.slice(i, i + size));
  }
  return result;
}

/**
 * Replaces the reference tables with `data`; run it inside one transaction. Offering, locations,
 * submission points and kwalificaties are deleted and re-inserted. Institutions are upserted, and
 * those absent from `data` are deleted unless an inschrijving refers to them; those are kept (with no
 * aanleverpunt) and returned.
 */
export async function replaceReferentie(
  trx: Transaction<DB>,
  data: ReferentieData,
): Promise<{ instellingenBehouden: string[] }> {
  await sql`select pg_advisory_xact_lock(${REFERENTIE_IMPORT_LOCK})`.execute(trx);
  await trx.deleteFrom('opleidingsaanbod').execute();
  await trx.deleteFrom('onderwijslocatie').execute();
  await trx.deleteFrom('aanleverpunt').execute();
  await trx.deleteFrom('kwalificatie').execute();

  for (const chunk of chunks(data.instellingen)) {
    await trx
      .insertInto('instelling')
      .values(chunk)
      .onConflict((oc) =>
        oc.column('brin').doUpdateSet((eb) => ({
          naam: eb.ref('excluded.naam'),
          roepnaam: eb.ref('excluded.roepnaam'),
          soort: eb.ref('excluded.soort'),
          plaatsnaam: eb.ref('excluded.plaatsnaam'),
          bekostigd: eb.ref('excluded.bekostigd'),
          bron: eb.ref('excluded.bron'),
          geimporteerdOp: sql<string>`now()`,
        })),
      )
      .execute();
  }
  const brins = data.instellingen.map((i) => i.brin);
  const stale = await trx
    .selectFrom('instelling')
    .select('brin')
    .$if(brins.length > 0, (qb) => qb.where('brin', 'not in', brins))
    .orderBy('brin')
    .execute();
  const instellingenBehouden: string[] = [];
  for (const { brin } of stale) {
    const inUse = await trx
      .selectFrom('inschrijving')
      .select('id')
      .where('brin', '=', brin)
      .limit(1)
      .executeTakeFirst();
    if (inUse) {
      instellingenBehouden.push(brin);
    } else {
      await trx.deleteFrom('instelling').where('brin', '=', brin).execute();
    }
  }

  for (const chunk of chunks(data.aanleverpunten)) {
    await trx.insertInto('aanleverpunt').values(chunk).execute();
  }
  for (const chunk of chunks(data.kwalificaties)) {
    await trx.insertInto('kwalificatie').values(chunk).execute();
  }
  for (const chunk of chunks(data.onderwijslocaties)) {
    await trx.insertInto('onderwijslocatie').values(chunk).execute();
  }
  for (const chunk of chunks(data.aanbod)) {
    await trx.insertInto('opleidingsaanbod').values(chunk).execute();
  }
  return { instellingenBehouden };
}

export async function hasInstellingen(db: Executor): Promise<boolean> {
  return (await db.selectFrom('instelling').select('brin').limit(1).executeTakeFirst()) !== undefined;
}

export function listInstellingen(db: Executor) {
  return db.selectFrom('instelling').select(['brin', 'naam', 'bekostigd']).orderBy('brin').execute();
}

export function listAanleverpunten(db: Executor) {
  return db.selectFrom('aanleverpunt').select(['brin', 'nummer']).orderBy('brin').orderBy('nummer').execute();
}

export function listKwalificaties(db: Executor) {
  return db.selectFrom('kwalificatie').selectAll().orderBy('crebo').execute();
}

export function listOnderwijslocaties(db: Executor) {
  return db.selectFrom('onderwijslocatie').select(['code', 'brin', 'naam']).orderBy('code').execute();
}

export function listOpleidingsaanbod(db: Executor) {
  return db
    .selectFrom('opleidingsaanbod')
    .select(['brin', 'crebo', 'leerweg', 'niveau', 'onderwijslocatie'])
    .orderBy('brin')
    .orderBy('crebo')
    .orderBy('leerweg')
    .orderBy('onderwijslocatie')
    .execute();
}
