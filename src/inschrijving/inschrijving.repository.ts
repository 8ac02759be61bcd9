import {
  type Compilable,
  type Insertable,
  type Kysely,
  type OperationNodeSource,
  sql,
  type Transaction,
} from 'kysely';
import type { BpvState } from '../bpv/bpv.ts';
import { persoonVanMelding } from '../persoon/persoon.lookup.ts';
import type { BpvErkenning, DB } from '../platform/db-schema.ts';
import type { ResultaatState } from '../resultaat/resultaat.ts';
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

/** Which versions a melding closes and how many new identities it needs (pure; from applyMelding's marks). */
export type VersiePlan = {
  closeInschrijvingen: string[];
  closePeriodes: string[];
  closeOndersteuning: string[];
  closeBpv: string[];
  nieuweInschrijvingen: number;
  nieuwePeriodes: number;
  nieuweOndersteuning: number;
  nieuweBpv: number;
};

function changed(s: InschrijvingState): boolean {
  return (
    Boolean(s.mutatie) ||
    s.periodes.some((p) => p.mutatie) ||
    s.ondersteuning.some((o) => o.mutatie) ||
    Boolean(s.bpv?.some((b) => b.mutatie))
  );
}

/** Records added and removed within one melding leave nothing to record. */
function written<T extends { mutatie?: string; verwijderd: boolean }>(x: T): boolean {
  return Boolean(x.mutatie) && !(x.mutatie === 'toevoegen' && x.verwijderd);
}

export function planVersies(nieuw: readonly InschrijvingState[]): VersiePlan {
  const plan: VersiePlan = {
    closeInschrijvingen: [],
    closePeriodes: [],
    closeOndersteuning: [],
    closeBpv: [],
    nieuweInschrijvingen: 0,
    nieuwePeriodes: 0,
    nieuweOndersteuning: 0,
    nieuweBpv: 0,
  };
  for (const s of nieuw.filter(changed)) {
    if (s.inschrijvingId === undefined) {
      plan.nieuweInschrijvingen++;
    } else if (s.mutatie) {
      plan.closeInschrijvingen.push(s.inschrijvingId);
    }
    for (const p of s.periodes.filter(written)) {
      if (p.periodeId === undefined) {
        plan.nieuwePeriodes++;
      } else {
        plan.closePeriodes.push(p.periodeId);
      }
    }
    for (const o of s.ondersteuning.filter(written)) {
      if (o.ondersteuningId === undefined) {
        plan.nieuweOndersteuning++;
      } else {
        plan.closeOndersteuning.push(o.ondersteuningId);
      }
    }
    for (const b of (s.bpv ?? []).filter(written)) {
      if (b.bpvId === undefined) {
        plan.nieuweBpv++;
      } else {
        plan.closeBpv.push(b.bpvId);
      }
    }
  }
  return plan;
}

export type AllocatedIds = {
  persoon: string[];
  inschrijving: string[];
  periode: string[];
  ondersteuning: string[];
  resultaat: string[];
  bpv: string[];
};

/** Upper bounds of the identity rows a melding can create: one per toevoegen record of each kind. */
export function maxNieuw(melding: {
  inschrijvingen?: readonly { mutatie: string }[];
  periodes?: readonly { mutatie: string }[];
  extraOndersteuning?: readonly { mutatie: string }[];
  resultaten?: readonly { mutatie: string }[];
  bpv?: readonly { mutatie: string }[];
}): { inschrijving: number; periode: number; ondersteuning: number; resultaat: number; bpv: number } {
  const n = (rs: readonly { mutatie: string }[] | undefined) =>
    (rs ?? []).filter((r) => r.mutatie === 'toevoegen').length;
  return {
    inschrijving: n(melding.inschrijvingen),
    periode: n(melding.periodes),
    ondersteuning: n(melding.extraOndersteuning),
    resultaat: n(melding.resultaten),
    bpv: n(melding.bpv),
  };
}

/** A statement that can be one part of a multi-part write (a data-modifying CTE). */
export type WritePart = Compilable & OperationNodeSource;

/**
 * The inserts for what a melding changed: new identity rows (with the allocated ids) and the next version of
 * every changed record (a verwijdering is a version with verwijderd = true). Returns them as statement parts
 * for `executeWrites`, and the ids of the inschrijvingen that changed.
 */
