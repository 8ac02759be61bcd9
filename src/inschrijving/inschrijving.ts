import { type Bevinding, bevinding } from '../aanlevering/bevinding.ts';
import type {
  ExtraOndersteuningRecord,
  InschrijvingRecord,
  Melding,
  PeriodeRecord,
} from '../aanlevering/melding.schema.ts';
import { applyBpvRecord, type BpvState, checkBpv, type SbbUitslagen } from '../bpv/bpv.ts';
import { ageOn, type Datum, dayNumber, overlaps, toDutch } from '../platform/dates.ts';
import type { Mutatie } from '../platform/db-schema.ts';

/**
 * Inschrijvingen as the register holds them (ISG, ISP, ISE of DOMAIN.md §10a.3–10a.4) and the pure
 * rules that judge a melding against them (DOMAIN.md §7). No I/O here: the service loads the state,
 * calls `applyMelding`, and writes what changed.
 */

export type PeriodeState = {
  periodeId?: string;
  datumBegin: Datum;
  opleidingcode: string;
  leertraject: string;
  niveau: string | null;
  indicatieBekostigbaar: boolean;
  onderwijslocatie: string | null;
  onderwijsaanbieder: string | null;
  locatiecodeVsv: string | null;
  verwijderd: boolean;
  /** Set when this melding changes the periode. */
  mutatie?: Mutatie;
};

export type OndersteuningState = {
  ondersteuningId?: string;
  datumBegin: Datum;
  datumEinde: Datum | null;
  verwijderd: boolean;
  mutatie?: Mutatie;
};

export type InschrijvingState = {
  inschrijvingId?: string;
  inschrijvingsvolgnummer: string;
  datumInschrijving: Datum;
  datumUitschrijvingGepland: Datum;
  datumUitschrijvingWerkelijk: Datum | null;
  redenUitschrijving: string | null;
  verwijderd: boolean;
  mutatie?: Mutatie;
  periodes: PeriodeState[];
  ondersteuning: OndersteuningState[];
  /** Current BPVs (praktijkovereenkomsten) of the inschrijving (src/bpv/bpv.ts). */
  bpv?: BpvState[];
  /** Counts of dependent records (BPV, resultaten) that forbid a plain verwijdering. */
  afhankelijken?: { bpv: number; resultaten: number };
};

/** What the controles need to know of the reference data (a structural subset of Referentie). */
export type ControleKwalificatie = {
  crebo: string;
  naam: string;
  soort: 'kwalificatie' | 'kwalificatiedossier' | 'opleidingsdomein' | 'opleiding';
  niveau: number | null;
  leerwegen: readonly string[];
  geldigVanaf: Datum | null;
  geldigTot: Datum | null;
  instroomTot: Datum | null;
  kwalificatiedossier?: string | null;
  opleidingsdomein?: string | null;
};

export type ControleReferentie = {
  kwalificaties: ReadonlyMap<string, ControleKwalificatie>;
  onderwijslocaties: ReadonlyMap<string, { code: string; brin: string }>;
};

export type ControleInstelling = { brin: string; bekostigd: boolean };

/** Another institution's current enrolment of the same person (dates only: nothing else is revealed). */
export type InschrijvingElders = { datumInschrijving: Datum; einde: Datum };

export type ApplyInput = {
  melding: Melding;
  instelling: ControleInstelling;
  referentie: ControleReferentie;
  huidig: readonly InschrijvingState[];
  elders: readonly InschrijvingElders[];
  vandaag: Datum;
  /** What SBB said about the leerbedrijven the melding names (asked before the transaction). */
  sbb?: SbbUitslagen;
};

export type ApplyResult = {
  bevindingen: Bevinding[];
  /** The person's inschrijvingen at this BRIN after the melding, with `mutatie` marks on what changed. */
  nieuw: InschrijvingState[];
  verwerkt: { inschrijving: number; periode: number; extraOndersteuning: number; bpv: number };
};

/** Onderwijslocatie mandatory for enrolments starting on/after this date (DOMAIN.md §3.3, RIO). */
export const ONDERWIJSLOCATIE_VERPLICHT_VANAF = '2019-08-01';
/** Reden uitstroom in force from this date (DOMAIN.md §3.3). */
export const REDEN_UITSTROOM_VANAF = '2010-08-01';
/** Leertraject validity windows (DOMAIN.md §10a.8). */
const LEERTRAJECT_GELDIG: Record<string, { vanaf?: Datum; tot?: Datum }> = {
  BOL_DT: { tot: '2023-07-31' },
  ODT: { vanaf: '2019-01-01' },
};
/** Delivery deadline: at most 7 days after the event (Regeling BVE 2009 art. 4). */
export const LEVERTERMIJN_DAGEN = 7;

const LEERWEG_BY_TRAJECT: Record<string, 'BOL' | 'BBL' | undefined> = {
  BOL: 'BOL',
  BOL_DT: 'BOL',
  BBL: 'BBL',
};

function clone(s: InschrijvingState): InschrijvingState {
  return {
    ...s,
    periodes: s.periodes.map((p) => ({ ...p })),
    ondersteuning: s.ondersteuning.map((o) => ({ ...o })),
    ...(s.bpv ? { bpv: s.bpv.map((b) => ({ ...b })) } : {}),
  };
}

