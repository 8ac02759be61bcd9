import type { Kysely } from 'kysely';
import type { Datum } from '../platform/dates.ts';
import type { DB } from '../platform/db-schema.ts';

/**
 * Loads the facts the funding rules read from the register's bitemporal tables, as known at a moment: the version
 * rows recorded at `bekendOp` (`registered_from ≤ bekendOp < registered_until`), or the current versions when
 * `bekendOp` is absent. Plain keyset pages, never a stream.
 */

export type InschrijvingFeitRow = {
  inschrijvingId: string;
  persoonId: string;
  brin: string;
  inschrijvingsvolgnummer: string;
  versieId: string;
  datumInschrijving: Datum;
  datumUitschrijvingGepland: Datum;
  datumUitschrijvingWerkelijk: Datum | null;
  redenUitschrijving: string | null;
  verwijderd: boolean;
};

export type PeriodeFeitRow = {
  inschrijvingId: string;
  periodeId: string;
  versieId: string;
  datumBegin: Datum;
  opleidingcode: string;
  leertraject: string;
  niveau: string | null;
  indicatieBekostigbaar: boolean;
  verwijderd: boolean;
};

export type BpvFeitRow = {
  inschrijvingId: string;
  bpvId: string;
  versieId: string;
  bpvVolgnummer: string;
  afsluitdatum: Datum;
  datumBegin: Datum;
  datumEindeGepland: Datum;
  datumEindeWerkelijk: Datum | null;
  verwijderd: boolean;
};

export type FeitenSet = {
  inschrijvingen: InschrijvingFeitRow[];
  periodes: PeriodeFeitRow[];
  bpvs: BpvFeitRow[];
};

/** One page of the institution's inschrijving ids (ascending, after `na`) that had a version as known then. */
export async function pageInschrijvingIds(
  db: Kysely<DB>,
  brin: string,
  opties: { na?: string; limit: number; bekendOp?: string },
): Promise<{ id: string; persoonId: string; bsn: string | null; onderwijsnummer: string | null }[]> {
  let q = db
    .selectFrom('inschrijving as i')
    .innerJoin('inschrijvingVersie as v', 'v.inschrijvingId', 'i.id')
    .innerJoin('persoon as p', 'p.id', 'i.persoonId')
    .select([
      'i.id as id',
      'i.persoonId as persoonId',
      'p.bsn as bsn',
      'p.onderwijsnummer as onderwijsnummer',
    ])
    .where('i.brin', '=', brin);
  q = bekend(q, 'v', opties.bekendOp);
  if (opties.na !== undefined) {
    q = q.where('i.id', '>', opties.na);
  }
  return q.orderBy('i.id').limit(opties.limit).execute();
}

/** The inschrijving (its id, persoon and BRIN) if it exists; for the access check. */
export async function findInschrijving(
  db: Kysely<DB>,
  inschrijvingId: string,
): Promise<{ id: string; persoonId: string; brin: string } | undefined> {
  return db
    .selectFrom('inschrijving')
    .select(['id', 'persoonId', 'brin'])
    .where('id', '=', inschrijvingId)
    .executeTakeFirst();
}

/**
 * Every inschrijving of the given persons (at all institutions: one person counts once, WEB 2.2.2 lid 3) with its
 * periodes and BPVs, as known at `bekendOp`.
 */
export async function loadFeitenVoorPersonen(
  db: Kysely<DB>,
  persoonIds: readonly string[],
  bekendOp?: string,
): Promise<FeitenSet> {
  if (persoonIds.length === 0) {
    return { inschrijvingen: [], periodes: [], bpvs: [] };
  }
  let iq = db
    .selectFrom('inschrijving as i')
    .innerJoin('inschrijvingVersie as v', 'v.inschrijvingId', 'i.id')
    .select([
      'i.id as inschrijvingId',
      'i.persoonId as persoonId',
      'i.brin as brin',
      'i.inschrijvingsvolgnummer as inschrijvingsvolgnummer',
      'v.id as versieId',
      'v.datumInschrijving as datumInschrijving',
      'v.datumUitschrijvingGepland as datumUitschrijvingGepland',
      'v.datumUitschrijvingWerkelijk as datumUitschrijvingWerkelijk',
      'v.redenUitschrijving as redenUitschrijving',
      'v.verwijderd as verwijderd',
    ])
    .where('i.persoonId', 'in', [...persoonIds]);
  iq = bekend(iq, 'v', bekendOp);
  const inschrijvingen = (await iq.orderBy('i.id').execute()) as InschrijvingFeitRow[];
  const ids = inschrijvingen.map((r) => r.inschrijvingId);
  if (ids.length === 0) {
    return { inschrijvingen, periodes: [], bpvs: [] };
  }
  let pq = db
    .selectFrom('inschrijvingsperiodeVersie as v')
    .select([
      'v.inschrijvingId as inschrijvingId',
      'v.periodeId as periodeId',
      'v.id as versieId',
      'v.datumBegin as datumBegin',
      'v.opleidingcode as opleidingcode',
      'v.leertraject as leertraject',
      'v.niveau as niveau',
      'v.indicatieBekostigbaar as indicatieBekostigbaar',
      'v.verwijderd as verwijderd',
    ])
    .where('v.inschrijvingId', 'in', ids);
  pq = bekend(pq, 'v', bekendOp);
  let bq = db
    .selectFrom('bpvVersie as v')
    .innerJoin('bpv as b', 'b.id', 'v.bpvId')
    .select([
      'v.inschrijvingId as inschrijvingId',
      'v.bpvId as bpvId',
      'v.id as versieId',
      'b.bpvVolgnummer as bpvVolgnummer',
      'v.afsluitdatum as afsluitdatum',
      'v.datumBegin as datumBegin',
      'v.datumEindeGepland as datumEindeGepland',
      'v.datumEindeWerkelijk as datumEindeWerkelijk',
      'v.verwijderd as verwijderd',
    ])
    .where('v.inschrijvingId', 'in', ids);
  bq = bekend(bq, 'v', bekendOp);
  const [periodes, bpvs] = await Promise.all([
    pq.orderBy('v.datumBegin').execute() as Promise<PeriodeFeitRow[]>,
    bq.orderBy('v.id').execute() as Promise<BpvFeitRow[]>,
  ]);
  return { inschrijvingen, periodes, bpvs };
}

/** Restricts a query to the version rows of table alias `v` recorded at `bekendOp` (current ones without it). */
// biome-ignore lint/suspicious/noExplicitAny: the builder's type differs per table; the columns exist on every *_versie
function bekend<Q extends { where: (...args: any[]) => any }>(q: Q, alias: 'v', bekendOp?: string): Q {
  if (bekendOp === undefined) {
    return q.where(`${alias}.registeredUntil`, 'is', null) as Q;
  }
  return q
    .where(`${alias}.registeredFrom`, '<=', bekendOp)
    .where((eb: { or: (x: unknown[]) => unknown; (...a: unknown[]): unknown }) =>
      eb.or([eb(`${alias}.registeredUntil`, 'is', null), eb(`${alias}.registeredUntil`, '>', bekendOp)]),
    ) as Q;
}
