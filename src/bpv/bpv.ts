import { type Bevinding, bevinding } from '../aanlevering/bevinding.ts';
import type { BpvRecord } from '../aanlevering/melding.schema.ts';
import { type Datum, dayNumber, toDutch } from '../platform/dates.ts';
import type { BpvErkenning, Mutatie } from '../platform/db-schema.ts';

/**
 * Beroepspraktijkvorming (BPV, DOMAIN.md §3.4, §10a.5) as the register holds it, and the pure rules that judge
 * BPV records of a melding (DOMAIN.md §7 rules 19, 31–35, 37). No I/O: what SBB said about the leerbedrijven
 * named in the melding is fetched before the transaction and passed in as `SbbUitslagen` (docs/adr/0006).
 */

export type BpvState = {
  bpvId?: string;
  bpvVolgnummer: string;
  afsluitdatum: Datum;
  datumBegin: Datum;
  datumEindeGepland: Datum;
  datumEindeWerkelijk: Datum | null;
  omvang: number | null;
  leerbedrijfId: string;
  opleidingcode: string | null;
  codeKeuzedeel: string | null;
  /** Outcome of the erkenning check at delivery; null when never checked. */
  erkenning: BpvErkenning | null;
  verwijderd: boolean;
  mutatie?: Mutatie;
};

/** One erkenning of a leerbedrijf for a crebo (kwalificatie or kwalificatiedossier), inclusive dates. */
export type Erkenning = { crebo: string; begindatum: Datum; einddatum: Datum | null };

/** What SBB answered about one leerbedrijf-ID. */
export type SbbUitslag =
  | { status: 'bekend'; naam?: string; erkenningen: readonly Erkenning[] }
  | { status: 'onbekend' }
  | { status: 'niet-beschikbaar'; reden?: string };

/** By leerbedrijf-ID; a leerbedrijf without an entry was not looked up (no SBB configured, or not named). */
export type SbbUitslagen = ReadonlyMap<string, SbbUitslag>;

/** The structural part of an inschrijving the BPV rules need (InschrijvingState satisfies it). */
export type BpvInschrijving = {
  inschrijvingsvolgnummer: string;
  datumInschrijving: Datum;
  datumUitschrijvingGepland: Datum;
  datumUitschrijvingWerkelijk: Datum | null;
  verwijderd: boolean;
  mutatie?: Mutatie;
  periodes: readonly {
    datumBegin: Datum;
    opleidingcode: string;
    leertraject: string;
    indicatieBekostigbaar: boolean;
    verwijderd: boolean;
  }[];
  bpv?: BpvState[];
};

export type BpvKwalificatie = {
  crebo: string;
  naam: string;
  soort: string;
  kwalificatiedossier?: string | null;
  opleidingsdomein?: string | null;
};

/** Hours per week above which a BPV's omvang is implausible (a full working week plus overtime). */
export const MAX_UREN_PER_WEEK = 60;

const VERPLICHT_BIJ_TOEVOEGEN = ['afsluitdatum', 'datumBegin', 'datumEindeGepland', 'leerbedrijfId'] as const;

function eindeInschrijving(s: BpvInschrijving): Datum {
  return s.datumUitschrijvingWerkelijk ?? s.datumUitschrijvingGepland;
}

function eindeBpv(b: BpvState): Datum {
  return b.datumEindeWerkelijk ?? b.datumEindeGepland;
}

function mark(b: BpvState, m: Mutatie): void {
  if (b.mutatie !== 'toevoegen') {
    b.mutatie = m;
  }
}

/**
 * Applies one BPV record to the inschrijving it names (keys and existence: rules 19 and 805, duplicate
 * volgnummer, mandatory fields). Pushes findings; changes `s.bpv` in place with `mutatie` marks.
 */
