import type { Datum } from '../platform/dates.ts';
import { AppError, toonId } from '../platform/problem.ts';
import type { ResultaatState } from '../resultaat/resultaat.ts';
import {
  type DiplomaFeitRow,
  findResultaat,
  loadDiplomasVoorPersonen,
  pageDiplomaIds,
} from './bekostiging.diploma.repository.ts';
import {
  type FeitenSet,
  loadFeitenVoorPersonen,
  type PersoonWeergave,
  persoonVanNummers,
} from './bekostiging.repository.ts';
import type { BekostigingDeps } from './bekostiging.service.ts';
import {
  type BekostigingDiploma,
  type Diplomastatus,
  deriveDiplomastatussen,
  type FeitRef,
  periodeOp,
  toBekostigingDiplomas,
} from './bekostiging.ts';

/**
 * The diploma part of leveren bekostigingsstatus, computed on demand (DOMAIN.md §8.6–8.7, ADR 0008): a person's
 * diplomas at every institution are loaded as the register knew them at `bekendOp`, with the person's
 * inschrijvingen (for the 1 Octobers of the 3-year-gap rule and the examendeelnemer rule), and derived with
 * `deriveDiplomastatussen`. Only the asking institution's diplomas are returned to it.
 */

export type DiplomastatusVanResultaat = {
  resultaatId: string;
  persoonId: string;
  brin: string;
  status: Diplomastatus;
};

/** Leertrajecten whose periode makes an inschrijving a funded one for the examendeelnemer rule [I]. */
const BEKOSTIGDE_LEERTRAJECTEN = new Set(['BOL', 'BBL', 'BOL_DT']);

/** The diploma facts of the given persons: their diplomas and their inschrijvingen (with periodes). */
export type DiplomaFeitenSet = { diplomas: DiplomaFeitRow[]; feiten: FeitenSet };

/** Loads everything the diploma rules read for these persons, in one round of set-based queries. */
export async function loadDiplomaFeitenVoorPersonen(
  deps: Pick<BekostigingDeps, 'db'>,
  persoonIds: readonly string[],
  bekendOp?: string,
): Promise<DiplomaFeitenSet> {
  const [diplomas, feiten] = await Promise.all([
    loadDiplomasVoorPersonen(deps.db, persoonIds, bekendOp),
    loadFeitenVoorPersonen(deps.db, persoonIds, bekendOp),
  ]);
  return { diplomas, feiten };
}

/**
 * Derives the status of every diploma in `set` (removed diplomas and those without opleidingcode or date have
 * none), per person over all institutions. Pure given the facts.
 */
