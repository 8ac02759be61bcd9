import type { Kysely } from 'kysely';
import type { InschrijvingState } from '../inschrijving/inschrijving.ts';
import type { Datum } from '../platform/dates.ts';
import type { DB } from '../platform/db-schema.ts';
import { AppError, toonId } from '../platform/problem.ts';
import type { Referentie } from '../referentie/referentie.ts';
import { type DiplomaTotaal, diplomaTotaal } from './bekostiging.diploma.ts';
import {
  type FeitenSet,
  findInschrijving,
  loadFeitenVoorPersonen,
  type PersoonFeitRow,
  type PersoonGegevensFeitRow,
  type PersoonWeergave,
  pageInschrijvingIds,
  persoonVanNummers,
} from './bekostiging.repository.ts';
import {
  type BekostigingKwalificatie,
  type BekostigingPersoon,
  type Bekostigingsstatus,
  bekostigingsjaar,
  computeCorrectiefactor,
  deriveBekostigingsstatus,
  type InschrijvingFeiten,
  isTeldatum,
  kwalificatiesFromReferentie,
  REGELS_VERSIE,
  selectTellendeInschrijving,
  type TeldatumTotaal,
  toBekostigingBpvs,
  toBekostigingInschrijving,
  type Woonplaats,
} from './bekostiging.ts';

/**
 * Leveren bekostigingsstatus, computed on demand: the facts are loaded as the register knew them at `bekendOp`
 * (default: now, the current versions), mapped onto the rules' input types and derived with the rules of
 * `bekostiging.ts`. One person counts once on a teldatum across all institutions (WEB 2.2.2 lid 3), so a person's
 * inschrijvingen elsewhere are read too, but only the asking institution's statuses are returned.
 */

export type BekostigingDeps = {
  db: Kysely<DB>;
  kwalificaties: ReadonlyMap<string, BekostigingKwalificatie>;
  instellingBekostigd: (brin: string) => boolean;
};

const kwalificatiesPerReferentie = new WeakMap<Referentie, ReadonlyMap<string, BekostigingKwalificatie>>();

/** The rules' view of the register and a reference snapshot (the qualification map is built once per snapshot). */
export function bekostigingDeps(db: Kysely<DB>, referentie: Referentie): BekostigingDeps {
  let kwalificaties = kwalificatiesPerReferentie.get(referentie);
  if (!kwalificaties) {
    kwalificaties = kwalificatiesFromReferentie(referentie);
    kwalificatiesPerReferentie.set(referentie, kwalificaties);
  }
  return {
    db,
    kwalificaties,
    instellingBekostigd: (brin) => referentie.instellingen.get(brin)?.bekostigd ?? false,
  };
}

export type StatusVanInschrijving = {
  inschrijvingId: string;
  persoonId: string;
  status: Bekostigingsstatus;
};

const PAGINA = 500;

/** The years a teldatum may fall in (as the calendar years of diplomas asked for: /resultaten?jaar=). */
const TELDATUM_JAREN = { van: 1990, tot: 2999 } as const;

/** Rejects anything but 1 October or 1 February of a plausible year, in Dutch (RFC 9457 via AppError). */
export function assertTeldatumParameter(teldatum: string): Datum {
  if (!isTeldatum(teldatum)) {
    throw new AppError({
      kind: 'invalid',
      code: 'bekostiging.geen-teldatum',
      title: 'Ongeldige teldatum',
      detail: `${teldatum} is geen teldatum: een teldatum is 1 oktober of 1 februari (JJJJ-10-01 of JJJJ-02-01).`,
    });
  }
  const jaar = Number(teldatum.slice(0, 4));
  if (jaar < TELDATUM_JAREN.van || jaar > TELDATUM_JAREN.tot) {
    // the diploma part looks two years further back: year 0000 or 0001 is no date the database can hold
    throw new AppError({
      kind: 'invalid',
      code: 'bekostiging.geen-teldatum',
      title: 'Ongeldige teldatum',
      detail: `${teldatum} is geen teldatum van het register: het jaar ligt tussen ${TELDATUM_JAREN.van} en ${TELDATUM_JAREN.tot}.`,
    });
  }
  return teldatum;
}

