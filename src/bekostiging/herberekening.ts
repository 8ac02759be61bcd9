import { type Kysely, sql, type Transaction } from 'kysely';
import { type Datum, dutchDate } from '../platform/dates.ts';
import type { DB } from '../platform/db-schema.ts';
import {
  BPV_GEWIJZIGD,
  INSCHRIJVING_GEWIJZIGD,
  PERSOON_GEWIJZIGD,
  RESULTAAT_GEWIJZIGD,
} from '../platform/events.ts';
import type { Executor } from '../platform/executor.ts';
import { enqueueJob, type JobHandler, renewJobLease } from '../platform/jobs.ts';
import { loadDiplomasVoorPersonen } from './bekostiging.diploma.repository.ts';
import { type DiplomastatusVanResultaat, deriveDiplomastatussenUitFeiten } from './bekostiging.diploma.ts';
import { idLijst, loadFeitenVoorPersonen } from './bekostiging.repository.ts';
import {
  type BekostigingDeps,
  deriveStatussenVoorTeldata,
  type StatusVanInschrijving,
} from './bekostiging.service.ts';
import { REGELS_VERSIE } from './bekostiging.ts';

/**
 * Koppeling tussen registers en bekostiging (ADR 0009): the stored funding statuses follow the register. A change
 * to an inschrijving, BPV or resultaat writes an outbox event in the melding's transaction; the koppeling claims
 * those events, recomputes the statuses of the persons concerned for the teldata in view, records every status
 * that differs from the stored one as a new version, and signals the institution (code 640) when an earlier
 * status changed. A new rules version, or a teldatum coming into view, recomputes every person (`herberekenAlles`),
 * page by page, resumable and with progress in `bekostiging_herberekening`.
 */

/** The outbox events that can change a funding status. */
export const BEKOSTIGING_EVENTS: readonly string[] = [
  INSCHRIJVING_GEWIJZIGD,
  BPV_GEWIJZIGD,
  RESULTAAT_GEWIJZIGD,
  PERSOON_GEWIJZIGD,
];
/**
 * The lease of the full recomputation job: renewed with every finished page (about a second of work), so a run
 * whose process was killed is taken up again by another worker, or after a restart, within two minutes.
 */
export const HERBEREKENING_LEASE_MS = 120_000;
/** The job that recomputes every status (a new rules version or a new teldatum in view). */
export const HERBEREKENING_JOB = 'bekostiging.herberekenen';
/** The job that retries the recomputation of one event's persons after it failed in the koppeling. */
export const PERSOON_HERBEREKENING_JOB = 'bekostiging.herberekenen-event';
/** Signal code to the institution: a stored funding status changed (codes.ts, bekostigingsstatusGewijzigd). */
export const STATUS_GEWIJZIGD_CODE = '640';

/**
 * The teldata whose statuses are kept: from the 1 October of the previous school year (its funding year may still
 * be corrected under the accountant's responsibility) up to and including the first teldatum after `vandaag`
 * (the provisional status of the coming teldatum). On 3 December 2026: 2025-10-01, 2026-02-01, 2026-10-01 and
 * 2027-02-01.
 */
export function teldataVenster(vandaag: Datum): Datum[] {
  const jaar = Number(vandaag.slice(0, 4));
  const schooljaarStart = vandaag.slice(5) >= '08-01' ? jaar : jaar - 1;
  const result: Datum[] = [];
  for (let j = schooljaarStart - 1; ; j++) {
    for (const d of [`${j}-10-01`, `${j + 1}-02-01`]) {
      result.push(d);
      if (d > vandaag) {
        return result;
      }
    }
  }
}

/**
 * The outcome that matters to the institution, as a short string; equal strings mean an unchanged status. Plain
 * concatenation rather than a hash: it is computed for every status of a national recomputation.
 */
export function statusKenmerk(s: StatusVanInschrijving['status']): string {
  const bijdrage = s.bijdrage === null ? '' : String(Math.round(s.bijdrage * 1e6) / 1e6);
  const codes = s.signalen.map((x) => x.code).sort();
  return `${s.bekostigbaar ? 1 : 0}|${bijdrage}|${s.opleidingcode ?? ''}|${s.leertraject ?? ''}|${s.brin}|${codes.join(',')}`;
}

type Opgeslagen = {
  id: string;
  inschrijvingId: string;
  teldatum: Datum;
  kenmerk: string;
  bekostigbaar: boolean;
  bijdrage: number | null;
};

