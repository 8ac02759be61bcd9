import type { BpvState } from '../bpv/bpv.ts';
import type { InschrijvingState, PeriodeState } from '../inschrijving/inschrijving.ts';
import type { Datum } from '../platform/dates.ts';
import type { Referentie } from '../referentie/referentie.ts';
import type { ResultaatState } from '../resultaat/resultaat.ts';
import { type BekostigingSignaal, signaal } from './bekostiging.signalen.ts';

/**
 * The funding rules (bekostiging MBO) as pure functions: the provisional funding status of one
 * inschrijving on one teldatum, the choice among one person's inschrijvingen on a teldatum, the
 * value of a person's diplomas, and the correctiefactor. Everything the rules need is passed in
 * (facts from the register, reference data, the teldatum); nothing here reads a clock or storage.
 *
 * Sources: WEB art. 1.4.1, 2.2.2; Uitvoeringsbesluit WEB art. 2.2.2–2.2.5; Regeling BVE 2009
 * toelichting, as DOMAIN.md §8 and §10a.7–10a.9 summarise them. Inferences are marked [I] and
 * listed in docs/adr/0008-bekostiging-rules.md.
 */

/**
 * Version of these rules. A stored status records the version that derived it, so a change of a rule
 * is a new version and old statuses stay explainable. Bump on any change to an outcome.
 * 2026.2: the VWS flag is read from the reference data (`beroepsvereisten` VWS), so VWS BBL students whose BPV
 * starts between 1 January and 1 June count on 1 October.
 */
export const REGELS_VERSIE = '2026.2';

/** Teldatum of the verblijfsjaarfactor's end: it applies only to teldata before this date (DOMAIN.md §10a.7). */
export const VERBLIJFSJAARFACTOR_TOT = '2018-10-01';

/** A register fact this derivation used, passed through from the caller (its id and recorded version). */
export type FeitRef = Readonly<{
  soort:
    | 'inschrijving'
    | 'periode'
    | 'bpv'
    | 'persoon'
    | 'persoonsgegevens'
    | 'kwalificatie'
    | 'instelling'
    | 'resultaat';
  id: string;
  /** The recorded version (e.g. the `_versie` row id or its registered_from); absent for reference data. */
  versie?: string;
}>;

// ---------------------------------------------------------------------------------------------------------
// Inputs

/** One inschrijvingsperiode (ISP): from `datumBegin` until the next periode's datumBegin. */
export type BekostigingPeriode = Readonly<{
  feit?: FeitRef;
  datumBegin: Datum;
  opleidingcode: string;
  leertraject: string;
  /** `MBO-1`..`MBO-4` as delivered; used when the kwalificatie has no level (dossier, domain). */
  niveau?: string | null;
  indicatieBekostigbaar: boolean;
}>;

/** What the rules need of a kwalificatie (reference data; a structural subset of KwalificatieReferentie). */
export type BekostigingKwalificatie = Readonly<{
  crebo: string;
  /** 1..4; null when unknown (dossiers and domains without a level). */
  niveau: number | null;
  /** e.g. 'entreeopleiding', 'specialistenopleiding' (from the qualification list). */
  soortOpleiding: string | null;
  prijsfactor: number | null;
  /**
   * True for qualifications set in agreement with the Minister of VWS: BBL BPV deadline is 1 June of
   * the next year instead of 31 December (Uitvoeringsbesluit WEB art. 2.2.3 lid 1 onder b). Absent means false.
   */
  vws?: boolean;
}>;

/** The value of `beroepsvereisten` in the qualification files that marks a VWS-regulated qualification [I]. */
export const BEROEPSVEREISTEN_VWS = 'VWS';

/**
 * The rules' view of the reference snapshot's kwalificaties. A code is VWS-regulated when its own
 * `beroepsvereisten` is `VWS` [I: the regulation's beroepsvereisten column read as "kwalificatie in
 * overeenstemming met Onze Minister van VWS vastgesteld", ADR 0008]. Nothing is inherited: a kwalificatie
 * has its own row in the files, and a dossier carries `VWS` only when all its kwalificaties do (the importer).
 */
export function kwalificatiesFromReferentie(r: Referentie): ReadonlyMap<string, BekostigingKwalificatie> {
  const result = new Map<string, BekostigingKwalificatie>();
  for (const [crebo, k] of r.kwalificaties) {
    result.set(crebo, { ...k, vws: k.beroepsvereisten === BEROEPSVEREISTEN_VWS });
  }
  return result;
}

/**
 * One BPV (praktijkovereenkomst) as the BPV register will hold it (DOMAIN.md §10a.5). Defined here
 * because the BPV capability is built in parallel; its service maps its rows onto this type.
 */
export type BekostigingBpv = Readonly<{
  feit?: FeitRef;
  bpvVolgnummer: string;
  /** Date the POK was concluded (afsluitdatum). */
  afsluitdatum: Datum;
  datumBegin: Datum;
  /** Werkelijke datum einde if known, else geplande datum einde; inclusive; null = open. */
  datumEinde: Datum | null;
}>;

/** Where a person not in the BRP lives (delivered by the institution, DOMAIN.md §3.1). */
export type Woonplaats = Readonly<{
  /** BRP land code (Tabel 34): 6030 Nederland, 5010 België, 6029/9089 Duitsland. */
  land: string;
  /** For Germany: the Land as ISO 3166-2:DE subdivision (NW, NI, HB); otherwise absent. */
  deelstaat?: string;
}>;

export type BekostigingPersoon = Readonly<{
  feit?: FeitRef;
  /** True when the person is known in the BRP; undefined = not known yet (treated as in BRP [I]). */
  inBrp?: boolean;
  woonplaats?: Woonplaats;
  /** The recorded person data the residence comes from (used only when the person is not in the BRP). */
  woonplaatsFeit?: FeitRef;
}>;