/** Normalises `bekendOp` to an ISO instant (UTC). */
export function normaliseBekendOp(bekendOp: string | undefined): string | undefined {
  if (bekendOp === undefined) {
    return undefined;
  }
  const d = new Date(bekendOp);
  // year 0 parses in JavaScript but is no year in PostgreSQL (1 BC comes before AD 1)
  if (Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1) {
    throw new AppError({
      kind: 'invalid',
      code: 'bekostiging.bekend-op-ongeldig',
      title: 'Ongeldig moment',
      detail: `bekendOp '${bekendOp}' is geen tijdstip; gebruik bijvoorbeeld 2026-10-15T12:00:00Z.`,
    });
  }
  return d.toISOString();
}

/** Derives the statuses of every inschrijving in `feiten` on `teldatum`, after the once-per-person choice. */
export function deriveStatussen(
  deps: BekostigingDeps,
  feiten: FeitenSet,
  teldatum: Datum,
): StatusVanInschrijving[] {
  return deriveStatussenVoorTeldata(deps, feiten, [teldatum]).get(teldatum) ?? [];
}

/**
 * `deriveStatussen` for several teldata at once: each inschrijving's facts are mapped onto the rules' input once
 * and derived per teldatum (the recomputation derives every teldatum of its window).
 */
export function deriveStatussenVoorTeldata(
  deps: BekostigingDeps,
  feiten: FeitenSet,
  teldata: readonly Datum[],
  /** Derive only these (an inschrijving left out is not bekostigbaar there, so the choice per person holds). */
  nodig?: (inschrijving: FeitenSet['inschrijvingen'][number], teldatum: Datum) => boolean,
): Map<Datum, StatusVanInschrijving[]> {
  const periodes = groupBy(feiten.periodes, (p) => p.inschrijvingId);
  const bpvs = groupBy(feiten.bpvs, (b) => b.inschrijvingId);
  const persoonFeiten = persoonFeitenVan(feiten);
  const invoer: { row: FeitenSet['inschrijvingen'][number]; feiten: InschrijvingFeiten }[] = [];
  for (const row of feiten.inschrijvingen) {
    const eigenPeriodes = periodes.get(row.inschrijvingId) ?? [];
    const eigenBpvs = bpvs.get(row.inschrijvingId) ?? [];
    const state: InschrijvingState = {
      inschrijvingId: row.inschrijvingId,
      inschrijvingsvolgnummer: row.inschrijvingsvolgnummer,
      datumInschrijving: row.datumInschrijving,
      datumUitschrijvingGepland: row.datumUitschrijvingGepland,
      datumUitschrijvingWerkelijk: row.datumUitschrijvingWerkelijk,
      redenUitschrijving: row.redenUitschrijving,
      verwijderd: row.verwijderd,
      periodes: eigenPeriodes.map((p) => ({
        periodeId: p.periodeId,
        datumBegin: p.datumBegin,
        opleidingcode: p.opleidingcode,
        leertraject: p.leertraject,
        niveau: p.niveau,
        indicatieBekostigbaar: p.indicatieBekostigbaar,
        onderwijslocatie: null,
        onderwijsaanbieder: null,
        locatiecodeVsv: null,
        verwijderd: p.verwijderd,
      })),
      ondersteuning: [],
      bpv: eigenBpvs.map((b) => ({
        bpvId: b.bpvId,
        bpvVolgnummer: b.bpvVolgnummer,
        afsluitdatum: b.afsluitdatum,
        datumBegin: b.datumBegin,
        datumEindeGepland: b.datumEindeGepland,
        datumEindeWerkelijk: b.datumEindeWerkelijk,
        omvang: null,
        leerbedrijfId: '',
        opleidingcode: null,
        codeKeuzedeel: null,
        erkenning: null,
        verwijderd: b.verwijderd,
      })),
    };
    const periodeVersie = new Map(eigenPeriodes.map((p) => [p.periodeId, p.versieId]));
    const bpvVersie = new Map(eigenBpvs.map((b) => [b.bpvId, b.versieId]));
    const inschrijving = toBekostigingInschrijving(row.brin, state, {
      inschrijving: { soort: 'inschrijving', id: row.inschrijvingId, versie: row.versieId },
      periode: (p) =>
        p.periodeId
          ? { soort: 'periode', id: p.periodeId, versie: periodeVersie.get(p.periodeId) }
          : undefined,
    });
    const bpvFeiten = toBekostigingBpvs(state, (b) =>
      b.bpvId ? { soort: 'bpv', id: b.bpvId, versie: bpvVersie.get(b.bpvId) } : undefined,
    );
    invoer.push({
      row,
      feiten: {
        inschrijving,
        instelling: {
          feit: { soort: 'instelling', id: row.brin },
          brin: row.brin,
          bekostigd: deps.instellingBekostigd(row.brin),
        },
        kwalificaties: deps.kwalificaties,
        ...(bpvFeiten ? { bpvs: bpvFeiten } : {}),
        ...(persoonFeiten ? { persoon: persoonFeiten(row.persoonId, row.brin) } : {}),
      },
    });
  }
  const perTeldatum = new Map<Datum, StatusVanInschrijving[]>();
  for (const teldatum of teldata) {
    const perPersoon = new Map<
      string,
      { row: FeitenSet['inschrijvingen'][number]; status: Bekostigingsstatus }[]
    >();
    for (const x of invoer) {
      if (nodig && !nodig(x.row, teldatum)) {
        continue;
      }
      const lijst = perPersoon.get(x.row.persoonId) ?? [];
      lijst.push({ row: x.row, status: deriveBekostigingsstatus(x.feiten, teldatum) });
      perPersoon.set(x.row.persoonId, lijst);
    }
    const result: StatusVanInschrijving[] = [];
    for (const [persoonId, lijst] of perPersoon) {
      if (lijst.length === 1) {
        const enige = lijst[0] as (typeof lijst)[number];
        result.push({ inschrijvingId: enige.row.inschrijvingId, persoonId, status: enige.status });
        continue;
      }
      const datum = new Map(lijst.map((x) => [x.status, x.row.datumInschrijving]));
      const gekozen = selectTellendeInschrijving(
        lijst.map((x) => x.status),
        (s) => datum.get(s) ?? '9999-12-31',
      );
      gekozen.statussen.forEach((status, k) => {
        const row = lijst[k]?.row;
        if (row) {
          result.push({
            inschrijvingId: row.inschrijvingId,
            persoonId,
            status: { ...status, brin: row.brin },
          });
        }
      });
    }
    perTeldatum.set(
      teldatum,
      result.sort((a, b) => Number(a.inschrijvingId) - Number(b.inschrijvingId)),
    );
  }
  return perTeldatum;
}

