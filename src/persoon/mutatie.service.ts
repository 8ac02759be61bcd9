import { type Kysely, sql } from 'kysely';
import { decodeCursor, encodeCursor, type Pagina } from '../aanlevering/terugkoppeling.service.ts';
import {
  executeWrites,
  lockPersoonExpression,
  type WritePart,
} from '../inschrijving/inschrijving.repository.ts';
import type { DB } from '../platform/db-schema.ts';
import { persoonGewijzigdEvent } from '../platform/events.ts';
import type { Executor } from '../platform/executor.ts';
import { enqueueJob, type Job } from '../platform/jobs.ts';
import type { BrpClient, BrpPersoon } from './brp.client.ts';
import { identificatieInsert, kenmerkVan } from './identificatie.service.ts';

/**
 * Spontane mutaties (DOMAIN.md §4.3): the BRP pushes a changed person (death, emigration, name, address,
 * nationality) for which the register holds an afnemersindicatie. The register stores the next identification
 * version (source `mutatie`) and tells every institution with an active inschrijving for the person: a signal
 * (655) and a row in its feed of changed person data. Death or emigration never de-enrols: the institution does.
 */

export const AFNEMERSINDICATIE_JOB = 'brp.afnemersindicatie';

/** Subscribe the person at the BRP (in the transaction that identified it; the job makes the call). */
export async function enqueueAfnemersindicatie(ex: Executor, bsn: string): Promise<void> {
  await enqueueJob(ex, { soort: AFNEMERSINDICATIE_JOB, sleutel: bsn, data: { bsn }, maxPogingen: 1000 });
}

export function afnemersindicatieJobHandler(deps: { brp: BrpClient }) {
  return async (job: Job): Promise<void> => {
    const { bsn } = job.data as { bsn: string };
    await deps.brp.plaatsAfnemersindicaties([bsn]);
  };
}

export type MutatieUitkomst = { verwerkt: boolean; instellingen: number };

export async function verwerkBrpMutatie(
  db: Kysely<DB>,
  vandaag: () => string,
  mutatie: { burgerservicenummer: string; soort: string; persoon: BrpPersoon },
): Promise<MutatieUitkomst> {
  const bsn = mutatie.burgerservicenummer;
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{
      ts: string;
      persoonId: string | null;
      identificatieId: string | null;
      kenmerk: string | null;
    }>`
      select clock_timestamp()::text as ts, ${lockPersoonExpression(`bsn:${bsn}`)} as lock,
        p.id::text as persoon_id, pi.id::text as identificatie_id, pi.kenmerk
      from (select 1) x
      left join persoon p on p.bsn = ${bsn}
      left join persoon_identificatie pi on pi.persoon_id = p.id and pi.registered_until is null`.execute(
      trx,
    );
    const row = rows[0];
    if (!row?.persoonId) {
      return { verwerkt: false, instellingen: 0 };
    }
    const persoonId = row.persoonId;
    if (row.kenmerk === kenmerkVan('geidentificeerd', bsn, mutatie.persoon)) {
      return { verwerkt: true, instellingen: 0 };
    }
    const { rows: ids } = await sql<{ id: string }>`
      select nextval('persoon_identificatie_id_seq')::text as id`.execute(trx);
    const identificatieId = ids[0]?.id ?? '';
    const { rows: brins } = await sql<{ brin: string }>`
      select distinct i.brin from inschrijving i
      join inschrijving_versie v on v.inschrijving_id = i.id and v.registered_until is null and not v.verwijderd
      where i.persoon_id = ${persoonId}
        and (v.datum_uitschrijving_werkelijk is null or v.datum_uitschrijving_werkelijk >= ${vandaag()}::date)
      order by i.brin`.execute(trx);
    const parts: WritePart[] = [];
    if (row.identificatieId) {
      parts.push(
        trx
          .updateTable('persoonIdentificatie')
          .set({ registeredUntil: row.ts })
          .where('id', '=', row.identificatieId)
          .where('registeredUntil', 'is', null),
      );
    }
    parts.push(
      identificatieInsert(trx, {
        persoonId,
        status: 'geidentificeerd',
        bsn,
        brp: mutatie.persoon,
        zoekgegevens: null,
        bron: 'mutatie',
        meldingId: null,
        ts: row.ts,
        id: identificatieId,
      }),
    );
    // the person's funding facts (residence) may have changed: the bekostiging koppeling recomputes
    parts.push(trx.insertInto('outboxEvent').values(persoonGewijzigdEvent(persoonId, 'brp-mutatie')));
    if (brins.length > 0) {
      const tekst = mutatieTekst(mutatie.soort, mutatie.persoon);
      parts.push(
        trx.insertInto('signaal').values(
          brins.map((b) => ({
            brin: b.brin,
            meldingId: null,
            persoonId,
            code: '655',
            ernst: 'S' as const,
            regel: null,
            recordSoort: 'persoon',
            recordSleutel: null,
            veld: null,
            tekst,
          })),
        ),
        trx
          .insertInto('persoonMutatie')
          .values(brins.map((b) => ({ brin: b.brin, persoonId, soort: mutatie.soort, identificatieId }))),
      );
    }
    await executeWrites(trx, parts);
    return { verwerkt: true, instellingen: brins.length };
  });
}