type Kandidaat = {
  inschrijving_id: string;
  teldatum: Datum;
  persoon_id: string;
  brin: string;
  regels_versie: string;
  bekostigbaar: boolean;
  bijdrage: number | null;
  opleidingcode: string | null;
  leertraject: string | null;
  signalen: string[];
  kenmerk: string;
  vorige: Opgeslagen | undefined;
  inschrijvingsvolgnummer: string;
};

export type HerberekeningTelling = {
  personen: number;
  statussen: number;
  gewijzigd: number;
  signalen: number;
};

/** The diplomas whose status is kept: obtained in or after the calendar year of the window's first teldatum. */
function diplomajaarVanaf(venster: readonly Datum[]): number {
  return Number((venster[0] ?? '0000').slice(0, 4));
}

/** The outcome of a diploma status that matters to the institution, as a short string. */
export function diplomaKenmerk(s: DiplomastatusVanResultaat['status']): string {
  const codes = s.signalen.map((x) => x.code).sort();
  return `${s.bekostigbaar ? 1 : 0}|${Math.round(s.bijdrageDiplomawaarde * 1e6) / 1e6}|${s.datumBehaald}|${s.brin}|${codes.join(',')}`;
}

/**
 * Recomputes and stores the statuses of `persoonIds` for the teldata of `venster`, in `ex` (a transaction: the
 * reads and writes of one batch belong together). A status is kept for every teldatum on which the inschrijving
 * runs, and for every teldatum that had a status before (it may now be *niet bekostigbaar*). A stored status is
 * only replaced by one derived from newer facts (`berekend_op`), so racing recomputations never leave the stale
 * one current; a lost race on a brand-new status is retried.
 */
export async function herberekenPersonen(
  deps: BekostigingDeps,
  ex: Transaction<DB>,
  persoonIds: readonly string[],
  venster: readonly Datum[],
): Promise<HerberekeningTelling> {
  const telling: HerberekeningTelling = {
    personen: persoonIds.length,
    statussen: 0,
    gewijzigd: 0,
    signalen: 0,
  };
  if (persoonIds.length === 0) {
    return telling;
  }
  const ids = [...new Set(persoonIds)];
  for (let poging = 0; poging < 3; poging++) {
    const { rows } = await sql<{ t: string }>`select clock_timestamp()::text as t`.execute(ex);
    const berekendOp = rows[0]?.t as string;
    const feiten = await loadFeitenVoorPersonen(ex as unknown as Kysely<DB>, ids);
    const diplomas = await loadDiplomasVoorPersonen(ex as unknown as Kysely<DB>, ids);
    const opgeslagen = (await ex
      .selectFrom('bekostigingsstatus')
      .select(['id', 'inschrijvingId', 'teldatum', 'kenmerk', 'bekostigbaar', 'bijdrage'])
      .where('persoonId', '=', idLijst(ids))
      .where('registeredUntil', 'is', null)
      .execute()) as Opgeslagen[];
    const vorige = new Map(opgeslagen.map((o) => [`${o.inschrijvingId}/${o.teldatum}`, o]));

    const kandidaten: Kandidaat[] = [];
    let statussen = 0;
    // a status is kept for every teldatum the inschrijving runs on, and for every one that had a status before;
    // only those are derived
    const nodig = (i: (typeof feiten.inschrijvingen)[number], teldatum: Datum) => {
      const einde = i.datumUitschrijvingWerkelijk ?? i.datumUitschrijvingGepland;
      return (
        (!i.verwijderd && i.datumInschrijving <= teldatum && teldatum <= einde) ||
        vorige.has(`${i.inschrijvingId}/${teldatum}`)
      );
    };
    const perTeldatum = deriveStatussenVoorTeldata(deps, feiten, venster, nodig);
    for (const teldatum of venster) {
      for (const s of perTeldatum.get(teldatum) ?? []) {
        const eerder = vorige.get(`${s.inschrijvingId}/${teldatum}`);
        statussen++;
        const kenmerk = statusKenmerk(s.status);
        if (eerder?.kenmerk === kenmerk) {
          continue;
        }
        kandidaten.push({
          inschrijving_id: s.inschrijvingId,
          teldatum,
          persoon_id: s.persoonId,
          brin: s.status.brin,
          regels_versie: s.status.regelsVersie,
          bekostigbaar: s.status.bekostigbaar,
          bijdrage: s.status.bijdrage,
          opleidingcode: s.status.opleidingcode,
          leertraject: s.status.leertraject,
          signalen: s.status.signalen.map((x) => x.code),
          kenmerk,
          vorige: eerder,
          inschrijvingsvolgnummer: s.status.inschrijvingsvolgnummer,
        });
      }
    }
    const diplomaTelling =
      diplomas.length === 0 && !(await heeftDiplomastatus(ex, ids))
        ? { statussen: 0, gewijzigd: 0, signalen: 0, verloren: 0 }
        : await herberekenDiplomas(deps, ex, ids, { diplomas, feiten }, venster, berekendOp);
    telling.statussen = statussen + diplomaTelling.statussen;
    telling.gewijzigd += diplomaTelling.gewijzigd;
    telling.signalen += diplomaTelling.signalen;
    let verloren = diplomaTelling.verloren;
    if (kandidaten.length > 0) {
      const r = await schrijf(ex, kandidaten, berekendOp);
      telling.gewijzigd += r.geschreven.length;
      telling.signalen += await signaleer(ex, r.geschreven);
      verloren += r.verloren;
    }
    if (verloren === 0) {
      return telling;
    }
  }
  return telling;
}