function inschrijvingOnbekend(inschrijvingId: string, bekendOp?: string): AppError {
  return new AppError({
    kind: 'not-found',
    code: 'bekostiging.inschrijving-onbekend',
    title: 'Inschrijving niet gevonden',
    detail: `Er is geen inschrijving ${toonId(inschrijvingId)} van deze instelling${bekendOp ? ` bekend op ${bekendOp}` : ''}.`,
  });
}

/**
 * One of the institution's own inschrijvingen by the register's id. Another institution's id, an unknown one or one
 * that is no number at all is the same 404, so nothing leaks through ids.
 */
export async function eigenInschrijving(
  db: Kysely<DB>,
  brin: string,
  inschrijvingId: string,
  bekendOp?: string,
): Promise<{ id: string; persoonId: string; brin: string }> {
  const inschrijving = /^[0-9]{1,18}$/.test(inschrijvingId)
    ? await findInschrijving(db, inschrijvingId)
    : undefined;
  if (!inschrijving || inschrijving.brin !== brin) {
    throw inschrijvingOnbekend(inschrijvingId, bekendOp);
  }
  return inschrijving;
}

/**
 * The explained status of one of the institution's inschrijvingen on `teldatum`, as known at `bekendOp`. Another
 * institution's inschrijving (or one not yet recorded then) is not found (404), so nothing leaks through ids.
 */
export async function explainInschrijving(
  deps: BekostigingDeps,
  brin: string,
  inschrijvingId: string,
  teldatum: Datum,
  bekendOp?: string,
): Promise<StatusVanInschrijving & { bekendOp: string | null }> {
  const inschrijving = await eigenInschrijving(deps.db, brin, inschrijvingId, bekendOp);
  const feiten = await loadFeitenVoorPersonen(deps.db, [inschrijving.persoonId], bekendOp);
  const gevonden = deriveStatussen(deps, feiten, teldatum).find((s) => s.inschrijvingId === inschrijvingId);
  if (!gevonden) {
    throw inschrijvingOnbekend(inschrijvingId, bekendOp);
  }
  return { ...gevonden, bekendOp: bekendOp ?? null };
}