function einde(i: InschrijvingState): Datum {
  return i.datumUitschrijvingWerkelijk ?? i.datumUitschrijvingGepland;
}

function mark<T extends { mutatie?: Mutatie }>(target: T, m: Mutatie): void {
  // toevoegen stays toevoegen when the same melding changes the new record again
  if (target.mutatie !== 'toevoegen') {
    target.mutatie = m;
  }
}

/** Applies a melding's records to the person's inschrijvingen and runs every controle. */
export function applyMelding(input: ApplyInput): ApplyResult {
  const { melding, vandaag } = input;
  const bevindingen: Bevinding[] = [];
  const state = input.huidig.map(clone);
  const byNummer = new Map(state.map((s) => [s.inschrijvingsvolgnummer, s]));
  const verwerkt = { inschrijving: 0, periode: 0, extraOndersteuning: 0, bpv: 0 };
  /** Old datumInschrijving per volgnummer where this melding moves it (first periode follows). */
  const verplaatst = new Map<string, Datum>();

  const active = (nr: string) => {
    const s = byNummer.get(nr);
    return s && !s.verwijderd ? s : undefined;
  };

  (melding.inschrijvingen ?? []).forEach((r, i) => {
    verwerkt.inschrijving++;
    applyInschrijving(r, `/inschrijvingen/${i}`);
  });
  (melding.periodes ?? []).forEach((r, i) => {
    verwerkt.periode++;
    applyPeriode(r, `/periodes/${i}`);
  });
  (melding.extraOndersteuning ?? []).forEach((r, i) => {
    verwerkt.extraOndersteuning++;
    applyOndersteuning(r, `/extraOndersteuning/${i}`);
  });
  (melding.bpv ?? []).forEach((r, i) => {
    verwerkt.bpv++;
    applyBpvRecord(r, `/bpv/${i}`, byNummer.get(r.inschrijvingsvolgnummer), bevindingen);
  });

  // A corrected datumInschrijving carries the first periode along when the melding does not move it.
  for (const [nr, oud] of verplaatst) {
    const s = active(nr);
    if (!s || s.datumInschrijving === oud) {
      continue;
    }
    const eerste = s.periodes.find((p) => !p.verwijderd && p.datumBegin === oud);
    const eersteNu = sortedPeriodes(s)[0];
    if (
      eerste &&
      eersteNu === eerste &&
      !s.periodes.some((p) => !p.verwijderd && p.datumBegin === s.datumInschrijving)
    ) {
      eerste.datumBegin = s.datumInschrijving;
      mark(eerste, 'wijzigen');
      bevindingen.push(
        bevinding(
          'periodeMeeverplaatst',
          { record: 'periode', sleutel: `${nr}/${oud}` },
          `De eerste periode van inschrijving ${nr} begon op ${toDutch(oud)}, de oude datum inschrijving; ` +
            `haar begindatum is meeverplaatst naar ${toDutch(s.datumInschrijving)}.`,
        ),
      );
    }
  }

  for (const s of state) {
    const gewijzigd = Boolean(
      s.mutatie || s.periodes.some((p) => p.mutatie) || s.ondersteuning.some((o) => o.mutatie),
    );
    if (gewijzigd && !s.verwijderd) {
      checkInschrijving(s);
    }
    if (!s.verwijderd && (gewijzigd || s.bpv?.some((b) => b.mutatie))) {
      bevindingen.push(
        ...checkBpv(s, {
          kwalificaties: input.referentie.kwalificaties,
          sbb: input.sbb ?? new Map(),
          inschrijvingGewijzigd: gewijzigd,
          vandaag,
        }),
      );
    }
  }
  checkPersoonOverInschrijvingen();

  return { bevindingen: bevindingen.map((b) => withPointer(b, melding)), nieuw: state, verwerkt };

  // --- record application (keys, existence) ---------------------------------------------------

  function applyInschrijving(r: InschrijvingRecord, veld: string): void {
    const nr = r.inschrijvingsvolgnummer;
    const where = { record: 'inschrijving', sleutel: nr };
    const bestaand = byNummer.get(nr);
    switch (r.mutatie) {
      case 'toevoegen': {
        if (bestaand && !bestaand.verwijderd) {
          bevindingen.push(
            bevinding(
              'volgnummerBestaat',
              { ...where, veld: `${veld}/inschrijvingsvolgnummer` },
              `Inschrijvingsvolgnummer ${nr} bestaat al voor deze deelnemer bij deze instelling. ` +
                'Gebruik mutatie wijzigen om haar aan te passen, of een nieuw volgnummer voor een nieuwe inschrijving.',
            ),
          );
          return;
        }
        const missing = (['datumInschrijving', 'datumUitschrijvingGepland'] as const).filter(
          (f) => r[f] === undefined,
        );
        for (const f of missing) {
          bevindingen.push(
            bevinding(
              'verplichtVeld',
              { ...where, veld: `${veld}/${f}` },
              `Veld ${f} is verplicht bij toevoegen.`,
            ),
          );
        }
        if (
          missing.length > 0 ||
          r.datumInschrijving === undefined ||
          r.datumUitschrijvingGepland === undefined
        ) {
          return;
        }
        const nieuw: InschrijvingState = {
          inschrijvingsvolgnummer: nr,
          datumInschrijving: r.datumInschrijving,
          datumUitschrijvingGepland: r.datumUitschrijvingGepland,
          datumUitschrijvingWerkelijk: r.datumUitschrijvingWerkelijk ?? null,
          redenUitschrijving: r.redenUitschrijving ?? null,
          verwijderd: false,
          mutatie: 'toevoegen',
          periodes: [],
          ondersteuning: [],
        };
        if (bestaand) {
          // re-added after a verwijdering: same identity, new version; old children stay removed
          Object.assign(bestaand, {
            ...nieuw,
            periodes: bestaand.periodes,
            ondersteuning: bestaand.ondersteuning,
          });
        } else {
          state.push(nieuw);
          byNummer.set(nr, nieuw);
        }
        checkLateLevering(r.datumInschrijving, where, 'inschrijving');
        return;
      }
      case 'wijzigen': {
        const s = active(nr);
        if (!s) {
          bevindingen.push(volgnummerOnbekend(nr, veld));
          return;
        }
        const voorIns = JSON.stringify({ ...s, periodes: [], ondersteuning: [] });
        if (r.datumUitschrijvingWerkelijk !== undefined) {
          const oud = s.datumUitschrijvingWerkelijk;
          const nieuwe = r.datumUitschrijvingWerkelijk;
          if (oud !== null && nieuwe !== null && nieuwe !== oud) {
            bevindingen.push(
              bevinding(
                'alUitgeschreven',
                { ...where, veld: `${veld}/datumUitschrijvingWerkelijk` },
                `Inschrijving ${nr} is al uitgeschreven per ${toDutch(oud)}. Een uitschrijving wordt niet ` +
                  'opnieuw afgesloten: maak haar eerst ongedaan (datumUitschrijvingWerkelijk: null) en lever dan de juiste datum.',
              ),
            );
          }
          if (nieuwe !== null && nieuwe !== oud) {
            checkLateLevering(nieuwe, where, 'uitschrijving');
          }
          s.datumUitschrijvingWerkelijk = nieuwe;
        }
        if (r.datumInschrijving !== undefined && r.datumInschrijving !== s.datumInschrijving) {
          if (!verplaatst.has(nr)) {
            verplaatst.set(nr, s.datumInschrijving);
          }
          s.datumInschrijving = r.datumInschrijving;
        }
        if (r.datumUitschrijvingGepland !== undefined) {
          s.datumUitschrijvingGepland = r.datumUitschrijvingGepland;
        }
        if (r.redenUitschrijving !== undefined) {
          s.redenUitschrijving = r.redenUitschrijving;
        }
        // an unchanged wijzigen writes no new version
        if (JSON.stringify({ ...s, periodes: [], ondersteuning: [] }) !== voorIns) {
          mark(s, 'wijzigen');
        }
        return;
      }
      case 'verwijderen': {
        const s = active(nr);
        if (!s) {
          bevindingen.push(volgnummerOnbekend(nr, veld));
          return;
        }
        const afh = s.afhankelijken;
        // BPVs this melding removes too do not hold the inschrijving back.
        const bpvWeg = new Set(
          (melding.bpv ?? [])
            .filter((r) => r.mutatie === 'verwijderen' && r.inschrijvingsvolgnummer === nr)
            .map((r) => r.bpvVolgnummer),
        );
        const bpvBlijft = afh
          ? afh.bpv - (s.bpv ?? []).filter((b) => !b.verwijderd && bpvWeg.has(b.bpvVolgnummer)).length
          : 0;
        if (afh && bpvBlijft + afh.resultaten > 0) {
          bevindingen.push(
            bevinding(
              'verwijderenMetAfhankelijken',
              { ...where, veld },
              `Inschrijving ${nr} heeft ${afh.bpv} BPV-record(s) en ${afh.resultaten} resultaat/resultaten. ` +
                'Een gevolgde inschrijving wordt niet verwijderd: lever een uitschrijving, of verwijder eerst de BPV en resultaten.',
            ),
          );
          return;
        }
        if (s.datumInschrijving <= vandaag) {
          bevindingen.push(
            bevinding(
              'verwijderenGevolgd',
              { ...where, veld },
              `Inschrijving ${nr} is verwijderd. Verwijderen is bedoeld voor een inschrijving die nooit is gevolgd; ` +
                `deze begon op ${toDutch(s.datumInschrijving)}. Is zij wel gevolgd, lever dan een uitschrijving. ` +
                'De geschiedenis blijft bewaard.',
            ),
          );
        }
        s.verwijderd = true;
        mark(s, 'verwijderen');
        s.mutatie = 'verwijderen';
        for (const p of s.periodes.filter((x) => !x.verwijderd)) {
          p.verwijderd = true;
          p.mutatie = 'verwijderen';
        }
        for (const o of s.ondersteuning.filter((x) => !x.verwijderd)) {
          o.verwijderd = true;
          o.mutatie = 'verwijderen';
        }
        for (const b of (s.bpv ?? []).filter((x) => !x.verwijderd)) {
          b.verwijderd = true;
          b.mutatie = 'verwijderen';
        }
        return;
      }
      default: {
        const never: never = r.mutatie;
        throw new Error(`unknown mutatie ${String(never)}`);
      }
    }
  }

  function applyPeriode(r: PeriodeRecord, veld: string): void {
    const nr = r.inschrijvingsvolgnummer;
    const sleutel = `${nr}/${r.datumBegin}`;
    const where = { record: 'periode', sleutel };
    const s = active(nr);
    if (!s) {
      bevindingen.push(volgnummerOnbekend(nr, veld, 'periode', sleutel));
      return;
    }
    const current = s.periodes.find((p) => !p.verwijderd && p.datumBegin === r.datumBegin);
    switch (r.mutatie) {
      case 'toevoegen': {
        if (current) {
          bevindingen.push(periodeBestaat(r.datumBegin, nr, `${veld}/datumBegin`));
          return;
        }
        const missing = (['opleidingcode', 'leertraject', 'indicatieBekostigbaar'] as const).filter(
          (f) => r[f] === undefined,
        );
        for (const f of missing) {
          bevindingen.push(
            f === 'leertraject'
              ? bevinding(
                  'leertrajectOntbreekt',
                  { ...where, veld: `${veld}/leertraject` },
                  'Leertraject is verplicht bij een nieuwe periode (BOL, BBL, EX, OVO, ODT).',
                )
              : bevinding(
                  'verplichtVeld',
                  { ...where, veld: `${veld}/${f}` },
                  `Veld ${f} is verplicht bij toevoegen.`,
                ),
          );
        }
        if (
          r.opleidingcode === undefined ||
          r.leertraject === undefined ||
          r.indicatieBekostigbaar === undefined
        ) {
          return;
        }
        s.periodes.push({
          datumBegin: r.datumBegin,
          opleidingcode: r.opleidingcode,
          leertraject: r.leertraject,
          niveau: r.niveau ?? null,
          indicatieBekostigbaar: r.indicatieBekostigbaar === 'J',
          onderwijslocatie: r.onderwijslocatie ?? null,
          onderwijsaanbieder: r.onderwijsaanbieder ?? null,
          locatiecodeVsv: r.locatiecodeVsv ?? null,
          verwijderd: false,
          mutatie: 'toevoegen',
        });
        if (s.mutatie !== 'toevoegen') {
          checkLateLevering(r.datumBegin, where, 'periode');
        }
        return;
      }
      case 'wijzigen': {
        if (!current) {
          bevindingen.push(sleutelOnbekend('periode', sleutel, `${veld}/datumBegin`));
          return;
        }
        const voorPer = JSON.stringify(current);
        if (r.nieuweDatumBegin !== undefined && r.nieuweDatumBegin !== current.datumBegin) {
          if (s.periodes.some((p) => !p.verwijderd && p.datumBegin === r.nieuweDatumBegin)) {
            bevindingen.push(periodeBestaat(r.nieuweDatumBegin, nr, `${veld}/nieuweDatumBegin`));
            return;
          }
          current.datumBegin = r.nieuweDatumBegin;
        }
        if (r.opleidingcode !== undefined) {
          current.opleidingcode = r.opleidingcode;
        }
        if (r.leertraject !== undefined) {
          current.leertraject = r.leertraject;
        }
        if (r.niveau !== undefined) {
          current.niveau = r.niveau;
        }
        if (r.indicatieBekostigbaar !== undefined) {
          current.indicatieBekostigbaar = r.indicatieBekostigbaar === 'J';
        }
        if (r.onderwijslocatie !== undefined) {
          current.onderwijslocatie = r.onderwijslocatie;
        }
        if (r.onderwijsaanbieder !== undefined) {
          current.onderwijsaanbieder = r.onderwijsaanbieder;
        }
        if (r.locatiecodeVsv !== undefined) {
          current.locatiecodeVsv = r.locatiecodeVsv;
        }
        if (JSON.stringify(current) !== voorPer) {
          mark(current, 'wijzigen');
        }
        return;
      }
      case 'verwijderen': {
        if (!current) {
          bevindingen.push(sleutelOnbekend('periode', sleutel, `${veld}/datumBegin`));
          return;
        }
        current.verwijderd = true;
        current.mutatie = current.mutatie === 'toevoegen' ? 'toevoegen' : 'verwijderen';
        return;
      }
      default: {
        const never: never = r.mutatie;
        throw new Error(`unknown mutatie ${String(never)}`);
      }
    }
  }

  function applyOndersteuning(r: ExtraOndersteuningRecord, veld: string): void {
    const nr = r.inschrijvingsvolgnummer;
    const sleutel = `${nr}/${r.datumBegin}`;
    const s = active(nr);
    if (!s) {
      bevindingen.push(volgnummerOnbekend(nr, veld, 'extraOndersteuning', sleutel));
      return;
    }
    const current = s.ondersteuning.find((o) => !o.verwijderd && o.datumBegin === r.datumBegin);
    const bestaatAl = (datum: Datum, v: string) =>
      bevinding(
        'periodeBestaat',
        { record: 'extraOndersteuning', sleutel, veld: v },
        `Er bestaat al een periode extra ondersteuning met begindatum ${toDutch(datum)} bij inschrijving ${nr}.`,
      );
    switch (r.mutatie) {
      case 'toevoegen':
        if (current) {
          bevindingen.push(bestaatAl(r.datumBegin, `${veld}/datumBegin`));
          return;
        }
        s.ondersteuning.push({
          datumBegin: r.datumBegin,
          datumEinde: r.datumEinde ?? null,
          verwijderd: false,
          mutatie: 'toevoegen',
        });
        return;
      case 'wijzigen': {
        if (!current) {
          bevindingen.push(sleutelOnbekend('extraOndersteuning', sleutel, `${veld}/datumBegin`));
          return;
        }
        const voorOnd = JSON.stringify(current);
        if (r.nieuweDatumBegin !== undefined && r.nieuweDatumBegin !== current.datumBegin) {
          if (s.ondersteuning.some((o) => !o.verwijderd && o.datumBegin === r.nieuweDatumBegin)) {
            bevindingen.push(bestaatAl(r.nieuweDatumBegin, `${veld}/nieuweDatumBegin`));
            return;
          }
          current.datumBegin = r.nieuweDatumBegin;
        }
        if (r.datumEinde !== undefined) {
          current.datumEinde = r.datumEinde;
        }
        if (JSON.stringify(current) !== voorOnd) {
          mark(current, 'wijzigen');
        }
        return;
      }
      case 'verwijderen':
        if (!current) {
          bevindingen.push(sleutelOnbekend('extraOndersteuning', sleutel, `${veld}/datumBegin`));
          return;
        }
        current.verwijderd = true;
        current.mutatie = current.mutatie === 'toevoegen' ? 'toevoegen' : 'verwijderen';
        return;
      default: {
        const never: never = r.mutatie;
        throw new Error(`unknown mutatie ${String(never)}`);
      }
    }
  }

  // --- state controles --------------------------------------------------------------------------

  function checkInschrijving(s: InschrijvingState): void {
    const nr = s.inschrijvingsvolgnummer;
    const where = { record: 'inschrijving', sleutel: nr };
    const geboortedatum = melding.persoon.geboortedatum;
    if (s.datumUitschrijvingGepland < s.datumInschrijving) {
      bevindingen.push(
        bevinding(
          'uitschrijfdatumVoorInschrijving',
          { ...where, veld: 'datumUitschrijvingGepland' },
          `Geplande datum uitschrijving ${toDutch(s.datumUitschrijvingGepland)} ligt vóór datum inschrijving ${toDutch(s.datumInschrijving)} (inschrijving ${nr}).`,
        ),
      );
    }
    if (s.datumUitschrijvingWerkelijk !== null && s.datumUitschrijvingWerkelijk < s.datumInschrijving) {
      bevindingen.push(
        bevinding(
          'uitschrijfdatumVoorInschrijving',
          { ...where, veld: 'datumUitschrijvingWerkelijk' },
          `Werkelijke datum uitschrijving ${toDutch(s.datumUitschrijvingWerkelijk)} ligt vóór datum inschrijving ${toDutch(s.datumInschrijving)} (inschrijving ${nr}).`,
        ),
      );
    }
    if (s.redenUitschrijving !== null && s.datumUitschrijvingWerkelijk === null) {
      bevindingen.push(
        bevinding(
          'redenUitschrijving',
          { ...where, veld: 'redenUitschrijving' },
          `Reden uitschrijving ${s.redenUitschrijving} is opgegeven zonder werkelijke datum uitschrijving (inschrijving ${nr}).`,
        ),
      );
    }
    if (
      s.datumUitschrijvingWerkelijk !== null &&
      s.redenUitschrijving === null &&
      s.datumUitschrijvingWerkelijk >= REDEN_UITSTROOM_VANAF
    ) {
      bevindingen.push(
        bevinding(
          'redenUitschrijving',
          { ...where, veld: 'redenUitschrijving' },
          `Bij een uitschrijving (werkelijke datum ${toDutch(s.datumUitschrijvingWerkelijk)}) is een reden uitschrijving (01–08) verplicht (inschrijving ${nr}).`,
        ),
      );
    }
    if (geboortedatum > s.datumInschrijving || geboortedatum > vandaag) {
      bevindingen.push(
        bevinding(
          'geboortedatum',
          { record: 'persoon', veld: '/persoon/geboortedatum' },
          `Geboortedatum ${toDutch(geboortedatum)} ligt na de datum inschrijving ${toDutch(s.datumInschrijving)} of in de toekomst.`,
        ),
      );
    } else if (s.mutatie === 'toevoegen' && ageOn(geboortedatum, s.datumInschrijving) < 12) {
      bevindingen.push(
        bevinding(
          'leeftijdOnwaarschijnlijk',
          where,
          `De deelnemer is bij de start van inschrijving ${nr} ${ageOn(geboortedatum, s.datumInschrijving)} jaar; controleer de geboortedatum.`,
        ),
      );
    }

    const periodes = sortedPeriodes(s);
    const eerste = periodes[0];
    if (!eerste) {
      bevindingen.push(
        bevinding(
          'geenPeriode',
          where,
          `Inschrijving ${nr} heeft geen periode. Lever in dezelfde melding ten minste één periode met opleidingcode en leertraject.`,
        ),
      );
    } else if (eerste.datumBegin > s.datumInschrijving) {
      bevindingen.push(
        bevinding(
          'eerstePeriode',
          { record: 'periode', sleutel: `${nr}/${eerste.datumBegin}` },
          `De eerste periode van inschrijving ${nr} begint op ${toDutch(eerste.datumBegin)}, maar de inschrijving op ${toDutch(s.datumInschrijving)}.`,
        ),
      );
    }
    const eind = einde(s);
    for (const p of periodes) {
      if (p.datumBegin < s.datumInschrijving || p.datumBegin > eind) {
        bevindingen.push(
          bevinding(
            'periodeBuitenInschrijving',
            { record: 'periode', sleutel: `${nr}/${p.datumBegin}`, veld: 'datumBegin' },
            `Periode met begindatum ${toDutch(p.datumBegin)} ligt buiten inschrijving ${nr} (${toDutch(s.datumInschrijving)} t/m ${toDutch(eind)}).`,
          ),
        );
      }
      if (p.mutatie && !p.verwijderd) {
        checkPeriode(s, p);
      }
    }
    for (const o of s.ondersteuning.filter((x) => !x.verwijderd && x.mutatie)) {
      const sleutel = `${nr}/${o.datumBegin}`;
      if (o.datumEinde !== null && o.datumEinde < o.datumBegin) {
        bevindingen.push(
          bevinding(
            'ondersteuningDatums',
            { record: 'extraOndersteuning', sleutel, veld: 'datumEinde' },
            `Datum einde extra ondersteuning ${toDutch(o.datumEinde)} ligt vóór de begindatum ${toDutch(o.datumBegin)}.`,
          ),
        );
      }
      if (
        o.datumBegin < s.datumInschrijving ||
        o.datumBegin > eind ||
        (o.datumEinde !== null && o.datumEinde > eind)
      ) {
        bevindingen.push(
          bevinding(
            'ondersteuningBuitenInschrijving',
            { record: 'extraOndersteuning', sleutel, veld: 'datumBegin' },
            `Extra ondersteuning vanaf ${toDutch(o.datumBegin)} ligt (deels) buiten inschrijving ${nr} (${toDutch(s.datumInschrijving)} t/m ${toDutch(eind)}).`,
          ),
        );
      }
    }
  }

  function checkPeriode(s: InschrijvingState, p: PeriodeState): void {
    const nr = s.inschrijvingsvolgnummer;
    const where = { record: 'periode', sleutel: `${nr}/${p.datumBegin}` };
    const k = input.referentie.kwalificaties.get(p.opleidingcode);
    if (!k) {
      bevindingen.push(
        bevinding(
          'creboOnbekend',
          { ...where, veld: 'opleidingcode' },
          `Opleidingcode ${p.opleidingcode} komt niet voor in het Centraal register beroepsopleidingen (CREBO).`,
        ),
      );
    } else {
      if (
        (k.geldigVanaf !== null && p.datumBegin < k.geldigVanaf) ||
        (k.geldigTot !== null && p.datumBegin > k.geldigTot)
      ) {
        bevindingen.push(
          bevinding(
            'creboNietGeldig',
            { ...where, veld: 'opleidingcode' },
            `Opleidingcode ${p.opleidingcode} (${k.naam}) is niet geldig op ${toDutch(p.datumBegin)}` +
              `${k.geldigVanaf ? ` (geldig vanaf ${toDutch(k.geldigVanaf)}` : ' ('}${k.geldigTot ? ` tot en met ${toDutch(k.geldigTot)})` : ')'}.`,
          ),
        );
      }
      if (k.instroomTot !== null && s.datumInschrijving > k.instroomTot && p.datumBegin > k.instroomTot) {
        bevindingen.push(
          bevinding(
            'creboInstroomVoorbij',
            { ...where, veld: 'opleidingcode' },
            `Op opleidingcode ${p.opleidingcode} (${k.naam}) is na ${toDutch(k.instroomTot)} geen nieuwe instroom meer ` +
              'toegestaan; schrijf in op een kwalificatie uit de huidige kwalificatiestructuur.',
          ),
        );
      }
      const niveau = p.niveau === null ? null : Number(p.niveau.slice(4));
      if (k.soort === 'opleidingsdomein') {
        if (LEERWEG_BY_TRAJECT[p.leertraject] !== 'BOL' || niveau === 1) {
          bevindingen.push(
            bevinding(
              'domeinLeertraject',
              { ...where, veld: LEERWEG_BY_TRAJECT[p.leertraject] !== 'BOL' ? 'leertraject' : 'niveau' },
              `Inschrijving op opleidingsdomein ${p.opleidingcode} (${k.naam}) kan alleen in de BOL op niveau 2, 3 of 4 ` +
                `(geleverd: ${p.leertraject}${p.niveau ? `, ${p.niveau}` : ''}).`,
            ),
          );
        }
      }
      if ((k.soort === 'opleidingsdomein' || k.soort === 'kwalificatiedossier') && niveau === null) {
        bevindingen.push(
          bevinding(
            'niveauOntbreekt',
            { ...where, veld: 'niveau' },
            `Bij inschrijving op ${k.soort} ${p.opleidingcode} is het niveau (MBO-1 t/m MBO-4) verplicht.`,
          ),
        );
      }
      if (k.soort === 'kwalificatie' && niveau !== null && k.niveau !== null && niveau !== k.niveau) {
        bevindingen.push(
          bevinding(
            'niveauAfwijkend',
            { ...where, veld: 'niveau' },
            `Opgegeven niveau ${p.niveau} wijkt af van het niveau van kwalificatie ${p.opleidingcode} (MBO-${k.niveau}); het register gebruikt MBO-${k.niveau}.`,
          ),
        );
      }
      const leerweg = LEERWEG_BY_TRAJECT[p.leertraject];
      if (
        leerweg &&
        k.soort !== 'opleidingsdomein' &&
        k.leerwegen.length > 0 &&
        !k.leerwegen.includes(leerweg)
      ) {
        bevindingen.push(
          bevinding(
            'leertrajectNietToegestaan',
            { ...where, veld: 'leertraject' },
            `Leerweg ${leerweg} is niet toegestaan voor ${p.opleidingcode} (${k.naam}); toegestaan: ${k.leerwegen.join(', ')}.`,
          ),
        );
      }
    }
    const venster = LEERTRAJECT_GELDIG[p.leertraject];
    if (
      venster &&
      ((venster.vanaf && p.datumBegin < venster.vanaf) || (venster.tot && p.datumBegin > venster.tot))
    ) {
      bevindingen.push(
        bevinding(
          'leertrajectNietMeer',
          { ...where, veld: 'leertraject' },
          `Leertraject ${p.leertraject} was op ${toDutch(p.datumBegin)} niet toegestaan` +
            `${venster.vanaf ? ` (pas vanaf ${toDutch(venster.vanaf)})` : ''}${venster.tot ? ` (alleen t/m ${toDutch(venster.tot)})` : ''}.`,
        ),
      );
    }
    if (p.indicatieBekostigbaar && !input.instelling.bekostigd) {
      bevindingen.push(
        bevinding(
          'nietBekostigdeInstelling',
          { ...where, veld: 'indicatieBekostigbaar' },
          `Instelling ${input.instelling.brin} is niet bekostigd; lever niet-bekostigd onderwijs met indicatieBekostigbaar N.`,
        ),
      );
    }
    if (p.onderwijslocatie === null) {
      if (s.datumInschrijving >= ONDERWIJSLOCATIE_VERPLICHT_VANAF) {
        bevindingen.push(
          bevinding(
            'locatieOntbreekt',
            { ...where, veld: 'onderwijslocatie' },
            `Onderwijslocatie is verplicht: inschrijving ${nr} begint op of na 1-8-2019.`,
          ),
        );
      }
    } else {
      const loc = input.referentie.onderwijslocaties.get(p.onderwijslocatie);
      if (!loc || loc.brin !== input.instelling.brin) {
        bevindingen.push(
          bevinding(
            'locatieOnbekend',
            { ...where, veld: 'onderwijslocatie' },
            `Onderwijslocatie ${p.onderwijslocatie} is geen bekende locatie van instelling ${input.instelling.brin}.`,
          ),
        );
      }
    }
    if (p.leertraject === 'BBL') {
      const leerplichtTot = volledigeLeerplichtTot(melding.persoon.geboortedatum);
      if (p.datumBegin <= leerplichtTot) {
        bevindingen.push(
          bevinding(
            'bblLeerplichtig',
            { ...where, veld: 'leertraject' },
            `De deelnemer is op ${toDutch(p.datumBegin)} nog volledig leerplichtig (tot en met ${toDutch(leerplichtTot)}); ` +
              'BBL is voor een volledig leerplichtige deelnemer niet bedoeld (WEB art. 8.1.1 lid 3); controleer de leerweg en de geboortedatum.',
          ),
        );
      }
    }
  }

  /** Rules 29 and 30: overlapping enrolments at this BRIN on the same opleiding; enrolments elsewhere on a teldatum. */
  function checkPersoonOverInschrijvingen(): void {
    const actief = state.filter((s) => !s.verwijderd);
    // every inschrijving this melding touched: its own fields or its periodes (a new crebo may now overlap)
    const touched = (x: InschrijvingState) =>
      x.mutatie === 'toevoegen' ||
      x.mutatie === 'wijzigen' ||
      x.periodes.some((p) => p.mutatie && !p.verwijderd);
    for (const s of actief.filter(touched)) {
      const codes = new Set(s.periodes.filter((p) => !p.verwijderd).map((p) => p.opleidingcode));
      for (const other of actief) {
        if (other === s || !overlaps(s.datumInschrijving, einde(s), other.datumInschrijving, einde(other))) {
          continue;
        }
        const gedeeld = other.periodes.find((p) => !p.verwijderd && codes.has(p.opleidingcode));
        if (gedeeld) {
          bevindingen.push(
            bevinding(
              'dubbeleInschrijving',
              { record: 'inschrijving', sleutel: s.inschrijvingsvolgnummer },
              `Inschrijving ${s.inschrijvingsvolgnummer} overlapt met inschrijving ${other.inschrijvingsvolgnummer} op ` +
                `dezelfde opleiding ${gedeeld.opleidingcode}; voor de bekostiging telt er één.`,
            ),
          );
          break;
        }
      }
      const teldatum = teldata(s.datumInschrijving, einde(s)).find((t) =>
        input.elders.some((e) => e.datumInschrijving <= t && t <= e.einde),
      );
      if (teldatum) {
        bevindingen.push(
          bevinding(
            'andereInstelling',
            { record: 'inschrijving', sleutel: s.inschrijvingsvolgnummer },
            `De deelnemer is op teldatum ${toDutch(teldatum)} ook bij een andere instelling ingeschreven; ` +
              'voor de bekostiging telt de persoon één keer.',
          ),
        );
      }
    }
  }

  function checkLateLevering(
    gebeurtenis: Datum,
    where: { record: string; sleutel: string },
    wat: string,
  ): void {
    if (gebeurtenis <= vandaag && dayNumber(vandaag) - dayNumber(gebeurtenis) > LEVERTERMIJN_DAGEN) {
      bevindingen.push(
        bevinding(
          'teLaat',
          where,
          `Te late levering: de ${wat} op ${toDutch(gebeurtenis)} is ${dayNumber(vandaag) - dayNumber(gebeurtenis)} dagen ` +
            `na de gebeurtenis geleverd; de termijn is ${LEVERTERMIJN_DAGEN} dagen.`,
        ),
      );
    }
  }

  function volgnummerOnbekend(nr: string, veld: string, record = 'inschrijving', sleutel = nr): Bevinding {
    return bevinding(
      'volgnummerOnbekend',
      { record, sleutel, veld: `${veld}/inschrijvingsvolgnummer` },
      `Er is geen inschrijving bekend onder inschrijvingsvolgnummer ${nr} voor deze deelnemer bij deze instelling.`,
    );
  }
}