export function buildVersieInserts(
  trx: Transaction<DB>,
  args: {
    persoonId: string;
    brin: string;
    meldingId: string;
    ts: string;
    nieuw: readonly InschrijvingState[];
    ids: AllocatedIds;
  },
): { parts: WritePart[]; inschrijvingIds: string[]; inschrijvingIdByNummer: Map<string, string> } {
  const { persoonId, brin, meldingId, ts } = args;
  const ids = {
    i: [...args.ids.inschrijving],
    p: [...args.ids.periode],
    o: [...args.ids.ondersteuning],
    b: [...args.ids.bpv],
  };
  const take = (list: string[]) => {
    const id = list.shift();
    if (id === undefined) {
      throw new Error('fewer ids allocated than planned');
    }
    return id;
  };
  const identities: { id: string; persoonId: string; brin: string; inschrijvingsvolgnummer: string }[] = [];
  const periodeIdentities: { id: string; inschrijvingId: string }[] = [];
  const ondersteuningIdentities: { id: string; inschrijvingId: string }[] = [];
  const inschrijvingVersies: Insertable<DB['inschrijvingVersie']>[] = [];
  const periodeVersies: Insertable<DB['inschrijvingsperiodeVersie']>[] = [];
  const ondersteuningVersies: Insertable<DB['extraOndersteuningVersie']>[] = [];
  const bpvIdentities: { id: string; inschrijvingId: string; bpvVolgnummer: string }[] = [];
  const bpvVersies: Insertable<DB['bpvVersie']>[] = [];
  const inschrijvingIds: string[] = [];
  const inschrijvingIdByNummer = new Map<string, string>();
  for (const s of args.nieuw) {
    if (s.inschrijvingId !== undefined) {
      inschrijvingIdByNummer.set(s.inschrijvingsvolgnummer, s.inschrijvingId);
    }
  }
  const base = { registeredFrom: ts, registeredUntil: null, meldingId };

  for (const s of args.nieuw.filter(changed)) {
    let inschrijvingId = s.inschrijvingId;
    if (inschrijvingId === undefined) {
      inschrijvingId = take(ids.i);
      identities.push({
        id: inschrijvingId,
        persoonId,
        brin,
        inschrijvingsvolgnummer: s.inschrijvingsvolgnummer,
      });
      inschrijvingIdByNummer.set(s.inschrijvingsvolgnummer, inschrijvingId);
    }
    inschrijvingIds.push(inschrijvingId);
    if (s.mutatie) {
      inschrijvingVersies.push({
        inschrijvingId,
        datumInschrijving: s.datumInschrijving,
        datumUitschrijvingGepland: s.datumUitschrijvingGepland,
        datumUitschrijvingWerkelijk: s.datumUitschrijvingWerkelijk,
        redenUitschrijving: s.redenUitschrijving,
        verwijderd: s.verwijderd,
        mutatie: s.mutatie,
        ...base,
      });
    }
    for (const p of s.periodes.filter(written)) {
      let periodeId = p.periodeId;
      if (periodeId === undefined) {
        periodeId = take(ids.p);
        periodeIdentities.push({ id: periodeId, inschrijvingId });
      }
      periodeVersies.push({
        periodeId,
        inschrijvingId,
        datumBegin: p.datumBegin,
        opleidingcode: p.opleidingcode,
        leertraject: p.leertraject,
        niveau: p.niveau,
        indicatieBekostigbaar: p.indicatieBekostigbaar,
        onderwijslocatie: p.onderwijslocatie,
        onderwijsaanbieder: p.onderwijsaanbieder,
        locatiecodeVsv: p.locatiecodeVsv,
        verwijderd: p.verwijderd,
        mutatie: p.mutatie ?? 'wijzigen',
        ...base,
      });
    }
    for (const o of s.ondersteuning.filter(written)) {
      let ondersteuningId = o.ondersteuningId;
      if (ondersteuningId === undefined) {
        ondersteuningId = take(ids.o);
        ondersteuningIdentities.push({ id: ondersteuningId, inschrijvingId });
      }
      ondersteuningVersies.push({
        ondersteuningId,
        inschrijvingId,
        datumBegin: o.datumBegin,
        datumEinde: o.datumEinde,
        verwijderd: o.verwijderd,
        mutatie: o.mutatie ?? 'wijzigen',
        ...base,
      });
    }
    for (const b of (s.bpv ?? []).filter(written)) {
      let bpvId = b.bpvId;
      if (bpvId === undefined) {
        bpvId = take(ids.b);
        bpvIdentities.push({ id: bpvId, inschrijvingId, bpvVolgnummer: b.bpvVolgnummer });
      }
      bpvVersies.push({
        bpvId,
        inschrijvingId,
        afsluitdatum: b.afsluitdatum,
        datumBegin: b.datumBegin,
        datumEindeGepland: b.datumEindeGepland,
        datumEindeWerkelijk: b.datumEindeWerkelijk,
        omvang: b.omvang,
        leerbedrijfId: b.leerbedrijfId,
        opleidingcode: b.opleidingcode,
        codeKeuzedeel: b.codeKeuzedeel,
        erkenning: b.erkenning,
        verwijderd: b.verwijderd,
        mutatie: b.mutatie ?? 'wijzigen',
        ...base,
      });
    }
  }
  // Explicit ids into identity tables: the column is typed Generated (never written) for ordinary inserts.
  const withIds = <T>(rows: T[]) => rows as unknown as never[];
  const parts: WritePart[] = [];
  // Close the versions this melding replaces. The "one current version" constraints are deferred to commit,
  // so closing and inserting the next version may happen in one statement.
  const plan = planVersies(args.nieuw);
  if (plan.closeInschrijvingen.length > 0) {
    parts.push(
      trx
        .updateTable('inschrijvingVersie')
        .set({ registeredUntil: ts })
        .where('inschrijvingId', 'in', plan.closeInschrijvingen)
        .where('registeredUntil', 'is', null),
    );
  }
  if (plan.closePeriodes.length > 0) {
    parts.push(
      trx
        .updateTable('inschrijvingsperiodeVersie')
        .set({ registeredUntil: ts })
        .where('periodeId', 'in', plan.closePeriodes)
        .where('registeredUntil', 'is', null),
    );
  }
  if (plan.closeOndersteuning.length > 0) {
    parts.push(
      trx
        .updateTable('extraOndersteuningVersie')
        .set({ registeredUntil: ts })
        .where('ondersteuningId', 'in', plan.closeOndersteuning)
        .where('registeredUntil', 'is', null),
    );
  }
  if (plan.closeBpv.length > 0) {
    parts.push(
      trx
        .updateTable('bpvVersie')
        .set({ registeredUntil: ts })
        .where('bpvId', 'in', plan.closeBpv)
        .where('registeredUntil', 'is', null),
    );
  }
  if (identities.length > 0) {
    parts.push(trx.insertInto('inschrijving').values(withIds(identities)));
  }
  if (periodeIdentities.length > 0) {
    parts.push(trx.insertInto('inschrijvingsperiode').values(withIds(periodeIdentities)));
  }
  if (ondersteuningIdentities.length > 0) {
    parts.push(trx.insertInto('extraOndersteuning').values(withIds(ondersteuningIdentities)));
  }
  if (bpvIdentities.length > 0) {
    parts.push(trx.insertInto('bpv').values(withIds(bpvIdentities)));
  }
  if (inschrijvingVersies.length > 0) {
    parts.push(trx.insertInto('inschrijvingVersie').values(inschrijvingVersies));
  }
  if (periodeVersies.length > 0) {
    parts.push(trx.insertInto('inschrijvingsperiodeVersie').values(periodeVersies));
  }
  if (ondersteuningVersies.length > 0) {
    parts.push(trx.insertInto('extraOndersteuningVersie').values(ondersteuningVersies));
  }
  if (bpvVersies.length > 0) {
    parts.push(trx.insertInto('bpvVersie').values(bpvVersies));
  }
  return { parts, inschrijvingIds, inschrijvingIdByNummer };
}

