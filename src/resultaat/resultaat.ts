import { type Bevinding, bevinding } from '../aanlevering/bevinding.ts';
import type { Melding, ResultaatRecord } from '../aanlevering/melding.schema.ts';
import type {
  ControleInstelling,
  ControleKwalificatie,
  InschrijvingState,
} from '../inschrijving/inschrijving.ts';
import { type Datum, toDutch } from '../platform/dates.ts';
import type { Mutatie } from '../platform/db-schema.ts';

/**
 * Resultaten as the register holds them (onderwijsresultaten, DOMAIN.md §3.6 and §10a.6): diplomas (DIP) and
 * sub-results (AMO AMvB-onderdeel/certificaat, GEO generiek examenonderdeel, KZD keuzedeel), attached to a
 * diploma or loose, and the pure rules that judge a melding's resultaten (DOMAIN.md §7 rules 24–28, 39, 40;
 * §8.6–8.7). No I/O: the service loads the state, calls `applyResultaten` after `applyMelding` (so the checks see
 * the inschrijvingen as the same melding leaves them), and writes what changed.
 */

export type ResultaatSoort = ResultaatRecord['soort'];

export type ResultaatState = {
  resultaatId?: string;
  resultaatvolgnummer: string;
  soort: ResultaatSoort;
  /** DIP and loose sub-results: the inschrijving; attached sub-results: null (they follow their diploma). */
  inschrijvingsvolgnummer: string | null;
  /** Attached sub-results: the diploma's resultaatvolgnummer. */
  resultaatvolgnummerDiploma: string | null;
  opleidingcode: string | null;
  datumResultaat: Datum | null;
  indicatieBekostigbaar: boolean | null;
  code: string | null;
  uitslag: 'Behaald' | 'Niet behaald' | null;
  certificaat: boolean | null;
  eindcijfer: string | null;
  vrijstelling: string | null;
  cijferIe: string | null;
  cijferCe: string | null;
  vrijstellingIe: string | null;
  vrijstellingCe: string | null;
  verwijderd: boolean;
  /** Set when this melding changes the resultaat. */
  mutatie?: Mutatie;
  /** Set when the change matters for the diploma part of funding (DOMAIN.md §8.6): signal to bekostiging. */
  bekostigingsrelevant?: boolean;
};

/** What the diploma controles need of a CREBO entry (Referentie's kwalificaties satisfy it structurally). */
export type ResultaatKwalificatie = ControleKwalificatie & {
  kwalificatiedossier: string | null;
  opleidingsdomein: string | null;
  soortOpleiding: string | null;
};

export type ApplyResultatenInput = {
  melding: Melding;
  instelling: ControleInstelling;
  referentie: { kwalificaties: ReadonlyMap<string, ResultaatKwalificatie> };
  /** The person's inschrijvingen at this BRIN as the same melding leaves them (output of applyMelding). */
  inschrijvingen: readonly InschrijvingState[];
  huidig: readonly ResultaatState[];
  vandaag: Datum;
};

export type ApplyResultatenResult = {
  bevindingen: Bevinding[];
  nieuw: ResultaatState[];
  verwerkt: number;
};

type Veld = Exclude<keyof ResultaatRecord, 'mutatie' | 'resultaatvolgnummer' | 'soort'>;

const GEO_VELDEN = [
  'eindcijfer',
  'vrijstelling',
  'cijferIe',
  'cijferCe',
  'vrijstellingIe',
  'vrijstellingCe',
] as const;

/** Fields a soort may carry (DOMAIN.md §10a.6); `los`/`bijDiploma` apply to sub-results only. */
const VELDEN: Record<
  ResultaatSoort,
  { altijd: readonly Veld[]; los: readonly Veld[]; bijDiploma: readonly Veld[] }
