import { createHash } from 'node:crypto';
import type { Insertable } from 'kysely';
import type {
  AanleverpuntTable,
  InstellingTable,
  KwalificatieSoort,
  KwalificatieTable,
  OnderwijslocatieTable,
  OpleidingsaanbodTable,
} from '../platform/db-schema.ts';

/**
 * Reference data (instellingen, kwalificaties, onderwijslocaties, opleidingsaanbod): domain types
 * and the pure rules the importer uses. No I/O here.
 */

export type InstellingRecord = Required<Omit<Insertable<InstellingTable>, 'geimporteerdOp'>>;
export type AanleverpuntRecord = Insertable<AanleverpuntTable>;
export type OnderwijslocatieRecord = Required<Insertable<OnderwijslocatieTable>>;
export type KwalificatieRecord = Required<Insertable<KwalificatieTable>>;
export type OpleidingsaanbodRecord = Required<Insertable<OpleidingsaanbodTable>>;
export type Kwalificatiestructuur = KwalificatieTable['structuur'];

/** A source row the importer left out, with where it was and why (the reason is in Dutch, for people). */
export type SkippedRow = { file: string; line: number; reason: string };

/** How an institution name from the 2015 offering file was tied to a current BRIN. */
export type InstellingsnaamMatchRule = 'exact' | 'bevat' | 'kenmerkend-woord';

export type InstellingsnaamMatch =
  | { kind: 'matched'; brin: string; rule: InstellingsnaamMatchRule }
  | { kind: 'ambiguous'; brins: string[] }
  | { kind: 'unmatched' };

export type ReferentieReport = {
  folder: string;
  skippedRows: SkippedRow[];
  /** Each distinct institution name in the offering file that was matched, with its rule and row count. */
  matchedInstellingsnamen: { naam: string; brin: string; rule: InstellingsnaamMatchRule; rows: number }[];
  /** Names left out (no current BRIN found, or more than one equally good). */
  unmatchedInstellingsnamen: { naam: string; rows: number; ambiguousBrins: string[] }[];
  aanbodRows: { total: number; matched: number; unmatchedInstelling: number };
};

/** Everything `readReferentie` parsed, ready for `importReferentie`. */
export type ReferentieData = {
  instellingen: InstellingRecord[];
  aanleverpunten: AanleverpuntRecord[];
  onderwijslocaties: OnderwijslocatieRecord[];
  kwalificaties: KwalificatieRecord[];
  aanbod: OpleidingsaanbodRecord[];
  report: ReferentieReport;
};

// ---------------------------------------------------------------------------------------------------------
// The in-memory snapshot the controles use (built by referentie.service.ts loadReferentie).

export type InstellingReferentie = Readonly<{
  brin: string;
  naam: string;
  bekostigd: boolean;
  aanleverpunten: ReadonlySet<string>;
}>;

export type KwalificatieReferentie = Readonly<{
  crebo: string;
  naam: string;
  soort: KwalificatieSoort;
  structuur: Kwalificatiestructuur;
  /** 1..4 (entree=1, basisberoeps=2, vak=3, middenkader/specialist=4, WEB 7.2.2); null for dossiers, domains, code-only rows. */
  niveau: number | null;
  soortOpleiding: string | null;
  /** Allowed leerwegen (`BOL`, `BBL`); empty when unknown (code-only rows). */
  leerwegen: readonly string[];
  kwalificatiedossier: string | null;
  opleidingsdomein: string | null;
  geldigVanaf: string | null;
  geldigTot: string | null;
  /** Last date (inclusive) on which a new first-year enrolment may start on this code; null = no limit known. */
  instroomTot: string | null;
  prijsfactor: number | null;
  /**
   * The ministry that sets professional requirements (beroepsvereisten) for this code, as the qualification
   * regulation lists it: `VWS`, `SZW`, `EZ`, `I&M`, `V&J`, `Financiën`; null when none or unknown. A dossier
   * carries a value only when all its kwalificaties in the file agree; code-only rows never do.
   */
  beroepsvereisten: string | null;
}>;

export type OnderwijslocatieReferentie = Readonly<{ code: string; brin: string; naam: string }>;

export type OpleidingsaanbodReferentie = Readonly<{
  brin: string;
  crebo: string;
  leerweg: string;
  niveau: number | null;
  onderwijslocatie: string;
}>;

