import { type Insertable, type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../platform/db-schema.ts';
import type {
  InschrijvingElders,
  InschrijvingState,
  OndersteuningState,
  PeriodeState,
} from './inschrijving.ts';

/** Kysely queries for inschrijvingen and their periodes; executor first, plain rows out. */
export type Executor = Kysely<DB> | Transaction<DB>;

/** Current versions (registered_until is null) of the person's inschrijvingen at a BRIN, removed ones included. */
export async function loadInschrijvingen(
  ex: Executor,
  persoonId: string,
  brin: string,
): Promise<InschrijvingState[]> {
  const rows = await ex
    .selectFrom('inschrijving as i')
    .innerJoin('inschrijvingVersie as v', 'v.inschrijvingId', 'i.id')
    .where('i.persoonId', '=', persoonId)
    .where('i.brin', '=', brin)
    .where('v.registeredUntil', 'is', null)
    .select([
      'i.id',
      'i.inschrijvingsvolgnummer',
      'v.datumInschrijving',
      'v.datumUitschrijvingGepland',
      'v.datumUitschrijvingWerkelijk',
      'v.redenUitschrijving',
      'v.verwijderd',
    ])
    .execute();
  if (rows.length === 0) {
    return [];
  }
  const ids = rows.map((r) => r.id);
  const [periodes, ondersteuning] = await Promise.all([
    ex
      .selectFrom('inschrijvingsperiodeVersie')
      .where('inschrijvingId', 'in', ids)
      .where('registeredUntil', 'is', null)
      .where('verwijderd', '=', false)
      .selectAll()
      .execute(),
    ex
      .selectFrom('extraOndersteuningVersie')
      .where('inschrijvingId', 'in', ids)
      .where('registeredUntil', 'is', null)
      .where('verwijderd', '=', false)
      .selectAll()
      .execute(),
  ]);
  return rows.map((r) => ({
    inschrijvingId: r.id,
    inschrijvingsvolgnummer: r.inschrijvingsvolgnummer,
    datumInschrijving: r.datumInschrijving,
    datumUitschrijvingGepland: r.datumUitschrijvingGepland,
    datumUitschrijvingWerkelijk: r.datumUitschrijvingWerkelijk,
    redenUitschrijving: r.redenUitschrijving,
    verwijderd: r.verwijderd,
    periodes: periodes
      .filter((p) => String(p.inschrijvingId) === r.id)
      .map(
        (p): PeriodeState => ({
          periodeId: String(p.periodeId),
          datumBegin: p.datumBegin,
          opleidingcode: p.opleidingcode,
          leertraject: p.leertraject,
          niveau: p.niveau,
          indicatieBekostigbaar: p.indicatieBekostigbaar,
          onderwijslocatie: p.onderwijslocatie,
          onderwijsaanbieder: p.onderwijsaanbieder,
          locatiecodeVsv: p.locatiecodeVsv,
          verwijderd: false,
        }),
      ),
    ondersteuning: ondersteuning
      .filter((o) => String(o.inschrijvingId) === r.id)
      .map(
        (o): OndersteuningState => ({
          ondersteuningId: String(o.ondersteuningId),
          datumBegin: o.datumBegin,
          datumEinde: o.datumEinde,
          verwijderd: false,
        }),
      ),
    // BPV and resultaten registers do not exist yet (issues 4 and 5 add their counts here).
    afhankelijken: { bpv: 0, resultaten: 0 },
  }));
}

/** Dates of the person's current enrolments at other institutions (for the teldatum rule). */
export async function loadInschrijvingenElders(
  ex: Executor,
  persoonId: string,
  brin: string,
): Promise<InschrijvingElders[]> {
  const rows = await ex
    .selectFrom('inschrijving as i')
    .innerJoin('inschrijvingVersie as v', 'v.inschrijvingId', 'i.id')
    .where('i.persoonId', '=', persoonId)
    .where('i.brin', '<>', brin)
    .where('v.registeredUntil', 'is', null)
    .where('v.verwijderd', '=', false)
    .select(['v.datumInschrijving', 'v.datumUitschrijvingGepland', 'v.datumUitschrijvingWerkelijk'])
    .execute();
  return rows.map((r) => ({
    datumInschrijving: r.datumInschrijving,
    einde: r.datumUitschrijvingWerkelijk ?? r.datumUitschrijvingGepland,
  }));
}

/**
 * Writes what a melding changed: for each marked record, close the current version at `ts` and insert
 * the next (a verwijdering is a version with verwijderd = true). New records get an identity row first.
 */
export async function writeInschrijvingen(
  trx: Transaction<DB>,
  args: {
    persoonId: string;
    brin: string;
    meldingId: string;
    ts: string;
    nieuw: readonly InschrijvingState[];
  },
): Promise<{ inschrijvingIds: string[] }> {
  const { persoonId, brin, meldingId, ts } = args;
  const changedIds: string[] = [];
  const periodeVersies: Parameters<typeof insertPeriodeVersies>[1] = [];
  const ondersteuningVersies: Parameters<typeof insertOndersteuningVersies>[1] = [];
  const closePeriodes: string[] = [];
  const closeOndersteuning: string[] = [];
  const closeInschrijvingen: string[] = [];
  const inschrijvingVersies: Insertable<DB['inschrijvingVersie']>[] = [];

  for (const s of args.nieuw) {
    const periodesChanged = s.periodes.filter((p) => p.mutatie);
    const ondersteuningChanged = s.ondersteuning.filter((o) => o.mutatie);
    if (!s.mutatie && periodesChanged.length === 0 && ondersteuningChanged.length === 0) {
      continue;
    }
    let inschrijvingId = s.inschrijvingId;
    if (inschrijvingId === undefined) {
      const row = await trx
        .insertInto('inschrijving')
        .values({ persoonId, brin, inschrijvingsvolgnummer: s.inschrijvingsvolgnummer })
        .returning('id')
        .executeTakeFirstOrThrow();
      inschrijvingId = row.id;
    }
    changedIds.push(inschrijvingId);
    if (s.mutatie) {
      if (s.inschrijvingId !== undefined) {
        closeInschrijvingen.push(inschrijvingId);
      }
      inschrijvingVersies.push({
        inschrijvingId,
        datumInschrijving: s.datumInschrijving,
        datumUitschrijvingGepland: s.datumUitschrijvingGepland,
        datumUitschrijvingWerkelijk: s.datumUitschrijvingWerkelijk,
        redenUitschrijving: s.redenUitschrijving,
        verwijderd: s.verwijderd,
        mutatie: s.mutatie,
        registeredFrom: ts,
        registeredUntil: null,
        meldingId,
      });
    }
    for (const p of periodesChanged) {
      if (p.mutatie === 'toevoegen' && p.verwijderd) {
        continue; // added and removed within one melding: nothing to record
      }
      let periodeId = p.periodeId;
      if (periodeId === undefined) {
        const row = await trx
          .insertInto('inschrijvingsperiode')
          .values({ inschrijvingId })
          .returning('id')
          .executeTakeFirstOrThrow();
        periodeId = row.id;
      } else {
        closePeriodes.push(periodeId);
      }
      periodeVersies.push({ ...p, periodeId, inschrijvingId, mutatie: p.mutatie ?? 'wijzigen' });
    }
    for (const o of ondersteuningChanged) {
      if (o.mutatie === 'toevoegen' && o.verwijderd) {
        continue;
      }
      let ondersteuningId = o.ondersteuningId;
      if (ondersteuningId === undefined) {
        const row = await trx
          .insertInto('extraOndersteuning')
          .values({ inschrijvingId })
          .returning('id')
          .executeTakeFirstOrThrow();
        ondersteuningId = row.id;
      } else {
        closeOndersteuning.push(ondersteuningId);
      }
      ondersteuningVersies.push({ ...o, ondersteuningId, inschrijvingId, mutatie: o.mutatie ?? 'wijzigen' });
    }
  }

  // Close before insert: the partial unique indexes allow one current version per record.
  if (closeInschrijvingen.length > 0) {
    await trx
      .updateTable('inschrijvingVersie')
      .set({ registeredUntil: ts })
      .where('inschrijvingId', 'in', closeInschrijvingen)
      .where('registeredUntil', 'is', null)
      .execute();
  }
  if (closePeriodes.length > 0) {
    await trx
      .updateTable('inschrijvingsperiodeVersie')
      .set({ registeredUntil: ts })
      .where('periodeId', 'in', closePeriodes)
      .where('registeredUntil', 'is', null)
      .execute();
  }
  if (closeOndersteuning.length > 0) {
    await trx
      .updateTable('extraOndersteuningVersie')
      .set({ registeredUntil: ts })
      .where('ondersteuningId', 'in', closeOndersteuning)
      .where('registeredUntil', 'is', null)
      .execute();
  }
  if (inschrijvingVersies.length > 0) {
    await trx.insertInto('inschrijvingVersie').values(inschrijvingVersies).execute();
  }
  await insertPeriodeVersies(trx, periodeVersies, meldingId, ts);
  await insertOndersteuningVersies(trx, ondersteuningVersies, meldingId, ts);
  return { inschrijvingIds: changedIds };
}

async function insertPeriodeVersies(
  trx: Transaction<DB>,
  rows: (PeriodeState & {
    periodeId: string;
    inschrijvingId: string;
    mutatie: NonNullable<PeriodeState['mutatie']>;
  })[],
  meldingId: string,
  ts: string,
): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  await trx
    .insertInto('inschrijvingsperiodeVersie')
    .values(
      rows.map((p) => ({
        periodeId: p.periodeId,
        inschrijvingId: p.inschrijvingId,
        datumBegin: p.datumBegin,
        opleidingcode: p.opleidingcode,
        leertraject: p.leertraject,
        niveau: p.niveau,
        indicatieBekostigbaar: p.indicatieBekostigbaar,
        onderwijslocatie: p.onderwijslocatie,
        onderwijsaanbieder: p.onderwijsaanbieder,
        locatiecodeVsv: p.locatiecodeVsv,
        verwijderd: p.verwijderd,
        mutatie: p.mutatie,
        registeredFrom: ts,
        registeredUntil: null,
        meldingId,
      })),
    )
    .execute();
}

async function insertOndersteuningVersies(
  trx: Transaction<DB>,
  rows: (OndersteuningState & {
    ondersteuningId: string;
    inschrijvingId: string;
    mutatie: NonNullable<OndersteuningState['mutatie']>;
  })[],
  meldingId: string,
  ts: string,
): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  await trx
    .insertInto('extraOndersteuningVersie')
    .values(
      rows.map((o) => ({
        ondersteuningId: o.ondersteuningId,
        inschrijvingId: o.inschrijvingId,
        datumBegin: o.datumBegin,
        datumEinde: o.datumEinde,
        verwijderd: o.verwijderd,
        mutatie: o.mutatie,
        registeredFrom: ts,
        registeredUntil: null,
        meldingId,
      })),
    )
    .execute();
}

/** Serialises meldingen about one person (both engines): a transaction-scoped advisory lock. */
export async function lockPersoon(trx: Transaction<DB>, pgn: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`persoon:${pgn}`}, 0))`.execute(trx);
}
