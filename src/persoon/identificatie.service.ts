import { createHash } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import {
  executeWrites,
  lockPersoonExpression,
  type WritePart,
} from '../inschrijving/inschrijving.repository.ts';
import type { DB, IdentificatieStatus } from '../platform/db-schema.ts';
import { persoonGewijzigdEvent } from '../platform/events.ts';
import { enqueueJob, type Job } from '../platform/jobs.ts';
import { type BrpClient, type BrpPersoon, isBrpFout } from './brp.client.ts';
import {
  afwijkingen,
  type GeleverdePersoon,
  type Identificatie,
  onderwijsnummerVan,
} from './identificatie.ts';
import { enqueueAfnemersindicatie } from './mutatie.service.ts';

/** Job soort: retry an identification the BRP did not answer. */
export const IDENTIFICATIE_JOB = 'persoon.identificeren';

export type Zoekgegevens = {
  achternaam: string | null;
  voorvoegsel: string | null;
  geboortedatum: string;
  geslacht: string;
  postcode: string | null;
};

/**
 * Looks the melding's person up in the BRP, BEFORE the melding's transaction. A BRP error (4xx, 5xx, timeout,
 * refused connection, open circuit) is `in-behandeling`, never "not found".
 */
export async function identificeer(brp: BrpClient, p: GeleverdePersoon): Promise<Identificatie> {
  if (p.onderwijsnummer !== undefined && p.burgerservicenummer === undefined) {
    return { soort: 'onderwijsnummer' };
  }
  try {
    if (p.burgerservicenummer !== undefined) {
      const bsn = p.burgerservicenummer;
      const gevonden = await brp.raadpleeg(bsn);
      if (gevonden === null) {
        return { soort: 'niet-in-brp', bsn };
      }
      const velden = afwijkingen(p, gevonden);
      return velden.length > 0
        ? { soort: 'afwijkend', bsn, velden, brp: gevonden }
        : { soort: 'brp', bsn, brp: gevonden, gevonden: false };
    }
    return await zoek(brp, zoekgegevensVan(p));
  } catch (e) {
    if (isBrpFout(e)) {
      return { soort: 'in-behandeling', bsn: p.burgerservicenummer ?? null, fout: e.message };
    }
    throw e;
  }
}

export function zoekgegevensVan(p: GeleverdePersoon): Zoekgegevens {
  return {
    achternaam: p.achternaam ?? null,
    voorvoegsel: p.voorvoegsel ?? null,
    geboortedatum: p.geboortedatum,
    geslacht: p.geslacht,
    postcode: p.postcode ?? null,
  };
}

/** Rules 7–9: search by geslachtsnaam + geboortedatum; sex and postcode narrow the candidates. */
async function zoek(brp: BrpClient, z: Zoekgegevens): Promise<Identificatie> {
  if (z.achternaam === null) {
    return { soort: 'geen-match' };
  }
  let kandidaten = await brp.zoekMetGeslachtsnaamEnGeboortedatum({
    geslachtsnaam: z.achternaam,
    geboortedatum: z.geboortedatum,
  });
  kandidaten = kandidaten.filter(
    (k) => z.geslacht === 'O' || k.geslacht === null || k.geslacht === 'O' || k.geslacht === z.geslacht,
  );
  if (kandidaten.length > 1 && z.postcode !== null) {
    const opPostcode = kandidaten.filter((k) => k.postcode === z.postcode);
    if (opPostcode.length > 0) {
      kandidaten = opPostcode;
    }
  }
  const [enige] = kandidaten;
  if (kandidaten.length === 1 && enige) {
    return { soort: 'brp', bsn: enige.burgerservicenummer, brp: enige, gevonden: true };
  }
  return kandidaten.length === 0 ? { soort: 'geen-match' } : { soort: 'meerdere', aantal: kandidaten.length };
}

export function statusVan(ident: Identificatie): IdentificatieStatus | undefined {
  switch (ident.soort) {
    case 'brp':
      return 'geidentificeerd';
    case 'niet-in-brp':
      return 'niet-in-brp';
    case 'in-behandeling':
      return 'in-behandeling';
    case 'geen-match':
      return 'onderwijsnummer';
    case 'meerdere':
      return 'meerdere-kandidaten';
    default:
      return undefined;
  }
}

export function kenmerkVan(status: string, bsn: string | null, brp: BrpPersoon | null): string {
  return createHash('sha256').update(JSON.stringify({ status, bsn, brp })).digest('hex');
}

/** The next unused onderwijsnummer (sequence values without a valid check digit are skipped, never reused). */
export async function nieuwOnderwijsnummer(trx: Transaction<DB> | Kysely<DB>): Promise<string> {
  for (;;) {
    const { rows } = await sql<{ n: string }>`select nextval('onderwijsnummer_seq')::text as n`.execute(trx);
    const nummer = onderwijsnummerVan(Number(rows[0]?.n));
    if (nummer !== undefined) {
      return nummer;
    }
  }
}