export function deriveDiplomastatussenUitFeiten(
  deps: Pick<BekostigingDeps, 'kwalificaties' | 'instellingBekostigd'>,
  set: DiplomaFeitenSet,
): DiplomastatusVanResultaat[] {
  const diplomasPerPersoon = groupBy(set.diplomas, (d) => d.persoonId);
  const inschrijvingenPerPersoon = groupBy(set.feiten.inschrijvingen, (i) => i.persoonId);
  const periodes = groupBy(set.feiten.periodes, (p) => p.inschrijvingId);
  const result: DiplomastatusVanResultaat[] = [];

  for (const [persoonId, rows] of diplomasPerPersoon) {
    const inschrijvingen = (inschrijvingenPerPersoon.get(persoonId) ?? []).filter((i) => !i.verwijderd);
    const metDiploma = new Set(rows.filter((d) => !d.verwijderd).map((d) => d.inschrijvingId));
    const laatsteJaar = Math.max(...rows.map((d) => Number((d.datumResultaat ?? '0000').slice(0, 4))));
    const oktoberteldata = oktobersIngeschreven(inschrijvingen, laatsteJaar);
    const byId = new Map(rows.map((r) => [r.resultaatId, r]));

    const examendeelnemer = (d: DiplomaFeitRow): BekostigingDiploma['examendeelnemer'] => {
      const eigen = inschrijvingen.find((i) => i.inschrijvingId === d.inschrijvingId);
      const eigenPeriodes = (periodes.get(d.inschrijvingId) ?? []).filter((p) => !p.verwijderd);
      const op = d.datumResultaat ?? '9999-12-31';
      const periode =
        periodeOp(eigenPeriodes, op) ??
        [...eigenPeriodes].sort((a, b) => b.datumBegin.localeCompare(a.datumBegin))[0];
      if (!eigen || periode?.leertraject !== 'EX') {
        return undefined;
      }
      // [I] A funded inschrijving: at a funded institution, with a periode claimed J on a funded leertraject.
      let tot: Datum | null = null;
      for (const i of inschrijvingen) {
        const einde = i.datumUitschrijvingWerkelijk ?? i.datumUitschrijvingGepland;
        const bekostigd =
          deps.instellingBekostigd(i.brin) &&
          (periodes.get(i.inschrijvingId) ?? []).some(
            (p) => !p.verwijderd && p.indicatieBekostigbaar && BEKOSTIGDE_LEERTRAJECTEN.has(p.leertraject),
          );
        if (
          i.inschrijvingId !== d.inschrijvingId &&
          bekostigd &&
          einde < op &&
          !metDiploma.has(i.inschrijvingId) &&
          (tot === null || einde > tot)
        ) {
          tot = einde;
        }
      }
      return { bekostigdeInschrijvingZonderDiplomaTot: tot };
    };

    const diplomas: BekostigingDiploma[] = [];
    const resultaatIds: string[] = [];
    for (const [brin, vanInstelling] of groupBy(rows, (d) => d.brin)) {
      const states = vanInstelling.map((d) => resultaatState(d));
      const mapped = toBekostigingDiplomas({ brin, bekostigd: deps.instellingBekostigd(brin) }, states, {
        feit: (r) => {
          const row = r.resultaatId ? byId.get(r.resultaatId) : undefined;
          return row ? { soort: 'resultaat', id: row.resultaatId, versie: row.versieId } : undefined;
        },
        examendeelnemer: (r) => {
          const row = r.resultaatId ? byId.get(r.resultaatId) : undefined;
          return row ? examendeelnemer(row) : undefined;
        },
      });
      for (const d of mapped) {
        diplomas.push(d);
        resultaatIds.push(d.feit?.id ?? '');
      }
    }
    const statussen = deriveDiplomastatussen(diplomas, deps.kwalificaties, { oktoberteldata });
    statussen.forEach((status, k) => {
      const row = byId.get(resultaatIds[k] ?? '');
      if (!row) {
        return;
      }
      const extra: FeitRef[] = [{ soort: 'instelling', id: row.brin }];
      if (diplomas[k]?.examendeelnemer) {
        const i = inschrijvingen.find((x) => x.inschrijvingId === row.inschrijvingId);
        if (i) {
          extra.push({ soort: 'inschrijving', id: i.inschrijvingId, versie: i.versieId });
        }
      }
      result.push({
        resultaatId: row.resultaatId,
        persoonId,
        brin: row.brin,
        status: { ...status, gebruikteFeiten: [...status.gebruikteFeiten, ...extra] },
      });
    });
  }
  return result.sort((a, b) => Number(a.resultaatId) - Number(b.resultaatId));
}

/**
 * The status of every diploma of the given persons (all institutions) as known at `bekendOp`, for the recompute
 * after a change. A removed diploma, or one without opleidingcode or date, has no status (it is absent).
 */
export async function deriveDiplomastatussenVoorPersonen(
  deps: BekostigingDeps,
  persoonIds: readonly string[],
  bekendOp?: string,
): Promise<DiplomastatusVanResultaat[]> {
  return deriveDiplomastatussenUitFeiten(
    deps,
    await loadDiplomaFeitenVoorPersonen(deps, persoonIds, bekendOp),
  );
}

/**
 * The explained status of one of the institution's diplomas as known at `bekendOp`. Another institution's
 * resultaat, a sub-result, or a diploma not recorded (or removed) then is not found (404): nothing leaks.
 */
export async function explainDiploma(
  deps: BekostigingDeps,
  brin: string,
  resultaatId: string,
  bekendOp?: string,
): Promise<DiplomastatusVanResultaat & { bekendOp: string | null }> {
  const niet = () =>
    new AppError({
      kind: 'not-found',
      code: 'bekostiging.diploma-onbekend',
      title: 'Diploma niet gevonden',
      detail: `Er is geen diploma ${toonId(resultaatId)} van deze instelling${bekendOp ? ` bekend op ${bekendOp}` : ''}.`,
    });
  if (!/^[0-9]{1,18}$/.test(resultaatId)) {
    throw niet();
  }
  const resultaat = await findResultaat(deps.db, resultaatId);
  if (!resultaat || resultaat.brin !== brin || resultaat.soort !== 'DIP') {
    throw niet();
  }
  const gevonden = (await deriveDiplomastatussenVoorPersonen(deps, [resultaat.persoonId], bekendOp)).find(
    (s) => s.resultaatId === resultaat.id,
  );
  if (!gevonden) {
    throw niet();
  }
  return { ...gevonden, bekendOp: bekendOp ?? null };
}