export function applyBpvRecord(
  r: BpvRecord,
  veld: string,
  s: BpvInschrijving | undefined,
  bevindingen: Bevinding[],
): void {
  const nr = r.inschrijvingsvolgnummer;
  const sleutel = `${nr}/${r.bpvVolgnummer}`;
  const where = { record: 'bpv', sleutel };
  if (
    s?.verwijderd &&
    s.mutatie === 'verwijderen' &&
    r.mutatie === 'verwijderen' &&
    s.bpv?.some((b) => b.bpvVolgnummer === r.bpvVolgnummer && b.mutatie === 'verwijderen')
  ) {
    // removed with its inschrijving by this same melding
    return;
  }
  if (!s || s.verwijderd) {
    bevindingen.push(
      bevinding(
        'volgnummerOnbekend',
        { ...where, veld: `${veld}/inschrijvingsvolgnummer` },
        `Er is geen inschrijving bekend onder inschrijvingsvolgnummer ${nr} voor deze deelnemer bij deze instelling; ` +
          'een BPV hoort bij een bestaande inschrijving.',
      ),
    );
    return;
  }
  s.bpv ??= [];
  const current = s.bpv.find((b) => !b.verwijderd && b.bpvVolgnummer === r.bpvVolgnummer);
  if (r.opleidingcode && r.codeKeuzedeel) {
    bevindingen.push(
      bevinding(
        'bpvOpleidingEnKeuzedeel',
        { ...where, veld: `${veld}/codeKeuzedeel` },
        `BPV ${r.bpvVolgnummer} noemt zowel opleidingcode ${r.opleidingcode} als keuzedeel ${r.codeKeuzedeel}; ` +
          'een BPV is voor de opleiding óf voor één keuzedeel.',
      ),
    );
    return;
  }
  switch (r.mutatie) {
    case 'toevoegen': {
      if (current) {
        bevindingen.push(
          bevinding(
            'bpvVolgnummerBestaat',
            { ...where, veld: `${veld}/bpvVolgnummer` },
            `Inschrijving ${nr} heeft al een BPV met volgnummer ${r.bpvVolgnummer}. Gebruik mutatie wijzigen, ` +
              'of een nieuw BPV-volgnummer voor een nieuwe praktijkovereenkomst.',
          ),
        );
        return;
      }
      const missing = VERPLICHT_BIJ_TOEVOEGEN.filter((f) => r[f] === undefined);
      for (const f of missing) {
        bevindingen.push(
          bevinding(
            'verplichtVeld',
            { ...where, veld: `${veld}/${f}` },
            `Veld ${f} is verplicht bij toevoegen van een BPV.`,
          ),
        );
      }
      if (
        r.afsluitdatum === undefined ||
        r.datumBegin === undefined ||
        r.datumEindeGepland === undefined ||
        r.leerbedrijfId === undefined
      ) {
        return;
      }
      const oud = s.bpv.find((b) => b.bpvVolgnummer === r.bpvVolgnummer);
      const nieuw: BpvState = {
        bpvVolgnummer: r.bpvVolgnummer,
        afsluitdatum: r.afsluitdatum,
        datumBegin: r.datumBegin,
        datumEindeGepland: r.datumEindeGepland,
        datumEindeWerkelijk: r.datumEindeWerkelijk ?? null,
        omvang: r.omvang ?? null,
        leerbedrijfId: r.leerbedrijfId,
        opleidingcode: r.opleidingcode ?? null,
        codeKeuzedeel: r.codeKeuzedeel ?? null,
        erkenning: null,
        verwijderd: false,
        mutatie: 'toevoegen',
      };
      if (oud) {
        // re-added after a verwijdering: same identity, next version
        Object.assign(oud, nieuw, { bpvId: oud.bpvId });
      } else {
        s.bpv.push(nieuw);
      }
      return;
    }
    case 'wijzigen': {
      if (!current) {
        bevindingen.push(bpvOnbekend(nr, r.bpvVolgnummer, `${veld}/bpvVolgnummer`));
        return;
      }
      const velden = [
        'afsluitdatum',
        'datumBegin',
        'datumEindeGepland',
        'datumEindeWerkelijk',
        'omvang',
        'leerbedrijfId',
        'opleidingcode',
        'codeKeuzedeel',
      ] as const;
      const voor = JSON.stringify(current);
      for (const f of velden) {
        const v = r[f];
        if (v !== undefined) {
          (current as Record<string, unknown>)[f] = v;
        }
      }
      if (r.opleidingcode) {
        current.codeKeuzedeel = null;
      }
      if (r.codeKeuzedeel) {
        current.opleidingcode = null;
      }
      // an unchanged wijzigen writes no new version
      if (JSON.stringify(current) !== voor) {
        mark(current, 'wijzigen');
      }
      return;
    }
    case 'verwijderen': {
      if (!current) {
        bevindingen.push(bpvOnbekend(nr, r.bpvVolgnummer, `${veld}/bpvVolgnummer`));
        return;
      }
      current.verwijderd = true;
      mark(current, 'verwijderen');
      current.mutatie = 'verwijderen';
      return;
    }
    default: {
      const never: never = r.mutatie;
      throw new Error(`unknown mutatie ${String(never)}`);
    }
  }
}

