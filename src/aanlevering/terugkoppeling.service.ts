import type { Kysely } from 'kysely';
import type { Actor } from '../platform/auth.ts';
import { DATUM_MAX, DATUM_MIN, isRegisterDatum } from '../platform/dates.ts';
import type { DB } from '../platform/db-schema.ts';
import { AppError } from '../platform/problem.ts';

/**
 * Terugkoppeling and archivering leveringen: an institution reads the signals on its own deliveries
 * and its own archived meldingen, newest first, with cursor paging. Another institution's data is
 * never found (404), so nothing leaks through ids.
 */

export type Pagina<T> = { items: T[]; volgende: string | null };

const MAX_LIMIT = 500;

export function requireInstelling(actor: Actor): string {
  if (actor.kind !== 'instelling' && actor.kind !== 'accountant') {
    throw new AppError({
      kind: 'forbidden',
      code: 'auth.geen-instelling',
      title: 'Geen toegang',
      detail: 'Alleen een instelling (of haar accountant) kan haar eigen leveringen raadplegen.',
    });
  }
  return actor.brin;
}

/** Opaque cursor: the last id seen, base64url. */
export function encodeCursor(id: string): string {
  return Buffer.from(`id:${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') {
    return undefined;
  }
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^id:([0-9]{1,18})$/.exec(text);
  if (!m?.[1]) {
    throw new AppError({
      kind: 'invalid',
      code: 'paginering.cursor-ongeldig',
      title: 'Ongeldige cursor',
      detail: 'De cursor is ongeldig; gebruik de waarde van "volgende" uit het vorige antwoord.',
    });
  }
  return m[1];
}

export type SignaalFilter = {
  code?: string | undefined;
  ernst?: 'A' | 'S' | undefined;
  vanaf?: string | undefined;
  tot?: string | undefined;
  meldingId?: string | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
};

export type SignaalItem = {
  id: string;
  meldingId: string | null;
  code: string;
  ernst: 'A' | 'S';
  regel: number | null;
  record: string | null;
  sleutel: string | null;
  veld: string | null;
  tekst: string;
  tijdstip: string;
  /**
   * The student the signal is about, by the numbers the institution knows them by. A signal the register sends
   * on its own (640 from the koppeling bekostiging, a BRP mutation) has no meldingId to trace it back by.
   */
  persoon?: { burgerservicenummer?: string; onderwijsnummer?: string; leerlingnummer?: string };
};

function persoonVan(r: {
  bsn: string | null;
  onderwijsnummer: string | null;
  leerlingnummer: string | null;
}): NonNullable<SignaalItem['persoon']> {
  return {
    ...(r.bsn !== null ? { burgerservicenummer: r.bsn } : {}),
    ...(r.onderwijsnummer !== null ? { onderwijsnummer: r.onderwijsnummer } : {}),
    ...(r.leerlingnummer !== null ? { leerlingnummer: r.leerlingnummer } : {}),
  };
}

function isoTimestamp(pg: string): string {
  return new Date(pg.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')).toISOString();
}

/** Lists the signals on the institution's deliveries, newest first. `vanaf`/`tot` are dates (inclusive). */
export async function listSignalen(
  db: Kysely<DB>,
  brin: string,
  f: SignaalFilter,
): Promise<Pagina<SignaalItem>> {
  const limit = Math.min(f.limit ?? 100, MAX_LIMIT);
  for (const [naam, datum] of [
    ['vanaf', f.vanaf],
    ['tot', f.tot],
  ] as const) {
    if (datum !== undefined && !isRegisterDatum(datum)) {
      throw new AppError({
        kind: 'invalid',
        code: 'verzoek.ongeldig',
        title: 'Ongeldig verzoek',
        detail: `Parameter ${naam} moet een bestaande datum zijn (JJJJ-MM-DD, tussen ${DATUM_MIN} en ${DATUM_MAX}).`,
      });
    }
  }
  let q = db
    .selectFrom('signaal as s')
    .leftJoin('persoon as p', 'p.id', 's.persoonId')
    .selectAll('s')
    .select(['p.bsn as bsn', 'p.onderwijsnummer as onderwijsnummer'])
    .select((eb) =>
      eb
        .selectFrom('persoonGegevens as g')
        .select('g.leerlingnummer')
        .whereRef('g.persoonId', '=', 's.persoonId')
        .whereRef('g.brin', '=', 's.brin')
        .where('g.registeredUntil', 'is', null)
        .limit(1)
        .as('leerlingnummer'),
    )
    .where('s.brin', '=', brin);
  const after = decodeCursor(f.cursor);
  if (after !== undefined) {
    q = q.where('s.id', '<', after);
  }
  if (f.code !== undefined) {
    q = q.where('s.code', '=', f.code);
  }
  if (f.ernst !== undefined) {
    q = q.where('s.ernst', '=', f.ernst);
  }
  if (f.meldingId !== undefined) {
    q = q.where('s.meldingId', '=', f.meldingId);
  }
  // Dates are Dutch calendar days.
  if (f.vanaf !== undefined) {
    q = q.where('s.createdAt', '>=', `${f.vanaf} 00:00:00 Europe/Amsterdam`);
  }
  if (f.tot !== undefined) {
    q = q.where('s.createdAt', '<', `${f.tot} 24:00:00 Europe/Amsterdam`);
  }
  const rows = await q
    .orderBy('s.id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      meldingId: r.meldingId === null ? null : String(r.meldingId),
      code: r.code,
      ernst: r.ernst,
      regel: r.regel,
      record: r.recordSoort,
      sleutel: r.recordSleutel,
      veld: r.veld,
      tekst: r.tekst,
      tijdstip: isoTimestamp(r.createdAt),
      ...(r.persoonId !== null ? { persoon: persoonVan(r) } : {}),
    })),
    volgende: rows.length > limit && last ? encodeCursor(last.id) : null,
  };
}

export type MeldingSamenvatting = {
  meldingId: string;
  berichtId: string | null;
  ontvangenOp: string;
  status: string | null;
  httpStatus: number | null;
  sha256: string;
};

/** Lists the institution's archived deliveries, newest first. */
export async function listMeldingen(
  db: Kysely<DB>,
  brin: string,
  f: { status?: string | undefined; limit?: number | undefined; cursor?: string | undefined },
): Promise<Pagina<MeldingSamenvatting>> {
  const limit = Math.min(f.limit ?? 100, MAX_LIMIT);
  let q = db
    .selectFrom('melding')
    .select(['id', 'berichtId', 'ontvangenOp', 'status', 'httpStatus', 'bodySha256'])
    .where('brin', '=', brin);
  const after = decodeCursor(f.cursor);
  if (after !== undefined) {
    q = q.where('id', '<', after);
  }
  if (f.status !== undefined) {
    q = q.where('status', '=', f.status as 'goedgekeurd');
  }
  const rows = await q
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      meldingId: r.id,
      berichtId: r.berichtId,
      ontvangenOp: isoTimestamp(r.ontvangenOp),
      status: r.status,
      httpStatus: r.httpStatus,
      sha256: r.bodySha256,
    })),
    volgende: rows.length > limit && last ? encodeCursor(last.id) : null,
  };
}

/** One archived delivery, verbatim, with the register's answer; 404 for another institution's melding. */
export async function getMelding(db: Kysely<DB>, brin: string, meldingId: string) {
  const row = /^[0-9]{1,18}$/.test(meldingId)
    ? await db
        .selectFrom('melding')
        .selectAll()
        .where('id', '=', meldingId)
        .where('brin', '=', brin)
        .executeTakeFirst()
    : undefined;
  if (!row) {
    throw new AppError({
      kind: 'not-found',
      code: 'melding.niet-gevonden',
      title: 'Niet gevonden',
      detail: `Melding ${meldingId} is niet gevonden bij uw instelling.`,
    });
  }
  return {
    meldingId: row.id,
    berichtId: row.berichtId,
    afzender: row.afzender,
    verantwoordelijke: row.verantwoordelijke,
    ontvangenOp: isoTimestamp(row.ontvangenOp),
    verwerktOp: row.verwerktOp === null ? null : isoTimestamp(row.verwerktOp),
    status: row.status,
    httpStatus: row.httpStatus,
    sha256: row.bodySha256,
    bericht: row.body,
    antwoord: row.antwoord,
  };
}