export type DiplomaPagina = {
  statussen: (DiplomastatusVanResultaat & {
    persoon: PersoonWeergave;
  })[];
  /** The last resultaat id of this page when more may follow (keyset). */
  volgende: string | null;
};

/** One page of the institution's diplomas behaald in calendar year `jaar`, with their statuses (keyset on the id). */
export async function pageDiplomastatussen(
  deps: BekostigingDeps,
  brin: string,
  jaar: number,
  opties: { na?: string; limit: number; bekendOp?: string },
): Promise<DiplomaPagina> {
  const page = await pageDiplomaIds(deps.db, brin, jaar, opties);
  if (page.length === 0) {
    return { statussen: [], volgende: null };
  }
  const byId = new Map(page.map((r) => [r.id, r]));
  const statussen = (
    await deriveDiplomastatussenVoorPersonen(
      deps,
      [...new Set(page.map((r) => r.persoonId))],
      opties.bekendOp,
    )
  ).flatMap((s) => {
    const r = byId.get(s.resultaatId);
    if (!r) {
      return [];
    }
    return [{ ...s, persoon: persoonVanNummers(r) }];
  });
  return { statussen, volgende: page.length === opties.limit ? (page[page.length - 1]?.id ?? null) : null };
}

export type DiplomaTotaal = {
  /** The funding year whose diploma part this is (T). */
  bekostigingsjaar: number;
  /** Calendar year T-2 in which the diplomas were obtained (DOMAIN.md §8.1). */
  kalenderjaar: number;
  /** The institution's diplomas behaald that year (not removed). */
  aantal: number;
  bekostigd: number;
  /** Sum of BijdrageDiplomawaarde (DiW − DiE + DS), before the 0.2 weight of the diploma part. */
  diplomapunten: number;
  perSignaal: Record<string, number>;
};

/** Diploma counts and points of the institution for funding year `bekostigingsjaar` (diplomas of T-2). */
export async function diplomaTotaal(
  deps: BekostigingDeps,
  brin: string,
  bekostigingsjaar: number,
  bekendOp?: string,
): Promise<DiplomaTotaal> {
  const kalenderjaar = bekostigingsjaar - 2;
  const t: DiplomaTotaal = {
    bekostigingsjaar,
    kalenderjaar,
    aantal: 0,
    bekostigd: 0,
    diplomapunten: 0,
    perSignaal: {},
  };
  let na: string | undefined;
  do {
    const page = await pageDiplomastatussen(deps, brin, kalenderjaar, {
      limit: 500,
      ...(na !== undefined ? { na } : {}),
      ...(bekendOp !== undefined ? { bekendOp } : {}),
    });
    for (const { status: s } of page.statussen) {
      t.aantal++;
      for (const x of s.signalen) {
        t.perSignaal[x.code] = (t.perSignaal[x.code] ?? 0) + 1;
      }
      if (s.bekostigbaar) {
        t.bekostigd++;
        t.diplomapunten += s.bijdrageDiplomawaarde;
      }
    }
    na = page.volgende ?? undefined;
  } while (na !== undefined);
  return t;
}

/** The 1 Octobers on which the person was enrolled (any institution), up to and including `totJaar`. */
function oktobersIngeschreven(inschrijvingen: FeitenSet['inschrijvingen'], totJaar: number): Datum[] {
  const result = new Set<Datum>();
  for (const i of inschrijvingen) {
    const einde = i.datumUitschrijvingWerkelijk ?? i.datumUitschrijvingGepland;
    const laatste = Math.min(Number(einde.slice(0, 4)), totJaar);
    for (let j = Number(i.datumInschrijving.slice(0, 4)); j <= laatste; j++) {
      const okt = `${j}-10-01`;
      if (i.datumInschrijving <= okt && okt <= einde) {
        result.add(okt);
      }
    }
  }
  return [...result].sort();
}

function resultaatState(d: DiplomaFeitRow): ResultaatState {
  return {
    resultaatId: d.resultaatId,
    resultaatvolgnummer: d.resultaatvolgnummer,
    soort: 'DIP',
    inschrijvingsvolgnummer: null,
    resultaatvolgnummerDiploma: null,
    opleidingcode: d.opleidingcode,
    datumResultaat: d.datumResultaat,
    indicatieBekostigbaar: d.indicatieBekostigbaar,
    code: null,
    uitslag: null,
    certificaat: null,
    eindcijfer: null,
    vrijstelling: null,
    cijferIe: null,
    cijferCe: null,
    vrijstellingIe: null,
    vrijstellingCe: null,
    verwijderd: d.verwijderd,
  };
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
