import type { Kysely } from 'kysely';
import type { Datum } from '../platform/dates.ts';
import type { DB } from '../platform/db-schema.ts';
import { bekend, idLijst, type PersoonNummers } from './bekostiging.repository.ts';

/**
 * Loads the diplomas (resultaat soort DIP) the diploma part of funding reads, as known at `bekendOp` (the version
 * rows recorded then, or the current ones without it), like bekostiging.repository.ts does for inschrijvingen.
 */

export type DiplomaFeitRow = {
  resultaatId: string;
  persoonId: string;
  brin: string;
  resultaatvolgnummer: string;
  versieId: string;
  inschrijvingId: string;
  opleidingcode: string | null;
  datumResultaat: Datum | null;
  indicatieBekostigbaar: boolean | null;
  verwijderd: boolean;
};

/** Every diploma of the given persons, at every institution (the DiE rule looks at all of them). */
export async function loadDiplomasVoorPersonen(
  db: Kysely<DB>,
  persoonIds: readonly string[],
  bekendOp?: string,
): Promise<DiplomaFeitRow[]> {
  if (persoonIds.length === 0) {
    return [];
  }
  let q = db
    .selectFrom('resultaat as r')
    .innerJoin('resultaatVersie as v', 'v.resultaatId', 'r.id')
    .select([
      'r.id as resultaatId',
      'r.persoonId as persoonId',
      'r.brin as brin',
      'r.resultaatvolgnummer as resultaatvolgnummer',
      'v.id as versieId',
      'v.inschrijvingId as inschrijvingId',
      'v.opleidingcode as opleidingcode',
      'v.datumResultaat as datumResultaat',
      'v.indicatieBekostigbaar as indicatieBekostigbaar',
      'v.verwijderd as verwijderd',
    ])
    .where('r.soort', '=', 'DIP')
    .where('r.persoonId', '=', idLijst(persoonIds));
  q = bekend(q, 'v', bekendOp);
  const rows = await q.orderBy('r.id').execute();
  return rows.map((r) => ({
    ...r,
    resultaatId: String(r.resultaatId),
    persoonId: String(r.persoonId),
    versieId: String(r.versieId),
    inschrijvingId: String(r.inschrijvingId),
  }));
}

/** The resultaat (its id, soort, persoon and BRIN) if it exists; for the access check. */
export async function findResultaat(
  db: Kysely<DB>,
  resultaatId: string,
): Promise<{ id: string; persoonId: string; brin: string; soort: string } | undefined> {
  const r = await db
    .selectFrom('resultaat')
    .select(['id', 'persoonId', 'brin', 'soort'])
    .where('id', '=', resultaatId)
    .executeTakeFirst();
  return r && { ...r, id: String(r.id), persoonId: String(r.persoonId) };
}

/**
 * One page of the institution's diplomas (ascending id, after `na`) whose version as known then is not removed and
 * has a datum behaald in calendar year `jaar`.
 */
export async function pageDiplomaIds(
  db: Kysely<DB>,
  brin: string,
  jaar: number,
  opties: { na?: string; limit: number; bekendOp?: string },
): Promise<(PersoonNummers & { id: string; persoonId: string })[]> {
  let q = db
    .selectFrom('resultaat as r')
    .innerJoin('resultaatVersie as v', 'v.resultaatId', 'r.id')
    .innerJoin('persoon as p', 'p.id', 'r.persoonId')
    .select([
      'r.id as id',
      'r.persoonId as persoonId',
      'p.bsn as bsn',
      'p.onderwijsnummer as onderwijsnummer',
    ])
    .select((eb) =>
      eb
        .selectFrom('persoonGegevens as g')
        .select('g.leerlingnummer')
        .whereRef('g.persoonId', '=', 'r.persoonId')
        .where('g.brin', '=', brin)
        .where('g.registeredUntil', 'is', null)
        .limit(1)
        .as('leerlingnummer'),
    )
    .where('r.brin', '=', brin)
    .where('r.soort', '=', 'DIP')
    .where('v.verwijderd', '=', false)
    .where('v.datumResultaat', '>=', `${jaar}-01-01`)
    .where('v.datumResultaat', '<=', `${jaar}-12-31`);
  q = bekend(q, 'v', opties.bekendOp);
  if (opties.na !== undefined) {
    q = q.where('r.id', '>', opties.na);
  }
  const rows = await q.orderBy('r.id').limit(opties.limit).execute();
  return rows.map((r) => ({ ...r, id: String(r.id), persoonId: String(r.persoonId) }));
}