export type StatusPagina = {
  statussen: (StatusVanInschrijving & {
    persoon: PersoonWeergave;
  })[];
  /** The last inschrijving id of this page when more may follow (keyset). */
  volgende: string | null;
};

/** One page of the institution's inschrijvingen with their statuses on `teldatum` (keyset on the id, ascending). */
export async function pageStatussen(
  deps: BekostigingDeps,
  brin: string,
  teldatum: Datum,
  opties: { na?: string; limit: number; bekendOp?: string },
): Promise<StatusPagina> {
  const page = await pageInschrijvingIds(deps.db, brin, opties);
  if (page.length === 0) {
    return { statussen: [], volgende: null };
  }
  const byId = new Map(page.map((r) => [r.id, r]));
  const feiten = await loadFeitenVoorPersonen(
    deps.db,
    [...new Set(page.map((r) => r.persoonId))],
    opties.bekendOp,
  );
  const statussen = deriveStatussen(deps, feiten, teldatum).flatMap((s) => {
    const r = byId.get(s.inschrijvingId);
    if (!r) {
      return [];
    }
    return [{ ...s, persoon: persoonVanNummers(r) }];
  });
  return { statussen, volgende: page.length === opties.limit ? (page[page.length - 1]?.id ?? null) : null };
}

/** The statuses of all the institution's inschrijvingen on `teldatum`, page by page (keyset on the id). */
export async function statussenVoorTeldatum(
  deps: BekostigingDeps,
  brin: string,
  teldatum: Datum,
  bekendOp?: string,
  opPagina: (statussen: StatusVanInschrijving[]) => void = () => {},
): Promise<void> {
  let na: string | undefined;
  do {
    const page = await pageStatussen(deps, brin, teldatum, {
      limit: PAGINA,
      ...(na !== undefined ? { na } : {}),
      ...(bekendOp !== undefined ? { bekendOp } : {}),
    });
    opPagina(page.statussen);
    na = page.volgende ?? undefined;
  } while (na !== undefined);
}

export type Totalen = {
  regelsVersie: string;
  bekendOp: string | null;
  teldata: TeldatumTotaal[];
  /** Cf (Uitvoeringsbesluit WEB 2.2.3 lid 6) when the 1 October and 1 February of one funding year were asked. */
  correctiefactor?: { bekostigingsjaar: number; waarde: number | null };
  /** The diploma part of each funding year of the asked teldata: diplomas of calendar year T-2 (DOMAIN.md §8.1). */
  diplomas: DiplomaTotaal[];
};

/**
 * Counts and weighted totals of the institution per teldatum, Cf when both teldata of a funding year are asked, and
 * per funding year of the teldata its diploma counts and points (diplomas of calendar year T-2).
 */
export async function totalenVoorTeldata(
  deps: BekostigingDeps,
  brin: string,
  teldata: readonly Datum[],
  bekendOp?: string,
): Promise<Totalen> {
  const uniek = [...new Set(teldata)].sort();
  const result: TeldatumTotaal[] = [];
  for (const teldatum of uniek) {
    const t: TeldatumTotaal = {
      teldatum,
      inschrijvingen: 0,
      bekostigd: 0,
      gewogen: 0,
      bijdrageOnbekend: 0,
      perSignaal: {},
    };
    await statussenVoorTeldatum(deps, brin, teldatum, bekendOp, (statussen) => {
      for (const { status: s } of statussen) {
        t.inschrijvingen++;
        for (const x of s.signalen) {
          t.perSignaal[x.code] = (t.perSignaal[x.code] ?? 0) + 1;
        }
        if (s.bekostigbaar) {
          t.bekostigd++;
          if (s.bijdrage === null) {
            t.bijdrageOnbekend++;
          } else {
            t.gewogen += s.bijdrage;
          }
        }
      }
    });
    t.gewogen = Math.round(t.gewogen * 1e6) / 1e6;
    result.push(t);
  }
  const jaren = [...new Set(uniek.map(bekostigingsjaar))].sort();
  const diplomas: DiplomaTotaal[] = [];
  for (const jaar of jaren) {
    diplomas.push(await diplomaTotaal(deps, brin, jaar, bekendOp));
  }
  const totalen: Totalen = {
    regelsVersie: REGELS_VERSIE,
    bekendOp: bekendOp ?? null,
    teldata: result,
    diplomas,
  };
  const okt = result.find((t) => t.teldatum.endsWith('-10-01'));
  const feb = result.find((t) => t.teldatum.endsWith('-02-01'));
  if (okt && feb && bekostigingsjaar(okt.teldatum) === bekostigingsjaar(feb.teldatum)) {
    totalen.correctiefactor = {
      bekostigingsjaar: bekostigingsjaar(okt.teldatum),
      waarde: computeCorrectiefactor(okt.gewogen, feb.gewogen),
    };
  }
  return totalen;
}