/** Read-only snapshot of the reference data, loaded once and passed to the controles. */
export type Referentie = Readonly<{
  instellingen: ReadonlyMap<string, InstellingReferentie>;
  kwalificaties: ReadonlyMap<string, KwalificatieReferentie>;
  onderwijslocaties: ReadonlyMap<string, OnderwijslocatieReferentie>;
  aanbod: readonly OpleidingsaanbodReferentie[];
}>;

// ---------------------------------------------------------------------------------------------------------
// Formats

export const BRIN_PATTERN = /^[0-9]{2}[A-Z0-9]{2}$/;
export const CREBO_PATTERN = /^[0-9]{5}$/;
export const ONDERWIJSLOCATIE_PATTERN = /^[0-9]{3}X[0-9]{3}$/;
export const LEERWEGEN = ['BOL', 'BBL'] as const;

/** Source precedence when one crebo occurs in several files: the richer source wins. */
export const STRUCTUUR_RANK: Readonly<Record<Kwalificatiestructuur, number>> = {
  hks2015: 4,
  kd2012: 3,
  domein: 2,
  ceda: 1,
};

// ---------------------------------------------------------------------------------------------------------
// Institution-name matching

/**
 * Words that carry no identity in MBO institution names (legal form, institution type, filler).
 * 'mbo' is deliberately NOT here: "MBO Utrecht" (30RN) must not collapse onto "ROC Utrecht" (25LH).
 */
const NAAM_STOPWORDS = new Set([
  'roc',
  'aoc',
  'regionaal',
  'regionale',
  'opleidingen',
  'opleidingencentrum',
  'opleidingscentrum',
  'centrum',
  'stichting',
  'stg',
  'college',
  'onderwijsgroep',
  'van',
  'de',
  'het',
  'en',
  'voor',
  'eo',
  'v',
  'vd',
]);

/** Abbreviations seen in the 2015 offering file (names there are truncated to ~25 characters). */
const NAAM_ABBREVIATIONS: ReadonlyMap<string, string> = new Map([
  ['rdam', 'rotterdam'],
  ['sch', 'school'],
  ['instr', 'instrument'],
  ['opl', 'opleidingen'],
  ['coll', 'college'],
]);

/**
 * Normalises an institution name to its identifying words:
 * diacritics removed, lowercase, apostrophes dropped ("R'dam" → "rdam"), other punctuation → space,
 * runs of single letters joined ("C I B A P" → "cibap", "e o" → "eo"), known abbreviations expanded,
 * stop words dropped.
 */
export function normaliseInstellingsnaam(naam: string): string[] {
  const words = naam
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => w !== '');
  const joined: string[] = [];
  let letters = '';
  for (const word of words) {
    if (word.length === 1) {
      letters += word;
      continue;
    }
    if (letters !== '') {
      joined.push(letters);
      letters = '';
    }
    joined.push(word);
  }
  if (letters !== '') {
    joined.push(letters);
  }
  return joined.map((w) => NAAM_ABBREVIATIONS.get(w) ?? w).filter((w) => !NAAM_STOPWORDS.has(w));
}

export type InstellingsnaamCandidate = { brin: string; naam: string };

export type InstellingsnaamMatcher = (naam: string) => InstellingsnaamMatch;

/**
 * Builds the deterministic matcher that ties an institution name (2015 offering file, no BRIN) to a
 * current BRIN. Candidates are every name known for a current institution: the 2026 instellingsnaam,
 * roepnaam_ceda and the historic names of `mbo_instellingen_brin.csv` whose BRIN is still current.
 * On the normalised words (see normaliseInstellingsnaam), in this order:
 *   1. exact: the word lists are equal;
 *   2. bevat: one word set contains the other; the BRIN with the highest overlap
 *      (Jaccard |A∩B| / |A∪B|) wins, a tie is ambiguous;
 *   3. kenmerkend-woord: every word of the name that occurs in the names of exactly one current
 *      institution (words of 3+ letters, place names excluded) points to that same institution.
 * When a step finds more than one BRIN the name is ambiguous and left out; nothing is guessed.
 */
