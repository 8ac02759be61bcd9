/**
 * The BRP simulator's persons: loaded from the official GBA-V proefomgeving test set (simplified CSV in
 * ../shared/data), shaped as Haal Centraal BRP Personen Bevragen v2 persons. Dates keep unknown parts: a
 * BRP date `19950200` stays a JaarMaandDatum, never a 1st of the month.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

export const BRP_TESTSET = path.resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'shared',
  'data',
  'brp_testpersonen_gbav_proefomgeving_2022.csv',
);

/** A person in the simulator's own (flat) form; the CSV's columns, BRP dates as `YYYYMMDD` with `00` parts. */
export type BrpRij = {
  burgerservicenummer: string;
  aNummer: string;
  voornamen: string;
  adellijkeTitelPredicaat: string;
  voorvoegsel: string;
  geslachtsnaam: string;
  geboortedatum: string;
  geboorteplaats: string;
  geboorteland: string;
  geslacht: string;
  nationaliteit: string;
  datumOverlijden: string;
  datumOpschorting: string;
  redenOpschorting: string;
  indicatieGeheim: string;
  gemeenteVanInschrijving: string;
  straatnaam: string;
  huisnummer: string;
  huisletter: string;
  huisnummertoevoeging: string;
  postcode: string;
  woonplaats: string;
  landVertrek: string;
  datumVertrek: string;
  landVanwaarIngeschreven: string;
  datumVestiging: string;
  verblijfstitel: string;
  datumEindeVerblijfstitel: string;
  datumIngangVerblijfstitel: string;
};

/** Reads the test set; persons without a BSN are skipped, a BSN's first row wins. */
export function loadBrpTestset(file = BRP_TESTSET): BrpRij[] {
  const rows = parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  const seen = new Set<string>();
  const out: BrpRij[] = [];
  for (const r of rows) {
    const bsn = r.burgerservicenummer ?? '';
    if (!/^[0-9]{9}$/.test(bsn) || seen.has(bsn)) {
      continue;
    }
    seen.add(bsn);
    const v = (k: string) => (r[k] ?? '').trim();
    out.push({
      burgerservicenummer: bsn,
      aNummer: v('a_nummer'),
      voornamen: v('voornamen'),
      adellijkeTitelPredicaat: v('adellijke_titel_predicaat'),
      voorvoegsel: v('voorvoegsel'),
      geslachtsnaam: v('geslachtsnaam'),
      geboortedatum: v('geboortedatum'),
      geboorteplaats: v('geboorteplaats'),
      geboorteland: v('geboorteland_code'),
      geslacht: v('geslacht'),
      nationaliteit: v('nationaliteit_code'),
      datumOverlijden: v('datum_overlijden'),
      datumOpschorting: v('datum_opschorting_bijhouding'),
      redenOpschorting: v('reden_opschorting_bijhouding'),
      indicatieGeheim: v('indicatie_geheim'),
      gemeenteVanInschrijving: v('gemeente_van_inschrijving'),
      straatnaam: v('straatnaam'),
      huisnummer: v('huisnummer'),
      huisletter: v('huisletter'),
      huisnummertoevoeging: v('huisnummertoevoeging'),
      postcode: v('postcode'),
      woonplaats: v('woonplaats'),
      landVertrek: v('land_vertrek_code'),
      datumVertrek: v('datum_vertrek_uit_nederland'),
      landVanwaarIngeschreven: v('land_vanwaar_ingeschreven_code'),
      datumVestiging: v('datum_vestiging_in_nederland'),
      verblijfstitel: v('verblijfstitel_code'),
      datumEindeVerblijfstitel: v('datum_einde_verblijfstitel'),
      datumIngangVerblijfstitel: v('datum_ingang_verblijfstitel'),
    });
  }
  return out;
}

/** Haal Centraal's date forms: a full date, a year, a year and month, or unknown. */
export type HcDatum =
  | { type: 'Datum'; datum: string }
  | { type: 'JaarMaandDatum'; jaar: number; maand: number }
  | { type: 'JaarDatum'; jaar: number }
  | { type: 'DatumOnbekend'; onbekend: true };