/**
 * Runs several independent writes as ONE statement (data-modifying CTEs), the last part as the main query.
 * Foreign keys between the parts hold: PostgreSQL checks them at the end of the statement.
 */
export async function executeWrites(trx: Transaction<DB>, parts: readonly WritePart[]): Promise<void> {
  const last = parts.at(-1);
  if (last === undefined) {
    return;
  }
  const ctes = parts.slice(0, -1);
  if (ctes.length === 0) {
    await sql`${last}`.execute(trx);
    return;
  }
  await sql`with ${sql.join(ctes.map((p, i) => sql`${sql.raw(`w${i}`)} as (${p})`))} ${last}`.execute(trx);
}

/** Serialises meldingen about one person (both engines): a transaction-scoped advisory lock. */
export async function lockPersoon(trx: Transaction<DB>, pgn: string): Promise<void> {
  await sql`select ${lockPersoonExpression(pgn)}`.execute(trx);
}

/** The lock as an expression, to take it within another statement. */
export function lockPersoonExpression(pgn: string) {
  return sql<string>`pg_advisory_xact_lock(hashtextextended(${`persoon:${pgn}`}, 0))`;
}

/** Everything a melding about one person needs to read, fetched in one round trip (after the person lock). */
export type PersoonState = {
  /** clock_timestamp() read after the lock: the recorded time of every version this melding writes. */
  ts: string;
  persoonId: string | null;
  /** Ids allocated from the sequences for identity rows this melding may create (unused ones are gaps). */
  ids: AllocatedIds;
  huidig: InschrijvingState[];
  /** The person's resultaten at this BRIN (current versions, verwijderde included: their identity is reused). */
  resultaten: ResultaatState[];
  elders: InschrijvingElders[];
  gegevens: Record<string, string | null> & { id: string };
  heeftGegevens: boolean;
  /** The person's current identification version (issue 3), if any. */
  identificatie: { id: string; status: string; kenmerk: string | null } | null;
  nummers: { bsn: string | null; onderwijsnummer: string | null } | null;
};