/** The insert of a new identification version (the caller closes the current one in the same statement). */
export function identificatieInsert(
  trx: Transaction<DB>,
  args: {
    persoonId: string;
    status: IdentificatieStatus;
    bsn: string | null;
    brp: BrpPersoon | null;
    zoekgegevens: unknown;
    bron: 'melding' | 'job' | 'mutatie' | 'beheer';
    meldingId: string | null;
    ts: string;
    /** An id allocated beforehand, when other parts of the same statement refer to this version. */
    id?: string;
  },
): WritePart {
  const b = args.brp;
  // explicit id: the column is typed Generated (never written) for ordinary inserts
  const id = (args.id === undefined ? {} : { id: args.id }) as Record<string, never>;
  return trx.insertInto('persoonIdentificatie').values({
    ...id,
    persoonId: args.persoonId,
    status: args.status,
    bsn: args.bsn,
    geslachtsnaam: b?.geslachtsnaam ?? null,
    voorvoegsel: b?.voorvoegsel ?? null,
    voornamen: b?.voornamen ?? null,
    adellijkeTitelPredicaat: b?.adellijkeTitelPredicaat ?? null,
    geboortedatum: b?.geboortedatum ?? null,
    geboorteland: b?.geboorteland ?? null,
    geslacht: b?.geslacht ?? null,
    datumOverlijden: b?.datumOverlijden ?? null,
    nationaliteiten: b ? b.nationaliteiten : null,
    verblijfstitel: b?.verblijfstitel ?? null,
    datumIngangVerblijfstitel: b?.datumIngangVerblijfstitel ?? null,
    datumEindeVerblijfstitel: b?.datumEindeVerblijfstitel ?? null,
    postcode: b?.postcode ?? null,
    huisnummer: b?.huisnummer ?? null,
    woonplaats: b?.woonplaats ?? null,
    landVertrek: b?.landVertrek ?? null,
    datumVertrek: b?.datumVertrek ?? null,
    datumVestiging: b?.datumVestiging ?? null,
    redenOpschorting: b?.redenOpschorting ?? null,
    zoekgegevens: args.zoekgegevens === null ? null : JSON.stringify(args.zoekgegevens),
    kenmerk: kenmerkVan(args.status, args.bsn, b),
    bron: args.bron,
    meldingId: args.meldingId,
    registeredFrom: args.ts,
    registeredUntil: null,
  });
}

export type IdentificatieJobData = {
  persoonId: string;
  meldingId: string | null;
  brin: string;
  lockKey: string;
  /** DUO searches the BRP again for a person that got an onderwijsnummer; only a found BSN changes anything. */
  heridentificatie?: boolean;
};

/** DUO searches the BRP again for every person that got an onderwijsnummer (jobs); returns how many. */
export async function enqueueHeridentificatie(db: Kysely<DB>): Promise<number> {
  const rows = await db
    .selectFrom('persoonIdentificatie as pi')
    .innerJoin('persoon as p', 'p.id', 'pi.persoonId')
    .leftJoin('melding as m', 'm.id', 'pi.meldingId')
    .select(['p.id', 'p.onderwijsnummer', 'pi.meldingId', 'm.brin'])
    .where('pi.registeredUntil', 'is', null)
    .where('pi.status', '=', 'onderwijsnummer')
    .where('p.bsn', 'is', null)
    .execute();
  for (const r of rows) {
    const data: IdentificatieJobData = {
      persoonId: r.id,
      meldingId: r.meldingId === null ? null : String(r.meldingId),
      brin: r.brin ?? '',
      lockKey: `onr:${r.onderwijsnummer ?? ''}`,
      heridentificatie: true,
    };
    await enqueueJob(db, { soort: IDENTIFICATIE_JOB, sleutel: `her:${r.id}`, data, maxPogingen: 1000 });
  }
  return rows.length;
}

export async function enqueueIdentificatie(trx: Transaction<DB>, data: IdentificatieJobData): Promise<void> {
  await enqueueJob(trx, { soort: IDENTIFICATIE_JOB, sleutel: data.persoonId, data, maxPogingen: 1000 });
}

/**
 * The job that completes an identification the BRP did not answer: the BRP call happens outside any
 * transaction; a BRP error throws, so the job is retried with backoff until the BRP answers. Then, in one
 * transaction under the person lock, the next identification version and the institution's signals.
 * Idempotent: a person no longer `in-behandeling` is left alone.
 */