/** A BRP date `YYYYMMDD` (parts may be `00`) as Haal Centraal date; undefined when empty. */
export function hcDatum(brp: string): HcDatum | undefined {
  if (!/^[0-9]{8}$/.test(brp)) {
    return undefined;
  }
  const jaar = Number(brp.slice(0, 4));
  const maand = Number(brp.slice(4, 6));
  const dag = Number(brp.slice(6, 8));
  if (jaar === 0) {
    return { type: 'DatumOnbekend', onbekend: true };
  }
  if (maand === 0) {
    return { type: 'JaarDatum', jaar };
  }
  if (dag === 0) {
    return { type: 'JaarMaandDatum', jaar, maand };
  }
  return { type: 'Datum', datum: `${brp.slice(0, 4)}-${brp.slice(4, 6)}-${brp.slice(6, 8)}` };
}

const GESLACHT: Record<string, string> = { M: 'man', V: 'vrouw', O: 'onbekend' };
const TITELS: Record<string, [string, string]> = {
  B: ['baron', 'titel'],
  BS: ['barones', 'titel'],
  G: ['graaf', 'titel'],
  GI: ['gravin', 'titel'],
  H: ['hertog', 'titel'],
  HI: ['hertogin', 'titel'],
  M: ['markies', 'titel'],
  MI: ['markiezin', 'titel'],
  P: ['prins', 'titel'],
  PS: ['prinses', 'titel'],
  R: ['ridder', 'titel'],
  JH: ['jonkheer', 'predicaat'],
  JV: ['jonkvrouw', 'predicaat'],
};
const OPSCHORTING: Record<string, string> = {
  O: 'overlijden',
  E: 'emigratie',
  M: 'ministerieel besluit',
  R: 'pl is aangelegd in de rni',
  F: 'fout',
  W: 'wissen',
};

const code = (c: string) => (c === '' ? undefined : { code: c });

/** A person as the v2 API returns it (every field; `fields` filters it afterwards). */
export function toHcPersoon(p: BrpRij): Record<string, unknown> {
  const titel = TITELS[p.adellijkeTitelPredicaat];
  const naam: Record<string, unknown> = {
    voornamen: p.voornamen || undefined,
    voorvoegsel: p.voorvoegsel || undefined,
    geslachtsnaam: p.geslachtsnaam || undefined,
    adellijkeTitelPredicaat: titel
      ? { code: p.adellijkeTitelPredicaat, omschrijving: titel[0], soort: titel[1] }
      : undefined,
    voorletters: p.voornamen
      ? p.voornamen
          .split(/\s+/)
          .filter(Boolean)
          .map((v) => `${v[0]}.`)
          .join('')
      : undefined,
  };
  let verblijfplaats: Record<string, unknown> | undefined;
  if (p.landVertrek !== '' && (p.redenOpschorting === 'E' || p.postcode === '')) {
    verblijfplaats = {
      type: 'VerblijfplaatsBuitenland',
      datumVan: hcDatum(p.datumVertrek),
      verblijfadres: { land: { code: p.landVertrek } },
    };
  } else if (p.postcode !== '' || p.straatnaam !== '') {
    verblijfplaats = {
      type: 'Adres',
      verblijfadres: {
        officieleStraatnaam: p.straatnaam || undefined,
        korteStraatnaam: p.straatnaam || undefined,
        huisnummer: p.huisnummer === '' ? undefined : Number(p.huisnummer),
        huisletter: p.huisletter || undefined,
        huisnummertoevoeging: p.huisnummertoevoeging || undefined,
        postcode: p.postcode || undefined,
        woonplaats: p.woonplaats || undefined,
      },
    };
  }
  return prune({
    burgerservicenummer: p.burgerservicenummer,
    aNummer: p.aNummer || undefined,
    geslacht: p.geslacht ? { code: p.geslacht, omschrijving: GESLACHT[p.geslacht] } : undefined,
    naam,
    geboorte: {
      datum: hcDatum(p.geboortedatum),
      plaats: /^[0-9]{4}$/.test(p.geboorteplaats)
        ? { code: p.geboorteplaats }
        : p.geboorteplaats
          ? { omschrijving: p.geboorteplaats }
          : undefined,
      land: code(p.geboorteland),
    },
    overlijden: p.datumOverlijden ? { datum: hcDatum(p.datumOverlijden) } : undefined,
    nationaliteiten: p.nationaliteit
      ? [{ type: 'Nationaliteit', nationaliteit: { code: p.nationaliteit } }]
      : [],
    verblijfplaats,
    immigratie:
      p.landVanwaarIngeschreven || p.datumVestiging
        ? {
            landVanwaarIngeschreven: code(p.landVanwaarIngeschreven),
            datumVestigingInNederland: hcDatum(p.datumVestiging),
          }
        : undefined,
    verblijfstitel: p.verblijfstitel
      ? {
          aanduiding: { code: p.verblijfstitel },
          datumIngang: hcDatum(p.datumIngangVerblijfstitel),
          datumEinde: hcDatum(p.datumEindeVerblijfstitel),
        }
      : undefined,
    opschortingBijhouding: p.redenOpschorting
      ? {
          reden: {
            code: p.redenOpschorting,
            omschrijving: OPSCHORTING[p.redenOpschorting] ?? p.redenOpschorting,
          },
          datum: hcDatum(p.datumOpschorting),
        }
      : undefined,
    geheimhoudingPersoonsgegevens: p.indicatieGeheim !== '' && p.indicatieGeheim !== '0' ? true : undefined,
    gemeenteVanInschrijving: code(p.gemeenteVanInschrijving),
  }) as Record<string, unknown>;
}