/**
 * State-level findings name a field of a record; where the melding holds that record, the field
 * becomes a JSON pointer into the melding (`/periodes/2/opleidingcode`), so a SIS can point at it.
 */
function withPointer(b: Bevinding, melding: Melding): Bevinding {
  if (b.veld === undefined || b.veld.startsWith('/') || b.sleutel === undefined) {
    return b;
  }
  const [nr, datum] = b.sleutel.split('/');
  if (b.record === 'bpv') {
    const i = (melding.bpv ?? []).findLastIndex(
      (r) => r.inschrijvingsvolgnummer === nr && r.bpvVolgnummer === datum,
    );
    return i >= 0 ? { ...b, veld: `/bpv/${i}/${b.veld}` } : b;
  }
  const find = <
    R extends { inschrijvingsvolgnummer: string; datumBegin?: string; nieuweDatumBegin?: string },
  >(
    records: readonly R[] | undefined,
  ) =>
    (records ?? []).findLastIndex(
      (r) =>
        r.inschrijvingsvolgnummer === nr &&
        (datum === undefined || r.datumBegin === datum || r.nieuweDatumBegin === datum),
    );
  const lists: Record<string, [string, number]> = {
    inschrijving: ['inschrijvingen', find(melding.inschrijvingen)],
    periode: ['periodes', find(melding.periodes)],
    extraOndersteuning: ['extraOndersteuning', find(melding.extraOndersteuning)],
  };
  const hit = lists[b.record];
  return hit && hit[1] >= 0 ? { ...b, veld: `/${hit[0]}/${hit[1]}/${b.veld}` } : b;
}