function bpvOnbekend(nr: string, bpvNr: string, veld: string): Bevinding {
  return bevinding(
    'bpvOnbekend',
    { record: 'bpv', sleutel: `${nr}/${bpvNr}`, veld },
    `Inschrijving ${nr} heeft geen BPV met volgnummer ${bpvNr}.`,
  );
}

/** The crebo a BPV is for: its own opleidingcode, else the inschrijving's periode current on the BPV start. */
export function bpvCrebo(s: BpvInschrijving, b: BpvState): string | undefined {
  if (b.opleidingcode) {
    return b.opleidingcode;
  }
  const periodes = s.periodes
    .filter((p) => !p.verwijderd)
    .sort((x, y) => (x.datumBegin < y.datumBegin ? -1 : 1));
  let crebo = periodes[0]?.opleidingcode;
  for (const p of periodes) {
    if (p.datumBegin <= b.datumBegin) {
      crebo = p.opleidingcode;
    }
  }
  return crebo;
}

/**
 * The HKS rule (docs/adr/0006): a BPV's crebo belongs to the inschrijving when it shares a code with one of
 * the inschrijving's periodes, where a code stands for itself and its kwalificatiedossier (a kwalificatie in the
 * enrolled dossier, the dossier of the enrolled kwalificatie, or a sibling kwalificatie in the same dossier),
 * or when the enrolment is on an opleidingsdomein that holds the BPV's crebo.
 */
export function creboHoortBijOpleiding(
  bpvCode: string,
  opleidingcodes: readonly string[],
  kwalificaties: ReadonlyMap<string, BpvKwalificatie>,
): boolean {
  const familie = (code: string): Set<string> => {
    const k = kwalificaties.get(code);
    const out = new Set([code]);
    if (k?.kwalificatiedossier) {
      out.add(k.kwalificatiedossier);
    }
    return out;
  };
  const bpv = familie(bpvCode);
  const domein = kwalificaties.get(bpvCode)?.opleidingsdomein ?? null;
  return opleidingcodes.some((code) => {
    if (kwalificaties.get(code)?.soort === 'opleidingsdomein') {
      return code === bpvCode || code === domein;
    }
    return [...familie(code)].some((c) => bpv.has(c));
  });
}

/** Is there an erkenning for `crebo` (or its kwalificatiedossier) covering `datum`? */
export function isErkend(
  erkenningen: readonly Erkenning[],
  crebo: string,
  datum: Datum,
  kwalificaties: ReadonlyMap<string, BpvKwalificatie>,
): Erkenning | undefined {
  const codes = new Set([crebo]);
  const dossier = kwalificaties.get(crebo)?.kwalificatiedossier;
  if (dossier) {
    codes.add(dossier);
  }
  return erkenningen.find(
    (e) => codes.has(e.crebo) && e.begindatum <= datum && (e.einddatum === null || datum <= e.einddatum),
  );
}

/**
 * Judges the changed BPVs of one inschrijving after the whole melding is applied: dates (rules 31, 32), omvang,
 * crebo (rule 11, HKS), the leerbedrijf per SBB (rules 33–35), and BBL without BPV (rule 37).
 */