function mutatieTekst(soort: string, p: BrpPersoon): string {
  switch (soort) {
    case 'overlijden':
      return `De BRP meldt het overlijden van de deelnemer (${p.datumOverlijden ?? 'datum onbekend'}). De inschrijving blijft staan; schrijf de deelnemer zelf uit als dat nodig is.`;
    case 'emigratie':
      return `De BRP meldt vertrek naar het buitenland (${p.datumVertrek ?? 'datum onbekend'}). De inschrijving blijft staan; de instelling beslist over uitschrijving.`;
    default:
      return `Persoonsgegevens van de deelnemer gewijzigd in de BRP (${soort}). Zie de persoonsmutaties.`;
  }
}

export type PersoonsmutatieItem = {
  id: string;
  soort: string;
  burgerservicenummer: string | null;
  geregistreerdOp: string;
  persoonsgegevens: Record<string, unknown>;
};

/** The institution's feed of changed person data, oldest first, from the cursor on. */
export async function listPersoonsmutaties(
  db: Kysely<DB>,
  brin: string,
  f: { cursor?: string | undefined; limit?: number | undefined },
): Promise<Pagina<PersoonsmutatieItem>> {
  const limit = Math.min(f.limit ?? 100, 500);
  const after = decodeCursor(f.cursor);
  let q = db
    .selectFrom('persoonMutatie as m')
    .innerJoin('persoonIdentificatie as pi', 'pi.id', 'm.identificatieId')
    .select([
      'm.id',
      'm.soort',
      'm.createdAt',
      'pi.bsn',
      'pi.geslachtsnaam',
      'pi.voorvoegsel',
      'pi.voornamen',
      'pi.adellijkeTitelPredicaat',
      'pi.geboortedatum',
      'pi.geslacht',
      'pi.datumOverlijden',
      'pi.nationaliteiten',
      'pi.postcode',
      'pi.woonplaats',
      'pi.landVertrek',
      'pi.datumVertrek',
      'pi.verblijfstitel',
    ])
    .where('m.brin', '=', brin);
  if (after !== undefined) {
    q = q.where('m.id', '>', after);
  }
  const rows = await q.orderBy('m.id').limit(limit).execute();
  const last = rows.at(-1);
  return {
    items: rows.map((r) => ({
      id: r.id,
      soort: r.soort,
      burgerservicenummer: r.bsn,
      geregistreerdOp: r.createdAt,
      persoonsgegevens: {
        geslachtsnaam: r.geslachtsnaam,
        voorvoegsel: r.voorvoegsel,
        voornamen: r.voornamen,
        adellijkeTitelPredicaat: r.adellijkeTitelPredicaat,
        geboortedatum: r.geboortedatum,
        geslacht: r.geslacht,
        datumOverlijden: r.datumOverlijden,
        nationaliteiten: r.nationaliteiten ?? [],
        postcode: r.postcode,
        woonplaats: r.woonplaats,
        landVertrek: r.landVertrek,
        datumVertrek: r.datumVertrek,
        verblijfstitel: r.verblijfstitel,
      },
    })),
    // A feed: always a cursor to continue from (the same one when nothing new arrived).
    volgende: last ? encodeCursor(last.id) : (f.cursor ?? null),
  };
}
