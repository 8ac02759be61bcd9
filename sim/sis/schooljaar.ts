/**
 * One school year of an MBO student information system, as a list of meldingen per person.
 * Pure and seeded: the same options give the same deliveries, byte for byte.
 *
 * Rates (per student unless said otherwise; documented here so the benchmark and the demo can be
 * read against them):
 *   - leertraject 72% BOL, 28% BBL; 10% of BOL niveau 2–4 on the opleidingsdomein code (with niveau);
 *   - enrolment (inschrijving + first periode in one melding): datumInschrijving on 1 August for
 *     55%, 20 Aug–8 Sep (start of lessons) for 35%, 9–30 Sep for 10%; delivered from a week before
 *     to a few days after that date, always within August–September;
 *   - programme length: niveau 1 one year; niveau 2 two (BBL 25%: one, shortened for adults);
 *     niveau 3 three (40%: two; BBL 15%: one); niveau 4 three (15%: four; BBL 10%: one);
 *     datumUitschrijvingGepland is 31 July at the end of it;
 *   - 1% verwijderen of an enrolment never followed, 1–5 days after the enrolment; nothing follows;
 *   - 2% correction of datumInschrijving (wijzigen of the inschrijving), 2–20 days after enrolment;
 *   - 8% change of opleiding or leertraject (a new periode from the 1st of a month, Oct–Apr);
 *   - 3% indicatieBekostigbaar becomes N (a new periode from the 1st of a month, Nov–May;
 *     funded institutions only — a non-funded institution's periodes are N from the start);
 *   - 4% a period of extra ondersteuning (start mid-Sep–Mar; half open-ended, half 2–6 months);
 *   - 12% uitschrijving during the year (Oct–Jun, more in the autumn) with a reden 01–07;
 *     30% of those leaving for another study choice (reden 04) before March re-enrol at the same
 *     institution on a second inschrijvingsvolgnummer (≈1% of students);
 *   - students whose planned end is 31 July of this year: 88% uitschrijving with reden 08
 *     (diploma, 15 Jun–15 Jul), 12% an extra year (wijzigen of datumUitschrijvingGepland);
 *   - 30% of niveau 2–4 students are laatstejaars: enrolled 1 August one or two school years ago, planned end 31 July
 *     of this school year; their enrolment reaches the register at the start of the run (the register signals it
 *     as late, 620), and at the end of the year they get a diploma (88%) or an extra year like everyone else;
 *   - every diploma melding also carries the diploma (DIP, resultaatvolgnummer D1, the kwalificatie, datum behaald =
 *     werkelijke datum uitschrijving, indicatie bekostigbaar J at a funded institution except entree) with, for
 *     60%, a keuzedeel (KZD Behaald) and for niveau 2–4 BOL 50% a generiek examenonderdeel (GEO Nederlands);
 *     so diplomas fall 15 Jun–15 Jul at a pass rate of 88% of the students who reach their planned end;
 *   - 15% a loose result along the year (Nov–May): a keuzedeel certificaat (70%) or an AMvB-onderdeel
 *     certificaat (30%), on a day inside the enrolment;
 *   - results dated after `vandaag` (when given) are not delivered: the register judges "datum behaald in de
 *     toekomst" against its own clock, and a real SIS does not know an exam result before the examencommissie
 *     decides. A diploma step then carries only the uitschrijving (reden 08); a loose result is not sent.
 *     Play a past school year (`--schooljaar`) for a full year of results;
 *   - deliveries follow the event within 0–6 days; 7% are late (8–30 days, the register may signal);
 *   - 5% of meldingen carry a flaw the register's controles catch (kinds in `Flaw`); the SIS then
 *     fixes it and sends the corrected melding under a new berichtId;
 *   - 2% of meldingen are re-sent verbatim with the same berichtId (a network retry).
 */
import type {
  BpvRecord,
  ExtraOndersteuningRecord,
  InschrijvingRecord,
  Melding,
  PeriodeRecord,
  PersoonInput,
  ResultaatRecord,
} from '../../src/aanlevering/melding.schema.ts';
import type { SimLeerbedrijf } from '../sbb/leerbedrijven.ts';
import {
  type Leerweg,
  type Niveau,
  type SisCatalogus,
  type SisInstelling,
  type SisOpleiding,
  selectInstellingen,
} from './catalogus.ts';
import { addDays, firstOfNextMonth, fromDayNumber, maxDatum, minDatum, toDayNumber } from './datum.ts';
import { breakCheckDigit, generateBsn, generateOnderwijsnummer, generatePersoon } from './persoon.ts';
import { deriveRng, type Rng } from './prng.ts';

export const FLAW_RATE = 0.05;
/** Share of students (niveau 2–4) in the final year of a programme begun one or two school years earlier. */
export const LAATSTEJAARS_RATE = 0.3;
export const REPLAY_RATE = 0.02;

/** What a melding is about, in the SIS's terms. */
export type StepKind =
  | 'inschrijving'
  | 'verwijdering'
  | 'correctie-inschrijfdatum'
  | 'opleidingswissel'
  | 'bekostigingswissel'
  | 'extra-ondersteuning'
  | 'uitschrijving'
  | 'diploma'
  | 'resultaat'
  | 'verlenging'
  | 'bpv';

/** Deliberate mistakes, each one a controle of the register (DOMAIN.md §7) must catch. */
export const FLAWS = [
  'bsn-elfproef',
  'onderwijsnummer-controle',
  'postcode-en-land',
  'onbekende-crebo',
  'leertraject-niet-toegestaan',
  'domein-bbl',
  'leertraject-ontbreekt',
  'gepland-voor-inschrijving',
  'volgnummer-bestaat',
  'volgnummer-onbekend',
  'datum-begin-bestaat',
  'reden-zonder-datum',
  'onmogelijke-datum',
  'onbekend-veld',
  'onbekende-locatie',
  // only with BRP persons (GenerateOptions.brpPersonen): a birth date that differs from the BRP (753)
  'geboortedatum-wijkt-af-van-brp',
  'diploma-andere-kwalificatie',
  'diploma-buiten-inschrijving',
  'resultaatvolgnummer-bestaat',
  'bpv-buiten-inschrijving',
  'bpv-einde-voor-begin',
] as const;
export type Flaw = (typeof FLAWS)[number];

