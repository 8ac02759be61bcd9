import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { bpvOutboxEvents, bpvVerificatieJobs, huidigeLeerbedrijven } from '../bpv/bpv.repository.ts';
import { leerbedrijvenInMelding, teHerverifieren, teVerifieren } from '../bpv/bpv.ts';
import { lookupLeerbedrijven, type SbbClient } from '../bpv/sbb.client.ts';
import {
  buildVersieInserts,
  executeWrites,
  loadPersoonState,
  lockPersoonExpression,
  maxNieuw,
  type WritePart,
} from '../inschrijving/inschrijving.repository.ts';
import {
  applyMelding,
  type ControleInstelling,
  type ControleReferentie,
} from '../inschrijving/inschrijving.ts';
import {
  checkDiplomaMutatiestop,
  checkMutatiestop,
  type Verantwoordelijke,
} from '../inschrijving/mutatiestop.ts';
import type { BrpClient } from '../persoon/brp.client.ts';
import {
  enqueueIdentificatie,
  identificatieInsert,
  identificeer,
  kenmerkVan,
  nieuwOnderwijsnummer,
  statusVan,
  zoekgegevensVan,
} from '../persoon/identificatie.service.ts';
import type { Identificatie } from '../persoon/identificatie.ts';
import { enqueueAfnemersindicatie } from '../persoon/mutatie.service.ts';
import type { Actor } from '../platform/auth.ts';
import type { Clock } from '../platform/clock.ts';
import { dutchDate } from '../platform/dates.ts';
import type { Database } from '../platform/db.ts';
import type { DB, MeldingStatus } from '../platform/db-schema.ts';
import { INSCHRIJVING_GEWIJZIGD, RESULTAAT_GEWIJZIGD } from '../platform/events.ts';
import { AppError, problem } from '../platform/problem.ts';
import { buildResultaatWrites } from '../resultaat/resultaat.repository.ts';
import {
  applyResultaten,
  countResultatenPerInschrijving,
  type ResultaatKwalificatie,
} from '../resultaat/resultaat.ts';
import { type Bevinding, bevinding, isAfkeurend } from './bevinding.ts';
import { CODES } from './codes.ts';
import { checkAdres, checkPgn, checkShape } from './melding.controles.ts';
import type { Melding, PersoonInput } from './melding.schema.ts';

/** What the intake needs of the reference data (Referentie satisfies it structurally). */
export type IntakeReferentie = ControleReferentie & {
  kwalificaties: ReadonlyMap<string, ResultaatKwalificatie>;
  instellingen: ReadonlyMap<string, ControleInstelling & { aanleverpunten: ReadonlySet<string> }>;
};

export type IntakeDeps = {
  database: Database;
  referentie: () => IntakeReferentie;
  clock: Clock;
  /** The BRP (Haal Centraal client); without it persons are not identified (only for tools that need no BRP). */
  brp?: BrpClient | undefined;
  /** SBB's leerbedrijven services; without it BPV is stored unverified. */
  sbb?: SbbClient | undefined;
};

export type Ctx = { actor: Actor; correlationId: string };

export type MeldingUitkomst = {
  httpStatus: number;
  body: Record<string, unknown>;
  replayed: boolean;
};

export const MELDINGEN_PATH = '/koppelvlak/v1/meldingen';

/** Codes whose finding is drawn from other institutions' data (rule 30). */
const OVER_ANDERE_INSTELLINGEN = new Set([CODES.andereInstelling.code]);

/** At most this many findings are stored and answered per melding; the rest are counted in one 647. */
export const MAX_BEVINDINGEN = 100;