export type BekostigingInschrijving = Readonly<{
  feit?: FeitRef;
  brin: string;
  inschrijvingsvolgnummer: string;
  datumInschrijving: Datum;
  datumUitschrijvingGepland: Datum;
  datumUitschrijvingWerkelijk: Datum | null;
  verwijderd: boolean;
  periodes: readonly BekostigingPeriode[];
}>;

export type BekostigingInstelling = Readonly<{ feit?: FeitRef; brin: string; bekostigd: boolean }>;

export type InschrijvingFeiten = Readonly<{
  inschrijving: BekostigingInschrijving;
  instelling: BekostigingInstelling;
  /** Reference data lookup by crebo. */
  kwalificaties: ReadonlyMap<string, BekostigingKwalificatie>;
  /** The inschrijving's BPVs; undefined when BPV facts are not available (yet). */
  bpvs?: readonly BekostigingBpv[];
  persoon?: BekostigingPersoon;
  /**
   * The bekostigde verblijfsjaar this teldatum is for the person (1 = first), see `countVerblijfsjaar`.
   * Only used for teldata before 1 October 2018.
   */
  verblijfsjaar?: number;
  /** True when the teldatum's figures are final (assurance-rapport processed): status 'D' instead of 'V'. */
  definitief?: boolean;
}>;

// ---------------------------------------------------------------------------------------------------------
// Output

export type StatusBepaling = 'V' | 'D';

/** The funding status of one inschrijving on one teldatum (TBG-i Teldatum / BII, DOMAIN.md §10a.7). */
export type Bekostigingsstatus = {
  regelsVersie: string;
  teldatum: Datum;
  brin: string;
  inschrijvingsvolgnummer: string;
  statusBepaling: StatusBepaling;
  /** The institution's claim on the teldatum (the periode's indicatie bekostigbaar); null without periode. */
  indicatieBekostigbaar: boolean | null;
  /** The register's decision. */
  bekostigbaar: boolean;
  /** Counts for the correctiefactor (1 Feb) or its base (1 Oct): same as bekostigbaar here [I]. */
  inschrijvingVoorCorrectiefactor: boolean;
  opleidingcode: string | null;
  leertraject: string | null;
  niveau: number | null;
  bblBolFactor: number | null;
  prijsfactor: number | null;
  /** Only for teldata before 1 October 2018. */
  verblijfsjaar: number | null;
  verblijfsjaarfactor: number | null;
  /** This inschrijving's contribution to the deelnemerswaarde; 0 when not bekostigbaar, null when a factor is unknown. */
  bijdrage: number | null;
  /** BBL: the BPVs that meet the conditions. */
  bekostigingsrelevanteBpvs: string[];
  signalen: BekostigingSignaal[];
  gebruikteFeiten: FeitRef[];
};

// ---------------------------------------------------------------------------------------------------------
// Teldata

/** True for a teldatum: 1 October or 1 February (Uitvoeringsbesluit WEB art. 2.2.3 lid 1 and 6). */
export function isTeldatum(datum: Datum): boolean {
  return /^\d{4}-(10|02)-01$/.test(datum);
}

/** The funding year a teldatum counts for: 1 Oct of T-2 and 1 Feb of T-1 (DOMAIN.md §8.1). */
export function bekostigingsjaar(teldatum: Datum): number {
  const jaar = Number(teldatum.slice(0, 4));
  return teldatum.slice(5, 7) === '10' ? jaar + 2 : jaar + 1;
}

/**
 * The teldata a fact valid from `van` to `tot` (inclusive; null = open) can affect, for the recompute after a
 * change [I]: every 1 October and 1 February in that range, up to and including the first teldatum after
 * `vandaag` (the provisional status of the coming teldatum), never before `vanafTeldatum` (the oldest teldatum
 * still of interest, e.g. one not yet final). Ascending.
 */
export function affectedTeldata(
  van: Datum,
  tot: Datum | null,
  vandaag: Datum,
  vanafTeldatum: Datum,
): Datum[] {
  const result: Datum[] = [];
  const start = van > vanafTeldatum ? van : vanafTeldatum;
  let jaar = Number(start.slice(0, 4));
  for (;;) {
    for (const d of [`${jaar}-02-01`, `${jaar}-10-01`]) {
      if (d < start) {
        continue;
      }
      if ((tot !== null && d > tot) || (d > vandaag && result.some((r) => r > vandaag))) {
        return result;
      }
      result.push(d);
    }
    jaar++;
  }
}

