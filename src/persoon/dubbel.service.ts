import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db-schema.ts';
import { AppError } from '../platform/problem.ts';

/**
 * Dubbele personen (issue 3 §8): likely the same person registered twice — under a BSN and an onderwijsnummer, or
 * under two onderwijsnummers — listed as cases for DUO staff. Linking records a koppeling version; unlinking
 * closes it. Both are reversible and every version is kept.
 */

/**
 * Finds new cases: a person with an onderwijsnummer and no BSN whose delivered data (surname case-insensitively,
 * birth date, sex) equal another person's. Returns how many new cases were added.
 */
export async function detecteerDubbelen(db: Kysely<DB>): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    with kenmerk as (
      select distinct g.persoon_id, lower(g.achternaam) as naam, g.geboortedatum, g.geslacht
      from persoon_gegevens g where g.registered_until is null and g.achternaam is not null
    ),
    paren as (
      select distinct least(a.persoon_id, b.persoon_id) as pa, greatest(a.persoon_id, b.persoon_id) as pb,
        case when pb_.bsn is not null or pa_.bsn is not null then 'bsn-en-onderwijsnummer'
             else 'twee-onderwijsnummers' end as reden
      from kenmerk a
      join kenmerk b on b.naam = a.naam and b.geboortedatum = a.geboortedatum and b.geslacht = a.geslacht
        and b.persoon_id <> a.persoon_id
      join persoon pa_ on pa_.id = a.persoon_id
      join persoon pb_ on pb_.id = b.persoon_id
      where pa_.bsn is null and pa_.onderwijsnummer is not null
    ),
    nieuw as (
      insert into persoon_dubbel (persoon_a, persoon_b, reden)
      select pa, pb, min(reden) from paren group by pa, pb
      on conflict (persoon_a, persoon_b) do nothing
      returning 1
    )
    select count(*)::int as n from nieuw`.execute(db);
  return rows[0]?.n ?? 0;
}

export type DubbelGeval = {
  id: string;
  reden: string;
  personen: { id: string; burgerservicenummer: string | null; onderwijsnummer: string | null }[];
  koppeling: { persoonId: string; gekoppeldAan: string; door: string; sinds: string } | null;
};

export async function listDubbelen(db: Kysely<DB>): Promise<DubbelGeval[]> {
  const rows = await db
    .selectFrom('persoonDubbel as d')
    .innerJoin('persoon as a', 'a.id', 'd.persoonA')
    .innerJoin('persoon as b', 'b.id', 'd.persoonB')
    .leftJoin('persoonKoppeling as k', (j) =>
      j.onRef('k.dubbelId', '=', 'd.id').on('k.registeredUntil', 'is', null),
    )
    .select([
      'd.id',
      'd.reden',
      'a.id as aId',
      'a.bsn as aBsn',
      'a.onderwijsnummer as aOnr',
      'b.id as bId',
      'b.bsn as bBsn',
      'b.onderwijsnummer as bOnr',
      'k.persoonId',
      'k.gekoppeldAan',
      'k.door',
      'k.registeredFrom',
    ])
    .orderBy('d.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    reden: r.reden,
    personen: [
      { id: r.aId, burgerservicenummer: r.aBsn, onderwijsnummer: r.aOnr },
      { id: r.bId, burgerservicenummer: r.bBsn, onderwijsnummer: r.bOnr },
    ],
    koppeling:
      r.persoonId === null || r.gekoppeldAan === null
        ? null
        : {
            persoonId: String(r.persoonId),
            gekoppeldAan: String(r.gekoppeldAan),
            door: r.door ?? '',
            sinds: r.registeredFrom ?? '',
          },
  }));
}

function nietGevonden(id: string): AppError {
  return new AppError({
    kind: 'not-found',
    code: 'dubbel.onbekend',
    title: 'Onbekend geval',
    detail: `Er is geen geval van dubbele personen met id ${id}.`,
  });
}

/** Links the case's person without BSN (or the later onderwijsnummer) to the other one. */
export async function koppel(db: Kysely<DB>, id: string, door: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const d = await trx
      .selectFrom('persoonDubbel as d')
      .innerJoin('persoon as a', 'a.id', 'd.persoonA')
      .innerJoin('persoon as b', 'b.id', 'd.persoonB')
      .select(['d.id', 'a.id as aId', 'a.bsn as aBsn', 'b.id as bId', 'b.bsn as bBsn'])
      .where('d.id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!d) {
      throw nietGevonden(id);
    }
    const open = await trx
      .selectFrom('persoonKoppeling')
      .select('id')
      .where('dubbelId', '=', id)
      .where('registeredUntil', 'is', null)
      .executeTakeFirst();
    if (open) {
      return;
    }
    // the person with a BSN is the one that stays; otherwise the older onderwijsnummer
    const [persoonId, gekoppeldAan] = d.aBsn !== null && d.bBsn === null ? [d.bId, d.aId] : [d.aId, d.bId];
    await trx
      .insertInto('persoonKoppeling')
      .values({ dubbelId: id, persoonId, gekoppeldAan, door, registeredUntil: null, ontkoppeldDoor: null })
      .execute();
  });
}

/** Undoes a link: the koppeling version is closed, not deleted. */
export async function ontkoppel(db: Kysely<DB>, id: string, door: string): Promise<void> {
  const exists = await db.selectFrom('persoonDubbel').select('id').where('id', '=', id).executeTakeFirst();
  if (!exists) {
    throw nietGevonden(id);
  }
  await db
    .updateTable('persoonKoppeling')
    .set({ registeredUntil: sql<string>`clock_timestamp()`, ontkoppeldDoor: door })
    .where('dubbelId', '=', id)
    .where('registeredUntil', 'is', null)
    .execute();
}