async function heeftDiplomastatus(ex: Executor, ids: readonly string[]): Promise<boolean> {
  const r = await ex
    .selectFrom('diplomastatus')
    .select('id')
    .where('persoonId', '=', idLijst(ids))
    .where('registeredUntil', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

/**
 * The diploma part of `herberekenPersonen`: one stored status per diploma obtained in the window's years. A diploma
 * that no longer has a status (removed, or without date or opleidingcode) has its stored status closed.
 */
async function herberekenDiplomas(
  deps: BekostigingDeps,
  ex: Executor,
  ids: readonly string[],
  set: Parameters<typeof deriveDiplomastatussenUitFeiten>[1],
  venster: readonly Datum[],
  berekendOp: string,
): Promise<{ statussen: number; gewijzigd: number; signalen: number; verloren: number }> {
  const vanaf = diplomajaarVanaf(venster);
  const opgeslagen = await ex
    .selectFrom('diplomastatus')
    .select(['id', 'resultaatId', 'kenmerk', 'bekostigbaar', 'waarde'])
    .where('persoonId', '=', idLijst(ids))
    .where('registeredUntil', 'is', null)
    .execute();
  const vorige = new Map(opgeslagen.map((o) => [o.resultaatId, o]));
  const afgeleid = deriveDiplomastatussenUitFeiten(deps, set).filter(
    (d) => Number(d.status.datumBehaald.slice(0, 4)) >= vanaf || vorige.has(d.resultaatId),
  );
  const nieuw = afgeleid.flatMap((d) => {
    const kenmerk = diplomaKenmerk(d.status);
    const eerder = vorige.get(d.resultaatId);
    return eerder?.kenmerk === kenmerk ? [] : [{ d, kenmerk, eerder }];
  });
  const nogGeldig = new Set(afgeleid.map((d) => d.resultaatId));
  const vervallen = opgeslagen.filter((o) => !nogGeldig.has(o.resultaatId));
  const teSluiten = [...nieuw.flatMap((k) => (k.eerder ? [k.eerder.id] : [])), ...vervallen.map((o) => o.id)];
  const gesloten = new Set<string>();
  if (teSluiten.length > 0) {
    const { rows } = await sql<{ id: string }>`
      update diplomastatus set registered_until = ${berekendOp}::timestamptz
      where id = any(${`{${teSluiten.join(',')}}`}::bigint[])
        and registered_until is null and berekend_op <= ${berekendOp}::timestamptz
      returning id::text as id`.execute(ex);
    for (const r of rows) {
      gesloten.add(r.id);
    }
  }
  const teSchrijven = nieuw.filter((k) => !k.eerder || gesloten.has(k.eerder.id));
  let geschreven: typeof teSchrijven = [];
  if (teSchrijven.length > 0) {
    const json = JSON.stringify(
      teSchrijven.map(({ d, kenmerk }) => ({
        resultaat_id: d.resultaatId,
        persoon_id: d.persoonId,
        brin: d.brin,
        jaar: Number(d.status.datumBehaald.slice(0, 4)),
        regels_versie: d.status.regelsVersie,
        bekostigbaar: d.status.bekostigbaar,
        waarde: d.status.bijdrageDiplomawaarde,
        signalen: d.status.signalen.map((x) => x.code),
        kenmerk,
      })),
    );
    const { rows } = await sql<{ resultaatId: string }>`
      insert into diplomastatus (resultaat_id, persoon_id, brin, jaar, regels_versie, bekostigbaar, waarde,
        signalen, kenmerk, berekend_op, registered_from)
      select r.resultaat_id, r.persoon_id, r.brin, r.jaar, r.regels_versie, r.bekostigbaar, r.waarde, r.signalen,
        r.kenmerk, ${berekendOp}::timestamptz, ${berekendOp}::timestamptz
      from jsonb_to_recordset(${json}::jsonb) as r(resultaat_id bigint, persoon_id bigint, brin text, jaar integer,
        regels_versie text, bekostigbaar boolean, waarde double precision, signalen text[], kenmerk text)
      on conflict (resultaat_id) where registered_until is null do nothing
      returning resultaat_id::text as "resultaatId"`.execute(ex);
    const ok = new Set(rows.map((r) => r.resultaatId));
    geschreven = teSchrijven.filter((k) => ok.has(k.d.resultaatId));
  }
  const signalen = geschreven
    .filter(
      (k) =>
        k.eerder &&
        (k.eerder.bekostigbaar !== k.d.status.bekostigbaar ||
          k.eerder.waarde !== k.d.status.bijdrageDiplomawaarde),
    )
    .map((k) => {
      const v = k.eerder as NonNullable<typeof k.eerder>;
      const was = v.bekostigbaar
        ? `bekostigbaar (diplomawaarde ${bijdrageNl(v.waarde)})`
        : 'niet bekostigbaar';
      const s = k.d.status;
      const wordt = s.bekostigbaar
        ? `bekostigbaar (diplomawaarde ${bijdrageNl(s.bijdrageDiplomawaarde)})`
        : 'niet bekostigbaar';
      const codes = s.signalen.map((x) => x.code);
      return {
        brin: k.d.brin,
        meldingId: null,
        persoonId: k.d.persoonId,
        code: STATUS_GEWIJZIGD_CODE,
        ernst: 'S' as const,
        regel: null,
        recordSoort: 'resultaat',
        recordSleutel: s.resultaatvolgnummer,
        veld: 'bekostigingsstatus diploma',
        tekst: `Voorlopige bekostigingsstatus van het diploma behaald op ${datumNl(s.datumBehaald)} gewijzigd: was ${was}, is nu ${wordt}${codes.length > 0 ? `; signalen ${codes.join(', ')}` : ''}.`,
      };
    });
  if (signalen.length > 0) {
    await ex.insertInto('signaal').values(signalen).execute();
  }
  return {
    statussen: afgeleid.length,
    gewijzigd: geschreven.length + vervallen.filter((o) => gesloten.has(o.id)).length,
    signalen: signalen.length,
    verloren: teSchrijven.length - geschreven.length + (teSluiten.length - gesloten.size),
  };
}

/** Closes the replaced versions and inserts the new ones; returns the written candidates and the lost races. */
async function schrijf(
  ex: Executor,
  kandidaten: readonly Kandidaat[],
  berekendOp: string,
): Promise<{ geschreven: Kandidaat[]; verloren: number }> {
  const teSluiten = kandidaten.flatMap((k) => (k.vorige ? [k.vorige.id] : []));
  const gesloten = new Set<string>();
  if (teSluiten.length > 0) {
    const { rows } = await sql<{ id: string }>`
      update bekostigingsstatus set registered_until = ${berekendOp}::timestamptz
      where id = any(${`{${teSluiten.join(',')}}`}::bigint[])
        and registered_until is null and berekend_op <= ${berekendOp}::timestamptz
      returning id::text as id`.execute(ex);
    for (const r of rows) {
      gesloten.add(r.id);
    }
  }
  const nieuw = kandidaten.filter((k) => !k.vorige || gesloten.has(k.vorige.id));
  if (nieuw.length === 0) {
    return { geschreven: [], verloren: 0 };
  }
  const json = JSON.stringify(nieuw.map(({ vorige: _v, inschrijvingsvolgnummer: _n, ...rest }) => rest));
  const { rows } = await sql<{ inschrijvingId: string; teldatum: string }>`
    insert into bekostigingsstatus (inschrijving_id, teldatum, persoon_id, brin, regels_versie, bekostigbaar,
      bijdrage, opleidingcode, leertraject, signalen, kenmerk, berekend_op, registered_from)
    select r.inschrijving_id, r.teldatum, r.persoon_id, r.brin, r.regels_versie, r.bekostigbaar, r.bijdrage,
      r.opleidingcode, r.leertraject, r.signalen, r.kenmerk, ${berekendOp}::timestamptz, ${berekendOp}::timestamptz
    from jsonb_to_recordset(${json}::jsonb) as r(inschrijving_id bigint, teldatum date, persoon_id bigint,
      brin text, regels_versie text, bekostigbaar boolean, bijdrage double precision, opleidingcode text,
      leertraject text, signalen text[], kenmerk text)
    on conflict (inschrijving_id, teldatum) where registered_until is null do nothing
    returning inschrijving_id::text as "inschrijvingId", teldatum::text as teldatum`.execute(ex);
  const ok = new Set(rows.map((r) => `${r.inschrijvingId}/${r.teldatum}`));
  const geschreven = nieuw.filter((k) => ok.has(`${k.inschrijving_id}/${k.teldatum}`));
  const verloren = kandidaten.length - geschreven.length - (teSluiten.length - gesloten.size);
  return { geschreven, verloren: Math.max(0, verloren) };
}

function datumNl(d: Datum): string {
  return `${Number(d.slice(8, 10))}-${Number(d.slice(5, 7))}-${d.slice(0, 4)}`;
}

function bijdrageNl(b: number | null): string {
  return b === null ? 'onbekend' : String(Math.round(b * 1000) / 1000).replace('.', ',');
}

/** Signal 640 to the institution for each status that replaced an earlier one with another outcome. */
async function signaleer(ex: Executor, geschreven: readonly Kandidaat[]): Promise<number> {
  const rows = geschreven
    .filter((k) => k.vorige && (k.vorige.bekostigbaar !== k.bekostigbaar || k.vorige.bijdrage !== k.bijdrage))
    .map((k) => {
      const v = k.vorige as Opgeslagen;
      const was = v.bekostigbaar ? `bekostigbaar (bijdrage ${bijdrageNl(v.bijdrage)})` : 'niet bekostigbaar';
      const wordt = k.bekostigbaar
        ? `bekostigbaar (bijdrage ${bijdrageNl(k.bijdrage)})`
        : 'niet bekostigbaar';
      const redenen = k.signalen.length > 0 ? `; signalen ${k.signalen.join(', ')}` : '';
      return {
        brin: k.brin,
        meldingId: null,
        persoonId: k.persoon_id,
        code: STATUS_GEWIJZIGD_CODE,
        ernst: 'S' as const,
        regel: null,
        recordSoort: 'inschrijving',
        recordSleutel: k.inschrijvingsvolgnummer,
        veld: `bekostigingsstatus ${k.teldatum}`,
        tekst: `Voorlopige bekostigingsstatus op teldatum ${datumNl(k.teldatum)} gewijzigd: was ${was}, is nu ${wordt}${redenen}.`,
      };
    });
  if (rows.length > 0) {
    await ex.insertInto('signaal').values(rows).execute();
  }
  return rows.length;
}

/** The persons an outbox event is about (a BPV event names its inschrijving). */
async function personenVanEvents(
  ex: Executor,
  events: readonly { type: string; data: unknown }[],
): Promise<string[]> {
  const personen = new Set<string>();
  const inschrijvingen = new Set<string>();
  for (const e of events) {
    const data = (typeof e.data === 'string' ? JSON.parse(e.data) : e.data) as {
      persoonId?: string | number;
      bekostiging?: { inschrijvingId?: string | number | null };
    };
    if (data.persoonId !== undefined && data.persoonId !== null) {
      personen.add(String(data.persoonId));
    } else if (data.bekostiging?.inschrijvingId !== undefined && data.bekostiging.inschrijvingId !== null) {
      inschrijvingen.add(String(data.bekostiging.inschrijvingId));
    }
  }
  if (inschrijvingen.size > 0) {
    const rows = await ex
      .selectFrom('inschrijving')
      .select('persoonId')
      .where('id', '=', idLijst([...inschrijvingen]))
      .execute();
    for (const r of rows) {
      personen.add(r.persoonId);
    }
  }
  return [...personen].sort((a, b) => Number(a) - Number(b));
}

/**
 * One round of the koppeling: claims up to `limit` unprocessed bekostiging events and recomputes their persons, in
 * one transaction (a crash leaves the events unprocessed, so nothing is lost; a re-run is harmless).
 */
export async function verwerkBekostigingEvents(
  deps: BekostigingDeps,
  vandaag: Datum,
  limit = 200,
): Promise<HerberekeningTelling & { events: number }> {
  try {
    return await verwerkEvents(deps, vandaag, limit);
  } catch (error) {
    if (limit > 1) {
      // one event at a time, so that an event that cannot be processed does not hold up the others
      const totaal = { events: 0, personen: 0, statussen: 0, gewijzigd: 0, signalen: 0 };
      for (let i = 0; i < limit; i++) {
        const r = await verwerkBekostigingEvents(deps, vandaag, 1);
        if (r.events === 0) {
          break;
        }
        totaal.events += r.events;
        totaal.personen += r.personen;
        totaal.statussen += r.statussen;
        totaal.gewijzigd += r.gewijzigd;
        totaal.signalen += r.signalen;
      }
      return totaal;
    }
    return { events: await parkeerEvent(deps, error), personen: 0, statussen: 0, gewijzigd: 0, signalen: 0 };
  }
}

async function verwerkEvents(
  deps: BekostigingDeps,
  vandaag: Datum,
  limit: number,
): Promise<HerberekeningTelling & { events: number }> {
  return deps.db.transaction().execute(async (trx) => {
    const rows = await claimEvents(trx, limit);
    if (rows.length === 0) {
      return { events: 0, personen: 0, statussen: 0, gewijzigd: 0, signalen: 0 };
    }
    const personen = await personenVanEvents(trx, rows);
    const t = await herberekenPersonen(deps, trx, personen, teldataVenster(vandaag));
    return { events: rows.length, ...t };
  });
}

async function claimEvents(
  ex: Executor,
  limit: number,
): Promise<{ id: string; type: string; data: unknown }[]> {
  const types = `{${BEKOSTIGING_EVENTS.map((t) => `"${t}"`).join(',')}}`;
  const { rows } = await sql<{ id: string; type: string; data: unknown }>`
    update outbox_event set processed_at = clock_timestamp()
    where id in (
      select id from outbox_event
      where processed_at is null and type = any(${types}::text[])
      order by id limit ${limit}
      for update skip locked)
    returning id::text as id, type, data`.execute(ex);
  return rows;
}

/**
 * An event whose recomputation failed on its own is taken off the outbox and parked as a durable job that retries
 * with backoff (and ends as `mislukt`, visible to DUO staff, if it keeps failing): the koppeling goes on.
 */
async function parkeerEvent(deps: BekostigingDeps, error: unknown): Promise<number> {
  return deps.db.transaction().execute(async (trx) => {
    const [event] = await claimEvents(trx, 1);
    if (!event) {
      return 0;
    }
    await enqueueJob(trx, {
      soort: PERSOON_HERBEREKENING_JOB,
      data: { eventId: event.id, type: event.type, data: event.data, fout: String(error).slice(0, 500) },
      vertragingMs: 1000,
    });
    return 1;
  });
}

export type Koppeling = { runOnce(): Promise<number>; stop(): Promise<void> };

/** Runs `verwerkBekostigingEvents` in the background: at once after a busy round, else every `pollMs`. */
export function startBekostigingKoppeling(args: {
  deps: () => BekostigingDeps;
  vandaag: () => Datum;
  pollMs?: number;
  /** Events per round (one transaction); small on PGlite, whose one connection the round holds. */
  batch?: number;
  /** Pause after a busy round before the next (0: at once); on PGlite it lets waiting meldingen through. */
  pauzeMs?: number;
  log?: (message: string) => void;
}): Koppeling {
  const pollMs = args.pollMs ?? 500;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  const runOnce = async () =>
    (await verwerkBekostigingEvents(args.deps(), args.vandaag(), args.batch ?? 200)).events;
  const loop = () => {
    if (stopped) {
      return;
    }
    running = runOnce().catch((error: unknown) => {
      args.log?.(`bekostiging: herberekening na wijziging mislukt: ${String(error)}`);
      return -1;
    });
    void running.then((n) => {
      if (!stopped) {
        timer = setTimeout(loop, n > 0 ? (args.pauzeMs ?? 0) : n < 0 ? pollMs * 10 : pollMs);
      }
    });
  };
  timer = setTimeout(loop, 0);
  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) {
        clearTimeout(timer);
      }
      await running;
    },
  };
}

