import { type RawBuilder, sql } from 'kysely';

/** The person numbers (and the institution's own leerlingnummer) a melding names its person by. */
export type PersoonSleutel = {
  bsn: string | null;
  onderwijsnummer: string | null;
  leerlingnummer?: string | null;
};

/**
 * SQL that selects the id of the person a melding is about (zero or one row), for use as a CTE:
 * by BSN or onderwijsnummer; without a number, by this institution's current leerlingnummer; and, for a BSN no
 * person has yet (opnieuw identificeren), the person this institution knew by onderwijsnummer under that
 * leerlingnummer. One definition, so every read of "this melding's person" finds the same person.
 */
export function persoonVanMelding(pgn: PersoonSleutel, brin: string): RawBuilder<{ id: string }> {
  const leerlingnummer =
    pgn.bsn === null && pgn.onderwijsnummer === null ? (pgn.leerlingnummer ?? null) : null;
  const herLeerlingnummer = pgn.bsn !== null ? (pgn.leerlingnummer ?? null) : null;
  return sql<{ id: string }>`
      select id from persoon
      where (${pgn.bsn}::text is not null and bsn = ${pgn.bsn})
         or (${pgn.bsn}::text is null and onderwijsnummer = ${pgn.onderwijsnummer})
         or (${leerlingnummer}::text is not null and id = (
              select g.persoon_id from persoon_gegevens g
              where g.brin = ${brin} and g.leerlingnummer = ${leerlingnummer} and g.registered_until is null
              order by g.id desc limit 1))
      union all
      select g.persoon_id from persoon_gegevens g join persoon x on x.id = g.persoon_id
      where ${herLeerlingnummer}::text is not null and g.brin = ${brin} and g.leerlingnummer = ${herLeerlingnummer}
        and g.registered_until is null and x.bsn is null and x.onderwijsnummer is not null
        and not exists (select 1 from persoon y where y.bsn = ${pgn.bsn})
      limit 1`;
}
