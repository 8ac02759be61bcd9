import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Datum } from '../platform/dates.ts';
import type { DB, IdentificatieStatus } from '../platform/db-schema.ts';

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

/** A person's numbers and identification state (persoon_identificatie) as known then; null: never identified. */
export type PersoonFeitRow = {
  persoonId: string;
  bsn: string | null;
  onderwijsnummer: string | null;
  identificatieId: string | null;
  identificatieStatus: IdentificatieStatus | null;
};

/** The person data an institution delivered (persoon_gegevens, one current version per person per BRIN). */
export type PersoonGegevensFeitRow = {
  persoonId: string;
  brin: string;
  versieId: string;
  land: string | null;
  postcode: string | null;
};

export type FeitenSet = {
  inschrijvingen: InschrijvingFeitRow[];
  periodes: PeriodeFeitRow[];
  bpvs: BpvFeitRow[];
  /** Per person its numbers and identification; absent when not loaded (then everyone counts as in the BRP). */
  personen?: PersoonFeitRow[];
  persoonGegevens?: PersoonGegevensFeitRow[];
};

/** The numbers an institution knows a student by (its own leerlingnummer from its current person data). */
export type PersoonNummers = {
  bsn: string | null;
  onderwijsnummer: string | null;
  leerlingnummer: string | null;
};

/** The student as the lists show them. */
export type PersoonWeergave = {
  burgerservicenummer?: string;
  onderwijsnummer?: string;
  leerlingnummer?: string;
};

/** The student as the lists show them: the BSN, else the onderwijsnummer; and the institution's leerlingnummer. */
export function persoonVanNummers(r: PersoonNummers): PersoonWeergave {
  return {
    ...(r.bsn !== null
      ? { burgerservicenummer: r.bsn }
      : r.onderwijsnummer !== null
        ? { onderwijsnummer: r.onderwijsnummer }
        : {}),
    ...(r.leerlingnummer !== null ? { leerlingnummer: r.leerlingnummer } : {}),
  };
}