export type HerberekeningResultaat = HerberekeningTelling & { seconden: number; teldata: Datum[] };

/** The key of the full recomputation for a rules version and a window of teldata. */
export function herberekeningSleutel(vandaag: Datum): string {
  return `${REGELS_VERSIE}/${teldataVenster(vandaag).join(',')}`;
}

/**
 * Recomputes every person's statuses for the teldata around `vandaag`, in pages of `pagina` persons (one
 * transaction each), `gelijktijdig` pages at a time. Recorded under `sleutel` in `bekostiging_herberekening`:
 * progress is visible while it runs, and a run interrupted (a killed process) resumes after the last finished
 * page. A run already finished under the same key is done again only when `opnieuw` is set.
 */
export async function herberekenAlles(
  deps: BekostigingDeps,
  opties: {
    vandaag: Datum;
    sleutel?: string;
    aanleiding?: string;
    pagina?: number;
    gelijktijdig?: number;
    opVoortgang?: (v: { personen: number; totaal: number }) => void;
    /** The job running this recomputation: its lease is renewed with every finished page. */
    job?: { id: string; leaseMs: number };
  },
): Promise<HerberekeningResultaat> {
  const start = performance.now();
  const venster = teldataVenster(opties.vandaag);
  const sleutel = opties.sleutel ?? `${herberekeningSleutel(opties.vandaag)}/${new Date().toISOString()}`;
  const pagina = opties.pagina ?? 1000;
  const { db } = deps;
  const totaal = Number(
    (await sql<{ n: string }>`select count(distinct persoon_id)::text as n from inschrijving`.execute(db))
      .rows[0]?.n ?? 0,
  );
  await sql`
    insert into bekostiging_herberekening (sleutel, regels_versie, teldata, aanleiding, personen_totaal)
    values (${sleutel}, ${REGELS_VERSIE}, ${`{${venster.join(',')}}`}::date[], ${opties.aanleiding ?? 'handmatig'},
      ${totaal})
    on conflict (sleutel) do update set personen_totaal = excluded.personen_totaal`.execute(db);
  const run = await db
    .selectFrom('bekostigingHerberekening')
    .select(['id', 'personenKlaar', 'statussen', 'gewijzigd', 'klaar'])
    .select(sql<string | null>`laatste_persoon_id::text`.as('laatstePersoonId'))
    .where('sleutel', '=', sleutel)
    .executeTakeFirstOrThrow();
  const telling: HerberekeningTelling = {
    personen: run.personenKlaar,
    statussen: run.statussen,
    gewijzigd: run.gewijzigd,
    signalen: 0,
  };
  if (run.klaar !== null) {
    return { ...telling, seconden: 0, teldata: venster };
  }
  // Fresh statistics for the stored statuses: a first recomputation fills the table from empty, and without them
  // PostgreSQL plans the per-page read of stored statuses as a scan of the whole table (measured: 0.3–0.7 s a page
  // at national size where it should take milliseconds). Again after a few pages and then every hundred.
  const analyseer = async () => {
    await sql`analyze bekostigingsstatus`.execute(db);
    await sql`analyze diplomastatus`.execute(db);
  };
  await analyseer();
  let paginas = 0;
  let cursor: string | null = run.laatstePersoonId;
  // Pages are taken in order; each page's progress row records the highest person finished below which every
  // person is done (pages may finish out of order when they run side by side).
  let volgende: Promise<string[]> = Promise.resolve([]);
  const neemPagina = (): Promise<string[]> => {
    volgende = volgende.then(async () => {
      const q = db
        .selectFrom('inschrijving')
        .select('persoonId')
        .distinct()
        .orderBy('persoonId')
        .limit(pagina);
      const rows = await (cursor === null ? q : q.where('persoonId', '>', cursor)).execute();
      const ids = rows.map((r) => r.persoonId);
      cursor = ids.length > 0 ? (ids[ids.length - 1] as string) : cursor;
      return ids;
    });
    return volgende;
  };
  const lopend: { laatste: string; klaar: boolean }[] = [];
  const werker = async () => {
    for (;;) {
      const ids = await neemPagina();
      if (ids.length === 0) {
        return;
      }
      const positie = { laatste: ids[ids.length - 1] as string, klaar: false };
      lopend.push(positie);
      const t = await db.transaction().execute(async (trx) => {
        const r = await herberekenPersonen(deps, trx, ids, venster);
        positie.klaar = true;
        // the resume point: the last person of the longest run of finished pages from the start
        let tot: string | null = null;
        while (lopend[0]?.klaar) {
          tot = lopend.shift()?.laatste ?? tot;
        }
        await sql`
          update bekostiging_herberekening set personen_klaar = personen_klaar + ${ids.length},
            personen_totaal = greatest(personen_totaal, personen_klaar + ${ids.length}),
            statussen = statussen + ${r.statussen}, gewijzigd = gewijzigd + ${r.gewijzigd}
            ${tot === null ? sql`` : sql`, laatste_persoon_id = greatest(laatste_persoon_id, ${tot}::bigint)`}
          where id = ${run.id}`.execute(trx);
        if (opties.job) {
          await renewJobLease(trx, opties.job.id, opties.job.leaseMs);
        }
        return r;
      });
      paginas++;
      if (paginas === 5 || paginas % 100 === 0) {
        await analyseer();
      }
      telling.personen += t.personen;
      telling.statussen += t.statussen;
      telling.gewijzigd += t.gewijzigd;
      telling.signalen += t.signalen;
      opties.opVoortgang?.({ personen: telling.personen, totaal });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opties.gelijktijdig ?? 1) }, werker));
  await db
    .updateTable('bekostigingHerberekening')
    .set({ klaar: sql<string>`clock_timestamp()` })
    .where('id', '=', run.id)
    .execute();
  return { ...telling, seconden: (performance.now() - start) / 1000, teldata: venster };
}