function assertTeldatum(teldatum: Datum): void {
  if (!isTeldatum(teldatum)) {
    throw new RangeError(`Geen teldatum (1 oktober of 1 februari): ${teldatum}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Rules, each a small function naming its article

/** The periode in force on a date: the one with the latest datumBegin on or before it. */
export function periodeOp(
  periodes: readonly BekostigingPeriode[],
  datum: Datum,
): BekostigingPeriode | undefined {
  let best: BekostigingPeriode | undefined;
  for (const p of periodes) {
    if (p.datumBegin <= datum && (!best || p.datumBegin > best.datumBegin)) {
      best = p;
    }
  }
  return best;
}

/** `MBO-3` → 3; anything else → null. */
function periodeNiveau(niveau: string | null | undefined): number | null {
  const m = /^MBO-([1-4])$/.exec(niveau ?? '');
  return m ? Number(m[1]) : null;
}

/**
 * Maps an inschrijving as the register holds it (`InschrijvingState` of the inschrijving capability) onto the
 * facts the rules read. Removed periodes are left out; `feiten` names the recorded versions, when known.
 */
export function toBekostigingInschrijving(
  brin: string,
  state: InschrijvingState,
  feiten: { inschrijving?: FeitRef; periode?: (p: PeriodeState) => FeitRef | undefined } = {},
): BekostigingInschrijving {
  return {
    ...(feiten.inschrijving ? { feit: feiten.inschrijving } : {}),
    brin,
    inschrijvingsvolgnummer: state.inschrijvingsvolgnummer,
    datumInschrijving: state.datumInschrijving,
    datumUitschrijvingGepland: state.datumUitschrijvingGepland,
    datumUitschrijvingWerkelijk: state.datumUitschrijvingWerkelijk,
    verwijderd: state.verwijderd,
    periodes: state.periodes
      .filter((p) => !p.verwijderd)
      .map((p) => {
        const feit = feiten.periode?.(p);
        return {
          ...(feit ? { feit } : {}),
          datumBegin: p.datumBegin,
          opleidingcode: p.opleidingcode,
          leertraject: p.leertraject,
          niveau: p.niveau,
          indicatieBekostigbaar: p.indicatieBekostigbaar,
        };
      }),
  };
}

/**
 * Maps the BPVs the register holds for an inschrijving (`InschrijvingState.bpv`, src/bpv/bpv.ts) onto the facts the
 * rules read: removed BPVs are left out; the end is the werkelijke datum einde if known, else the geplande. Returns
 * undefined when the state carries no BPV list (BPV facts not loaded), which the rules report as `B16`.
 */
export function toBekostigingBpvs(
  state: InschrijvingState,
  feit?: (b: BpvState) => FeitRef | undefined,
): BekostigingBpv[] | undefined {
  return state.bpv
    ?.filter((b) => !b.verwijderd)
    .map((b) => {
      const f = feit?.(b);
      return {
        ...(f ? { feit: f } : {}),
        bpvVolgnummer: b.bpvVolgnummer,
        afsluitdatum: b.afsluitdatum,
        datumBegin: b.datumBegin,
        datumEinde: b.datumEindeWerkelijk ?? b.datumEindeGepland,
      };
    });
}

/** Enrolled on the day: datumInschrijving ≤ teldatum ≤ end (end dates inclusive, DOMAIN.md §10a.3). */
export function isIngeschrevenOp(i: BekostigingInschrijving, datum: Datum): boolean {
  const einde = i.datumUitschrijvingWerkelijk ?? i.datumUitschrijvingGepland;
  return !i.verwijderd && i.datumInschrijving <= datum && datum <= einde;
}

/**
 * BBL/BOL factor (Uitvoeringsbesluit WEB art. 2.2.3 lid 1–3, DOMAIN.md §8.3): BOL (voltijd) 1; BBL 0.4,
 * entree 0.5; BOL deeltijd 0.3 [I: DFi2 of the Uitvoeringsbesluit, not in DOMAIN.md]. Null: not counted.
 */
export function bblBolFactor(leertraject: string, niveau: number | null): number | null {
  switch (leertraject) {
    case 'BOL':
      return 1;
    case 'BBL':
      return niveau === 1 ? 0.5 : 0.4;
    case 'BOL_DT':
      return 0.3;
    default:
      return null;
  }
}

/**
 * Verblijfsjaarfactor (Uitvoeringsbesluit WEB art. 2.2.3 as in force until teldatum 1-10-2018,
 * DOMAIN.md §8.4): entree 1.2, 0.6, then 0; other levels 1.2, 1, 1, 1, 0.5, 0.5, then 0.
 */
export function verblijfsjaarfactor(verblijfsjaar: number, entree: boolean): number {
  const tabel = entree ? [1.2, 0.6] : [1.2, 1, 1, 1, 0.5, 0.5];
  return tabel[verblijfsjaar - 1] ?? 0;
}

/**
 * The bekostigde verblijfsjaar on a 1 October teldatum (DOMAIN.md §8.4): every earlier 1 October on which the
 * person was (fundably) enrolled counts one year; after 2 (entree) / 3 (other levels) consecutive 1 Octobers
 * without such an enrolment the count restarts. `oktoberteldata` are the 1 Octobers (before `teldatum`) on
 * which the person counted. A 1 February teldatum takes the year of the 1 October before it [I].
 */
export function countVerblijfsjaar(
  oktoberteldata: readonly Datum[],
  teldatum: Datum,
  entree: boolean,
): number {
  const jaarNu = Number(teldatum.slice(0, 4)) - (teldatum.slice(5, 7) === '02' ? 1 : 0);
  const jaren = new Set(oktoberteldata.map((d) => Number(d.slice(0, 4))).filter((j) => j < jaarNu));
  const herstartNa = entree ? 2 : 3;
  let aantal = 1;
  let gat = 0;
  for (let j = jaarNu - 1; j >= jaarNu - 100 && gat < herstartNa; j--) {
    if (jaren.has(j)) {
      aantal++;
      gat = 0;
    } else {
      gat++;
    }
  }
  return aantal;
}

/** BRP land codes of the area where a person not in BRP may live (WEB art. 2.2.2). */
const LAND_NEDERLAND = '6030';
const LAND_BELGIE = '5010';
const LANDEN_DUITSLAND = new Set(['6029', '9089']);
const DEELSTATEN_TOEGESTAAN = new Set(['NW', 'NI', 'HB']);

/**
 * Persons not in the BRP count only when they live in NL, Belgium, or North Rhine-Westphalia, Lower Saxony or
 * Bremen (WEB art. 2.2.2). 'onbekend': the residence is not known well enough to decide.
 */
export function woontInToegestaanGebied(w: Woonplaats | undefined): 'ja' | 'nee' | 'onbekend' {
  if (!w) {
    return 'onbekend';
  }
  if (w.land === LAND_NEDERLAND || w.land === LAND_BELGIE) {
    return 'ja';
  }
  if (LANDEN_DUITSLAND.has(w.land)) {
    if (!w.deelstaat) {
      return 'onbekend';
    }
    return DEELSTATEN_TOEGESTAAN.has(w.deelstaat) ? 'ja' : 'nee';
  }
  return 'nee';
}

/**
 * The last date by which a BBL student's POK must be concluded and BPV actually followed, for a teldatum
 * (Uitvoeringsbesluit WEB art. 2.2.3 lid 1 onder a/b): 31 December of the teldatum's year for 1 October;
 * for VWS qualifications the BPV may start until 1 June of the next year. For 1 February the law states no
 * later date; we require both on the teldatum itself [I].
 */
export function bblUitersteData(teldatum: Datum, vws: boolean): { pok: Datum; bpv: Datum } {
  const jaar = Number(teldatum.slice(0, 4));
  if (teldatum.slice(5, 7) === '10') {
    return { pok: `${jaar}-12-31`, bpv: vws ? `${jaar + 1}-06-01` : `${jaar}-12-31` };
  }
  return { pok: teldatum, bpv: teldatum };
}

/**
 * The BPVs that make a BBL inschrijving count on a teldatum (Uitvoeringsbesluit WEB art. 2.2.3 lid 1 onder
 * a/b): the POK was concluded by the POK deadline, and on its grounds the student actually follows BPV:
 * the BPV has begun by the BPV deadline and has not ended before the teldatum [I: "daadwerkelijk volgen
 * uiterlijk op 31 december" read as begun by then and running at or after the teldatum].
 */
export function bekostigingsrelevanteBpvs(
  bpvs: readonly BekostigingBpv[],
  teldatum: Datum,
  vws: boolean,
): { tijdigePok: BekostigingBpv[]; relevant: BekostigingBpv[] } {
  const uiterst = bblUitersteData(teldatum, vws);
  const tijdigePok = bpvs.filter((b) => b.afsluitdatum <= uiterst.pok);
  const relevant = tijdigePok.filter(
    (b) => b.datumBegin <= uiterst.bpv && (b.datumEinde === null || b.datumEinde >= teldatum),
  );
  return { tijdigePok, relevant };
}

// ---------------------------------------------------------------------------------------------------------
// The status of one inschrijving on one teldatum

/**
 * Derives the funding status of one inschrijving on one teldatum (1 October or 1 February) from the facts
 * passed in. Every outcome carries its reasons as signals and the facts it used. The decision follows
 * DOMAIN.md §8 in this order: enrolled on the day (B01/B02), a periode in force (B03), funded institution
 * (B05, WEB 1.4.1), the claim (B04), the leertraject (B06), the kwalificatie (B12), BBL with POK and BPV
 * (B16/B07/B08), persons not in BRP (B09/B10), verblijfsjaar before 2018 (B14/B15). All reasons that apply
 * are reported, not only the first.
 */
export function deriveBekostigingsstatus(feiten: InschrijvingFeiten, teldatum: Datum): Bekostigingsstatus {
  assertTeldatum(teldatum);
  const { inschrijving: i, instelling } = feiten;
  const signalen: BekostigingSignaal[] = [];
  const gebruikt: FeitRef[] = [];
  const use = (f: FeitRef | undefined) => {
    if (f) {
      gebruikt.push(f);
    }
  };
  use(i.feit);
  use(instelling.feit);

  const status: Bekostigingsstatus = {
    regelsVersie: REGELS_VERSIE,
    teldatum,
    brin: i.brin,
    inschrijvingsvolgnummer: i.inschrijvingsvolgnummer,
    statusBepaling: feiten.definitief ? 'D' : 'V',
    indicatieBekostigbaar: null,
    bekostigbaar: false,
    inschrijvingVoorCorrectiefactor: false,
    opleidingcode: null,
    leertraject: null,
    niveau: null,
    bblBolFactor: null,
    prijsfactor: null,
    verblijfsjaar: null,
    verblijfsjaarfactor: null,
    bijdrage: 0,
    bekostigingsrelevanteBpvs: [],
    signalen,
    gebruikteFeiten: gebruikt,
  };

  if (i.verwijderd) {
    signalen.push(signaal('inschrijvingVerwijderd', { teldatum }));
    return status;
  }
  const einde = i.datumUitschrijvingWerkelijk ?? i.datumUitschrijvingGepland;
  if (!isIngeschrevenOp(i, teldatum)) {
    signalen.push(
      signaal('nietIngeschreven', {
        teldatum,
        datumInschrijving: i.datumInschrijving,
        datumUitschrijving: einde,
      }),
    );
    return status;
  }

  const periode = periodeOp(i.periodes, teldatum);
  if (!periode) {
    signalen.push(signaal('geenPeriode', { teldatum, datumInschrijving: i.datumInschrijving }));
    return status;
  }
  use(periode.feit);
  status.indicatieBekostigbaar = periode.indicatieBekostigbaar;
  status.opleidingcode = periode.opleidingcode;
  status.leertraject = periode.leertraject;

  const kwalificatie = feiten.kwalificaties.get(periode.opleidingcode);
  if (kwalificatie) {
    use({ soort: 'kwalificatie', id: kwalificatie.crebo });
  }
  const niveau = kwalificatie?.niveau ?? periodeNiveau(periode.niveau);
  const entree = niveau === 1 || kwalificatie?.soortOpleiding === 'entreeopleiding';
  status.niveau = niveau;

  let telt = true;
  if (!instelling.bekostigd) {
    signalen.push(signaal('instellingNietBekostigd', { brin: instelling.brin }));
    telt = false;
  }
  if (!periode.indicatieBekostigbaar) {
    signalen.push(signaal('indicatieNietBekostigbaar', { teldatum, datumBeginPeriode: periode.datumBegin }));
    telt = false;
  }
  const factor = bblBolFactor(periode.leertraject, entree ? 1 : niveau);
  if (factor === null) {
    signalen.push(signaal('leertrajectNietBekostigd', { leertraject: periode.leertraject }));
    telt = false;
  }
  if (!kwalificatie) {
    signalen.push(signaal('kwalificatieOnbekend', { opleidingcode: periode.opleidingcode }));
    telt = false;
  }

  if (periode.leertraject === 'BBL') {
    if (feiten.bpvs === undefined) {
      signalen.push(signaal('bpvGegevensOntbreken', { teldatum }));
      telt = false;
    } else {
      const vws = kwalificatie?.vws ?? false;
      const uiterst = bblUitersteData(teldatum, vws);
      const { tijdigePok, relevant } = bekostigingsrelevanteBpvs(feiten.bpvs, teldatum, vws);
      for (const b of tijdigePok) {
        use(b.feit);
      }
      if (tijdigePok.length === 0) {
        const vroegste = [...feiten.bpvs].sort((a, b) => a.afsluitdatum.localeCompare(b.afsluitdatum))[0];
        signalen.push(
          signaal('bblGeenPraktijkovereenkomst', {
            uitersteAfsluitdatum: uiterst.pok,
            vroegsteAfsluitdatum: vroegste?.afsluitdatum ?? null,
          }),
        );
        telt = false;
      } else if (relevant.length === 0) {
        signalen.push(
          signaal('bblGeenBpv', {
            teldatum,
            uitersteDatumBegin: uiterst.bpv,
            praktijkovereenkomsten: tijdigePok.length,
          }),
        );
        telt = false;
      } else {
        status.bekostigingsrelevanteBpvs = relevant.map((b) => b.bpvVolgnummer);
        signalen.push(
          signaal('bblBpvTijdig', {
            bpvVolgnummers: status.bekostigingsrelevanteBpvs.join(','),
            uitersteAfsluitdatum: uiterst.pok,
          }),
        );
      }
    }
  }

  const persoon = feiten.persoon;
  if (persoon) {
    use(persoon.feit);
    if (persoon.inBrp === false) {
      use(persoon.woonplaatsFeit);
      const gebied = woontInToegestaanGebied(persoon.woonplaats);
      const params = {
        land: persoon.woonplaats?.land ?? null,
        deelstaat: persoon.woonplaats?.deelstaat ?? null,
      };
      if (gebied === 'nee') {
        signalen.push(signaal('nietInBrpBuitenGebied', params));
        telt = false;
      } else if (gebied === 'onbekend') {
        signalen.push(signaal('nietInBrpWoonplaatsOnbekend', params));
        telt = false;
      } else {
        signalen.push(signaal('nietInBrpBinnenGebied', params));
      }
    }
  }

  status.bblBolFactor = factor;
  status.prijsfactor = kwalificatie?.prijsfactor ?? null;

  let vjFactor = 1;
  let vjOnbekend = false;
  if (teldatum < VERBLIJFSJAARFACTOR_TOT) {
    if (feiten.verblijfsjaar === undefined) {
      vjOnbekend = true;
      if (telt) {
        signalen.push(signaal('verblijfsjaarOnbekend', { teldatum }));
      }
    } else {
      vjFactor = verblijfsjaarfactor(feiten.verblijfsjaar, entree);
      status.verblijfsjaar = feiten.verblijfsjaar;
      status.verblijfsjaarfactor = vjFactor;
      if (vjFactor === 0) {
        signalen.push(signaal('verblijfsjaarfactorNul', { verblijfsjaar: feiten.verblijfsjaar, entree }));
        telt = false;
      }
    }
  }

  if (!telt) {
    return status;
  }
  status.bekostigbaar = true;
  status.inschrijvingVoorCorrectiefactor = true;
  if (status.prijsfactor === null) {
    signalen.push(signaal('prijsfactorOnbekend', { opleidingcode: periode.opleidingcode }));
  }
  status.bijdrage =
    status.prijsfactor === null || vjOnbekend || factor === null
      ? null
      : round6(factor * status.prijsfactor * vjFactor);
  signalen.unshift(
    signaal('bekostigbaar', {
      teldatum,
      leertraject: periode.leertraject,
      bblBolFactor: factor,
      prijsfactor: status.prijsfactor,
      ...(teldatum < VERBLIJFSJAARFACTOR_TOT ? { verblijfsjaarfactor: status.verblijfsjaarfactor } : {}),
      bijdrage: status.bijdrage,
    }),
  );
  return status;
}

/** Rounds to 6 decimals (TBG-i's N15.6), so 0.4 × 1.3 is 0.52 and not 0.52000000000000002. */
function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

// ---------------------------------------------------------------------------------------------------------
// Several inschrijvingen of one person on one teldatum

/**
 * Two or more inschrijvingen of one person count as one (WEB art. 2.2.2 lid 3). Given the statuses of all of a
 * person's inschrijvingen (at any institution) on one teldatum, keeps the one that counts and marks the others
 * niet bekostigbaar with signal B11 naming the one that counts. Which one counts is not documented [I]: the
 * highest contribution, then the earliest datumInschrijving (passed in by `datumInschrijving`), then BRIN and
 * volgnummer, so the choice is stable.
 */
export function selectTellendeInschrijving(
  statussen: readonly Bekostigingsstatus[],
  datumInschrijving: (s: Bekostigingsstatus) => Datum,
): { telt: Bekostigingsstatus | null; statussen: Bekostigingsstatus[] } {
  const kandidaten = statussen.filter((s) => s.bekostigbaar);
  if (kandidaten.length <= 1) {
    return { telt: kandidaten[0] ?? null, statussen: [...statussen] };
  }
  const sorted = [...kandidaten].sort(
    (a, b) =>
      (b.bijdrage ?? -1) - (a.bijdrage ?? -1) ||
      datumInschrijving(a).localeCompare(datumInschrijving(b)) ||
      a.brin.localeCompare(b.brin) ||
      a.inschrijvingsvolgnummer.localeCompare(b.inschrijvingsvolgnummer),
  );
  const telt = sorted[0] ?? null;
  const result = statussen.map((s) => {
    if (!s.bekostigbaar || s === telt || !telt) {
      return s;
    }
    return {
      ...s,
      bekostigbaar: false,
      inschrijvingVoorCorrectiefactor: false,
      bijdrage: 0,
      signalen: [
        ...s.signalen.filter((x) => x.code !== 'B00'),
        signaal('dubbeleInschrijving', {
          teldatum: s.teldatum,
          tellendeBrin: telt.brin,
          tellendeInschrijvingsvolgnummer: telt.inschrijvingsvolgnummer,
          regel: 'hoogste bijdrage, dan vroegste datum inschrijving',
        }),
      ],
    };
  });
  return { telt, statussen: result };
}

// ---------------------------------------------------------------------------------------------------------
// Correctiefactor

/**
 * Cf = (weighted count 1 Oct + weighted count 1 Feb) / (2 × weighted count 1 Oct) (Uitvoeringsbesluit WEB
 * art. 2.2.3 lid 6, DOMAIN.md §8.5). Null when there is no 1 October count to correct.
 */
export function computeCorrectiefactor(gewogen1Oktober: number, gewogen1Februari: number): number | null {
  if (gewogen1Oktober <= 0) {
    return null;
  }
  return round6((gewogen1Oktober + gewogen1Februari) / (2 * gewogen1Oktober));
}

/** Sum of contributions of statuses that count (unknown contributions are left out and counted apart). */
export function sumDeelnemerswaarde(statussen: readonly Bekostigingsstatus[]): {
  bekostigd: number;
  gewogen: number;
  bijdrageOnbekend: number;
} {
  let bekostigd = 0;
  let gewogen = 0;
  let bijdrageOnbekend = 0;
  for (const s of statussen) {
    if (!s.bekostigbaar) {
      continue;
    }
    bekostigd++;
    if (s.bijdrage === null) {
      bijdrageOnbekend++;
    } else {
      gewogen += s.bijdrage;
    }
  }
  return { bekostigd, gewogen: round6(gewogen), bijdrageOnbekend };
}

export type TeldatumTotaal = {
  teldatum: Datum;
  /** Statuses considered (all inschrijvingen valid or not). */
  inschrijvingen: number;
  bekostigd: number;
  /** Weighted count (deelnemerswaarde): the sum of known contributions. */
  gewogen: number;
  /** Bekostigd, but a factor is unknown (contribution null): left out of `gewogen`. */
  bijdrageOnbekend: number;
  /** How often each signal code occurs (for the institution's overview). */
  perSignaal: Record<string, number>;
};

export type Bekostigingstotalen = {
  regelsVersie: string;
  oktober: TeldatumTotaal;
  februari: TeldatumTotaal;
  /** Cf of Uitvoeringsbesluit WEB 2.2.3 lid 6; null without a 1 October count. */
  correctiefactor: number | null;
  diplomas: { aantal: number; bekostigd: number; diplomapunten: number };
};

function totaal(teldatum: Datum, statussen: readonly Bekostigingsstatus[]): TeldatumTotaal {
  const som = sumDeelnemerswaarde(statussen);
  const perSignaal: Record<string, number> = {};
  for (const s of statussen) {
    for (const x of s.signalen) {
      perSignaal[x.code] = (perSignaal[x.code] ?? 0) + 1;
    }
  }
  return { teldatum, inschrijvingen: statussen.length, ...som, perSignaal };
}

/**
 * Totals of one institution for one funding year (DOMAIN.md §4.4, §8.1): the statuses on 1 October T-2 and
 * 1 February T-1 (after `selectTellendeInschrijving`), the correctiefactor, and the diploma points of calendar
 * year T-2 (the sum of `bijdrageDiplomawaarde`; DiW units, before the 0.2 weight of the diploma part).
 */
export function sumBekostigingstotalen(
  oktober: { teldatum: Datum; statussen: readonly Bekostigingsstatus[] },
  februari: { teldatum: Datum; statussen: readonly Bekostigingsstatus[] },
  diplomas: readonly Diplomastatus[],
): Bekostigingstotalen {
  assertTeldatum(oktober.teldatum);
  assertTeldatum(februari.teldatum);
  if (
    bekostigingsjaar(oktober.teldatum) !== bekostigingsjaar(februari.teldatum) ||
    !oktober.teldatum.endsWith('-10-01') ||
    !februari.teldatum.endsWith('-02-01')
  ) {
    throw new RangeError(
      `Teldata horen niet bij één bekostigingsjaar: ${oktober.teldatum}, ${februari.teldatum}`,
    );
  }
  const okt = totaal(oktober.teldatum, oktober.statussen);
  const feb = totaal(februari.teldatum, februari.statussen);
  const bekostigdeDiplomas = diplomas.filter((d) => d.bekostigbaar);
  return {
    regelsVersie: REGELS_VERSIE,
    oktober: okt,
    februari: feb,
    correctiefactor: computeCorrectiefactor(okt.gewogen, feb.gewogen),
    diplomas: {
      aantal: diplomas.length,
      bekostigd: bekostigdeDiplomas.length,
      diplomapunten: bekostigdeDiplomas.reduce((n, d) => n + d.bijdrageDiplomawaarde, 0),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Diplomas

/** Diploma value DiW per level (Uitvoeringsbesluit WEB art. 2.2.4, DOMAIN.md §8.6): entree never counts. */
export const DIPLOMAWAARDE: Readonly<Record<number, number>> = { 1: 0, 2: 1, 3: 3, 4: 5 };
/** Extra value DS of the first specialist diploma. */
export const SPECIALISTENWAARDE = 2;

export type BekostigingDiploma = Readonly<{
  feit?: FeitRef;
  resultaatvolgnummer: string;
  brin: string;
  instellingBekostigd: boolean;
  opleidingcode: string;
  datumBehaald: Datum;
  indicatieBekostigbaar: boolean;
  /**
   * Set when the diploma was obtained as examendeelnemer: the end date of the person's last funded
   * inschrijving that ended without a diploma (null: there is none).
   */
  examendeelnemer?: { bekostigdeInschrijvingZonderDiplomaTot: Datum | null };
}>;

export type Diplomastatus = {
  regelsVersie: string;
  resultaatvolgnummer: string;
  brin: string;
  datumBehaald: Datum;
  statusBepaling: StatusBepaling;
  niveau: number | null;
  specialist: boolean;
  /** Level of the highest earlier diploma that counts as earlier (DiE), with its specialist flag. */
  niveauHoogsteEerdereDiploma: number | null;
  specialistHoogsteEerdereDiploma: boolean;
  /** Which diploma that is (DiE), when there is one: its key, date and recorded version. */
  hoogsteEerdereDiploma: {
    brin: string;
    resultaatvolgnummer: string;
    datumBehaald: Datum;
    feit?: FeitRef;
  } | null;
  bekostigbaar: boolean;
  /** DiW − DiE (+ DS), never negative; 0 when not bekostigbaar. */
  bijdrageDiplomawaarde: number;
  signalen: BekostigingSignaal[];
  gebruikteFeiten: FeitRef[];
};

type DiplomaNiveau = { niveau: number; specialist: boolean; waarde: number };

function diplomaNiveau(k: BekostigingKwalificatie | undefined): DiplomaNiveau | null {
  if (!k || k.niveau === null) {
    return null;
  }
  const specialist = k.soortOpleiding === 'specialistenopleiding';
  const entree = k.niveau === 1 || k.soortOpleiding === 'entreeopleiding';
  const niveau = entree ? 1 : k.niveau;
  return { niveau, specialist, waarde: (DIPLOMAWAARDE[niveau] ?? 0) + (specialist ? SPECIALISTENWAARDE : 0) };
}

/**
 * Derives the funding status of each of one person's diplomas (Uitvoeringsbesluit WEB art. 2.2.4; WEB art.
 * 2.2.2; DOMAIN.md §8.6–8.7). Value per level DiW (basisberoeps 1, vak 3, middenkader 5; specialist + DS 2),
 * minus DiE, the value of the highest earlier diploma; never negative. Entree never counts. Of several
 * diplomas in one calendar year only the first counts unless a later one is higher (which the DiE rule
 * expresses: it then adds only the difference). Diplomas on the same date: the lowest is treated as the
 * earlier one. Earlier diplomas are ignored after 3 consecutive 1 Octobers without enrolment when
 * `oktoberteldata` (the 1 Octobers on which the person was enrolled) is given.
 * [I] DiE counts only earlier diplomas that themselves could count (funded institution, claim J, not entree),
 * after TBG-i's *NiveauHoogstBekostigdeDiploma* (DOMAIN.md §10a.7); the specialist's DS is part of the value
 * DiE subtracts, so DS counts only for the first specialist diploma.
 */
export function deriveDiplomastatussen(
  diplomas: readonly BekostigingDiploma[],
  kwalificaties: ReadonlyMap<string, BekostigingKwalificatie>,
  opties: { definitief?: boolean; oktoberteldata?: readonly Datum[] } = {},
): Diplomastatus[] {
  const metNiveau = diplomas.map((d) => ({ d, n: diplomaNiveau(kwalificaties.get(d.opleidingcode)) }));
  // Order: date, then the lowest level first on the same date (it is treated as the earlier one).
  const ordered = [...metNiveau].sort(
    (a, b) =>
      a.d.datumBehaald.localeCompare(b.d.datumBehaald) ||
      (a.n?.waarde ?? -1) - (b.n?.waarde ?? -1) ||
      a.d.resultaatvolgnummer.localeCompare(b.d.resultaatvolgnummer),
  );
  const eerder: { d: BekostigingDiploma; n: DiplomaNiveau }[] = [];
  const statussen = new Map<BekostigingDiploma, Diplomastatus>();

  for (const { d, n } of ordered) {
    const signalen: BekostigingSignaal[] = [];
    const gebruikt: FeitRef[] = [];
    if (d.feit) {
      gebruikt.push(d.feit);
    }
    if (n) {
      gebruikt.push({ soort: 'kwalificatie', id: d.opleidingcode });
    }
    const geldigEerder = opties.oktoberteldata
      ? eerder.filter(
          (e) => !onderbrokenTussen(e.d.datumBehaald, d.datumBehaald, opties.oktoberteldata ?? []),
        )
      : eerder;
    if (geldigEerder.length < eerder.length) {
      signalen.push(signaal('diplomaEerdereVervallen', { vervallen: eerder.length - geldigEerder.length }));
    }
    const hoogste = geldigEerder.reduce<{ d: BekostigingDiploma; n: DiplomaNiveau } | null>(
      (best, e) => (!best || e.n.waarde > best.n.waarde ? e : best),
      null,
    );
    for (const e of geldigEerder) {
      if (e.d.feit) {
        gebruikt.push(e.d.feit);
      }
    }
    const status: Diplomastatus = {
      regelsVersie: REGELS_VERSIE,
      resultaatvolgnummer: d.resultaatvolgnummer,
      brin: d.brin,
      datumBehaald: d.datumBehaald,
      statusBepaling: opties.definitief ? 'D' : 'V',
      niveau: n?.niveau ?? null,
      specialist: n?.specialist ?? false,
      niveauHoogsteEerdereDiploma: hoogste?.n.niveau ?? null,
      specialistHoogsteEerdereDiploma: hoogste?.n.specialist ?? false,
      hoogsteEerdereDiploma: hoogste
        ? {
            brin: hoogste.d.brin,
            resultaatvolgnummer: hoogste.d.resultaatvolgnummer,
            datumBehaald: hoogste.d.datumBehaald,
            ...(hoogste.d.feit ? { feit: hoogste.d.feit } : {}),
          }
        : null,
      bekostigbaar: false,
      bijdrageDiplomawaarde: 0,
      signalen,
      gebruikteFeiten: gebruikt,
    };
    statussen.set(d, status);

    let telt = true;
    if (!n) {
      signalen.push(signaal('diplomaNiveauOnbekend', { opleidingcode: d.opleidingcode }));
      telt = false;
    } else if (n.niveau === 1) {
      signalen.push(signaal('diplomaEntree', { opleidingcode: d.opleidingcode }));
      telt = false;
    }
    if (!d.instellingBekostigd) {
      signalen.push(signaal('diplomaInstellingNietBekostigd', { brin: d.brin }));
      telt = false;
    }
    if (!d.indicatieBekostigbaar) {
      signalen.push(
        signaal('diplomaIndicatieNietBekostigbaar', { resultaatvolgnummer: d.resultaatvolgnummer }),
      );
      telt = false;
    }
    if (d.examendeelnemer) {
      const tot = d.examendeelnemer.bekostigdeInschrijvingZonderDiplomaTot;
      const binnenTermijn =
        tot !== null &&
        Number(d.datumBehaald.slice(0, 4)) <= Number(tot.slice(0, 4)) + 2 &&
        d.datumBehaald > tot;
      if (!binnenTermijn) {
        signalen.push(
          signaal('diplomaExamendeelnemerZonderRecht', {
            datumBehaald: d.datumBehaald,
            eindeBekostigdeInschrijving: tot,
          }),
        );
        telt = false;
      }
    }
    const diE = hoogste?.n.waarde ?? 0;
    if (n && n.niveau > 1 && hoogste && n.waarde <= diE) {
      const zelfdeJaar = hoogste.d.datumBehaald.slice(0, 4) === d.datumBehaald.slice(0, 4);
      signalen.push(
        signaal(zelfdeJaar ? 'diplomaZelfdeKalenderjaar' : 'diplomaNietHoger', {
          niveau: n.niveau,
          specialist: n.specialist,
          niveauEerdereDiploma: hoogste.n.niveau,
          specialistEerdereDiploma: hoogste.n.specialist,
          datumEerdereDiploma: hoogste.d.datumBehaald,
          resultaatvolgnummerEerdereDiploma: hoogste.d.resultaatvolgnummer,
        }),
      );
      telt = false;
    }

    if (telt && n) {
      status.bekostigbaar = true;
      status.bijdrageDiplomawaarde = n.waarde - diE;
      signalen.unshift(
        signaal('diplomaBekostigbaar', {
          niveau: n.niveau,
          diW: DIPLOMAWAARDE[n.niveau] ?? 0,
          dS: n.specialist ? SPECIALISTENWAARDE : 0,
          diE,
          bijdrageDiplomawaarde: status.bijdrageDiplomawaarde,
        }),
      );
    }
    // [I] An earlier diploma lowers later ones (DiE) only when it could itself count: funded institution,
    // claim J, not entree. Its own outcome (e.g. a lower later diploma) does not matter for that.
    if (n && n.niveau > 1 && d.instellingBekostigd && d.indicatieBekostigbaar) {
      eerder.push({ d, n });
    }
  }
  return diplomas.map((d) => statussen.get(d)).filter((s): s is Diplomastatus => s !== undefined);
}

/**
 * Maps the diplomas the register holds for a person at one institution (`ResultaatState` of issue 5, soort DIP)
 * onto the facts the diploma rules read: removed ones and those without opleidingcode or date are left out; a
 * missing claim counts as N. `examendeelnemer` gives, per resultaatvolgnummer, the examendeelnemer facts when the
 * diploma was obtained on an EX inschrijving.
 */
export function toBekostigingDiplomas(
  instelling: { brin: string; bekostigd: boolean },
  resultaten: readonly ResultaatState[],
  opties: {
    feit?: (r: ResultaatState) => FeitRef | undefined;
    examendeelnemer?: (r: ResultaatState) => BekostigingDiploma['examendeelnemer'];
  } = {},
): BekostigingDiploma[] {
  const result: BekostigingDiploma[] = [];
  for (const r of resultaten) {
    if (r.soort !== 'DIP' || r.verwijderd || r.opleidingcode === null || r.datumResultaat === null) {
      continue;
    }
    const feit = opties.feit?.(r);
    const ex = opties.examendeelnemer?.(r);
    result.push({
      ...(feit ? { feit } : {}),
      resultaatvolgnummer: r.resultaatvolgnummer,
      brin: instelling.brin,
      instellingBekostigd: instelling.bekostigd,
      opleidingcode: r.opleidingcode,
      datumBehaald: r.datumResultaat,
      indicatieBekostigbaar: r.indicatieBekostigbaar ?? false,
      ...(ex ? { examendeelnemer: ex } : {}),
    });
  }
  return result;
}

/** True when 3 consecutive 1 Octobers after `van` and before `tot` had no enrolment (DOMAIN.md §8.6). */
function onderbrokenTussen(van: Datum, tot: Datum, oktoberteldata: readonly Datum[]): boolean {
  const ingeschreven = new Set(oktoberteldata);
  let gat = 0;
  let okt = `${van.slice(0, 4)}-10-01`;
  if (okt <= van) {
    okt = `${Number(van.slice(0, 4)) + 1}-10-01`;
  }
  while (okt < tot) {
    gat = ingeschreven.has(okt) ? 0 : gat + 1;
    if (gat >= 3) {
      return true;
    }
    okt = `${Number(okt.slice(0, 4)) + 1}-10-01`;
  }
  return false;
}