/** One page of the institution's inschrijving ids (ascending, after `na`) that had a version as known then. */
export async function pageInschrijvingIds(
  db: Kysely<DB>,
  brin: string,
  opties: { na?: string; limit: number; bekendOp?: string },
): Promise<(PersoonNummers & { id: string; persoonId: string })[]> {
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
    .select((eb) =>
      eb
        .selectFrom('persoonGegevens as g')
        .select('g.leerlingnummer')
        .whereRef('g.persoonId', '=', 'i.persoonId')
        .where('g.brin', '=', brin)
        .where('g.registeredUntil', 'is', null)
        .limit(1)
        .as('leerlingnummer'),
    )
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
 * periodes and BPVs, and the persons' identification and delivered residence, as known at `bekendOp`. Set-based:
 * five queries for any number of persons (three, then two).
 */
export async function loadFeitenVoorPersonen(
  db: Kysely<DB>,
  persoonIds: readonly string[],
  bekendOp?: string,
): Promise<FeitenSet> {
  if (persoonIds.length === 0) {
    return { inschrijvingen: [], periodes: [], bpvs: [], personen: [], persoonGegevens: [] };
  }
  const [inschrijvingen, personen, persoonGegevens] = await Promise.all([
    loadInschrijvingen(db, persoonIds, bekendOp),
    loadPersonen(db, persoonIds, bekendOp),
    loadPersoonGegevens(db, persoonIds, bekendOp),
  ]);
  return { ...(await loadPeriodesEnBpvs(db, inschrijvingen, bekendOp)), personen, persoonGegevens };
}

/** The persons' numbers with their identification version as known at `bekendOp` (null when there is none). */
export async function loadPersonen(
  db: Kysely<DB>,
  persoonIds: readonly string[],
  bekendOp?: string,
): Promise<PersoonFeitRow[]> {
  if (persoonIds.length === 0) {
    return [];
  }
  let iq = db
    .selectFrom('persoonIdentificatie as v')
    .select(['v.persoonId as persoonId', 'v.id as id', 'v.status as status'])
    .where('v.persoonId', '=', idLijst(persoonIds));
  iq = bekend(iq, 'v', bekendOp);
  const [nummers, identificaties] = await Promise.all([
    db
      .selectFrom('persoon')
      .select(['id', 'bsn', 'onderwijsnummer'])
      .where('id', '=', idLijst(persoonIds))
      .execute(),
    iq.execute(),
  ]);
  const perPersoon = new Map(identificaties.map((r) => [String(r.persoonId), r]));
  return nummers.map((p) => {
    const i = perPersoon.get(String(p.id));
    return {
      persoonId: String(p.id),
      bsn: p.bsn,
      onderwijsnummer: p.onderwijsnummer,
      identificatieId: i ? String(i.id) : null,
      identificatieStatus: i?.status ?? null,
    };
  });
}

/** The person data every institution delivered for the persons (land, postcode), as known at `bekendOp`. */
export async function loadPersoonGegevens(
  db: Kysely<DB>,
  persoonIds: readonly string[],
  bekendOp?: string,
): Promise<PersoonGegevensFeitRow[]> {
  if (persoonIds.length === 0) {
    return [];
  }
  let q = db
    .selectFrom('persoonGegevens as v')
    .select([
      'v.persoonId as persoonId',
      'v.brin as brin',
      'v.id as versieId',
      'v.land as land',
      'v.postcode as postcode',
    ])
    .where('v.persoonId', '=', idLijst(persoonIds));
  q = bekend(q, 'v', bekendOp);
  const rows = await q.orderBy('v.id').execute();
  return rows.map((r) => ({ ...r, persoonId: String(r.persoonId), versieId: String(r.versieId) }));
}

async function loadInschrijvingen(
  db: Kysely<DB>,
  persoonIds: readonly string[],
  bekendOp?: string,
): Promise<InschrijvingFeitRow[]> {
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
    .where('i.persoonId', '=', idLijst(persoonIds));
  iq = bekend(iq, 'v', bekendOp);
  return (await iq.orderBy('i.id').execute()) as InschrijvingFeitRow[];
}

async function loadPeriodesEnBpvs(
  db: Kysely<DB>,
  inschrijvingen: InschrijvingFeitRow[],
  bekendOp?: string,
): Promise<Pick<FeitenSet, 'inschrijvingen' | 'periodes' | 'bpvs'>> {
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
    .where('v.inschrijvingId', '=', idLijst(ids));
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
    .where('v.inschrijvingId', '=', idLijst(ids));
  bq = bekend(bq, 'v', bekendOp);
  const [periodes, bpvs] = await Promise.all([
    pq.orderBy('v.datumBegin').execute() as Promise<PeriodeFeitRow[]>,
    bq.orderBy('v.id').execute() as Promise<BpvFeitRow[]>,
  ]);
  return { inschrijvingen, periodes, bpvs };
}

/**
 * `= any($1::bigint[])` with the ids as one array parameter: a page of a thousand persons binds one value instead
 * of a thousand, which PostgreSQL parses and plans much faster than a long IN list.
 */
export function idLijst(ids: readonly string[]): RawBuilder<string> {
  return sql<string>`any(${`{${ids.join(',')}}`}::bigint[])`;
}

/** Restricts a query to the version rows of table alias `v` recorded at `bekendOp` (current ones without it). */
// biome-ignore lint/suspicious/noExplicitAny: the builder's type differs per table; the columns exist on every *_versie
export function bekend<Q extends { where: (...args: any[]) => any }>(q: Q, alias: 'v', bekendOp?: string): Q {
  if (bekendOp === undefined) {
    return q.where(`${alias}.registeredUntil`, 'is', null) as Q;
  }
  return q
    .where(`${alias}.registeredFrom`, '<=', bekendOp)
    .where((eb: { or: (x: unknown[]) => unknown; (...a: unknown[]): unknown }) =>
      eb.or([eb(`${alias}.registeredUntil`, 'is', null), eb(`${alias}.registeredUntil`, '>', bekendOp)]),
    ) as Q;
}