type JsonInschrijving = {
  id: string;
  nr: string;
  di: string;
  dg: string;
  dw: string | null;
  r: string | null;
  x: boolean;
  p: {
    id: string;
    db: string;
    oc: string;
    lt: string;
    nv: string | null;
    ib: boolean;
    ol: string | null;
    oa: string | null;
    lv: string | null;
  }[];
  o: { id: string; db: string; de: string | null }[];
  b: {
    id: string;
    nr: string;
    ad: string;
    db: string;
    eg: string;
    ew: string | null;
    om: number | null;
    lb: string;
    oc: string | null;
    kd: string | null;
    er: BpvErkenning | null;
    x: boolean;
  }[];
};

type JsonResultaat = {
  id: string;
  nr: string;
  s: ResultaatState['soort'];
  i: string | null;
  d: string | null;
  oc: string | null;
  dr: string | null;
  ib: boolean | null;
  c: string | null;
  u: ResultaatState['uitslag'];
  ce: boolean | null;
  ec: string | null;
  vr: string | null;
  ci: string | null;
  cc: string | null;
  vi: string | null;
  vc: string | null;
  x: boolean;
};

/**
 * Loads the person (by BSN or onderwijsnummer), its inschrijvingen at `brin` with their current periodes and
 * extra ondersteuning, the dates of its enrolments elsewhere and its current delivered data, as JSON in ONE
 * statement. Must run after `lockPersoon` in the same transaction (a new statement sees what committed before).
 */