/** Flaws in the person block: the register never saw the right person, so the fix is always sent. */
export const IDENTITY_FLAWS: ReadonlySet<Flaw> = new Set(['bsn-elfproef', 'onderwijsnummer-controle']);

export type SisStep = Readonly<{
  berichtId: string;
  kind: StepKind;
  /** The (simulated) day the event happened. */
  gebeurtenisdatum: string;
  /** The (simulated) day the SIS sends the melding; non-decreasing within a person. */
  verzenddatum: string;
  /** The body as sent; with a flaw when `flaw` is set. */
  melding: Melding;
  flaw?: Flaw;
  /** The fixed melding (new berichtId) the SIS sends after the flawed one is rejected. */
  correction?: Melding;
  /** Send the melding a second time, verbatim, with the same berichtId (a network retry). */
  replay: boolean;
}>;

export type PersonScript = Readonly<{
  /** 0-based number of the student in this run. */
  index: number;
  brin: string;
  steps: readonly SisStep[];
}>;

export type GenerateOptions = Readonly<{
  studenten: number;
  /** Number of institutions (default 5). */
  instellingen?: number;
  seed?: number;
  /** The school year by its first calendar year: 2026 = 1 Aug 2026 – 31 Jul 2027. */
  schooljaar: number;
  catalogus: SisCatalogus;
  /**
   * Persons of the BRP test set (sisPersonenUitBrp), MBO age first: student i < length is BRP person i. Of those,
   * 10% are delivered without BSN (the register should find it: 755) and 3% with a birth date that differs from
   * the BRP on the first melding (753; the SIS then sends the right one). Students beyond the list are synthetic
   * and not in the BRP: their BSN is unknown to it (650), and the 5% without BSN get an onderwijsnummer (756).
   */
  brpPersonen?: readonly PersoonInput[];
  /** The register's today (YYYY-MM-DD): results dated after it are not delivered. Unset: every result is. */
  vandaag?: string;
  /** SBB's leerbedrijven (from the SBB simulator); without them no BPV is delivered. */
  leerbedrijven?: readonly SimLeerbedrijf[];
}>;

/** The record kinds counted in `perSoort`. */
export type RecordSoort = 'inschrijving' | 'periode' | 'extraOndersteuning' | 'resultaat' | 'bpv';

export function countRecords(melding: Melding): Record<RecordSoort, number> {
  return {
    inschrijving: melding.inschrijvingen?.length ?? 0,
    periode: melding.periodes?.length ?? 0,
    extraOndersteuning: melding.extraOndersteuning?.length ?? 0,
    resultaat: melding.resultaten?.length ?? 0,
    bpv: melding.bpv?.length ?? 0,
  };
}

/**
 * Generates the school year: one script per student, each an ordered list of meldingen.
 * Institutions are chosen by seed (see selectInstellingen); students are spread over them in
 * proportion to their number of programmes.
 */
export function generateSchooljaar(options: GenerateOptions): PersonScript[] {
  const seed = options.seed ?? 1;
  const instellingen = selectInstellingen(options.catalogus, options.instellingen ?? 5, seed);
  if (instellingen.length === 0) {
    throw new Error('De referentiegegevens bevatten geen instellingen met opleidingsaanbod.');
  }
  const gemiddeld = instellingen.reduce((s, i) => s + i.opleidingen.length, 0) / instellingen.length;
  const gewichten = instellingen.map((i) => [i, Math.max(i.opleidingen.length, gemiddeld / 4)] as const);
  const leerplaatsen = indexLeerplaatsen(options.leerbedrijven ?? [], `${options.schooljaar}-08-01`);
  return Array.from({ length: options.studenten }, (_, index) => {
    const rng = deriveRng(seed, `student:${index}`);
    const instelling = rng.weighted(gewichten);
    return generateStudent({
      rng,
      seed,
      index,
      schooljaar: options.schooljaar,
      instelling,
      catalogus: options.catalogus,
      ...brpVariant(seed, index, options.brpPersonen),
      vandaag: options.vandaag,
      leerplaatsen,
    });
  });
}

/** Which person a student is when BRP persons are given, and how the SIS delivers it (own rng stream). */
function brpVariant(
  seed: number,
  index: number,
  brpPersonen: readonly PersoonInput[] | undefined,
): { brp?: { persoon?: PersoonInput; zonderNummer: boolean; afwijkend: boolean } } {
  if (brpPersonen === undefined) {
    return {};
  }
  const rng = deriveRng(seed, `brp:${index}`);
  const r = rng.next();
  const persoon = brpPersonen[index];
  if (persoon === undefined) {
    return { brp: { zonderNummer: false, afwijkend: false } };
  }
  return { brp: { persoon, zonderNummer: r < 0.1, afwijkend: r >= 0.1 && r < 0.13 } };
}

type Leerplaatsen = Readonly<{
  alle: readonly SimLeerbedrijf[];
  perCrebo: ReadonlyMap<string, SimLeerbedrijf[]>;
}>;

/** The leerbedrijven by the crebo they are erkend for at the start of the school year. */
function indexLeerplaatsen(leerbedrijven: readonly SimLeerbedrijf[], peildatum: string): Leerplaatsen {
  const perCrebo = new Map<string, SimLeerbedrijf[]>();
  for (const l of leerbedrijven) {
    for (const e of l.erkenningen) {
      if (e.begindatum <= peildatum && (e.einddatum === null || peildatum <= e.einddatum)) {
        const list = perCrebo.get(e.crebo) ?? [];
        list.push(l);
        perCrebo.set(e.crebo, list);
      }
    }
  }
  return { alle: leerbedrijven, perCrebo };
}

/**
 * A BPV at a leerbedrijf: mostly one erkend for the crebo, sometimes (about 8%, or when none is erkend for it)
 * any leerbedrijf, which the register signals as not erkend. Hours: `urenPerWeek` over the planned weeks.
 */