> = {
  DIP: {
    altijd: ['inschrijvingsvolgnummer', 'opleidingcode', 'datumResultaat', 'indicatieBekostigbaar'],
    los: [],
    bijDiploma: [],
  },
  AMO: {
    altijd: ['code'],
    los: ['inschrijvingsvolgnummer', 'datumResultaat', 'certificaat'],
    bijDiploma: ['resultaatvolgnummerDiploma'],
  },
  GEO: {
    altijd: ['code', ...GEO_VELDEN],
    los: ['inschrijvingsvolgnummer', 'datumResultaat'],
    bijDiploma: ['resultaatvolgnummerDiploma'],
  },
  KZD: {
    altijd: ['code', 'uitslag'],
    los: ['inschrijvingsvolgnummer', 'datumResultaat', 'certificaat'],
    bijDiploma: ['resultaatvolgnummerDiploma'],
  },
};

/** Mandatory at toevoegen. */
const VERPLICHT: Record<ResultaatSoort, { altijd: readonly Veld[]; los: readonly Veld[] }> = {
  DIP: {
    altijd: ['inschrijvingsvolgnummer', 'opleidingcode', 'datumResultaat', 'indicatieBekostigbaar'],
    los: [],
  },
  AMO: { altijd: ['code'], los: ['inschrijvingsvolgnummer', 'datumResultaat'] },
  GEO: { altijd: ['code'], los: ['inschrijvingsvolgnummer', 'datumResultaat'] },
  KZD: { altijd: ['code', 'uitslag'], los: ['inschrijvingsvolgnummer', 'datumResultaat', 'certificaat'] },
};

/** Fields of a DIP whose change alters the diploma part of funding (DOMAIN.md §8.6, §10a.7 BID). */
const BEKOSTIGINGSVELDEN: readonly Veld[] = [
  'opleidingcode',
  'datumResultaat',
  'indicatieBekostigbaar',
  'inschrijvingsvolgnummer',
];

const SOORT_NAAM: Record<ResultaatSoort, string> = {
  DIP: 'diploma',
  AMO: 'AMvB-onderdeel',
  GEO: 'generiek examenonderdeel',
  KZD: 'keuzedeel',
};

function einde(i: InschrijvingState): Datum {
  return i.datumUitschrijvingWerkelijk ?? i.datumUitschrijvingGepland;
}

/**
 * Active resultaten per inschrijvingsvolgnummer after the melding's verwijderingen of resultaten, so rule 39
 * (an inschrijving with resultaten is not deleted) lets a melding that first deletes the resultaten through.
 */
export function countResultatenPerInschrijving(
  huidig: readonly ResultaatState[],
  melding: Pick<Melding, 'resultaten'>,
): Map<string, number> {
  const weg = new Set(
    (melding.resultaten ?? []).filter((r) => r.mutatie === 'verwijderen').map((r) => r.resultaatvolgnummer),
  );
  const diplomas = new Map(huidig.filter((r) => r.soort === 'DIP').map((r) => [r.resultaatvolgnummer, r]));
  const counts = new Map<string, number>();
  for (const r of huidig) {
    if (r.verwijderd || weg.has(r.resultaatvolgnummer)) {
      continue;
    }
    const diploma =
      r.resultaatvolgnummerDiploma === null ? undefined : diplomas.get(r.resultaatvolgnummerDiploma);
    if (diploma && weg.has(diploma.resultaatvolgnummer)) {
      continue;
    }
    const nr = r.inschrijvingsvolgnummer ?? diploma?.inschrijvingsvolgnummer ?? null;
    if (nr !== null) {
      counts.set(nr, (counts.get(nr) ?? 0) + 1);
    }
  }
  return counts;
}

/** The inschrijvingsvolgnummer a resultaat belongs to (attached sub-results: their diploma's). */
export function inschrijvingVan(r: ResultaatState, alle: readonly ResultaatState[]): string | null {
  if (r.inschrijvingsvolgnummer !== null) {
    return r.inschrijvingsvolgnummer;
  }
  const diploma = alle.find(
    (d) => d.soort === 'DIP' && d.resultaatvolgnummer === r.resultaatvolgnummerDiploma,
  );
  return diploma?.inschrijvingsvolgnummer ?? null;
}