export function createInstellingsnaamMatcher(
  candidates: readonly InstellingsnaamCandidate[],
  plaatsnamen: Iterable<string> = [],
): InstellingsnaamMatcher {
  const places = new Set<string>();
  for (const plaats of plaatsnamen) {
    for (const word of normaliseInstellingsnaam(plaats)) {
      places.add(word);
    }
  }
  const normalised = candidates
    .map((c) => ({ brin: c.brin, words: new Set(normaliseInstellingsnaam(c.naam)) }))
    .filter((c) => c.words.size > 0);
  const byKey = new Map<string, Set<string>>();
  const brinsByWord = new Map<string, Set<string>>();
  for (const c of normalised) {
    addTo(byKey, wordKey(c.words), c.brin);
    for (const word of c.words) {
      addTo(brinsByWord, word, c.brin);
    }
  }

  return (naam) => {
    const words = normaliseInstellingsnaam(naam);
    if (words.length === 0) {
      return { kind: 'unmatched' };
    }
    const query = new Set(words);
    const exact = byKey.get(wordKey(query));
    if (exact) {
      return decide([...exact], 'exact');
    }

    const best = new Map<string, number>();
    for (const c of normalised) {
      const common = countCommon(query, c.words);
      if (common === query.size || common === c.words.size) {
        const score = common / (query.size + c.words.size - common);
        best.set(c.brin, Math.max(best.get(c.brin) ?? 0, score));
      }
    }
    if (best.size > 0) {
      const top = Math.max(...best.values());
      return decide(
        [...best].filter(([, s]) => s === top).map(([b]) => b),
        'bevat',
      );
    }

    const pointed = new Set<string>();
    for (const word of query) {
      const brins = brinsByWord.get(word);
      if (word.length >= 3 && !places.has(word) && brins?.size === 1) {
        for (const b of brins) {
          pointed.add(b);
        }
      }
    }
    return pointed.size === 0 ? { kind: 'unmatched' } : decide([...pointed], 'kenmerkend-woord');
  };
}

function wordKey(words: ReadonlySet<string>): string {
  return [...words].sort().join(' ');
}

function decide(brins: string[], rule: InstellingsnaamMatchRule): InstellingsnaamMatch {
  const [only, ...rest] = brins;
  if (only !== undefined && rest.length === 0) {
    return { kind: 'matched', brin: only, rule };
  }
  return { kind: 'ambiguous', brins: brins.sort() };
}

function countCommon(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let n = 0;
  for (const w of a) {
    if (b.has(w)) {
      n++;
    }
  }
  return n;
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) {
    set.add(value);
  } else {
    map.set(key, new Set([value]));
  }
}

// ---------------------------------------------------------------------------------------------------------
// Synthetic onderwijslocatie codes

/** The identity of a location: its institution and normalised address. */
export function onderwijslocatieKey(brin: string, postcode: string, adres: string): string {
  return [brin, postcode.replace(/\s+/g, '').toUpperCase(), adres.replace(/\s+/g, ' ').trim()].join('|');
}

/**
 * Assigns each location key a stable RIO-style code `nnnXnnn` (DUO §10a.4 format).
 * Real RIO onderwijslocatie codes are not in the public data, so the code is derived: the first 48
 * bits of SHA-256(key), modulo 10^6, as six digits around an `X`. Keys are handled in sorted order
 * and a code already taken is re-derived from `key#1`, `key#2`, …, so the same set of keys always
 * gives the same codes, and a key keeps its code unless it collides with a new one (1 in 10^6 per pair).
 */
export function assignOnderwijslocatieCodes(keys: Iterable<string>): Map<string, string> {
  const codes = new Map<string, string>();
  const taken = new Set<string>();
  for (const key of [...new Set(keys)].sort()) {
    for (let attempt = 0; ; attempt++) {
      const code = deriveOnderwijslocatieCode(attempt === 0 ? key : `${key}#${attempt}`);
      if (!taken.has(code)) {
        taken.add(code);
        codes.set(key, code);
        break;
      }
    }
  }
  return codes;
}

export function deriveOnderwijslocatieCode(seed: string): string {
  const hash = createHash('sha256').update(seed, 'utf8').digest();
  const digits = String(hash.readUIntBE(0, 6) % 1_000_000).padStart(6, '0');
  return `${digits.slice(0, 3)}X${digits.slice(3)}`;
}