function bpvToevoegen(
  rng: Rng,
  ctx: StudentContext,
  i: Inschrijving,
  bpvVolgnummer: string,
  datumBegin: string,
  datumEindeGepland: string,
  urenPerWeek: number,
): BpvRecord | undefined {
  const erkend = ctx.leerplaatsen.perCrebo.get(i.opleiding.crebo) ?? [];
  const pool = erkend.length > 0 && !rng.chance(0.08) ? erkend : ctx.leerplaatsen.alle;
  if (pool.length === 0 || i.opleiding.niveau !== undefined) {
    return undefined;
  }
  const lb = rng.pick(pool);
  const weken = Math.max(1, Math.round((toDayNumber(datumEindeGepland) - toDayNumber(datumBegin)) / 7));
  return {
    mutatie: 'toevoegen',
    inschrijvingsvolgnummer: i.volgnummer,
    bpvVolgnummer,
    // the POK is mostly signed before the start; sometimes only afterwards (a signal)
    afsluitdatum: addDays(datumBegin, rng.chance(0.03) ? rng.int(1, 10) : -rng.int(0, 21)),
    datumBegin,
    datumEindeGepland,
    omvang: Math.min(9999, weken * urenPerWeek),
    leerbedrijfId: lb.leerbedrijfId,
  };
}

type StudentContext = Readonly<{
  rng: Rng;
  seed: number;
  index: number;
  schooljaar: number;
  instelling: SisInstelling;
  catalogus: SisCatalogus;
  brp?: { persoon?: PersoonInput; zonderNummer: boolean; afwijkend: boolean };
  vandaag: string | undefined;
  leerplaatsen: Leerplaatsen;
}>;

/** The enrolment as the SIS knows it at a point in the year. */
type Inschrijving = {
  volgnummer: string;
  datumInschrijving: string;
  datumUitschrijvingGepland: string;
  opleiding: Opleiding;
  bekostigbaar: 'J' | 'N';
  /** datumBegin of every periode sent so far. */
  periodeBegins: string[];
};

/** An opleiding as enrolled on: a kwalificatie, or (BOL 2–4) its opleidingsdomein with niveau. */
type Opleiding = Readonly<{
  crebo: string;
  leertraject: Leerweg;
  /** Only for an opleidingsdomein code. */
  niveau?: Niveau;
  onderwijslocatie: string;
  kwalificatieNiveau: Niveau;
  opleidingsdomein: string | null;
  /** The kwalificatie a diploma is obtained on (the crebo itself, or the one mapped to a domain enrolment). */
  kwalificatie: string;
}>;

/** A step before flaws and berichtIds are added. */
type Draft = {
  kind: StepKind;
  gebeurtenisdatum: string;
  /** Send on this day rather than a few days after the event. */
  verzenddatum?: string;
  records: Pick<Melding, 'inschrijvingen' | 'periodes' | 'extraOndersteuning' | 'resultaten' | 'bpv'>;
  /** What the flaws may change. */
  flawContext: FlawContext;
};

type FlawContext = Readonly<{
  inschrijving: Inschrijving;
  /** A second enrolment exists before this step (so volgnummer-bestaat applies to a new one). */
  andereVolgnummers: readonly string[];
}>;

function toOpleiding(o: SisOpleiding): Opleiding {
  return {
    crebo: o.crebo,
    leertraject: o.leertraject,
    onderwijslocatie: o.onderwijslocatie,
    kwalificatieNiveau: o.niveau,
    opleidingsdomein: o.opleidingsdomein,
    kwalificatie: o.crebo,
  };
}

/**
 * 72% BOL, 28% BBL (roughly DUO's national split; the 2015 offering lists BBL as often as BOL).
 * About 10% of BOL niveau 2–4 students enrol on the opleidingsdomein instead of a kwalificatie.
 */
function chooseOpleiding(rng: Rng, ctx: StudentContext, pool: readonly SisOpleiding[]): Opleiding {
  const leerweg: Leerweg = rng.chance(0.72) ? 'BOL' : 'BBL';
  const inLeerweg = pool.filter((o) => o.leertraject === leerweg);
  const o = rng.pick(inLeerweg.length > 0 ? inLeerweg : pool);
  const base = toOpleiding(o);
  if (
    o.leertraject === 'BOL' &&
    o.niveau >= 2 &&
    o.opleidingsdomein !== null &&
    ctx.catalogus.domeinen.has(o.opleidingsdomein) &&
    rng.chance(0.1)
  ) {
    return { ...base, crebo: o.opleidingsdomein, niveau: o.niveau };
  }
  return base;
}

function programmeYears(rng: Rng, niveau: Niveau, leertraject: Leerweg): number {
  const bbl = leertraject === 'BBL';
  switch (niveau) {
    case 1:
      return 1;
    case 2:
      return bbl && rng.chance(0.25) ? 1 : 2;
    case 3:
      return bbl && rng.chance(0.15) ? 1 : rng.chance(0.4) ? 2 : 3;
    case 4:
      return bbl && rng.chance(0.1) ? 1 : rng.chance(0.15) ? 4 : 3;
  }
}

const NIVEAU_CODES = { 1: 'MBO-1', 2: 'MBO-2', 3: 'MBO-3', 4: 'MBO-4' } as const;

function periodeToevoegen(i: Inschrijving, datumBegin: string): PeriodeRecord {
  const o = i.opleiding;
  return {
    mutatie: 'toevoegen',
    inschrijvingsvolgnummer: i.volgnummer,
    datumBegin,
    opleidingcode: o.crebo,
    leertraject: o.leertraject,
    ...(o.niveau === undefined ? {} : { niveau: NIVEAU_CODES[o.niveau] }),
    indicatieBekostigbaar: i.bekostigbaar,
    onderwijslocatie: o.onderwijslocatie,
  };
}

function inschrijvingToevoegen(i: Inschrijving): InschrijvingRecord {
  return {
    mutatie: 'toevoegen',
    inschrijvingsvolgnummer: i.volgnummer,
    datumInschrijving: i.datumInschrijving,
    datumUitschrijvingGepland: i.datumUitschrijvingGepland,
  };
}

const REDENEN_UITVAL = [
  ['01', 18],
  ['02', 10],
  ['03', 6],
  ['04', 34],
  ['05', 14],
  ['06', 6],
  ['07', 12],
] as const;

/** Uitval falls more often in the autumn: month weights Oct … Jun. */
const UITVAL_MAANDEN = [
  [10, 16],
  [11, 15],
  [12, 12],
  [1, 14],
  [2, 11],
  [3, 10],
  [4, 8],
  [5, 8],
  [6, 6],
] as const;