/**
 * The person facts for the rule on persons not in the BRP (WEB art. 2.2.2), or undefined when `feiten` carries no
 * persons (then the rules treat everyone as in the BRP). Per inschrijving: the person's identification as known
 * then, and the residence the inschrijving's own institution delivered (another institution's when it delivered
 * none).
 */
export function persoonFeitenVan(
  feiten: Pick<FeitenSet, 'personen' | 'persoonGegevens'>,
): ((persoonId: string, brin: string) => BekostigingPersoon) | undefined {
  if (!feiten.personen) {
    return undefined;
  }
  const personen = new Map(feiten.personen.map((p) => [p.persoonId, p]));
  const gegevens = groupBy(feiten.persoonGegevens ?? [], (g) => g.persoonId);
  return (persoonId, brin) => {
    const p = personen.get(persoonId);
    if (!p) {
      return {};
    }
    const eigen = gegevens.get(persoonId) ?? [];
    const g =
      eigen.find((x) => x.brin === brin) ??
      eigen.reduce<PersoonGegevensFeitRow | undefined>(
        (best, x) => (!best || Number(x.versieId) > Number(best.versieId) ? x : best),
        undefined,
      );
    const inBrp = inBrpVan(p);
    const woonplaats = g ? woonplaatsVan(g) : undefined;
    return {
      feit: {
        soort: 'persoon',
        id: persoonId,
        ...(p.identificatieId !== null ? { versie: p.identificatieId } : {}),
      },
      ...(inBrp !== undefined ? { inBrp } : {}),
      ...(woonplaats ? { woonplaats } : {}),
      ...(g ? { woonplaatsFeit: { soort: 'persoonsgegevens', id: persoonId, versie: g.versieId } } : {}),
    };
  };
}

/**
 * In the BRP or not, from the identification as known then: identified → yes; a BSN the BRP does not know, or an
 * onderwijsnummer issued → no; the BRP did not answer yet or DUO staff must choose → not known (the rules count it
 * as in the BRP [I]). A person never identified (its onderwijsnummer delivered) is not in the BRP when it has no BSN.
 */
export function inBrpVan(
  p: Pick<PersoonFeitRow, 'bsn' | 'onderwijsnummer' | 'identificatieStatus'>,
): boolean | undefined {
  switch (p.identificatieStatus) {
    case 'geidentificeerd':
      return true;
    case 'niet-in-brp':
    case 'onderwijsnummer':
      return false;
    case 'in-behandeling':
    case 'meerdere-kandidaten':
      return undefined;
    default:
      return p.bsn === null && p.onderwijsnummer !== null ? false : undefined;
  }
}

/**
 * Where the person lives, as the institution delivered it: the BRP land code when delivered; a postcode means the
 * Netherlands (the koppelvlak takes either a postcode for an address in NL or a land abroad, rule 6, code 790);
 * otherwise not known. A German Land (deelstaat) is never delivered, so a
 * person not in the BRP living in Germany stays 'onbekend' (B10) until the koppelvlak carries it.
 */
export function woonplaatsVan(g: Pick<PersoonGegevensFeitRow, 'land' | 'postcode'>): Woonplaats | undefined {
  if (g.land !== null) {
    return { land: g.land };
  }
  return g.postcode !== null ? { land: '6030' } : undefined;
}

function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const l = m.get(k) ?? [];
    l.push(r);
    m.set(k, l);
  }
  return m;
}
