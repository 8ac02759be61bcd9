import type { Kysely } from 'kysely';
import { decodeCursor, encodeCursor, type Pagina } from '../aanlevering/terugkoppeling.service.ts';
import type { DB } from '../platform/db-schema.ts';
import { AppError } from '../platform/problem.ts';
import {
  findResultaatHistorie,
  listResultatenByInstelling,
  type ResultaatRow,
} from './resultaat.repository.ts';

/**
 * Raadplegen resultaten: an institution reads the resultaten of its own students (its own BRIN), current versions
 * with cursor paging, and the recorded history of one resultaat (a verwijdering stays visible there). Another
 * institution's resultaten are never found (404), so nothing leaks through ids.
 */

const MAX_LIMIT = 500;

export type ResultaatItem = {
  resultaatId: string;
  resultaatvolgnummer: string;
  soort: ResultaatRow['soort'];
  persoon: { burgerservicenummer?: string; onderwijsnummer?: string };
  inschrijvingsvolgnummer: string;
  resultaatvolgnummerDiploma?: string;
  opleidingcode?: string;
  datumResultaat?: string;
  indicatieBekostigbaar?: 'J' | 'N';
  code?: string;
  uitslag?: 'Behaald' | 'Niet behaald';
  certificaat?: 'J' | 'N';
  eindcijfer?: string;
  vrijstelling?: string;
  cijferIe?: string;
  cijferCe?: string;
  vrijstellingIe?: string;
  vrijstellingCe?: string;
};

export type ResultaatVersieItem = ResultaatItem & {
  verwijderd: boolean;
  mutatie: string;
  geregistreerdVanaf: string;
  geregistreerdTot: string | null;
  meldingId: string;
};

const jn = (b: boolean | null) => (b === null ? undefined : b ? 'J' : 'N');

function toItem(r: ResultaatRow): ResultaatItem {
  const item: Record<string, unknown> = {
    resultaatId: r.resultaatId,
    resultaatvolgnummer: r.resultaatvolgnummer,
    soort: r.soort,
    persoon:
      r.bsn !== null ? { burgerservicenummer: r.bsn } : { onderwijsnummer: r.onderwijsnummer ?? undefined },
    inschrijvingsvolgnummer: r.inschrijvingsvolgnummer,
    resultaatvolgnummerDiploma: r.resultaatvolgnummerDiploma ?? undefined,
    opleidingcode: r.opleidingcode ?? undefined,
    datumResultaat: r.datumResultaat ?? undefined,
    indicatieBekostigbaar: jn(r.indicatieBekostigbaar),
    code: r.code ?? undefined,
    uitslag: r.uitslag ?? undefined,
    certificaat: jn(r.certificaat),
    eindcijfer: r.eindcijfer ?? undefined,
    vrijstelling: r.vrijstelling ?? undefined,
    cijferIe: r.cijferIe ?? undefined,
    cijferCe: r.cijferCe ?? undefined,
    vrijstellingIe: r.vrijstellingIe ?? undefined,
    vrijstellingCe: r.vrijstellingCe ?? undefined,
  };
  for (const [k, v] of Object.entries(item)) {
    if (v === undefined) {
      delete item[k];
    }
  }
  return item as ResultaatItem;
}

/** The current resultaten of the institution's students, oldest first; `soort` filters DIP/AMO/GEO/KZD. */
export async function listResultaten(
  db: Kysely<DB>,
  brin: string,
  q: { limit?: number | undefined; cursor?: string | undefined; soort?: string | undefined },
): Promise<Pagina<ResultaatItem>> {
  const limit = Math.min(q.limit ?? 100, MAX_LIMIT);
  const rows = await listResultatenByInstelling(db, brin, {
    after: decodeCursor(q.cursor),
    limit: limit + 1,
    soort: q.soort,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toItem),
    volgende: rows.length > limit && last ? encodeCursor(last.resultaatId) : null,
  };
}

/** Every recorded version of one of the institution's resultaten, oldest first: the mutatiehistorie. */
export async function getResultaatHistorie(
  db: Kysely<DB>,
  brin: string,
  resultaatId: string,
): Promise<{ resultaatId: string; versies: ResultaatVersieItem[] }> {
  const rows = /^[0-9]{1,18}$/.test(resultaatId) ? await findResultaatHistorie(db, brin, resultaatId) : [];
  if (rows.length === 0) {
    throw new AppError({
      kind: 'not-found',
      code: 'resultaat.onbekend',
      title: 'Niet gevonden',
      detail: `Resultaat ${resultaatId} is niet gevonden bij uw instelling.`,
    });
  }
  return {
    resultaatId,
    versies: rows.map((r) => ({
      ...toItem(r),
      verwijderd: r.verwijderd,
      mutatie: r.mutatie,
      geregistreerdVanaf: r.registeredFrom,
      geregistreerdTot: r.registeredUntil,
      meldingId: r.meldingId,
    })),
  };
}