function periodeBestaat(datum: Datum, nr: string, veld: string): Bevinding {
  return bevinding(
    'periodeBestaat',
    { record: 'periode', sleutel: `${nr}/${datum}`, veld },
    `Inschrijving ${nr} heeft al een periode met begindatum ${toDutch(datum)}. Gebruik mutatie wijzigen.`,
  );
}

function sleutelOnbekend(record: string, sleutel: string, veld: string): Bevinding {
  return bevinding(
    'sleutelOnbekend',
    { record, sleutel, veld },
    `Er is geen ${record === 'periode' ? 'periode' : 'periode extra ondersteuning'} bekend met sleutel ${sleutel}.`,
  );
}

function sortedPeriodes(s: InschrijvingState): PeriodeState[] {
  return s.periodes.filter((p) => !p.verwijderd).sort((a, b) => (a.datumBegin < b.datumBegin ? -1 : 1));
}

/**
 * Last day of full leerplicht: the end of the school year (31 July) in which the person turns 16
 * (Leerplichtwet 1969 art. 3). A simplification: the alternative end after 12 full school years is
 * not known to the register.
 */
export function volledigeLeerplichtTot(geboortedatum: Datum): Datum {
  const [y, m] = geboortedatum.split('-').map(Number) as [number, number];
  const jaar16 = y + 16;
  return m >= 8 ? `${jaar16 + 1}-07-31` : `${jaar16}-07-31`;
}

/** The funding teldata (1 October and 1 February) within [van, tot], inclusive. */
export function teldata(van: Datum, tot: Datum): Datum[] {
  const out: Datum[] = [];
  const y0 = Number(van.slice(0, 4));
  const y1 = Math.min(Number(tot.slice(0, 4)), y0 + 10);
  for (let y = y0; y <= y1; y++) {
    for (const t of [`${y}-02-01`, `${y}-10-01`]) {
      if (van <= t && t <= tot) {
        out.push(t);
      }
    }
  }
  return out;
}