export function checkBpv(
  s: BpvInschrijving,
  ctx: {
    kwalificaties: ReadonlyMap<string, BpvKwalificatie>;
    sbb: SbbUitslagen;
    /** Was the inschrijving or one of its periodes changed by this melding? */
    inschrijvingGewijzigd: boolean;
    vandaag: Datum;
  },
): Bevinding[] {
  const out: Bevinding[] = [];
  const nr = s.inschrijvingsvolgnummer;
  const eindeI = eindeInschrijving(s);
  const opleidingcodes = s.periodes.filter((p) => !p.verwijderd).map((p) => p.opleidingcode);
  for (const b of (s.bpv ?? []).filter((x) => x.mutatie && !x.verwijderd)) {
    const where = { record: 'bpv', sleutel: `${nr}/${b.bpvVolgnummer}` };
    const eindeB = eindeBpv(b);
    if (
      b.datumEindeGepland < b.datumBegin ||
      (b.datumEindeWerkelijk !== null && b.datumEindeWerkelijk < b.datumBegin)
    ) {
      out.push(
        bevinding(
          'bpvDatums',
          {
            ...where,
            veld: b.datumEindeGepland < b.datumBegin ? 'datumEindeGepland' : 'datumEindeWerkelijk',
          },
          `De einddatum van BPV ${b.bpvVolgnummer} (${toDutch(b.datumEindeGepland < b.datumBegin ? b.datumEindeGepland : eindeB)}) ` +
            `ligt vóór de begindatum ${toDutch(b.datumBegin)}.`,
        ),
      );
    } else if (b.datumBegin < s.datumInschrijving || eindeB > eindeI) {
      out.push(
        bevinding(
          'bpvBuitenInschrijving',
          {
            ...where,
            veld:
              b.datumBegin < s.datumInschrijving
                ? 'datumBegin'
                : b.datumEindeWerkelijk
                  ? 'datumEindeWerkelijk'
                  : 'datumEindeGepland',
          },
          `BPV ${b.bpvVolgnummer} (${toDutch(b.datumBegin)} t/m ${toDutch(eindeB)}) ligt niet binnen inschrijving ${nr} ` +
            `(${toDutch(s.datumInschrijving)} t/m ${toDutch(eindeI)}). Eindigt de inschrijving eerder, lever dan ook de werkelijke einddatum van de BPV.`,
        ),
      );
    }
    if (b.afsluitdatum > b.datumBegin) {
      out.push(
        bevinding(
          'bpvAfsluitdatum',
          { ...where, veld: 'afsluitdatum' },
          `De praktijkovereenkomst van BPV ${b.bpvVolgnummer} is opgesteld op ${toDutch(b.afsluitdatum)}, ná de begindatum ` +
            `${toDutch(b.datumBegin)}; de POK hoort vóór de start van de BPV te zijn gesloten.`,
        ),
      );
    }
    if (b.omvang !== null && b.datumEindeGepland >= b.datumBegin) {
      const weken = (dayNumber(b.datumEindeGepland) - dayNumber(b.datumBegin) + 1) / 7;
      const max = Math.ceil(Math.max(1, weken) * MAX_UREN_PER_WEEK);
      if (b.omvang === 0 || b.omvang > max) {
        out.push(
          bevinding(
            'bpvOmvang',
            { ...where, veld: 'omvang' },
            b.omvang === 0
              ? `BPV ${b.bpvVolgnummer} heeft een omvang van 0 uur.`
              : `BPV ${b.bpvVolgnummer} heeft een omvang van ${b.omvang} uur in ${Math.ceil(weken)} week/weken; ` +
                  `meer dan ${MAX_UREN_PER_WEEK} uur per week is onwaarschijnlijk.`,
          ),
        );
      }
    }
    if (b.opleidingcode !== null) {
      const k = ctx.kwalificaties.get(b.opleidingcode);
      if (!k) {
        out.push(
          bevinding(
            'bpvCreboOnbekend',
            { ...where, veld: 'opleidingcode' },
            `Opleidingcode ${b.opleidingcode} van BPV ${b.bpvVolgnummer} komt niet voor in het Centraal register beroepsopleidingen (CREBO).`,
          ),
        );
        continue;
      }
      if (!creboHoortBijOpleiding(b.opleidingcode, opleidingcodes, ctx.kwalificaties)) {
        out.push(
          bevinding(
            'bpvCreboNietInOpleiding',
            { ...where, veld: 'opleidingcode' },
            `BPV ${b.bpvVolgnummer} is voor ${b.opleidingcode} (${k.naam}), maar inschrijving ${nr} is voor ` +
              `${[...new Set(opleidingcodes)].join(', ')}; die horen niet bij hetzelfde kwalificatiedossier.`,
          ),
        );
      }
    }
    out.push(...checkErkenning(s, b, ctx));
  }
  if (ctx.inschrijvingGewijzigd || (s.bpv ?? []).some((b) => b.mutatie)) {
    const teldatum = bblZonderBpvOp(s, ctx.vandaag);
    if (teldatum !== undefined) {
      out.push(
        bevinding(
          'bblZonderBpv',
          { record: 'inschrijving', sleutel: nr },
          `Inschrijving ${nr} is op ${toDutch(teldatum)} BBL maar heeft geen BPV-overeenkomst die die dag loopt. ` +
            `Lever de BPV uiterlijk op 31-12-${teldatum.slice(0, 4)}; anders telt de inschrijving op ${toDutch(teldatum)} ` +
            'niet mee voor de bekostiging.',
        ),
      );
    }
  }
  return out;
}