export async function loadPersoonState(
  trx: Transaction<DB>,
  pgn: {
    bsn: string | null;
    onderwijsnummer: string | null;
    /** Without a number: the person this institution delivered before under this leerlingnummer. */
    leerlingnummer?: string | null;
  },
  brin: string,
  allocate: { inschrijving: number; periode: number; ondersteuning: number; resultaat: number; bpv?: number },
): Promise<PersoonState> {
  const { rows } = await sql<{
    ts: string;
    persoonId: string | null;
    idsPersoon: string[];
    idsInschrijving: string[];
    idsPeriode: string[];
    idsOndersteuning: string[];
    idsResultaat: string[];
    idsBpv: string[];
    huidig: JsonInschrijving[] | null;
    resultaten: JsonResultaat[] | null;
    elders: { d: string; e: string }[] | null;
    gegevens: (Record<string, string | null> & { id: string }) | null;
    identificatie: { id: string; status: string; kenmerk: string | null } | null;
    nummers: { bsn: string | null; onderwijsnummer: string | null } | null;
  }>`
    with p as (
      ${persoonVanMelding(pgn, brin)}
    ),
    i as (
      select i.id, i.brin, i.inschrijvingsvolgnummer, v.datum_inschrijving, v.datum_uitschrijving_gepland,
             v.datum_uitschrijving_werkelijk, v.reden_uitschrijving, v.verwijderd
      from inschrijving i
      join inschrijving_versie v on v.inschrijving_id = i.id and v.registered_until is null
      where i.persoon_id = (select id from p)
    )
    select
      clock_timestamp()::text as ts,
      (select id::text from p) as persoon_id,
      array(select nextval('persoon_id_seq')::text
            from generate_series(1, case when exists (select 1 from p) then 0 else 1 end)) as ids_persoon,
      array(select nextval('inschrijving_id_seq')::text from generate_series(1, ${allocate.inschrijving}::int)) as ids_inschrijving,
      array(select nextval('inschrijvingsperiode_id_seq')::text from generate_series(1, ${allocate.periode}::int)) as ids_periode,
      array(select nextval('extra_ondersteuning_id_seq')::text
            from generate_series(1, ${allocate.ondersteuning}::int)) as ids_ondersteuning,
      array(select nextval('resultaat_id_seq')::text from generate_series(1, ${allocate.resultaat}::int)) as ids_resultaat,
      (select json_agg(json_build_object(
          'id', r.id::text, 'nr', r.resultaatvolgnummer, 's', r.soort,
          'i', case when v.diploma_id is null then ins.inschrijvingsvolgnummer end, 'd', d.resultaatvolgnummer,
          'oc', v.opleidingcode, 'dr', v.datum_resultaat, 'ib', v.indicatie_bekostigbaar, 'c', v.code, 'u', v.uitslag,
          'ce', v.certificaat, 'ec', v.eindcijfer, 'vr', v.vrijstelling, 'ci', v.cijfer_ie, 'cc', v.cijfer_ce,
          'vi', v.vrijstelling_ie, 'vc', v.vrijstelling_ce, 'x', v.verwijderd) order by r.id)
        from resultaat r
        join resultaat_versie v on v.resultaat_id = r.id and v.registered_until is null
        join inschrijving ins on ins.id = v.inschrijving_id
        left join resultaat d on d.id = v.diploma_id
        where r.persoon_id = (select id from p) and r.brin = ${brin}) as resultaten,
      array(select nextval('bpv_id_seq')::text from generate_series(1, ${allocate.bpv ?? 0}::int)) as ids_bpv,
      (select json_agg(json_build_object(
          'id', i.id::text, 'nr', i.inschrijvingsvolgnummer, 'di', i.datum_inschrijving,
          'dg', i.datum_uitschrijving_gepland, 'dw', i.datum_uitschrijving_werkelijk,
          'r', i.reden_uitschrijving, 'x', i.verwijderd,
          'p', coalesce((select json_agg(json_build_object(
                  'id', pv.periode_id::text, 'db', pv.datum_begin, 'oc', pv.opleidingcode, 'lt', pv.leertraject,
                  'nv', pv.niveau, 'ib', pv.indicatie_bekostigbaar, 'ol', pv.onderwijslocatie,
                  'oa', pv.onderwijsaanbieder, 'lv', pv.locatiecode_vsv))
                from inschrijvingsperiode_versie pv
                where pv.inschrijving_id = i.id and pv.registered_until is null and not pv.verwijderd), '[]'::json),
          'o', coalesce((select json_agg(json_build_object('id', ov.ondersteuning_id::text, 'db', ov.datum_begin,
                  'de', ov.datum_einde))
                from extra_ondersteuning_versie ov
                where ov.inschrijving_id = i.id and ov.registered_until is null and not ov.verwijderd), '[]'::json),
          'b', coalesce((select json_agg(json_build_object('id', bv.bpv_id::text, 'nr', b.bpv_volgnummer,
                  'ad', bv.afsluitdatum, 'db', bv.datum_begin, 'eg', bv.datum_einde_gepland,
                  'ew', bv.datum_einde_werkelijk, 'om', bv.omvang, 'lb', bv.leerbedrijf_id, 'oc', bv.opleidingcode,
                  'kd', bv.code_keuzedeel, 'er', bv.erkenning, 'x', bv.verwijderd))
                from bpv_versie bv join bpv b on b.id = bv.bpv_id
                where bv.inschrijving_id = i.id and bv.registered_until is null), '[]'::json)))
        from i where i.brin = ${brin}) as huidig,
      (select json_agg(json_build_object('d', i.datum_inschrijving,
          'e', coalesce(i.datum_uitschrijving_werkelijk, i.datum_uitschrijving_gepland)))
        from i where i.brin <> ${brin} and not i.verwijderd) as elders,
      (select json_build_object('id', g.id::text, 'geboortedatum', g.geboortedatum, 'geslacht', g.geslacht,
          'postcode', g.postcode, 'land', g.land, 'achternaam', g.achternaam, 'voorvoegsel', g.voorvoegsel,
          'voornamen', g.voornamen, 'leerlingnummer', g.leerlingnummer)
        from persoon_gegevens g
        where g.persoon_id = (select id from p) and g.brin = ${brin} and g.registered_until is null) as gegevens,
      (select json_build_object('id', pi.id::text, 'status', pi.status, 'kenmerk', pi.kenmerk)
        from persoon_identificatie pi
        where pi.persoon_id = (select id from p) and pi.registered_until is null) as identificatie,
      (select json_build_object('bsn', x.bsn, 'onderwijsnummer', x.onderwijsnummer) from persoon x
        where x.id = (select id from p)) as nummers
  `.execute(trx);
  const row = rows[0];
  if (!row) {
    throw new Error('loadPersoonState returned no row');
  }
  return {
    ts: row.ts,
    persoonId: row.persoonId,
    ids: {
      persoon: row.idsPersoon,
      inschrijving: row.idsInschrijving,
      periode: row.idsPeriode,
      ondersteuning: row.idsOndersteuning,
      resultaat: row.idsResultaat,
      bpv: row.idsBpv,
    },
    huidig: (row.huidig ?? []).map((i) => ({
      inschrijvingId: i.id,
      inschrijvingsvolgnummer: i.nr,
      datumInschrijving: i.di,
      datumUitschrijvingGepland: i.dg,
      datumUitschrijvingWerkelijk: i.dw,
      redenUitschrijving: i.r,
      verwijderd: i.x,
      periodes: i.p.map((p) => ({
        periodeId: p.id,
        datumBegin: p.db,
        opleidingcode: p.oc,
        leertraject: p.lt,
        niveau: p.nv,
        indicatieBekostigbaar: p.ib,
        onderwijslocatie: p.ol,
        onderwijsaanbieder: p.oa,
        locatiecodeVsv: p.lv,
        verwijderd: false,
      })),
      ondersteuning: i.o.map((o) => ({
        ondersteuningId: o.id,
        datumBegin: o.db,
        datumEinde: o.de,
        verwijderd: false,
      })),
      bpv: i.b.map(
        (b): BpvState => ({
          bpvId: b.id,
          bpvVolgnummer: b.nr,
          afsluitdatum: b.ad,
          datumBegin: b.db,
          datumEindeGepland: b.eg,
          datumEindeWerkelijk: b.ew,
          omvang: b.om,
          leerbedrijfId: b.lb,
          opleidingcode: b.oc,
          codeKeuzedeel: b.kd,
          erkenning: b.er,
          verwijderd: b.x,
        }),
      ),
      // The current BPV count; the resultaten count depends on the melding (a melding may delete the
      // resultaten first) and is set by the service (countResultatenPerInschrijving).
      afhankelijken: { bpv: i.b.filter((b) => !b.x).length, resultaten: 0 },
    })),
    resultaten: (row.resultaten ?? []).map((r) => ({
      resultaatId: r.id,
      resultaatvolgnummer: r.nr,
      soort: r.s,
      inschrijvingsvolgnummer: r.i,
      resultaatvolgnummerDiploma: r.d,
      opleidingcode: r.oc,
      datumResultaat: r.dr,
      indicatieBekostigbaar: r.ib,
      code: r.c,
      uitslag: r.u,
      certificaat: r.ce,
      eindcijfer: r.ec,
      vrijstelling: r.vr,
      cijferIe: r.ci,
      cijferCe: r.cc,
      vrijstellingIe: r.vi,
      vrijstellingCe: r.vc,
      verwijderd: r.x,
    })),
    elders: (row.elders ?? []).map((e) => ({ datumInschrijving: e.d, einde: e.e })),
    gegevens: row.gegevens ?? { id: '' },
    heeftGegevens: row.gegevens !== null,
    identificatie: row.identificatie,
    nummers: row.nummers,
  };
}