export function identificatieJobHandler(deps: { db: Kysely<DB>; brp: BrpClient }) {
  return async (job: Job): Promise<void> => {
    const data = job.data as IdentificatieJobData;
    const huidig = await deps.db
      .selectFrom('persoonIdentificatie as pi')
      .innerJoin('persoon as p', 'p.id', 'pi.persoonId')
      .where('pi.persoonId', '=', data.persoonId)
      .where('pi.registeredUntil', 'is', null)
      .select(['pi.id', 'pi.status', 'pi.zoekgegevens', 'p.bsn'])
      .executeTakeFirst();
    const verwacht: IdentificatieStatus = data.heridentificatie ? 'onderwijsnummer' : 'in-behandeling';
    if (huidig?.status !== verwacht) {
      return;
    }
    const z = (huidig.zoekgegevens ?? {}) as Zoekgegevens;
    const geleverd: GeleverdePersoon = {
      geboortedatum: z.geboortedatum,
      geslacht: (z.geslacht as 'M' | 'V' | 'O') ?? 'O',
      ...(huidig.bsn ? { burgerservicenummer: huidig.bsn } : {}),
      ...(z.achternaam ? { achternaam: z.achternaam } : {}),
      ...(z.postcode ? { postcode: z.postcode } : {}),
    };
    const ident = await identificeer(deps.brp, geleverd);
    if (ident.soort === 'in-behandeling') {
      throw new Error(ident.fout);
    }
    if (data.heridentificatie && ident.soort !== 'brp') {
      return;
    }
    await deps.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ ts: string; id: string | null }>`
        select clock_timestamp()::text as ts, ${lockPersoonExpression(data.lockKey)} as lock,
          (select id::text from persoon_identificatie where persoon_id = ${data.persoonId}
             and registered_until is null and status = ${verwacht}) as id`.execute(trx);
      const row = rows[0];
      if (!row?.id) {
        return;
      }
      let bsn: string | null = huidig.bsn;
      let onderwijsnummer: string | null = null;
      let status: IdentificatieStatus;
      let brp: BrpPersoon | null = null;
      const signalen: { code: string; tekst: string }[] = [];
      switch (ident.soort) {
        case 'brp':
        case 'afwijkend': {
          status = 'geidentificeerd';
          brp = ident.brp;
          if (ident.soort === 'brp' && ident.gevonden) {
            const bestaand = await trx
              .selectFrom('persoon')
              .select('id')
              .where('bsn', '=', ident.bsn)
              .executeTakeFirst();
            if (bestaand) {
              status = 'meerdere-kandidaten';
              signalen.push({
                code: '651',
                tekst:
                  'De BRP vond een burgerservicenummer dat het register al kent onder een andere persoon; DUO beoordeelt of het dezelfde deelnemer is.',
              });
              break;
            }
            bsn = ident.bsn;
            signalen.push({
              code: '755',
              tekst: `Burgerservicenummer ${ident.bsn} gevonden in de BRP; gebruik dit nummer voortaan.`,
            });
          }
          if (ident.soort === 'afwijkend') {
            signalen.push({
              code: '654',
              tekst: `De geleverde ${ident.velden.join(', ')} wijkt af van de BRP. Controleer de gegevens van de deelnemer.`,
            });
          }
          break;
        }
        case 'niet-in-brp':
          status = 'niet-in-brp';
          signalen.push({
            code: '650',
            tekst: 'Het burgerservicenummer komt niet voor in de BRP. Controleer het nummer.',
          });
          break;
        case 'geen-match':
          status = 'onderwijsnummer';
          onderwijsnummer = await nieuwOnderwijsnummer(trx);
          signalen.push({
            code: '756',
            tekst: `Niet gevonden in de BRP; onderwijsnummer ${onderwijsnummer} uitgegeven. Gebruik dit nummer voortaan.`,
          });
          break;
        case 'meerdere':
          status = 'meerdere-kandidaten';
          signalen.push({
            code: '651',
            tekst: `${ident.aantal} personen in de BRP passen bij de gegevens; DUO identificeert de deelnemer.`,
          });
          break;
        default:
          return;
      }
      if (!data.heridentificatie) {
        signalen.push({ code: '653', tekst: `Identificatie van de deelnemer afgerond: ${status}.` });
      }
      const parts: WritePart[] = [
        trx.updateTable('persoonIdentificatie').set({ registeredUntil: row.ts }).where('id', '=', row.id),
        identificatieInsert(trx, {
          persoonId: data.persoonId,
          status,
          bsn,
          brp,
          zoekgegevens: z,
          bron: 'job',
          meldingId: data.meldingId,
          ts: row.ts,
        }),
      ];
      if (bsn !== huidig.bsn || onderwijsnummer !== null) {
        // Assigning the number a person did not have yet (its identity row; no earlier value is lost).
        parts.push(
          trx
            .updateTable('persoon')
            .set({ ...(bsn !== huidig.bsn ? { bsn } : {}), ...(onderwijsnummer ? { onderwijsnummer } : {}) })
            .where('id', '=', data.persoonId),
        );
      }
      // the person's funding facts (in the BRP or not) may have changed: the bekostiging koppeling recomputes
      parts.push(
        trx.insertInto('outboxEvent').values(persoonGewijzigdEvent(data.persoonId, 'identificatie')),
      );
      parts.push(
        trx.insertInto('signaal').values(
          signalen.map((s) => ({
            brin: data.brin,
            meldingId: data.meldingId,
            persoonId: data.persoonId,
            code: s.code,
            ernst: 'S' as const,
            regel: null,
            recordSoort: 'persoon',
            recordSleutel: null,
            veld: null,
            tekst: s.tekst,
          })),
        ),
      );
      await executeWrites(trx, parts);
      if (status === 'geidentificeerd' && bsn !== null) {
        await enqueueAfnemersindicatie(trx, bsn);
      }
    });
  };
}