/**
 * Applies a melding's resultaten records (toevoegen, wijzigen, verwijderen) to the person's resultaten at this BRIN
 * and runs the controles on diplomas and sub-results. A verwijdering is a recorded version (the history stays) and
 * answers with signal 692 (rule 40): afnemers may already have received the result.
 */
export function applyResultaten(input: ApplyResultatenInput): ApplyResultatenResult {
  const { melding, vandaag } = input;
  const bevindingen: Bevinding[] = [];
  const state: ResultaatState[] = input.huidig.map((r) => ({ ...r }));
  const byNummer = new Map(state.map((r) => [r.resultaatvolgnummer, r]));
  const records = melding.resultaten ?? [];
  const pointer = new Map<string, number>();
  const inschrijvingen = new Map(
    input.inschrijvingen.filter((i) => !i.verwijderd).map((i) => [i.inschrijvingsvolgnummer, i]),
  );
  const active = (nr: string) => {
    const r = byNummer.get(nr);
    return r && !r.verwijderd ? r : undefined;
  };

  records.forEach((r, i) => {
    pointer.set(r.resultaatvolgnummer, i);
    applyRecord(r, `/resultaten/${i}`);
  });

  const touchedInschrijvingen = new Set(
    input.inschrijvingen.filter((i) => i.mutatie).map((i) => i.inschrijvingsvolgnummer),
  );
  for (const r of state) {
    if (r.verwijderd) {
      continue;
    }
    const nr = inschrijvingVan(r, state);
    if (r.mutatie || (nr !== null && touchedInschrijvingen.has(nr))) {
      checkResultaat(r);
    }
  }

  return { bevindingen, nieuw: state, verwerkt: records.length };

  function veldPointer(r: ResultaatState, veld: string): string {
    const i = pointer.get(r.resultaatvolgnummer);
    return i === undefined ? veld : `/resultaten/${i}/${veld}`;
  }

  function applyRecord(r: ResultaatRecord, veld: string): void {
    const nr = r.resultaatvolgnummer;
    const where = { record: 'resultaat', sleutel: nr };
    if (!checkVelden(r, veld)) {
      return;
    }
    switch (r.mutatie) {
      case 'toevoegen': {
        const bestaand = byNummer.get(nr);
        if (bestaand && !bestaand.verwijderd) {
          bevindingen.push(
            bevinding(
              'resultaatvolgnummerBestaat',
              { ...where, veld: `${veld}/resultaatvolgnummer` },
              `Resultaatvolgnummer ${nr} bestaat al voor deze deelnemer bij deze instelling. Gebruik mutatie wijzigen, ` +
                'of een nieuw resultaatvolgnummer voor een nieuw resultaat.',
            ),
          );
          return;
        }
        const los = r.soort !== 'DIP' && r.resultaatvolgnummerDiploma === undefined;
        const verplicht = [...VERPLICHT[r.soort].altijd, ...(los ? VERPLICHT[r.soort].los : [])];
        const missing = verplicht.filter((f) => r[f] === undefined || r[f] === null);
        for (const f of missing) {
          bevindingen.push(
            bevinding(
              'verplichtVeld',
              { ...where, veld: `${veld}/${f}` },
              `Veld ${f} is verplicht bij toevoegen van een ${los ? 'los ' : ''}${SOORT_NAAM[r.soort]}.`,
            ),
          );
        }
        if (missing.length > 0) {
          return;
        }
        const nieuw: ResultaatState = {
          resultaatvolgnummer: nr,
          soort: r.soort,
          inschrijvingsvolgnummer: r.inschrijvingsvolgnummer ?? null,
          resultaatvolgnummerDiploma: r.resultaatvolgnummerDiploma ?? null,
          opleidingcode: r.opleidingcode ?? null,
          datumResultaat: r.datumResultaat ?? null,
          indicatieBekostigbaar:
            r.indicatieBekostigbaar === undefined ? null : r.indicatieBekostigbaar === 'J',
          code: r.code ?? null,
          uitslag: r.uitslag ?? null,
          // a loose AMvB-onderdeel is always a certificaat (DOMAIN.md §10a.6)
          certificaat:
            r.certificaat === undefined ? (r.soort === 'AMO' && los ? true : null) : r.certificaat === 'J',
          eindcijfer: r.eindcijfer ?? null,
          vrijstelling: r.vrijstelling ?? null,
          cijferIe: r.cijferIe ?? null,
          cijferCe: r.cijferCe ?? null,
          vrijstellingIe: r.vrijstellingIe ?? null,
          vrijstellingCe: r.vrijstellingCe ?? null,
          verwijderd: false,
          mutatie: 'toevoegen',
          bekostigingsrelevant: r.soort === 'DIP',
        };
        if (bestaand) {
          // re-added after a verwijdering: same identity, next version
          if (bestaand.soort !== r.soort) {
            bevindingen.push(soortGewijzigd(nr, bestaand.soort, r.soort, veld));
            return;
          }
          Object.assign(bestaand, { ...nieuw, resultaatId: bestaand.resultaatId });
        } else {
          state.push(nieuw);
          byNummer.set(nr, nieuw);
        }
        return;
      }
      case 'wijzigen': {
        const s = active(nr);
        if (!s) {
          bevindingen.push(resultaatOnbekend(nr, veld));
          return;
        }
        if (s.soort !== r.soort) {
          bevindingen.push(soortGewijzigd(nr, s.soort, r.soort, veld));
          return;
        }
        const vorige = { ...s };
        if (r.inschrijvingsvolgnummer !== undefined) {
          s.inschrijvingsvolgnummer = r.inschrijvingsvolgnummer;
        }
        if (r.resultaatvolgnummerDiploma !== undefined) {
          // attached to a diploma: it follows the diploma's inschrijving and date
          s.resultaatvolgnummerDiploma = r.resultaatvolgnummerDiploma;
          s.inschrijvingsvolgnummer = null;
          s.datumResultaat = null;
          s.certificaat = null;
        }
        if (r.opleidingcode !== undefined) {
          s.opleidingcode = r.opleidingcode;
        }
        if (r.datumResultaat !== undefined) {
          s.datumResultaat = r.datumResultaat;
        }
        if (r.indicatieBekostigbaar !== undefined) {
          s.indicatieBekostigbaar = r.indicatieBekostigbaar === 'J';
        }
        if (r.code !== undefined) {
          s.code = r.code;
        }
        if (r.uitslag !== undefined) {
          s.uitslag = r.uitslag;
        }
        if (r.certificaat !== undefined) {
          s.certificaat = r.certificaat === 'J';
        }
        for (const f of GEO_VELDEN) {
          if (r[f] !== undefined) {
            s[f] = r[f] ?? null;
          }
        }
        // an unchanged wijzigen writes no new version
        const inhoud = (x: ResultaatState) =>
          JSON.stringify({ ...x, mutatie: null, bekostigingsrelevant: null });
        if (s.mutatie !== 'toevoegen' && inhoud(s) !== inhoud(vorige)) {
          s.mutatie = 'wijzigen';
        }
        if (
          s.soort === 'DIP' &&
          BEKOSTIGINGSVELDEN.some((f) => vorige[f as keyof ResultaatState] !== s[f as keyof ResultaatState])
        ) {
          s.bekostigingsrelevant = true;
        }
        return;
      }
      case 'verwijderen': {
        const s = active(nr);
        if (!s) {
          bevindingen.push(resultaatOnbekend(nr, veld));
          return;
        }
        const deelresultaten =
          s.soort === 'DIP' ? state.filter((x) => !x.verwijderd && x.resultaatvolgnummerDiploma === nr) : [];
        for (const x of [s, ...deelresultaten]) {
          x.verwijderd = true;
          x.mutatie = 'verwijderen';
          x.bekostigingsrelevant = x.soort === 'DIP';
        }
        bevindingen.push(
          bevinding(
            'resultaatVerwijderd',
            { ...where, veld },
            `Resultaat ${nr} (${SOORT_NAAM[s.soort]}${s.opleidingcode ? ` ${s.opleidingcode}` : s.code ? ` ${s.code}` : ''}) is verwijderd` +
              `${deelresultaten.length > 0 ? `, met ${deelresultaten.length} deelresultaat/deelresultaten` : ''}. ` +
              'De geschiedenis blijft bewaard. Let op: afnemers (diplomaregister, MijnOverheid, ketenpartners) kunnen het resultaat ' +
              'al hebben ontvangen; een verwijdering is daar niet terug te draaien. DUO rapporteert verwijderingen aan de instelling.',
          ),
        );
        return;
      }
      default: {
        const never: never = r.mutatie;
        throw new Error(`unknown mutatie ${String(never)}`);
      }
    }
  }

  /** Fields must belong to the soort (and to an attached or a loose sub-result). */
  function checkVelden(r: ResultaatRecord, veld: string): boolean {
    if (r.mutatie === 'verwijderen') {
      return true;
    }
    const bestaand = active(r.resultaatvolgnummer);
    const bijDiploma =
      r.resultaatvolgnummerDiploma !== undefined ||
      (r.mutatie === 'wijzigen' && bestaand !== undefined && bestaand.resultaatvolgnummerDiploma !== null);
    const v = VELDEN[r.soort];
    const toegestaan = new Set<string>([
      ...v.altijd,
      ...(r.soort === 'DIP' ? [] : bijDiploma ? v.bijDiploma : v.los),
    ]);
    let ok = true;
    for (const [k, value] of Object.entries(r)) {
      if (k === 'mutatie' || k === 'resultaatvolgnummer' || k === 'soort' || value === undefined) {
        continue;
      }
      if (!toegestaan.has(k)) {
        ok = false;
        bevindingen.push(
          bevinding(
            'veldHoortNietBijSoort',
            { record: 'resultaat', sleutel: r.resultaatvolgnummer, veld: `${veld}/${k}` },
            `Veld ${k} hoort niet bij een ${r.soort === 'DIP' ? '' : bijDiploma ? 'deelresultaat van een diploma: ' : 'los '}` +
              `${SOORT_NAAM[r.soort]} (${r.soort}).` +
              (r.soort !== 'DIP' && bijDiploma && (k === 'datumResultaat' || k === 'inschrijvingsvolgnummer')
                ? ' Een deelresultaat van een diploma volgt de datum en inschrijving van het diploma.'
                : ''),
          ),
        );
      }
    }
    if (r.soort === 'AMO' && !bijDiploma && r.certificaat === 'N') {
      ok = false;
      bevindingen.push(
        bevinding(
          'ongeldigeWaarde',
          { record: 'resultaat', sleutel: r.resultaatvolgnummer, veld: `${veld}/certificaat` },
          'Een los AMvB-onderdeel is altijd een certificaat (certificaat J).',
        ),
      );
    }
    return ok;
  }

  function checkResultaat(r: ResultaatState): void {
    const where = { record: 'resultaat', sleutel: r.resultaatvolgnummer };
    if (r.resultaatvolgnummerDiploma !== null) {
      const diploma = active(r.resultaatvolgnummerDiploma);
      if (diploma?.soort !== 'DIP') {
        bevindingen.push(
          bevinding(
            'diplomaOnbekend',
            { ...where, veld: veldPointer(r, 'resultaatvolgnummerDiploma') },
            `Er is geen diploma bekend onder resultaatvolgnummer ${r.resultaatvolgnummerDiploma} voor deze deelnemer ` +
              'bij deze instelling. Lever het diploma in dezelfde melding, of lever het deelresultaat los.',
          ),
        );
      }
      return;
    }
    const nr = r.inschrijvingsvolgnummer;
    const inschrijving = nr === null ? undefined : inschrijvingen.get(nr);
    if (!inschrijving) {
      // rule 25 (BRON 805): examen/diploma for an unknown inschrijving
      bevindingen.push(
        bevinding(
          'volgnummerOnbekend',
          { ...where, veld: veldPointer(r, 'inschrijvingsvolgnummer') },
          `Er is geen inschrijving bekend onder inschrijvingsvolgnummer ${nr ?? '(leeg)'} voor deze deelnemer bij deze ` +
            `instelling; resultaat ${r.resultaatvolgnummer} hoort bij een inschrijving.`,
        ),
      );
      return;
    }
    const datum = r.datumResultaat;
    if (datum !== null) {
      if (datum > vandaag) {
        bevindingen.push(
          bevinding(
            'datumBehaaldToekomst',
            { ...where, veld: veldPointer(r, 'datumResultaat') },
            `Datum behaald ${toDutch(datum)} ligt in de toekomst (vandaag is ${toDutch(vandaag)}). ` +
              'Lever een resultaat pas aan als de examencommissie het heeft vastgesteld.',
          ),
        );
      } else if (datum < inschrijving.datumInschrijving || datum > einde(inschrijving)) {
        bevindingen.push(
          bevinding(
            'datumBehaaldBuitenInschrijving',
            { ...where, veld: veldPointer(r, 'datumResultaat') },
            `Datum behaald ${toDutch(datum)} ligt buiten inschrijving ${inschrijving.inschrijvingsvolgnummer} ` +
              `(${toDutch(inschrijving.datumInschrijving)} t/m ${toDutch(einde(inschrijving))}); ` +
              'een resultaat wordt behaald tijdens of aan het eind van de inschrijving.',
          ),
        );
      }
    }
    if (r.soort === 'DIP') {
      checkDiploma(r, inschrijving);
    }
  }

  function checkDiploma(r: ResultaatState, inschrijving: InschrijvingState): void {
    const where = { record: 'resultaat', sleutel: r.resultaatvolgnummer };
    const crebo = r.opleidingcode ?? '';
    const datum = r.datumResultaat ?? vandaag;
    const k = input.referentie.kwalificaties.get(crebo);
    const veld = veldPointer(r, 'opleidingcode');
    if (!k) {
      bevindingen.push(
        bevinding(
          'kwalificatieOnbekend',
          { ...where, veld },
          `Behaalde kwalificatie ${crebo} komt niet voor in het Centraal register beroepsopleidingen (CREBO).`,
        ),
      );
      return;
    }
    if (k.soort === 'kwalificatiedossier' || k.soort === 'opleidingsdomein') {
      bevindingen.push(
        bevinding(
          'diplomaGeenKwalificatie',
          { ...where, veld },
          `${crebo} (${k.naam}) is een ${k.soort}; een diploma wordt behaald op een kwalificatie. Lever de crebo van de behaalde kwalificatie.`,
        ),
      );
      return;
    }
    if ((k.geldigVanaf !== null && datum < k.geldigVanaf) || (k.geldigTot !== null && datum > k.geldigTot)) {
      bevindingen.push(
        bevinding(
          'kwalificatieNietGeldig',
          { ...where, veld },
          `Kwalificatie ${crebo} (${k.naam}) is niet geldig op de datum behaald ${toDutch(datum)}` +
            `${k.geldigVanaf ? ` (geldig vanaf ${toDutch(k.geldigVanaf)}` : ' ('}${k.geldigTot ? ` tot en met ${toDutch(k.geldigTot)})` : ')'}.`,
        ),
      );
    }
    // rule 27: the crebo itself, or a kwalificatie of the enrolled dossier or domain
    const dossier = k.kwalificatiedossier;
    const domein = k.opleidingsdomein;
    const periodes = inschrijving.periodes.filter((p) => !p.verwijderd);
    const periode =
      periodes.find((p) => p.opleidingcode === crebo) ??
      periodes.find((p) => p.opleidingcode === dossier) ??
      periodes.find((p) => p.opleidingcode === domein);
    if (!periode) {
      bevindingen.push(
        bevinding(
          'diplomaNietIngeschreven',
          { ...where, veld },
          `Kwalificatie ${crebo} (${k.naam}) hoort niet bij de opleiding van inschrijving ${inschrijving.inschrijvingsvolgnummer} ` +
            `(${[...new Set(periodes.map((p) => p.opleidingcode))].join(', ') || 'geen periodes'}): niet dezelfde crebo, ` +
            'en geen kwalificatie van het kwalificatiedossier of opleidingsdomein waarop de deelnemer is ingeschreven.',
        ),
      );
    } else if (periode.niveau !== null && k.niveau !== null && Number(periode.niveau.slice(4)) !== k.niveau) {
      bevindingen.push(
        bevinding(
          'diplomaNiveauAfwijkend',
          { ...where, veld },
          `Kwalificatie ${crebo} heeft niveau MBO-${k.niveau}, de inschrijving ${inschrijving.inschrijvingsvolgnummer} ` +
            `niveau ${periode.niveau}.`,
        ),
      );
    }
    const dubbel = state.find(
      (d) => d !== r && d.soort === 'DIP' && !d.verwijderd && d.opleidingcode === crebo,
    );
    if (dubbel) {
      bevindingen.push(
        bevinding(
          'diplomaBestaat',
          { ...where, veld },
          `Het diploma voor kwalificatie ${crebo} is al geleverd onder resultaatvolgnummer ${dubbel.resultaatvolgnummer}` +
            `${dubbel.datumResultaat ? ` (behaald ${toDutch(dubbel.datumResultaat)})` : ''}. Een kwalificatie wordt één keer behaald; ` +
            'gebruik mutatie wijzigen om het bestaande diploma te herstellen.',
        ),
      );
    }
    if (r.indicatieBekostigbaar === true) {
      if (!input.instelling.bekostigd) {
        bevindingen.push(
          bevinding(
            'nietBekostigdeInstelling',
            { ...where, veld: veldPointer(r, 'indicatieBekostigbaar') },
            `Instelling ${input.instelling.brin} is niet bekostigd; lever diploma's van niet-bekostigd onderwijs met indicatieBekostigbaar N.`,
          ),
        );
      } else if (k.niveau === 1 || k.soortOpleiding === 'entreeopleiding') {
        bevindingen.push(
          bevinding(
            'entreeBekostigd',
            { ...where, veld: veldPointer(r, 'indicatieBekostigbaar') },
            `Kwalificatie ${crebo} is een entreeopleiding: een entreediploma telt nooit voor de diplomabekostiging ` +
              '(WEB art. 2.2.2); het diploma is opgeslagen, de claim wordt niet bekostigd.',
          ),
        );
      }
    }
    // rule 24: a diploma that ends the enrolment (reden 08, geen uitval) has werkelijke datum uitschrijving = datum behaald
    const werkelijk = inschrijving.datumUitschrijvingWerkelijk;
    if (
      werkelijk !== null &&
      inschrijving.redenUitschrijving === '08' &&
      r.datumResultaat !== null &&
      werkelijk !== r.datumResultaat &&
      r.datumResultaat <= werkelijk
    ) {
      bevindingen.push(
        bevinding(
          'uitschrijfdatumNietDatumBehaald',
          { ...where, veld: veldPointer(r, 'datumResultaat') },
          `Inschrijving ${inschrijving.inschrijvingsvolgnummer} is beëindigd met het diploma (reden 08) op ${toDutch(werkelijk)}, ` +
            `maar het diploma is behaald op ${toDutch(r.datumResultaat)}. Bij een diploma is de werkelijke datum uitschrijving ` +
            'gelijk aan de datum behaald.',
        ),
      );
    }
  }
}

function resultaatOnbekend(nr: string, veld: string): Bevinding {
  return bevinding(
    'resultaatOnbekend',
    { record: 'resultaat', sleutel: nr, veld: `${veld}/resultaatvolgnummer` },
    `Er is geen resultaat bekend onder resultaatvolgnummer ${nr} voor deze deelnemer bij deze instelling.`,
  );
}

function soortGewijzigd(nr: string, oud: ResultaatSoort, nieuw: ResultaatSoort, veld: string): Bevinding {
  return bevinding(
    'soortGewijzigd',
    { record: 'resultaat', sleutel: nr, veld: `${veld}/soort` },
    `Resultaat ${nr} is een ${SOORT_NAAM[oud]} (${oud}) en kan geen ${SOORT_NAAM[nieuw]} (${nieuw}) worden. ` +
      'Verwijder het en lever het nieuwe resultaat onder een ander resultaatvolgnummer.',
  );
}