/**
 * Makes sure the stored statuses follow the current rules and window: when no finished full recomputation exists
 * for this rules version and these teldata (a new `REGELS_VERSIE` was deployed, or a new teldatum came into view),
 * a job is enqueued to do one. Called at start-up and then daily. Returns whether a job was enqueued.
 */
export async function zorgVoorHerberekening(db: Kysely<DB>, vandaag: Datum): Promise<boolean> {
  const sleutel = herberekeningSleutel(vandaag);
  const klaar = await db
    .selectFrom('bekostigingHerberekening')
    .select('id')
    .where('sleutel', '=', sleutel)
    .where('klaar', 'is not', null)
    .executeTakeFirst();
  if (klaar) {
    return false;
  }
  const vorige = await db
    .selectFrom('bekostigingHerberekening')
    .select('regelsVersie')
    .where('klaar', 'is not', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  await enqueueJob(db, {
    soort: HERBEREKENING_JOB,
    sleutel,
    data: {
      vandaag,
      aanleiding:
        vorige === undefined
          ? 'eerste berekening'
          : vorige.regelsVersie !== REGELS_VERSIE
            ? `nieuwe regels ${REGELS_VERSIE} (was ${vorige.regelsVersie})`
            : 'nieuwe teldatum in beeld',
    },
  });
  return true;
}

/** The job handler of the full recomputation: resumable under its key (the job's sleutel). */
export function herberekeningJobHandler(args: {
  deps: () => BekostigingDeps;
  gelijktijdig?: number;
  log?: (message: string) => void;
}): Record<string, JobHandler> {
  return {
    [PERSOON_HERBEREKENING_JOB]: async (job) => {
      const { type, data } = job.data as { type: string; data: unknown };
      const deps = args.deps();
      await deps.db.transaction().execute(async (trx) => {
        const personen = await personenVanEvents(trx, [{ type, data }]);
        await herberekenPersonen(deps, trx, personen, teldataVenster(dutchDate(new Date())));
      });
    },
    [HERBEREKENING_JOB]: async (job) => {
      const data = job.data as { vandaag: Datum; aanleiding?: string };
      const sleutel = job.sleutel ?? herberekeningSleutel(data.vandaag);
      let gemeld = 0;
      const r = await herberekenAlles(args.deps(), {
        vandaag: data.vandaag,
        sleutel,
        aanleiding: data.aanleiding ?? 'onbekend',
        gelijktijdig: args.gelijktijdig ?? 1,
        job: { id: job.id, leaseMs: HERBEREKENING_LEASE_MS },
        opVoortgang: ({ personen, totaal }) => {
          if (totaal > 0 && personen / totaal >= gemeld + 0.1) {
            gemeld = Math.floor((personen / totaal) * 10) / 10;
            args.log?.(
              `bekostiging: herberekening ${Math.round(gemeld * 100)}% (${personen} van ${totaal} personen)`,
            );
          }
        },
      });
      args.log?.(
        `bekostiging: herberekening ${sleutel} klaar: ${r.personen} personen, ${r.statussen} statussen, ` +
          `${r.gewijzigd} gewijzigd, in ${r.seconden.toFixed(1)} s`,
      );
    },
  };
}
