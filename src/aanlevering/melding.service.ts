import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import {
  loadInschrijvingen,
  loadInschrijvingenElders,
  lockPersoon,
  writeInschrijvingen,
} from '../inschrijving/inschrijving.repository.ts';
import {
  applyMelding,
  type ControleInstelling,
  type ControleReferentie,
} from '../inschrijving/inschrijving.ts';
import type { Actor } from '../platform/auth.ts';
import type { Clock } from '../platform/clock.ts';
import { dutchDate } from '../platform/dates.ts';
import type { Database } from '../platform/db.ts';
import type { DB, MeldingStatus } from '../platform/db-schema.ts';
import { AppError, problem } from '../platform/problem.ts';
import { type Bevinding, bevinding, isAfkeurend } from './bevinding.ts';
import { checkAdres, checkPgn, checkShape } from './melding.controles.ts';
import type { Melding, PersoonInput } from './melding.schema.ts';

/** What the intake needs of the reference data (Referentie satisfies it structurally). */
export type IntakeReferentie = ControleReferentie & {
  instellingen: ReadonlyMap<string, ControleInstelling & { aanleverpunten: ReadonlySet<string> }>;
};

export type IntakeDeps = {
  database: Database;
  referentie: () => IntakeReferentie;
  clock: Clock;
};

export type Ctx = { actor: Actor; correlationId: string };

export type MeldingUitkomst = {
  httpStatus: number;
  body: Record<string, unknown>;
  replayed: boolean;
};

export const MELDINGEN_PATH = '/koppelvlak/v1/meldingen';