function dayInMonth(rng: Rng, schooljaar: number, month: number): string {
  const year = month >= 8 ? schooljaar : schooljaar + 1;
  const first = `${year}-${String(month).padStart(2, '0')}-01`;
  const last = addDays(firstOfNextMonth(first), -1);
  return fromDayNumber(rng.int(toDayNumber(first), toDayNumber(last)));
}

function firstOfMonth(schooljaar: number, month: number): string {
  const year = month >= 8 ? schooljaar : schooljaar + 1;
  return `${year}-${String(month).padStart(2, '0')}-01`;
}

function generateStudent(ctx: StudentContext): PersonScript {
  const { rng, schooljaar, instelling } = ctx;
  const start = `${schooljaar}-08-01`;
  const eind = `${schooljaar + 1}-07-31`;
  const laatsteInschrijfdag = `${schooljaar}-09-30`;

  const opleiding = chooseOpleiding(rng, ctx, instelling.opleidingen);
  // Laatstejaars: in the final year of a programme that began one or two school years ago (drawn from their own
  // stream, so every other draw of the student stays as it was).
  const lj = deriveRng(ctx.seed, `laatstejaars:${ctx.index}`);
  const terug = opleiding.kwalificatieNiveau >= 2 && lj.chance(LAATSTEJAARS_RATE) ? lj.int(1, 2) : 0;
  const nearPostcode = instelling.postcodes.length > 0 ? rng.pick(instelling.postcodes) : undefined;
  const synthetisch = generatePersoon(rng, {
    peildatum: terug > 0 ? `${schooljaar - terug}-08-01` : start,
    bbl: opleiding.leertraject === 'BBL',
    nearPostcode,
  });
  const persoon = persoonVoor(ctx, synthetisch);
  const leerlingnummer = String(100_000 + ctx.index);

  const datumInschrijving = rng.weighted([
    [start, 55],
    [fromDayNumber(rng.int(toDayNumber(`${schooljaar}-08-20`), toDayNumber(`${schooljaar}-09-08`))), 35],
    [fromDayNumber(rng.int(toDayNumber(`${schooljaar}-09-09`), toDayNumber(laatsteInschrijfdag))), 10],
  ] as const);
  const gedraaid = programmeYears(rng, opleiding.kwalificatieNiveau, opleiding.leertraject);
  const jaren = terug > 0 ? 1 : gedraaid;
  const eerste: Inschrijving = {
    volgnummer: '1',
    // a laatstejaars' enrolment began on 1 August `terug` years ago; it reaches the register at the start of the run
    datumInschrijving: terug > 0 ? `${schooljaar - terug}-08-01` : datumInschrijving,
    datumUitschrijvingGepland: `${schooljaar + jaren}-07-31`,
    opleiding,
    bekostigbaar: instelling.bekostigd ? 'J' : 'N',
    periodeBegins: [terug > 0 ? `${schooljaar - terug}-08-01` : datumInschrijving],
  };

  const drafts: Draft[] = [];
  const inschrijvingVerzonden = minDatum(
    laatsteInschrijfdag,
    maxDatum(start, addDays(datumInschrijving, rng.int(-7, 5))),
  );
  // BPV draws use their own stream, so a run without leerbedrijven generates the same year as before.
  const bpvRng = deriveRng(ctx.seed, `bpv:${ctx.index}`);
  // BBL: the praktijkovereenkomst comes with the enrolment, for the whole programme.
  const bblBpv =
    opleiding.leertraject === 'BBL'
      ? bpvToevoegen(bpvRng, ctx, eerste, '1', eerste.datumInschrijving, eerste.datumUitschrijvingGepland, 24)
      : undefined;
  drafts.push({
    kind: 'inschrijving',
    gebeurtenisdatum: eerste.datumInschrijving,
    verzenddatum: inschrijvingVerzonden,
    records: {
      inschrijvingen: [inschrijvingToevoegen(eerste)],
      periodes: [periodeToevoegen(eerste, eerste.datumInschrijving)],
      ...(bblBpv ? { bpv: [bblBpv] } : {}),
    },
    flawContext: { inschrijving: { ...eerste, periodeBegins: [] }, andereVolgnummers: [] },
  });

  if (rng.chance(0.01)) {
    drafts.push({
      kind: 'verwijdering',
      gebeurtenisdatum: addDays(inschrijvingVerzonden, rng.int(1, 5)),
      records: {
        inschrijvingen: [{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1' }],
        // a BPV delivered with the enrolment goes with it
        ...(bblBpv
          ? { bpv: [{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1', bpvVolgnummer: '1' }] }
          : {}),
      },
      flawContext: { inschrijving: eerste, andereVolgnummers: [] },
    });
    return finish(ctx, persoon, leerlingnummer, drafts);
  }

  // Draw every event up front, so the draws do not depend on each other's outcome.
  const correctie = rng.chance(0.02);
  const correctieDagen = rng.pick([-14, -7, -3, -1, 1, 2, 7, 14]);
  const uitval = rng.chance(0.12);
  const uitvalDatum = dayInMonth(rng, schooljaar, rng.weighted(UITVAL_MAANDEN));
  const uitvalReden = rng.weighted(REDENEN_UITVAL);
  const wissel = rng.chance(0.08);
  const wisselDatum = firstOfMonth(schooljaar, rng.pick([10, 11, 12, 1, 2, 3, 4]));
  const bekostigingN = instelling.bekostigd && rng.chance(0.03);
  const bekostigingDatum = firstOfMonth(schooljaar, rng.pick([11, 12, 1, 2, 3, 4, 5]));
  const ondersteuning = rng.chance(0.04);
  // inside the enrolment: at least 25 days after datumInschrijving (a correction moves it ≤ 20 days)
  const ondersteuningBegin = maxDatum(
    fromDayNumber(rng.int(toDayNumber(`${schooljaar}-09-15`), toDayNumber(`${schooljaar + 1}-03-31`))),
    addDays(datumInschrijving, 25),
  );
  const ondersteuningDuur = rng.chance(0.5) ? undefined : rng.int(60, 180);
  const diploma = rng.chance(0.88);
  const diplomaDatum = fromDayNumber(
    rng.int(toDayNumber(`${schooljaar + 1}-06-15`), toDayNumber(`${schooljaar + 1}-07-15`)),
  );
  const herinschrijving = rng.chance(0.3);

  const huidig: Inschrijving = { ...eerste, periodeBegins: [...eerste.periodeBegins] };
  const snapshot = (): FlawContext => ({
    inschrijving: { ...huidig, periodeBegins: [...huidig.periodeBegins] },
    andereVolgnummers: [],
  });

  if (correctie && terug === 0) {
    const nieuw = minDatum(laatsteInschrijfdag, maxDatum(start, addDays(datumInschrijving, correctieDagen)));
    if (nieuw !== datumInschrijving) {
      // the register moves the first periode along with the datumInschrijving
      drafts.push({
        kind: 'correctie-inschrijfdatum',
        gebeurtenisdatum: addDays(inschrijvingVerzonden, rng.int(2, 20)),
        records: {
          inschrijvingen: [{ mutatie: 'wijzigen', inschrijvingsvolgnummer: '1', datumInschrijving: nieuw }],
        },
        flawContext: snapshot(),
      });
      huidig.datumInschrijving = nieuw;
      huidig.periodeBegins = [nieuw];
    }
  }

  const einde = uitval ? uitvalDatum : eind;
  type Event = { datum: string; apply: () => Draft | undefined };
  const events: Event[] = [];

  if (wissel && wisselDatum < einde) {
    events.push({
      datum: wisselDatum,
      apply: () => {
        const nieuw = switchOpleiding(rng, ctx, huidig.opleiding);
        if (nieuw === undefined) {
          return undefined;
        }
        huidig.opleiding = nieuw;
        return periodeDraft('opleidingswissel', wisselDatum);
      },
    });
  }
  if (bekostigingN && bekostigingDatum < einde) {
    events.push({
      datum: bekostigingDatum,
      apply: () => {
        huidig.bekostigbaar = 'N';
        return periodeDraft('bekostigingswissel', bekostigingDatum);
      },
    });
  }
  if (ondersteuning && ondersteuningBegin < einde) {
    const datumEinde =
      ondersteuningDuur === undefined
        ? null
        : minDatum(einde, addDays(ondersteuningBegin, ondersteuningDuur));
    events.push({
      datum: ondersteuningBegin,
      apply: () => {
        const record: ExtraOndersteuningRecord = {
          mutatie: 'toevoegen',
          inschrijvingsvolgnummer: huidig.volgnummer,
          datumBegin: ondersteuningBegin,
          ...(datumEinde === null ? {} : { datumEinde }),
        };
        return {
          kind: 'extra-ondersteuning',
          gebeurtenisdatum: ondersteuningBegin,
          records: { extraOndersteuning: [record] },
          flawContext: snapshot(),
        };
      },
    });
  }
  const los = deriveRng(ctx.seed, `los:${ctx.index}`);
  const losDatum = dayInMonth(los, schooljaar, los.pick([11, 12, 1, 2, 3, 4, 5]));
  if (los.chance(0.15) && losDatum < einde && (ctx.vandaag === undefined || losDatum <= ctx.vandaag)) {
    const keuzedeel = los.chance(0.7);
    const code = keuzedeel ? los.pick(['K0067', 'K0914', 'K0021', 'K0210']) : los.pick(['C0004', 'C0163']);
    events.push({
      datum: losDatum,
      apply: () => ({
        kind: 'resultaat',
        gebeurtenisdatum: losDatum,
        records: {
          resultaten: [
            keuzedeel
              ? {
                  mutatie: 'toevoegen',
                  resultaatvolgnummer: 'L1',
                  soort: 'KZD',
                  inschrijvingsvolgnummer: huidig.volgnummer,
                  datumResultaat: losDatum,
                  code,
                  uitslag: 'Behaald',
                  certificaat: 'J',
                }
              : {
                  mutatie: 'toevoegen',
                  resultaatvolgnummer: 'L1',
                  soort: 'AMO',
                  inschrijvingsvolgnummer: huidig.volgnummer,
                  datumResultaat: losDatum,
                  code,
                  certificaat: 'J',
                },
          ],
        },
        flawContext: snapshot(),
      }),
    });
  }
  // BOL: about 60% start a BPV of 10–20 weeks later in the year.
  const bolBpvBegin = firstOfMonth(schooljaar, bpvRng.pick([2, 3, 4]));
  const bolBpvWeken = bpvRng.int(10, 20);
  if (huidig.opleiding.leertraject === 'BOL' && bpvRng.chance(0.6) && bolBpvBegin < einde) {
    events.push({
      datum: bolBpvBegin,
      apply: () => {
        if (huidig.opleiding.leertraject !== 'BOL') {
          return undefined;
        }
        const eindeBpv = minDatum(
          addDays(bolBpvBegin, bolBpvWeken * 7 - 3),
          huidig.datumUitschrijvingGepland,
        );
        const record = bpvToevoegen(bpvRng, ctx, huidig, '1', bolBpvBegin, eindeBpv, 32);
        return record
          ? {
              kind: 'bpv',
              gebeurtenisdatum: bolBpvBegin,
              records: { bpv: [record] },
              flawContext: snapshot(),
            }
          : undefined;
      },
    });
  }
  if (uitval) {
    events.push({
      datum: uitvalDatum,
      apply: () => uitschrijvingDraft('uitschrijving', uitvalDatum, uitvalReden),
    });
  } else if (huidig.datumUitschrijvingGepland === eind) {
    events.push(
      diploma
        ? { datum: diplomaDatum, apply: () => diplomaDraft(diplomaDatum) }
        : {
            datum: diplomaDatum,
            apply: () => {
              huidig.datumUitschrijvingGepland = `${schooljaar + 2}-07-31`;
              return {
                kind: 'verlenging',
                gebeurtenisdatum: diplomaDatum,
                records: {
                  inschrijvingen: [
                    {
                      mutatie: 'wijzigen',
                      inschrijvingsvolgnummer: huidig.volgnummer,
                      datumUitschrijvingGepland: huidig.datumUitschrijvingGepland,
                    },
                  ],
                },
                flawContext: snapshot(),
              };
            },
          },
    );
  }

  function periodeDraft(kind: StepKind, datumBegin: string): Draft {
    const flawContext = snapshot();
    huidig.periodeBegins.push(datumBegin);
    return {
      kind,
      gebeurtenisdatum: datumBegin,
      records: { periodes: [periodeToevoegen(huidig, datumBegin)] },
      flawContext,
    };
  }

  /** The diploma ends the enrolment: uitschrijving with reden 08 on datum behaald, and the diploma itself. */
  function diplomaDraft(datum: string): Draft {
    const draft = uitschrijvingDraft('diploma', datum, '08');
    if (ctx.vandaag !== undefined && datum > ctx.vandaag) {
      return draft;
    }
    const rrng = deriveRng(ctx.seed, `diploma:${ctx.index}`);
    const o = huidig.opleiding;
    const resultaten: ResultaatRecord[] = [
      {
        mutatie: 'toevoegen',
        resultaatvolgnummer: 'D1',
        soort: 'DIP',
        inschrijvingsvolgnummer: huidig.volgnummer,
        opleidingcode: o.kwalificatie,
        datumResultaat: datum,
        // entree diplomas never count for funding (WEB 2.2.2)
        indicatieBekostigbaar: instelling.bekostigd && o.kwalificatieNiveau > 1 ? 'J' : 'N',
      },
    ];
    if (rrng.chance(0.6)) {
      resultaten.push({
        mutatie: 'toevoegen',
        resultaatvolgnummer: 'D1K1',
        soort: 'KZD',
        resultaatvolgnummerDiploma: 'D1',
        code: rrng.pick(['K0067', 'K0914', 'K0021', 'K0210']),
        uitslag: 'Behaald',
      });
    }
    if (o.leertraject === 'BOL' && o.kwalificatieNiveau > 1 && rrng.chance(0.5)) {
      resultaten.push({
        mutatie: 'toevoegen',
        resultaatvolgnummer: 'D1G1',
        soort: 'GEO',
        resultaatvolgnummerDiploma: 'D1',
        code: o.kwalificatieNiveau === 4 ? '3005' : '3001',
        eindcijfer: String(rrng.int(6, 9)),
      });
    }
    return { ...draft, records: { ...draft.records, resultaten } };
  }

  function uitschrijvingDraft(
    kind: StepKind,
    datum: string,
    reden: InschrijvingRecord['redenUitschrijving'],
  ): Draft {
    return {
      kind,
      gebeurtenisdatum: datum,
      records: {
        inschrijvingen: [
          {
            mutatie: 'wijzigen',
            inschrijvingsvolgnummer: huidig.volgnummer,
            datumUitschrijvingWerkelijk: datum,
            redenUitschrijving: reden,
          },
        ],
      },
      flawContext: snapshot(),
    };
  }

  for (const event of events.toSorted((a, b) => a.datum.localeCompare(b.datum))) {
    const draft = event.apply();
    if (draft) {
      drafts.push(draft);
    }
  }

  // A student who leaves for another study choice early in the year often starts again elsewhere
  // in the same institution: a second inschrijving, next month, on another programme.
  if (uitval && uitvalReden === '04' && uitvalDatum < `${schooljaar + 1}-03-01` && herinschrijving) {
    const andere = instelling.opleidingen.filter(
      (o) => o.crebo !== huidig.opleiding.crebo && o.opleidingsdomein !== huidig.opleiding.crebo,
    );
    if (andere.length > 0) {
      const tweedeOpleiding = toOpleiding(rng.pick(andere));
      const datum = firstOfNextMonth(uitvalDatum);
      const tweede: Inschrijving = {
        volgnummer: '2',
        datumInschrijving: datum,
        datumUitschrijvingGepland: `${schooljaar + Math.max(2, programmeYears(rng, tweedeOpleiding.kwalificatieNiveau, tweedeOpleiding.leertraject))}-07-31`,
        opleiding: tweedeOpleiding,
        bekostigbaar: instelling.bekostigd ? 'J' : 'N',
        periodeBegins: [datum],
      };
      drafts.push({
        kind: 'inschrijving',
        gebeurtenisdatum: datum,
        verzenddatum: addDays(datum, rng.int(-5, 3)),
        records: {
          inschrijvingen: [inschrijvingToevoegen(tweede)],
          periodes: [periodeToevoegen(tweede, datum)],
        },
        flawContext: { inschrijving: { ...tweede, periodeBegins: [] }, andereVolgnummers: ['1'] },
      });
    }
  }

  return finish(ctx, persoon, leerlingnummer, drafts);
}

/** The person as the SIS delivers it: a BRP person (maybe without its BSN), or the synthetic one. */
function persoonVoor(ctx: StudentContext, synthetisch: PersoonInput): PersoonInput {
  const brp = ctx.brp;
  if (brp === undefined) {
    return synthetisch;
  }
  const basis = brp.persoon ?? synthetisch;
  const zonderNummer =
    brp.persoon === undefined ? synthetisch.onderwijsnummer !== undefined : brp.zonderNummer;
  if (!zonderNummer) {
    return basis;
  }
  const { burgerservicenummer: _bsn, onderwijsnummer: _onr, ...rest } = basis;
  return rest;
}

/**
 * A change of opleiding (60%: another programme of the institution) or of leertraject only
 * (40%, when the institution offers the same kwalificatie in the other leerweg).
 */
function switchOpleiding(rng: Rng, ctx: StudentContext, huidig: Opleiding): Opleiding | undefined {
  const opleidingen = ctx.instelling.opleidingen;
  const andereLeerweg = opleidingen.filter(
    (o) => o.crebo === huidig.crebo && o.leertraject !== huidig.leertraject,
  );
  if (andereLeerweg.length > 0 && rng.chance(0.4)) {
    return toOpleiding(rng.pick(andereLeerweg));
  }
  // a student on an opleidingsdomein usually picks a kwalificatie inside that domain
  const inDomein = opleidingen.filter(
    (o) => huidig.niveau !== undefined && o.opleidingsdomein === huidig.crebo && o.leertraject === 'BOL',
  );
  if (inDomein.length > 0) {
    return toOpleiding(rng.pick(inDomein));
  }
  const andere = opleidingen.filter((o) => o.crebo !== huidig.crebo);
  return andere.length > 0 ? toOpleiding(rng.pick(andere)) : undefined;
}

/** Turns drafts into meldingen: send dates, berichtIds, flaws and corrections, replays. */
function finish(
  ctx: StudentContext,
  persoon: PersoonInput,
  leerlingnummer: string,
  drafts: readonly Draft[],
): PersonScript {
  const { rng, seed, index, schooljaar } = ctx;
  const eind = `${schooljaar + 1}-07-31`;
  let vorige = `${schooljaar}-08-01`;
  const steps = drafts.map((draft, n): SisStep => {
    const vertraging = rng.chance(0.07) ? rng.int(8, 30) : rng.int(0, 6);
    const verzenddatum = minDatum(
      eind,
      maxDatum(vorige, draft.verzenddatum ?? addDays(draft.gebeurtenisdatum, vertraging)),
    );
    vorige = maxDatum(vorige, verzenddatum);
    // the school year is part of the id: playing another year on the same register is new work, not a re-send
    const berichtId = `sis-${seed}-${schooljaar}-${index}-${n}`;
    const melding: Melding = {
      berichtId,
      brin: ctx.instelling.brin,
      persoon: { ...persoon, leerlingnummer },
      ...draft.records,
    };
    const replay = rng.chance(REPLAY_RATE);
    if (n === 0 && ctx.brp?.afwijkend && melding.persoon.burgerservicenummer !== undefined) {
      const flawed = structuredClone(melding);
      flawed.persoon.geboortedatum = addDays(melding.persoon.geboortedatum, 3);
      return {
        berichtId,
        kind: draft.kind,
        gebeurtenisdatum: draft.gebeurtenisdatum,
        verzenddatum,
        melding: flawed,
        flaw: 'geboortedatum-wijkt-af-van-brp',
        correction: { ...melding, berichtId: `${berichtId}-h` },
        replay,
      };
    }
    if (!rng.chance(FLAW_RATE)) {
      return {
        berichtId,
        kind: draft.kind,
        gebeurtenisdatum: draft.gebeurtenisdatum,
        verzenddatum,
        melding,
        replay,
      };
    }
    const flaw = rng.weighted(
      applicableFlaws(draft).map((f) => [f, STEP_SPECIFIC_FLAWS.has(f) ? 4 : 1] as const),
    );
    const flawed = applyFlaw(rng, ctx, structuredClone(melding), flaw, draft);
    return {
      berichtId,
      kind: draft.kind,
      gebeurtenisdatum: draft.gebeurtenisdatum,
      verzenddatum,
      melding: flawed,
      flaw,
      correction: { ...melding, berichtId: `${berichtId}-h` },
      replay,
    };
  });
  return { index, brin: ctx.instelling.brin, steps };
}

/** Flaws that only fit later meldingen; weighted up so they occur despite those being fewer. */
const STEP_SPECIFIC_FLAWS: ReadonlySet<Flaw> = new Set([
  'datum-begin-bestaat',
  'reden-zonder-datum',
  'volgnummer-onbekend',
  'volgnummer-bestaat',
]);

function applicableFlaws(draft: Draft): Flaw[] {
  const always: Flaw[] = ['bsn-elfproef', 'onderwijsnummer-controle', 'postcode-en-land', 'onbekend-veld'];
  const nieuwePeriode: Flaw[] = [
    'onbekende-crebo',
    'leertraject-niet-toegestaan',
    'domein-bbl',
    'leertraject-ontbreekt',
    'onbekende-locatie',
    'onmogelijke-datum',
  ];
  switch (draft.kind) {
    case 'inschrijving':
      return [
        ...always,
        ...nieuwePeriode,
        'gepland-voor-inschrijving',
        ...(draft.flawContext.andereVolgnummers.length > 0 ? (['volgnummer-bestaat'] as const) : []),
      ];
    case 'opleidingswissel':
    case 'bekostigingswissel':
      return [
        ...always,
        ...nieuwePeriode,
        'datum-begin-bestaat',
        'volgnummer-onbekend',
        'volgnummer-bestaat',
      ];
    case 'extra-ondersteuning':
      return [...always, 'onmogelijke-datum', 'volgnummer-onbekend', 'volgnummer-bestaat'];
    case 'uitschrijving':
      return [
        ...always,
        'onmogelijke-datum',
        'reden-zonder-datum',
        'volgnummer-onbekend',
        'volgnummer-bestaat',
      ];
    case 'diploma':
      return [
        ...always,
        'onmogelijke-datum',
        'reden-zonder-datum',
        'volgnummer-onbekend',
        'volgnummer-bestaat',
        ...(draft.records.resultaten
          ? (['diploma-andere-kwalificatie', 'diploma-buiten-inschrijving'] as const)
          : []),
      ];
    case 'resultaat':
      return [...always, 'diploma-buiten-inschrijving', 'resultaatvolgnummer-bestaat'];
    case 'correctie-inschrijfdatum':
    case 'verlenging':
      return [...always, 'onmogelijke-datum', 'volgnummer-onbekend'];
    case 'verwijdering':
      return [...always, 'volgnummer-onbekend'];
    case 'bpv':
      return [...always, 'bpv-buiten-inschrijving', 'bpv-einde-voor-begin'];
  }
}

/** A date that does not exist, in the right format: 30 February, 31 April, … */
function impossibleDate(rng: Rng, near: string): string {
  return `${near.slice(0, 4)}-${rng.pick(['02-30', '02-31', '04-31', '06-31', '09-31', '11-31'])}`;
}

/** Mutates (a clone of) the melding to carry the flaw. */
function applyFlaw(rng: Rng, ctx: StudentContext, melding: Melding, flaw: Flaw, draft: Draft): Melding {
  const persoon = melding.persoon;
  const inschrijving = melding.inschrijvingen?.[0];
  const periode = melding.periodes?.[0];
  const ondersteuning = melding.extraOndersteuning?.[0];
  const resultaat = melding.resultaten?.[0];
  const ctxInschrijving = draft.flawContext.inschrijving;
  switch (flaw) {
    case 'diploma-andere-kwalificatie': {
      // a kwalificatie of another opleiding of the institution (controle 680)
      const andere = ctx.instelling.opleidingen.find(
        (o) =>
          o.crebo !== ctxInschrijving.opleiding.kwalificatie &&
          o.opleidingsdomein !== ctxInschrijving.opleiding.opleidingsdomein,
      );
      if (resultaat) {
        resultaat.opleidingcode = andere?.crebo ?? '99999';
      }
      break;
    }
    case 'diploma-buiten-inschrijving': {
      // a datum behaald before the enrolment began (controle 681)
      if (resultaat) {
        resultaat.datumResultaat = addDays(ctxInschrijving.datumInschrijving, -rng.int(1, 60));
      }
      break;
    }
    case 'resultaatvolgnummer-bestaat': {
      // the SIS sends the loose result twice in one melding (controle 639/690 family: the key repeats)
      if (resultaat) {
        melding.resultaten = [resultaat, { ...resultaat }];
      }
      break;
    }
    case 'bsn-elfproef': {
      persoon.burgerservicenummer = breakCheckDigit(persoon.burgerservicenummer ?? generateBsn(rng));
      delete persoon.onderwijsnummer;
      break;
    }
    case 'onderwijsnummer-controle': {
      persoon.onderwijsnummer = breakCheckDigit(persoon.onderwijsnummer ?? generateOnderwijsnummer(rng));
      delete persoon.burgerservicenummer;
      break;
    }
    case 'postcode-en-land': {
      if (persoon.postcode === undefined) {
        persoon.postcode = '7591AB';
      } else {
        persoon.land = '5010';
      }
      break;
    }
    case 'onbekend-veld': {
      const record = inschrijving ?? periode ?? ondersteuning;
      if (record) {
        Object.assign(record, { opmerking: 'graag controleren' });
      } else {
        Object.assign(melding, { opmerking: 'graag controleren' });
      }
      break;
    }
    case 'onbekende-crebo': {
      if (periode) {
        periode.opleidingcode = ctx.catalogus.onbekendeCrebo;
        delete periode.niveau;
      }
      break;
    }
    case 'leertraject-niet-toegestaan': {
      if (periode) {
        const { alleenBbl, alleenBol } = ctx.catalogus;
        if (periode.leertraject === 'BBL' && alleenBol.length > 0) {
          periode.opleidingcode = rng.pick(alleenBol);
        } else if (alleenBbl.length > 0) {
          periode.opleidingcode = rng.pick(alleenBbl);
          periode.leertraject = 'BOL';
        } else if (alleenBol.length > 0) {
          periode.opleidingcode = rng.pick(alleenBol);
          periode.leertraject = 'BBL';
        }
        delete periode.niveau;
      }
      break;
    }
    case 'domein-bbl': {
      if (periode) {
        const domein = ctxInschrijving.opleiding.opleidingsdomein ?? [...ctx.catalogus.domeinen][0];
        if (domein !== undefined) {
          periode.opleidingcode = domein;
          const niveau = ctxInschrijving.opleiding.kwalificatieNiveau;
          periode.niveau = NIVEAU_CODES[niveau === 1 ? 2 : niveau];
          periode.leertraject = 'BBL';
        }
      }
      break;
    }
    case 'leertraject-ontbreekt': {
      if (periode) {
        delete periode.leertraject;
      }
      break;
    }
    case 'onbekende-locatie': {
      if (periode) {
        periode.onderwijslocatie = ctx.catalogus.onbekendeLocatie;
      }
      break;
    }
    case 'gepland-voor-inschrijving': {
      if (inschrijving?.datumInschrijving) {
        inschrijving.datumUitschrijvingGepland = addDays(inschrijving.datumInschrijving, -rng.int(1, 200));
      }
      break;
    }
    case 'volgnummer-bestaat': {
      const bestaand = draft.flawContext.andereVolgnummers[0] ?? ctxInschrijving.volgnummer;
      if (draft.kind === 'inschrijving') {
        // a new enrolment under a volgnummer the person already has
        for (const r of [...(melding.inschrijvingen ?? []), ...(melding.periodes ?? [])]) {
          r.inschrijvingsvolgnummer = bestaand;
        }
      } else if (inschrijving && (draft.kind === 'uitschrijving' || draft.kind === 'diploma')) {
        // the SIS sends the uitschrijving as a new enrolment instead of a change
        Object.assign(inschrijving, {
          mutatie: 'toevoegen',
          datumInschrijving: ctxInschrijving.datumInschrijving,
          datumUitschrijvingGepland: ctxInschrijving.datumUitschrijvingGepland,
        });
      } else {
        // the SIS re-sends the whole enrolment as new along with the change
        melding.inschrijvingen = [inschrijvingToevoegen(ctxInschrijving), ...(melding.inschrijvingen ?? [])];
      }
      break;
    }
    case 'volgnummer-onbekend': {
      const onbekend = `${ctxInschrijving.volgnummer}9`;
      for (const r of [
        ...(melding.inschrijvingen ?? []),
        ...(melding.periodes ?? []),
        ...(melding.extraOndersteuning ?? []),
      ]) {
        r.inschrijvingsvolgnummer = onbekend;
      }
      break;
    }
    case 'datum-begin-bestaat': {
      const eerder = ctxInschrijving.periodeBegins.at(-1);
      if (periode && eerder !== undefined) {
        periode.datumBegin = eerder;
      }
      break;
    }
    case 'reden-zonder-datum': {
      if (inschrijving) {
        delete inschrijving.datumUitschrijvingWerkelijk;
      }
      break;
    }
    case 'onmogelijke-datum': {
      if (periode) {
        periode.datumBegin = impossibleDate(rng, periode.datumBegin);
      } else if (ondersteuning) {
        ondersteuning.datumBegin = impossibleDate(rng, ondersteuning.datumBegin);
      } else if (inschrijving?.datumUitschrijvingWerkelijk) {
        inschrijving.datumUitschrijvingWerkelijk = impossibleDate(
          rng,
          inschrijving.datumUitschrijvingWerkelijk,
        );
      } else if (inschrijving?.datumInschrijving) {
        inschrijving.datumInschrijving = impossibleDate(rng, inschrijving.datumInschrijving);
      } else if (inschrijving?.datumUitschrijvingGepland) {
        inschrijving.datumUitschrijvingGepland = impossibleDate(rng, inschrijving.datumUitschrijvingGepland);
      }
      break;
    }
    case 'bpv-buiten-inschrijving': {
      const bpv = melding.bpv?.[0];
      if (bpv?.datumBegin) {
        bpv.datumBegin = addDays(ctxInschrijving.datumInschrijving, -rng.int(7, 40));
        bpv.afsluitdatum = addDays(bpv.datumBegin, -7);
      }
      break;
    }
    case 'bpv-einde-voor-begin': {
      const bpv = melding.bpv?.[0];
      if (bpv?.datumBegin) {
        bpv.datumEindeGepland = addDays(bpv.datumBegin, -rng.int(1, 30));
      }
      break;
    }
  }
  return melding;
}