/** Caps the findings of one melding, so a small request cannot produce thousands of rows. */
export function begrens(bevindingen: Bevinding[]): Bevinding[] {
  if (bevindingen.length <= MAX_BEVINDINGEN) {
    return bevindingen;
  }
  const rest = bevindingen.length - (MAX_BEVINDINGEN - 1);
  return [
    ...bevindingen.slice(0, MAX_BEVINDINGEN - 1),
    bevinding(
      'teveelBevindingen',
      { record: 'melding' },
      `En nog ${rest} bevindingen die dit antwoord niet toont. Herstel eerst de getoonde en lever de melding opnieuw.`,
    ),
  ];
}

/** sha256 of the canonical content: keys sorted, strings NFC-normalised, whitespace irrelevant. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(value) ?? 'undefined')
    .digest('hex');
}

function canonicalJson(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k.normalize('NFC'))}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'string') {
    return JSON.stringify(value.normalize('NFC'));
  }
  return JSON.stringify(value);
}

/** PostgreSQL's timestamptz text (UTC session) as ISO 8601. */
function isoTijd(pg: string): string {
  return new Date(pg.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')).toISOString();
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function pgnOf(
  p: PersoonInput,
  brin: string,
  ident?: Identificatie,
): { bsn: string | null; onderwijsnummer: string | null; leerlingnummer: string | null; key: string } {
  if (p.burgerservicenummer !== undefined) {
    return {
      bsn: p.burgerservicenummer,
      onderwijsnummer: null,
      // finds the person this institution knew by onderwijsnummer, when no person has this BSN yet
      leerlingnummer: p.leerlingnummer ?? null,
      key: `bsn:${p.burgerservicenummer}`,
    };
  }
  if (p.onderwijsnummer !== undefined) {
    return {
      bsn: null,
      onderwijsnummer: p.onderwijsnummer,
      leerlingnummer: null,
      key: `onr:${p.onderwijsnummer}`,
    };
  }
  if (ident?.soort === 'brp') {
    return { bsn: ident.bsn, onderwijsnummer: null, leerlingnummer: null, key: `bsn:${ident.bsn}` };
  }
  // Without a number: the institution's leerlingnummer finds the person it delivered before.
  const ll = p.leerlingnummer ?? `${p.achternaam ?? ''}|${p.geboortedatum}`;
  return {
    bsn: null,
    onderwijsnummer: null,
    leerlingnummer: p.leerlingnummer ?? null,
    key: `zonder:${brin}:${ll}`,
  };
}

/**
 * Aanleveren: takes one melding from an institution's SIS, archives it verbatim, judges it and answers
 * at once. The archive row, the register changes, the signals, the outbox events and the audit entry
 * are written in ONE transaction, so an answered melding is durable and a failed one leaves nothing
 * half-stored (docs/adr/0003). A re-sent melding with the same berichtId and content gets the original
 * answer; the same berichtId with other content is a conflict.
 */
export async function processMelding(
  deps: IntakeDeps,
  ctx: Ctx,
  raw: string,
  parsed: unknown,
): Promise<MeldingUitkomst> {
  const { actor } = ctx;
  // An institution delivers under its own responsibility; its accountant (accountant:<brin>) may deliver for the
  // same BRIN, and only the accountant may deliver under the accountant's responsibility (rule 38, mutatiestop).
  if (actor.kind !== 'instelling' && actor.kind !== 'accountant') {
    throw new AppError({
      kind: 'forbidden',
      code: 'melding.geen-instelling',
      title: 'Geen toegang',
      detail: 'Alleen een instelling of haar accountant kan meldingen aanleveren.',
    });
  }
  const obj =
    parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  if (obj.verantwoordelijke === 'accountant' && actor.kind !== 'accountant') {
    throw new AppError({
      kind: 'forbidden',
      code: 'melding.verantwoordelijke-accountant',
      title: 'Geen toegang',
      detail:
        'Alleen een accountant (rol accountant:<brin>) kan een melding onder verantwoordelijkheid van de accountant ' +
        'aanleveren. Lever de melding zonder "verantwoordelijke" of laat uw accountant haar aanleveren.',
    });
  }
  const verantwoordelijke: Verantwoordelijke =
    obj.verantwoordelijke === 'accountant' ? 'accountant' : 'instelling';
  if (typeof obj.brin === 'string' && obj.brin !== actor.brin) {
    throw new AppError({
      kind: 'forbidden',
      code: 'melding.andere-instelling',
      title: 'Geen toegang',
      detail: `U bent ingelogd voor instelling ${actor.brin} en kunt alleen voor die instelling aanleveren.`,
    });
  }
  const berichtId =
    typeof obj.berichtId === 'string' && /^[A-Za-z0-9._:-]{1,100}$/.test(obj.berichtId)
      ? obj.berichtId
      : null;
  const shape = checkShape(parsed);
  // A body too deeply nested to be a melding is compared as bytes (the canonical form recurses).
  const inhoudSha256 = shape.bevindingen.some((b) => b.code === CODES.teDiep.code)
    ? sha256(raw)
    : canonicalHash(parsed);

  const pre: Bevinding[] = [...shape.bevindingen];
  const melding = shape.melding;
  const referentie = deps.referentie();
  const instelling = referentie.instellingen.get(actor.brin);
  if (melding) {
    pre.push(...checkPgn(melding.persoon), ...checkAdres(melding.persoon));
    if (!instelling) {
      pre.push(
        bevinding(
          'instellingOnbekend',
          { record: 'melding', veld: '/brin' },
          `Instelling ${actor.brin} is niet bekend in het register; neem contact op met DUO.`,
        ),
      );
    } else if (melding.aanleverpunt !== undefined && !instelling.aanleverpunten.has(melding.aanleverpunt)) {
      pre.push(
        bevinding(
          'aanleverpuntOnbekend',
          { record: 'melding', veld: '/aanleverpunt' },
          `Aanleverpunt ${melding.aanleverpunt} is niet geregistreerd voor instelling ${actor.brin} ` +
            `(geregistreerd: ${[...instelling.aanleverpunten].join(', ') || 'geen'}).`,
        ),
      );
    }
  }

  // Identification: the BRP call happens here, BEFORE the transaction (never an HTTP call inside one).
  let ident: Identificatie | undefined;
  if (melding && instelling && !isAfkeurend(pre) && deps.brp) {
    ident = await identificeer(deps.brp, melding.persoon);
    if (ident.soort === 'afwijkend') {
      pre.push(
        bevinding(
          'bsnAfwijkend',
          { record: 'persoon', veld: `/persoon/${ident.velden[0] ?? 'burgerservicenummer'}` },
          `Het burgerservicenummer past niet bij de geleverde ${ident.velden.join(', ')} volgens de BRP. ` +
            'Controleer het BSN en de persoonsgegevens op het identiteitsbewijs.',
        ),
      );
    }
  }

  // Never inside the transaction: ask SBB about the leerbedrijven this melding names first (docs/adr/0006).
  // A wijzigen that moves a BPV's start or changes its opleiding without naming the leerbedrijf: read which
  // leerbedrijf the register holds (a plain read, before the transaction) and ask SBB about it too. This runs
  // after identification, so that read finds the person the BRP named (or the one known by leerlingnummer).
  const sbbUitslagen =
    melding && instelling && !isAfkeurend(pre) && deps.sbb
      ? await lookupLeerbedrijven(deps.sbb, [
          ...new Set([
            ...leerbedrijvenInMelding(melding.bpv),
            ...(await huidigeLeerbedrijven(
              deps.database.db,
              pgnOf(melding.persoon, actor.brin, ident),
              actor.brin,
              teHerverifieren(melding.bpv),
            )),
          ]),
        ])
      : new Map();

  try {
    return await deps.database.db.transaction().execute(async (trx) => {
      // The person whose data this melding changes is locked in the same statement that archives the melding
      // (transaction-scoped; serialises meldingen about one person). Rejected-at-sight meldingen lock nothing.
      const lockKey =
        melding && instelling && !isAfkeurend(pre)
          ? pgnOf(melding.persoon, actor.brin, ident).key
          : undefined;
      const archive = trx
        .insertInto('melding')
        .values({
          brin: actor.brin,
          berichtId,
          soort: 'aanlevering',
          afzender: actor.subject,
          verantwoordelijke,
          bodySha256: sha256(raw),
          inhoudSha256,
          body: raw,
          correlationId: ctx.correlationId,
          status: null,
          httpStatus: null,
          antwoord: null,
          verwerktOp: null,
        })
        .onConflict((oc) => oc.columns(['brin', 'berichtId']).where('berichtId', 'is not', null).doNothing())
        .returning(['id', 'ontvangenOp']);
      const inserted =
        lockKey === undefined
          ? await archive.executeTakeFirst()
          : await trx
              .with('m', () => archive)
              .selectFrom('m')
              .select(['m.id', 'm.ontvangenOp', lockPersoonExpression(lockKey).as('lock')])
              .executeTakeFirst();
      if (!inserted) {
        return replay(trx, actor.brin, berichtId ?? '', inhoudSha256);
      }
      const meldingId = inserted.id;
      const ontvangenOp = isoTijd(inserted.ontvangenOp);
      const instance = `${MELDINGEN_PATH}/${meldingId}`;

      if (!melding || !instelling || isAfkeurend(pre)) {
        return reject(trx, {
          meldingId,
          berichtId,
          instance,
          brin: actor.brin,
          bevindingen: pre,
          persoonId: null,
        });
      }

      const pgn = pgnOf(melding.persoon, actor.brin, ident);
      const state = await loadPersoonState(trx, pgn, actor.brin, maxNieuw(melding));
      // rule 39: an inschrijving with resultaten is not deleted (unless this melding deletes them first)
      const resultatenPer = countResultatenPerInschrijving(state.resultaten, melding);
      for (const s of state.huidig) {
        s.afhankelijken = {
          bpv: s.afhankelijken?.bpv ?? 0,
          resultaten: resultatenPer.get(s.inschrijvingsvolgnummer) ?? 0,
        };
      }
      const vandaag = dutchDate(deps.clock.now());
      const result = applyMelding({
        melding,
        instelling,
        referentie,
        huidig: state.huidig,
        elders: state.elders,
        vandaag,
        sbb: sbbUitslagen,
      });
      const resultaten = applyResultaten({
        melding,
        instelling,
        referentie,
        inschrijvingen: result.nieuw,
        huidig: state.resultaten,
        vandaag,
      });
      const bevindingen = [
        ...pre,
        ...result.bevindingen,
        ...checkMutatiestop(state.huidig, result.nieuw, vandaag, verantwoordelijke),
        ...checkDiplomaMutatiestop(state.resultaten, resultaten.nieuw, vandaag, verantwoordelijke),
        ...resultaten.bevindingen,
      ];
      if (isAfkeurend(bevindingen)) {
        // A rejected melding stores nothing, so it must not reveal anything either: no signals drawn from
        // other institutions' data (else a made-up melding could probe where a BSN is enrolled).
        const eigen = bevindingen.filter((b) => !OVER_ANDERE_INSTELLINGEN.has(b.code));
        return reject(trx, {
          meldingId,
          berichtId,
          instance,
          brin: actor.brin,
          bevindingen: eigen,
          persoonId: state.persoonId,
        });
      }

      const { ts } = state;
      const gegevens = persoonGegevensOf(melding.persoon);
      const gegevensGewijzigd = !state.heeftGegevens || !sameGegevens(state.gegevens, gegevens);
      const { ids } = state;
      const persoonId = state.persoonId ?? ids.persoon[0];
      if (persoonId === undefined) {
        throw new Error('no persoon id allocated');
      }
      const parts: WritePart[] = [];
      const nummers = {
        bsn: state.nummers?.bsn ?? pgn.bsn,
        onderwijsnummer: state.nummers?.onderwijsnummer ?? pgn.onderwijsnummer,
      };
      const identBevindingen: Bevinding[] = [];
      // Opnieuw identificeren: the institution now delivers a BSN for the person it knew by onderwijsnummer. The
      // BSN joins the same person (both numbers find it; all history stays with it).
      if (
        pgn.bsn !== null &&
        state.nummers !== null &&
        state.nummers.bsn === null &&
        state.nummers.onderwijsnummer !== null
      ) {
        nummers.bsn = pgn.bsn;
        parts.push(
          trx
            .updateTable('persoon')
            .set({ bsn: pgn.bsn })
            .where('id', '=', persoonId)
            .where('bsn', 'is', null),
        );
        identBevindingen.push(
          bevinding(
            'onderwijsnummerGekoppeld',
            { record: 'persoon', veld: '/persoon/burgerservicenummer' },
            `Burgerservicenummer ${pgn.bsn} is gekoppeld aan onderwijsnummer ${state.nummers.onderwijsnummer}; ` +
              'de gegevens onder het onderwijsnummer blijven bij deze deelnemer. Lever voortaan met het BSN.',
          ),
        );
      }
      const status = ident ? statusVan(ident) : undefined;
      let identStatus = state.identificatie?.status ?? null;
      // A person identified before keeps its identification when the BRP does not answer now.
      const bijwerken =
        ident !== undefined &&
        status !== undefined &&
        !(
          status === 'in-behandeling' &&
          state.identificatie &&
          state.identificatie.status !== 'in-behandeling'
        ) &&
        !(pgn.bsn === null && (nummers.bsn !== null || nummers.onderwijsnummer !== null));
      if (ident && status && bijwerken) {
        const brpData = ident.soort === 'brp' ? ident.brp : null;
        const bsnNu = ident.soort === 'brp' || ident.soort === 'niet-in-brp' ? ident.bsn : pgn.bsn;
        if (state.identificatie?.kenmerk !== kenmerkVan(status, bsnNu, brpData)) {
          if (ident.soort === 'geen-match' && nummers.onderwijsnummer === null) {
            nummers.onderwijsnummer = await nieuwOnderwijsnummer(trx);
            if (state.persoonId !== null) {
              parts.push(
                trx
                  .updateTable('persoon')
                  .set({ onderwijsnummer: nummers.onderwijsnummer })
                  .where('id', '=', persoonId)
                  .where('onderwijsnummer', 'is', null),
              );
            }
          }
          if (state.identificatie) {
            parts.push(
              trx
                .updateTable('persoonIdentificatie')
                .set({ registeredUntil: ts })
                .where('id', '=', state.identificatie.id)
                .where('registeredUntil', 'is', null),
            );
          }
          parts.push(
            identificatieInsert(trx, {
              persoonId,
              status,
              bsn: bsnNu,
              brp: brpData,
              zoekgegevens:
                pgn.bsn === null || ident.soort === 'in-behandeling'
                  ? zoekgegevensVan(melding.persoon)
                  : null,
              bron: 'melding',
              meldingId,
              ts,
            }),
          );
          identStatus = status;
          if (status === 'geidentificeerd' && bsnNu !== null) {
            await enqueueAfnemersindicatie(trx, bsnNu);
          }
          const waar = { record: 'persoon', veld: '/persoon' };
          if (state.identificatie?.status === 'in-behandeling' && status !== 'in-behandeling') {
            identBevindingen.push(
              bevinding(
                'identificatieVoltooid',
                waar,
                `De identificatie die in behandeling was, is afgerond: ${status}.`,
              ),
            );
          }
          if (ident.soort === 'brp' && ident.gevonden) {
            identBevindingen.push(
              bevinding(
                'bsnGevonden',
                waar,
                `Burgerservicenummer ${ident.bsn} gevonden in de BRP; lever voortaan met dit nummer.`,
              ),
            );
          } else if (ident.soort === 'geen-match') {
            identBevindingen.push(
              bevinding(
                'onderwijsnummerUitgegeven',
                waar,
                `De deelnemer is niet gevonden in de BRP; onderwijsnummer ${nummers.onderwijsnummer ?? ''} is uitgegeven. Lever voortaan met dit nummer.`,
              ),
            );
          } else if (ident.soort === 'niet-in-brp') {
            identBevindingen.push(
              bevinding(
                'bsnNietInBrp',
                { record: 'persoon', veld: '/persoon/burgerservicenummer' },
                'Het burgerservicenummer komt niet voor in de BRP. De melding is verwerkt met de geleverde gegevens; controleer het nummer.',
              ),
            );
          } else if (ident.soort === 'meerdere') {
            identBevindingen.push(
              bevinding(
                'meerdereKandidaten',
                waar,
                `${ident.aantal} personen in de BRP passen bij de geleverde gegevens. DUO identificeert de deelnemer; u hoort het resultaat via de terugkoppeling.`,
              ),
            );
          } else if (ident.soort === 'in-behandeling') {
            identBevindingen.push(
              bevinding(
                'identificatieInBehandeling',
                waar,
                'De BRP is tijdelijk niet bereikbaar. De melding is verwerkt; de identificatie volgt later via de terugkoppeling.',
              ),
            );
            await enqueueIdentificatie(trx, { persoonId, meldingId, brin: actor.brin, lockKey: pgn.key });
          }
        }
      }
      bevindingen.push(...identBevindingen);
      if (state.heeftGegevens && gegevensGewijzigd) {
        parts.push(
          trx
            .updateTable('persoonGegevens')
            .set({ registeredUntil: ts })
            .where('id', '=', state.gegevens.id)
            .where('registeredUntil', 'is', null),
        );
      }
      if (state.persoonId === null) {
        // explicit id (allocated above); the column is typed as generated for ordinary inserts
        const persoonRow = { id: persoonId, bsn: nummers.bsn, onderwijsnummer: nummers.onderwijsnummer };
        parts.push(trx.insertInto('persoon').values(persoonRow as unknown as never));
      }
      if (gegevensGewijzigd) {
        // Names are stored exactly as delivered (no re-casing, no normalisation of the stored text).
        parts.push(
          trx.insertInto('persoonGegevens').values({
            persoonId,
            brin: actor.brin,
            ...gegevens,
            registeredFrom: ts,
            registeredUntil: null,
            meldingId,
          }),
        );
      }
      const versies = buildVersieInserts(trx, {
        persoonId,
        brin: actor.brin,
        meldingId,
        ts,
        nieuw: result.nieuw,
        ids,
      });
      parts.push(...versies.parts);
      const { inschrijvingIds } = versies;
      const resultaatWrites = buildResultaatWrites(trx, {
        persoonId,
        brin: actor.brin,
        meldingId,
        ts,
        nieuw: resultaten.nieuw,
        ids: ids.resultaat,
        inschrijvingIdByNummer: versies.inschrijvingIdByNummer,
      });
      parts.push(...resultaatWrites.parts);
      if (resultaatWrites.bekostigingsrelevant.length > 0) {
        // signal to bekostiging: a diploma was added, changed in a funding field, or removed
        parts.push(
          trx.insertInto('outboxEvent').values(
            resultaatWrites.bekostigingsrelevant.map((r) => ({
              type: RESULTAAT_GEWIJZIGD,
              source: MELDINGEN_PATH,
              subject: `resultaat/${r.resultaatId}`,
              data: JSON.stringify({ ...r, persoonId, brin: actor.brin, meldingId }),
            })),
          ),
        );
      }
      if (inschrijvingIds.length > 0) {
        parts.push(
          trx.insertInto('outboxEvent').values(
            inschrijvingIds.map((id) => ({
              type: INSCHRIJVING_GEWIJZIGD,
              source: MELDINGEN_PATH,
              subject: `inschrijving/${id}`,
              data: JSON.stringify({ inschrijvingId: id, persoonId, brin: actor.brin, meldingId }),
            })),
          ),
        );
      }
      parts.push(
        ...bpvVerificatieJobs(trx, {
          brin: actor.brin,
          persoonId,
          meldingId,
          items: teVerifieren(result.nieuw),
        }),
        ...bpvOutboxEvents(trx, {
          brin: actor.brin,
          geboortedatum: melding.persoon.geboortedatum,
          meldingId,
          nieuw: result.nieuw,
        }),
      );
      const signalen = begrens(bevindingen);
      const meldingStatus: MeldingStatus = signalen.length > 0 ? 'goedgekeurd-met-signalen' : 'goedgekeurd';
      const body: Record<string, unknown> = {
        meldingId,
        berichtId: melding.berichtId,
        status: meldingStatus,
        ontvangenOp,
        persoon: {
          ...(nummers.bsn !== null ? { burgerservicenummer: nummers.bsn } : {}),
          ...(nummers.onderwijsnummer !== null && nummers.bsn === null
            ? { onderwijsnummer: nummers.onderwijsnummer }
            : {}),
          ...(identStatus !== null ? { identificatie: identStatus } : {}),
        },
        verwerkt:
          melding.resultaten === undefined
            ? result.verwerkt
            : { ...result.verwerkt, resultaat: resultaten.verwerkt },
        signalen,
      };
      parts.push(
        trx.insertInto('auditLog').values({
          actor: actor.subject,
          action: 'melding.processed',
          subjectType: 'melding',
          subjectId: meldingId,
          correlationId: ctx.correlationId,
          details: JSON.stringify({
            status: meldingStatus,
            inschrijvingen: inschrijvingIds.length,
            resultaten: resultaatWrites.aantal,
          }),
        }),
      );
      await finish(trx, {
        meldingId,
        brin: actor.brin,
        persoonId,
        status: meldingStatus,
        httpStatus: 200,
        body,
        bevindingen: signalen,
        parts,
      });
      return { httpStatus: 200, body, replayed: false };
    });
  } catch (error) {
    if (error instanceof AppError) {
      throw error;
    }
    // Unexpected: nothing of the melding was stored (rolled back). Archive it, without its berichtId so a
    // re-send is processed afresh, and let the error handler answer 500.
    await deps.database.db
      .insertInto('melding')
      .values({
        brin: actor.brin,
        berichtId: null,
        soort: 'aanlevering',
        afzender: actor.subject,
        verantwoordelijke,
        bodySha256: sha256(raw),
        inhoudSha256,
        body: raw,
        correlationId: ctx.correlationId,
        status: null,
        httpStatus: 500,
        antwoord: JSON.stringify({ fout: 'interne fout; de melding is niet verwerkt', berichtId }),
        verwerktOp: null,
      })
      .execute()
      .catch(() => undefined);
    throw error;
  }
}

async function replay(
  trx: Transaction<DB>,
  brin: string,
  berichtId: string,
  inhoudSha256: string,
): Promise<MeldingUitkomst> {
  const existing = await trx
    .selectFrom('melding')
    .select(['id', 'inhoudSha256', 'httpStatus', 'antwoord', 'ontvangenOp'])
    .where('brin', '=', brin)
    .where('berichtId', '=', berichtId)
    .executeTakeFirstOrThrow();
  if (existing.inhoudSha256 !== inhoudSha256) {
    throw new AppError({
      kind: 'conflict',
      code: 'melding.bericht-id-hergebruikt',
      title: 'BerichtId al gebruikt',
      detail:
        `BerichtId ${berichtId} is al gebruikt voor een melding met andere inhoud (melding ${existing.id}, ontvangen ${isoTijd(existing.ontvangenOp)}). ` +
        'Een herhaalde zending moet precies dezelfde inhoud hebben; gebruik voor een nieuwe of herstelde melding een nieuw berichtId.',
      extras: { meldingId: existing.id },
    });
  }
  return {
    httpStatus: existing.httpStatus ?? 200,
    body: (existing.antwoord ?? {}) as Record<string, unknown>,
    replayed: true,
  };
}

async function reject(
  trx: Transaction<DB>,
  args: {
    meldingId: string;
    berichtId: string | null;
    instance: string;
    brin: string;
    bevindingen: Bevinding[];
    persoonId: string | null;
  },
): Promise<MeldingUitkomst> {
  const aantalA = args.bevindingen.filter((b) => b.ernst === 'A').length;
  const bevindingen = begrens(args.bevindingen);
  const body = problem({
    status: 422,
    code: 'melding.afgekeurd',
    title: 'Melding afgekeurd',
    detail:
      `De melding is afgekeurd: ${aantalA} afkeurende bevinding${aantalA === 1 ? '' : 'en'}. Er is niets van opgeslagen in het register. ` +
      'Herstel de melding en lever haar opnieuw, met een nieuw berichtId.',
    instance: args.instance,
    extras: {
      meldingId: args.meldingId,
      berichtId: args.berichtId,
      meldingStatus: 'afgekeurd',
      bevindingen,
    },
  });
  await finish(trx, {
    meldingId: args.meldingId,
    brin: args.brin,
    persoonId: args.persoonId,
    status: 'afgekeurd',
    httpStatus: 422,
    body,
    bevindingen,
  });
  return { httpStatus: 422, body, replayed: false };
}

async function finish(
  trx: Transaction<DB>,
  args: {
    meldingId: string;
    brin: string;
    persoonId: string | null;
    status: MeldingStatus;
    httpStatus: number;
    body: Record<string, unknown>;
    bevindingen: Bevinding[];
    parts?: WritePart[];
  },
): Promise<void> {
  const parts: WritePart[] = [...(args.parts ?? [])];
  if (args.bevindingen.length > 0) {
    // args.bevindingen is already capped (begrens) by the caller.
    parts.push(
      trx.insertInto('signaal').values(
        args.bevindingen.map((b) => ({
          brin: args.brin,
          meldingId: args.meldingId,
          persoonId: args.persoonId,
          code: b.code,
          ernst: b.ernst,
          regel: b.regel ?? null,
          recordSoort: b.record,
          recordSleutel: b.sleutel ?? null,
          veld: b.veld ?? null,
          tekst: b.tekst,
        })),
      ),
    );
  }
  parts.push(
    trx
      .updateTable('melding')
      .set({
        status: args.status,
        httpStatus: args.httpStatus,
        antwoord: JSON.stringify(args.body),
        verwerktOp: sql<string>`clock_timestamp()`,
      })
      .where('id', '=', args.meldingId),
  );
  // Everything the melding writes after closing versions goes to the database as one statement.
  await executeWrites(trx, parts);
}

type Gegevens = {
  geboortedatum: string;
  geslacht: 'M' | 'V' | 'O';
  postcode: string | null;
  land: string | null;
  achternaam: string | null;
  voorvoegsel: string | null;
  voornamen: string | null;
  leerlingnummer: string | null;
};

function persoonGegevensOf(p: Melding['persoon']): Gegevens {
  return {
    geboortedatum: p.geboortedatum,
    geslacht: p.geslacht,
    postcode: p.postcode ?? null,
    land: p.land ?? null,
    achternaam: p.achternaam ?? null,
    voorvoegsel: p.voorvoegsel ?? null,
    voornamen: p.voornamen ?? null,
    leerlingnummer: p.leerlingnummer ?? null,
  };
}

/** Delivered person data is the same when every field is equal after Unicode (NFC) normalisation. */
function sameGegevens(current: Record<string, string | null>, next: Gegevens): boolean {
  return (Object.keys(next) as (keyof Gegevens)[]).every(
    (k) => (current[k] ?? null)?.normalize('NFC') === (next[k] ?? null)?.normalize('NFC'),
  );
}