/**
 * Rule 37: the last 1 October (on or before `vandaag`) within the inschrijving on which it is a funded BBL
 * enrolment without a BPV running that day; undefined when there is none. An enrolment that has ended is not
 * chased any more; before 1 October has come there is nothing to miss yet.
 */
export function bblZonderBpvOp(s: BpvInschrijving, vandaag: Datum): Datum | undefined {
  if (s.datumUitschrijvingWerkelijk !== null) {
    return undefined;
  }
  const periodes = s.periodes
    .filter((p) => !p.verwijderd)
    .sort((x, y) => (x.datumBegin < y.datumBegin ? -1 : 1));
  const eind = eindeInschrijving(s) < vandaag ? eindeInschrijving(s) : vandaag;
  let teldatum: Datum | undefined;
  for (let y = Number(eind.slice(0, 4)); y >= Number(s.datumInschrijving.slice(0, 4)); y--) {
    const t = `${y}-10-01`;
    if (t >= s.datumInschrijving && t <= eind) {
      teldatum = t;
      break;
    }
  }
  if (teldatum === undefined) {
    return undefined;
  }
  const t = teldatum;
  const periode = periodes.filter((p) => p.datumBegin <= t).at(-1);
  if (periode?.leertraject !== 'BBL' || !periode.indicatieBekostigbaar) {
    return undefined;
  }
  const gedekt = (s.bpv ?? []).some((b) => !b.verwijderd && b.datumBegin <= t && t <= eindeBpv(b));
  return gedekt ? undefined : t;
}