/** sha256 of the canonical content: keys sorted, strings NFC-normalised, whitespace irrelevant. */
export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
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

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function pgnOf(p: PersoonInput): { bsn: string | null; onderwijsnummer: string | null; key: string } {
  if (p.burgerservicenummer !== undefined) {
    return { bsn: p.burgerservicenummer, onderwijsnummer: null, key: `bsn:${p.burgerservicenummer}` };
  }
  return { bsn: null, onderwijsnummer: p.onderwijsnummer ?? null, key: `onr:${p.onderwijsnummer ?? ''}` };
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
  if (actor.kind !== 'instelling') {
    throw new AppError({
      kind: 'forbidden',
      code: 'melding.geen-instelling',
      title: 'Geen toegang',
      detail: 'Alleen een instelling kan meldingen aanleveren.',
    });
  }
  const obj =
    parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
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
  const inhoudSha256 = canonicalHash(parsed);

  const shape = checkShape(parsed);
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

  try {
    return await deps.database.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('melding')
        .values({
          brin: actor.brin,
          berichtId,
          soort: 'aanlevering',
          afzender: actor.subject,
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
        .returning(['id', 'ontvangenOp'])
        .executeTakeFirst();
      if (!inserted) {
        return replay(trx, actor.brin, berichtId ?? '', inhoudSha256);
      }
      const meldingId = inserted.id;
      const ontvangenOp = new Date(
        inserted.ontvangenOp.replace(' ', 'T').replace(/\+00$/, 'Z'),
      ).toISOString();
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

      const pgn = pgnOf(melding.persoon);
      await lockPersoon(trx, pgn.key);
      const ts = await registeredNow(trx);
      const bestaand = await trx
        .selectFrom('persoon')
        .select('id')
        .where(pgn.bsn !== null ? 'bsn' : 'onderwijsnummer', '=', pgn.bsn ?? pgn.onderwijsnummer ?? '')
        .executeTakeFirst();
      const huidig = bestaand ? await loadInschrijvingen(trx, bestaand.id, actor.brin) : [];
      const elders = bestaand ? await loadInschrijvingenElders(trx, bestaand.id, actor.brin) : [];
      const result = applyMelding({
        melding,
        instelling,
        referentie,
        huidig,
        elders,
        vandaag: dutchDate(deps.clock.now()),
      });
      const bevindingen = [...pre, ...result.bevindingen];
      if (isAfkeurend(bevindingen)) {
        return reject(trx, {
          meldingId,
          berichtId,
          instance,
          brin: actor.brin,
          bevindingen,
          persoonId: bestaand?.id ?? null,
        });
      }

      const persoonId =
        bestaand?.id ??
        (
          await trx
            .insertInto('persoon')
            .values({ bsn: pgn.bsn, onderwijsnummer: pgn.onderwijsnummer })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      await writePersoonGegevens(trx, {
        persoonId,
        brin: actor.brin,
        meldingId,
        ts,
        persoon: melding.persoon,
      });
      const { inschrijvingIds } = await writeInschrijvingen(trx, {
        persoonId,
        brin: actor.brin,
        meldingId,
        ts,
        nieuw: result.nieuw,
      });
      if (inschrijvingIds.length > 0) {
        await trx
          .insertInto('outboxEvent')
          .values(
            inschrijvingIds.map((id) => ({
              type: 'nl.mbo-register.inschrijving.gewijzigd',
              source: MELDINGEN_PATH,
              subject: `inschrijving/${id}`,
              data: JSON.stringify({ inschrijvingId: id, persoonId, brin: actor.brin, meldingId }),
            })),
          )
          .execute();
      }
      const status: MeldingStatus = bevindingen.length > 0 ? 'goedgekeurd-met-signalen' : 'goedgekeurd';
      const body: Record<string, unknown> = {
        meldingId,
        berichtId: melding.berichtId,
        status,
        ontvangenOp,
        persoon:
          pgn.bsn !== null
            ? { burgerservicenummer: pgn.bsn }
            : { onderwijsnummer: pgn.onderwijsnummer ?? undefined },
        verwerkt: result.verwerkt,
        signalen: bevindingen,
      };
      await finish(trx, {
        meldingId,
        brin: actor.brin,
        persoonId,
        status,
        httpStatus: 200,
        body,
        bevindingen,
      });
      await trx
        .insertInto('auditLog')
        .values({
          actor: actor.subject,
          action: 'melding.processed',
          subjectType: 'melding',
          subjectId: meldingId,
          correlationId: ctx.correlationId,
          details: JSON.stringify({ status, inschrijvingen: inschrijvingIds.length }),
        })
        .execute();
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

async function registeredNow(trx: Transaction<DB>): Promise<string> {
  const { rows } = await sql<{ ts: string }>`select clock_timestamp() as ts`.execute(trx);
  const ts = rows[0]?.ts;
  if (!ts) {
    throw new Error('clock_timestamp() returned nothing');
  }
  return ts;
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
        `BerichtId ${berichtId} is al gebruikt voor een melding met andere inhoud (melding ${existing.id}, ontvangen ${existing.ontvangenOp}). ` +
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
      bevindingen: args.bevindingen,
    },
  });
  await finish(trx, {
    meldingId: args.meldingId,
    brin: args.brin,
    persoonId: args.persoonId,
    status: 'afgekeurd',
    httpStatus: 422,
    body,
    bevindingen: args.bevindingen,
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
  },
): Promise<void> {
  if (args.bevindingen.length > 0) {
    await trx
      .insertInto('signaal')
      .values(
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
      )
      .execute();
  }
  await trx
    .updateTable('melding')
    .set({
      status: args.status,
      httpStatus: args.httpStatus,
      antwoord: JSON.stringify(args.body),
      verwerktOp: sql<string>`clock_timestamp()`,
    })
    .where('id', '=', args.meldingId)
    .execute();
}

/** Stores the delivered person data as a new version when it differs (after NFC normalisation). */
async function writePersoonGegevens(
  trx: Transaction<DB>,
  args: { persoonId: string; brin: string; meldingId: string; ts: string; persoon: Melding['persoon'] },
): Promise<void> {
  const p = args.persoon;
  const next = {
    geboortedatum: p.geboortedatum,
    geslacht: p.geslacht,
    postcode: p.postcode ?? null,
    land: p.land ?? null,
    achternaam: p.achternaam ?? null,
    voorvoegsel: p.voorvoegsel ?? null,
    voornamen: p.voornamen ?? null,
    leerlingnummer: p.leerlingnummer ?? null,
  };
  const current = await trx
    .selectFrom('persoonGegevens')
    .select(['id', ...(Object.keys(next) as (keyof typeof next)[])])
    .where('persoonId', '=', args.persoonId)
    .where('brin', '=', args.brin)
    .where('registeredUntil', 'is', null)
    .executeTakeFirst();
  const same =
    current &&
    (Object.keys(next) as (keyof typeof next)[]).every(
      (k) => (current[k] ?? null)?.normalize('NFC') === (next[k] ?? null)?.normalize('NFC'),
    );
  if (same) {
    return;
  }
  if (current) {
    await trx
      .updateTable('persoonGegevens')
      .set({ registeredUntil: args.ts })
      .where('id', '=', current.id)
      .execute();
  }
  // Names are stored exactly as delivered (no re-casing, no normalisation of the stored text).
  await trx
    .insertInto('persoonGegevens')
    .values({
      persoonId: args.persoonId,
      brin: args.brin,
      ...next,
      registeredFrom: args.ts,
      registeredUntil: null,
      meldingId: args.meldingId,
    })
    .execute();
}
