import type { Compilable, Insertable, Kysely, OperationNodeSource, Transaction } from 'kysely';
import type { DB } from '../platform/db-schema.ts';
import { inschrijvingVan, type ResultaatState } from './resultaat.ts';

/** Kysely statements for the onderwijsresultaten register; executor first, plain rows out. */

/** A statement that can be one part of a multi-part write (structurally the aanlevering's WritePart). */
type Part = Compilable & OperationNodeSource;

export type ResultaatWrites = {
  parts: Part[];
  /** Resultaten whose change matters for funding (diplomas): the service writes an outbox event per id. */
  bekostigingsrelevant: { resultaatId: string; inschrijvingId: string; soort: string; mutatie: string }[];
  aantal: number;
};

/**
 * The statements for what a melding changed in the person's resultaten: new identity rows (with ids allocated in
 * loadPersoonState), closing the replaced versions and inserting the next ones (a verwijdering is a version with
 * verwijderd = true). Parts for `executeWrites`: everything lands in the melding's one write statement.
 */
export function buildResultaatWrites(
  trx: Transaction<DB>,
  args: {
    persoonId: string;
    brin: string;
    meldingId: string;
    ts: string;
    nieuw: readonly ResultaatState[];
    ids: readonly string[];
    inschrijvingIdByNummer: ReadonlyMap<string, string>;
  },
): ResultaatWrites {
  const ids = [...args.ids];
  const changed = args.nieuw.filter((r) => r.mutatie !== undefined);
  const idByNummer = new Map<string, string>();
  const identities: Insertable<DB['resultaat']>[] = [];
  for (const r of args.nieuw) {
    let id = r.resultaatId;
    if (id === undefined && r.mutatie !== undefined) {
      id = ids.shift();
      if (id === undefined) {
        throw new Error('fewer resultaat ids allocated than needed');
      }
      identities.push({
        id,
        persoonId: args.persoonId,
        brin: args.brin,
        resultaatvolgnummer: r.resultaatvolgnummer,
        soort: r.soort,
      } as unknown as Insertable<DB['resultaat']>);
    }
    if (id !== undefined) {
      idByNummer.set(r.resultaatvolgnummer, id);
    }
  }
  const versies: Insertable<DB['resultaatVersie']>[] = [];
  const bekostigingsrelevant: ResultaatWrites['bekostigingsrelevant'] = [];
  for (const r of changed) {
    const resultaatId = idByNummer.get(r.resultaatvolgnummer);
    const nr = inschrijvingVan(r, args.nieuw);
    const inschrijvingId = nr === null ? undefined : args.inschrijvingIdByNummer.get(nr);
    if (resultaatId === undefined || inschrijvingId === undefined) {
      throw new Error(`resultaat ${r.resultaatvolgnummer} cannot be linked to its inschrijving`);
    }
    const diplomaId =
      r.resultaatvolgnummerDiploma === null ? null : (idByNummer.get(r.resultaatvolgnummerDiploma) ?? null);
    versies.push({
      resultaatId,
      inschrijvingId,
      diplomaId,
      opleidingcode: r.opleidingcode,
      datumResultaat: r.datumResultaat,
      indicatieBekostigbaar: r.indicatieBekostigbaar,
      code: r.code,
      uitslag: r.uitslag,
      certificaat: r.certificaat,
      eindcijfer: r.eindcijfer,
      vrijstelling: r.vrijstelling,
      cijferIe: r.cijferIe,
      cijferCe: r.cijferCe,
      vrijstellingIe: r.vrijstellingIe,
      vrijstellingCe: r.vrijstellingCe,
      verwijderd: r.verwijderd,
      mutatie: r.mutatie ?? 'wijzigen',
      registeredFrom: args.ts,
      registeredUntil: null,
      meldingId: args.meldingId,
    });
    if (r.bekostigingsrelevant) {
      bekostigingsrelevant.push({
        resultaatId,
        inschrijvingId,
        soort: r.soort,
        mutatie: r.mutatie ?? 'wijzigen',
      });
    }
  }
  const parts: Part[] = [];
  const close = changed.flatMap((r) => (r.resultaatId === undefined ? [] : [r.resultaatId]));
  if (close.length > 0) {
    // the one-current-version constraint is deferred to commit: close and insert in one statement
    parts.push(
      trx
        .updateTable('resultaatVersie')
        .set({ registeredUntil: args.ts })
        .where('resultaatId', 'in', close)
        .where('registeredUntil', 'is', null),
    );
  }
  if (identities.length > 0) {
    parts.push(trx.insertInto('resultaat').values(identities));
  }
  if (versies.length > 0) {
    parts.push(trx.insertInto('resultaatVersie').values(versies));
  }
  return { parts, bekostigingsrelevant, aantal: changed.length };
}