/** Drops undefined values and empty objects (the API leaves out what has no value). */
function prune(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(prune);
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const pv = prune(v);
      if (pv === undefined) {
        continue;
      }
      if (pv !== null && typeof pv === 'object' && !Array.isArray(pv) && Object.keys(pv).length === 0) {
        continue;
      }
      out[k] = pv;
    }
    return out;
  }
  return value;
}

/** Top-level field names the simulator knows for the `fields` parameter. */
export const VELDEN = new Set([
  'burgerservicenummer',
  'aNummer',
  'geslacht',
  'naam',
  'geboorte',
  'overlijden',
  'nationaliteiten',
  'verblijfplaats',
  'immigratie',
  'verblijfstitel',
  'opschortingBijhouding',
  'geheimhoudingPersoonsgegevens',
  'gemeenteVanInschrijving',
]);

/** Keeps only the requested field paths (`naam`, `naam.voornamen`, `geboorte.datum`, …). */
export function selectFields(
  persoon: Record<string, unknown>,
  fields: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const parts = f.split('.');
    let src: unknown = persoon;
    let dst: Record<string, unknown> = out;
    for (let i = 0; i < parts.length; i++) {
      const key = parts[i] ?? '';
      if (src === null || typeof src !== 'object' || Array.isArray(src)) {
        break;
      }
      const next = (src as Record<string, unknown>)[key];
      if (next === undefined) {
        break;
      }
      if (i === parts.length - 1) {
        dst[key] = next;
      } else {
        const existing = dst[key];
        const child =
          existing !== null && typeof existing === 'object' && !Array.isArray(existing)
            ? (existing as Record<string, unknown>)
            : {};
        dst[key] = child;
        dst = child;
        src = next;
      }
    }
  }
  return out;
}

/**
 * For tests and the benchmark: the synthetic BSNs of test/factories.ts (starting with 0, 1 or 2) as persons whose
 * birth date, sex and address are unknown to the BRP (nothing to mismatch). Other BSNs are not in this BRP.
 */
export function syntheticBrpPersoon(bsn: string): BrpRij | undefined {
  if (!/^[012]/.test(bsn)) {
    return undefined;
  }
  const leeg = '';
  return {
    burgerservicenummer: bsn,
    aNummer: leeg,
    voornamen: 'Test',
    adellijkeTitelPredicaat: leeg,
    voorvoegsel: leeg,
    geslachtsnaam: 'Synthetisch',
    geboortedatum: '00000000',
    geboorteplaats: leeg,
    geboorteland: leeg,
    geslacht: 'O',
    nationaliteit: leeg,
    datumOverlijden: leeg,
    datumOpschorting: leeg,
    redenOpschorting: leeg,
    indicatieGeheim: leeg,
    gemeenteVanInschrijving: leeg,
    straatnaam: leeg,
    huisnummer: leeg,
    huisletter: leeg,
    huisnummertoevoeging: leeg,
    postcode: leeg,
    woonplaats: leeg,
    landVertrek: leeg,
    datumVertrek: leeg,
    landVanwaarIngeschreven: leeg,
    datumVestiging: leeg,
    verblijfstitel: leeg,
    datumEindeVerblijfstitel: leeg,
    datumIngangVerblijfstitel: leeg,
  };
}