/** Rules 33–35: the leerbedrijf per SBB. Sets `b.erkenning` when SBB was asked about this leerbedrijf. */
function checkErkenning(
  s: BpvInschrijving,
  b: BpvState,
  ctx: { kwalificaties: ReadonlyMap<string, BpvKwalificatie>; sbb: SbbUitslagen },
): Bevinding[] {
  const uitslag = ctx.sbb.get(b.leerbedrijfId);
  const where = { record: 'bpv', sleutel: `${s.inschrijvingsvolgnummer}/${b.bpvVolgnummer}` };
  if (!uitslag) {
    return [];
  }
  switch (uitslag.status) {
    case 'onbekend':
      return [
        bevinding(
          'leerbedrijfOnbekend',
          { ...where, veld: 'leerbedrijfId' },
          `Leerbedrijf ${b.leerbedrijfId} is niet bekend bij SBB. Identificeer het leerbedrijf eerst bij SBB ` +
            '(GET /koppelvlak/v1/leerbedrijven?naam=…&postcode=…&huisnummer=…) en lever het leerbedrijf-ID dat SBB geeft.',
        ),
      ];
    case 'niet-beschikbaar':
      b.erkenning = 'onbekend';
      return [
        bevinding(
          'verificatieNietMogelijk',
          { ...where, veld: 'leerbedrijfId' },
          `De erkenning van leerbedrijf ${b.leerbedrijfId} kon niet bij SBB worden geverifieerd (SBB niet bereikbaar). ` +
            'De BPV is opgeslagen; het register verifieert later en meldt de uitkomst in de terugkoppeling.',
        ),
      ];
    case 'bekend': {
      const crebo = bpvCrebo(s, b);
      if (crebo === undefined) {
        return [];
      }
      if (isErkend(uitslag.erkenningen, crebo, b.datumBegin, ctx.kwalificaties)) {
        b.erkenning = 'erkend';
        return [];
      }
      b.erkenning = 'niet-erkend';
      return [
        bevinding(
          'leerbedrijfNietErkend',
          { ...where, veld: 'leerbedrijfId' },
          `Leerbedrijf ${b.leerbedrijfId}${uitslag.naam ? ` (${uitslag.naam})` : ''} is op ${toDutch(b.datumBegin)} niet ` +
            `erkend door SBB voor opleiding ${crebo}. De BPV is opgeslagen; alleen een erkend leerbedrijf mag BPV verzorgen (WEB art. 7.2.10).`,
        ),
      ];
    }
    default: {
      const never: never = uitslag;
      throw new Error(`unknown uitslag ${String(never)}`);
    }
  }
}

/** A BPV whose erkenning could not be verified at delivery (SBB unavailable): the later job's work. */
export type TeVerifieren = {
  inschrijvingsvolgnummer: string;
  bpvVolgnummer: string;
  leerbedrijfId: string;
  crebo: string;
  datumBegin: Datum;
};

export function teVerifieren(nieuw: readonly BpvInschrijving[]): TeVerifieren[] {
  const out: TeVerifieren[] = [];
  for (const s of nieuw.filter((x) => !x.verwijderd)) {
    for (const b of (s.bpv ?? []).filter((x) => x.mutatie && !x.verwijderd && x.erkenning === 'onbekend')) {
      const crebo = bpvCrebo(s, b);
      if (crebo !== undefined) {
        out.push({
          inschrijvingsvolgnummer: s.inschrijvingsvolgnummer,
          bpvVolgnummer: b.bpvVolgnummer,
          leerbedrijfId: b.leerbedrijfId,
          crebo,
          datumBegin: b.datumBegin,
        });
      }
    }
  }
  return out;
}

/** BPV keys of `wijzigen` records that change what the erkenning depends on but do not name the leerbedrijf. */
export function teHerverifieren(
  records: readonly BpvRecord[] | undefined,
): { inschrijvingsvolgnummer: string; bpvVolgnummer: string }[] {
  return (records ?? [])
    .filter(
      (r) =>
        r.mutatie === 'wijzigen' &&
        r.leerbedrijfId === undefined &&
        (r.datumBegin !== undefined || r.opleidingcode !== undefined || r.codeKeuzedeel !== undefined),
    )
    .map((r) => ({ inschrijvingsvolgnummer: r.inschrijvingsvolgnummer, bpvVolgnummer: r.bpvVolgnummer }));
}

/** The leerbedrijf-IDs a melding names in BPV records that are added or changed: what to ask SBB before the transaction. */
export function leerbedrijvenInMelding(records: readonly BpvRecord[] | undefined): string[] {
  return [
    ...new Set(
      (records ?? [])
        .filter((r) => r.mutatie !== 'verwijderen' && r.leerbedrijfId !== undefined)
        .map((r) => r.leerbedrijfId as string),
    ),
  ];
}