/** One resultaat version with what identifies it, as the raadplegen routes present it. */
export type ResultaatRow = {
  resultaatId: string;
  versieId: string;
  resultaatvolgnummer: string;
  soort: 'DIP' | 'AMO' | 'GEO' | 'KZD';
  bsn: string | null;
  onderwijsnummer: string | null;
  inschrijvingsvolgnummer: string;
  resultaatvolgnummerDiploma: string | null;
  opleidingcode: string | null;
  datumResultaat: string | null;
  indicatieBekostigbaar: boolean | null;
  code: string | null;
  uitslag: 'Behaald' | 'Niet behaald' | null;
  certificaat: boolean | null;
  eindcijfer: string | null;
  vrijstelling: string | null;
  cijferIe: string | null;
  cijferCe: string | null;
  vrijstellingIe: string | null;
  vrijstellingCe: string | null;
  verwijderd: boolean;
  mutatie: string;
  registeredFrom: string;
  registeredUntil: string | null;
  meldingId: string;
};

function selectResultaatVersies(db: Kysely<DB>) {
  return db
    .selectFrom('resultaat as r')
    .innerJoin('resultaatVersie as v', 'v.resultaatId', 'r.id')
    .innerJoin('persoon as p', 'p.id', 'r.persoonId')
    .innerJoin('inschrijving as i', 'i.id', 'v.inschrijvingId')
    .leftJoin('resultaat as d', 'd.id', 'v.diplomaId')
    .select([
      'r.id as resultaatId',
      'v.id as versieId',
      'r.resultaatvolgnummer',
      'r.soort',
      'p.bsn',
      'p.onderwijsnummer',
      'i.inschrijvingsvolgnummer',
      'd.resultaatvolgnummer as resultaatvolgnummerDiploma',
      'v.opleidingcode',
      'v.datumResultaat',
      'v.indicatieBekostigbaar',
      'v.code',
      'v.uitslag',
      'v.certificaat',
      'v.eindcijfer',
      'v.vrijstelling',
      'v.cijferIe',
      'v.cijferCe',
      'v.vrijstellingIe',
      'v.vrijstellingCe',
      'v.verwijderd',
      'v.mutatie',
      'v.registeredFrom',
      'v.registeredUntil',
      'v.meldingId',
    ]);
}

/** Current, not removed resultaten of an institution's students, oldest first, keyset-paged on the resultaat id. */
export async function listResultatenByInstelling(
  db: Kysely<DB>,
  brin: string,
  args: { after?: string | undefined; limit: number; soort?: string | undefined },
): Promise<ResultaatRow[]> {
  let q = selectResultaatVersies(db)
    .where('r.brin', '=', brin)
    .where('v.registeredUntil', 'is', null)
    .where('v.verwijderd', '=', false);
  if (args.after !== undefined) {
    q = q.where('r.id', '>', args.after);
  }
  if (args.soort !== undefined) {
    q = q.where('r.soort', '=', args.soort as ResultaatRow['soort']);
  }
  return (await q.orderBy('r.id').limit(args.limit).execute()) as ResultaatRow[];
}

/** Every recorded version of one resultaat of the institution, oldest first (empty when not its own). */
export async function findResultaatHistorie(
  db: Kysely<DB>,
  brin: string,
  resultaatId: string,
): Promise<ResultaatRow[]> {
  return (await selectResultaatVersies(db)
    .where('r.brin', '=', brin)
    .where('r.id', '=', resultaatId)
    .orderBy('v.id')
    .execute()) as ResultaatRow[];
}
