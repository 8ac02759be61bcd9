/**
 * Synthetic persons: valid BSNs and onderwijsnummers, Dutch-looking names (with voorvoegsels and a
 * share of non-ASCII names), birth dates, postcodes or a foreign land code.
 */
import type { PersoonInput } from '../../src/aanlevering/melding.schema.ts';
import { addDays } from './datum.ts';
import type { Rng } from './prng.ts';

const WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2, -1] as const;

function weightedSum(digits: readonly number[]): number {
  return digits.reduce((sum, d, i) => sum + d * (WEIGHTS[i] ?? 0), 0);
}

function digitsOf(nummer: string): number[] | undefined {
  return /^[0-9]{9}$/.test(nummer) ? [...nummer].map(Number) : undefined;
}

const mod11 = (n: number): number => ((n % 11) + 11) % 11;

/** BSN 11-proof (DOMAIN.md §7 check 2): weights 9..2, −1; sum divisible by 11; not all zeros. */
export function isValidBsn(bsn: string): boolean {
  const digits = digitsOf(bsn);
  return digits !== undefined && bsn !== '000000000' && mod11(weightedSum(digits)) === 0;
}

/** Onderwijsnummer check (DOMAIN.md §7 check 3): starts with 10, weighted sum mod 11 = 5. */
export function isValidOnderwijsnummer(nummer: string): boolean {
  const digits = digitsOf(nummer);
  return digits !== undefined && nummer.startsWith('10') && mod11(weightedSum(digits)) === 5;
}

/** Completes eight digits with the check digit that gives the wanted remainder, if one exists. */
function withCheckDigit(first8: readonly number[], remainder: number): string | undefined {
  // sum8 − d9 ≡ remainder (mod 11)  →  d9 ≡ sum8 − remainder
  const d9 = mod11(weightedSum(first8) - remainder);
  return d9 <= 9 ? [...first8, d9].join('') : undefined;
}

/**
 * A valid BSN. The first digit is 2–8 so the number never looks like an onderwijsnummer (10…)
 * or a BRP test person (9999…).
 */
export function generateBsn(rng: Rng): string {
  for (;;) {
    const first8 = [rng.int(2, 8), ...Array.from({ length: 7 }, () => rng.int(0, 9))];
    const bsn = withCheckDigit(first8, 0);
    if (bsn !== undefined) {
      return bsn;
    }
  }
}

export function generateOnderwijsnummer(rng: Rng): string {
  for (;;) {
    const first8 = [1, 0, ...Array.from({ length: 6 }, () => rng.int(0, 9))];
    const nummer = withCheckDigit(first8, 5);
    if (nummer !== undefined) {
      return nummer;
    }
  }
}

/** The same number with its last digit changed so the check fails (a typing mistake). */
export function breakCheckDigit(nummer: string): string {
  const last = Number(nummer.at(-1));
  // the last digit weighs −1: +1 (or −9 for 9 → 0) moves the remainder by −1 (or +9), never by 0
  return `${nummer.slice(0, 8)}${(last + 1) % 10}`;
}

const VOORNAMEN_V = [
  'Emma',
  'Julia',
  'Sophie',
  'Mila',
  'Tess',
  'Zoë',
  'Sara',
  'Anna',
  'Lotte',
  'Eva',
  'Noor',
  'Fleur',
  'Lieke',
  'Sanne',
  'Fenna',
  'Isa',
  'Yasmina',
  'Fatima',
  'Aylin',
  'Merel',
  'Romy',
  'Jasmijn',
  'Chloë',
  'Daphne',
  'Ilse',
  'Mirjam',
  'Linh',
  'Ingrid',
  'Malika',
  'Renée',
] as const;
const VOORNAMEN_M = [
  'Daan',
  'Sem',
  'Lucas',
  'Levi',
  'Finn',
  'Milan',
  'Bram',
  'Thijs',
  'Jesse',
  'Ruben',
  'Luuk',
  'Mees',
  'Noah',
  'Stijn',
  'Gijs',
  'Mohammed',
  'Ayoub',
  'Emre',
  'Kevin',
  'Dylan',
  'Tim',
  'Jeroen',
  'René',
  'Joël',
  'Hüseyin',
  'Minh',
  'Tobias',
  'Wouter',
  'Rachid',
  'Kees',
] as const;
const TWEEDE_VOORNAMEN = [
  'Maria',
  'Johannes',
  'Pieter',
  'Elisabeth',
  'Cornelis',
  'Anne',
  'Willem',
  'Hendrika',
];

/** [achternaam, voorvoegsel] pairs; roughly a third carry a voorvoegsel, a few are non-ASCII. */
const ACHTERNAMEN: readonly (readonly [string, string | undefined])[] = [
  ['Jong', 'de'],
  ['Jansen', undefined],
  ['Vries', 'de'],
  ['Berg', 'van den'],
  ['Dijk', 'van'],
  ['Bakker', undefined],
  ['Janssen', undefined],
  ['Visser', undefined],
  ['Smit', undefined],
  ['Meijer', undefined],
  ['Boer', 'de'],
  ['Mulder', undefined],
  ['Groot', 'de'],
  ['Bos', undefined],
  ['Vos', undefined],
  ['Peters', undefined],
  ['Hendriks', undefined],
  ['Leeuwen', 'van'],
  ['Dekker', undefined],
  ['Brouwer', undefined],
  ['Wit', 'de'],
  ['Dijkstra', undefined],
  ['Smits', undefined],
  ['Graaf', 'de'],
  ['Meer', 'van der'],
  ['Linden', 'van der'],
  ['Kok', undefined],
  ['Jacobs', undefined],
  ['Haan', 'de'],
  ['Vermeulen', undefined],
  ['Heuvel', 'van den'],
  ['Veen', 'van der'],
  ['Bosch', 'van den'],
  ['Wijk', 'van'],
  ['Hoekstra', undefined],
  ['Yılmaz', undefined],
  ['Çelik', undefined],
  ['Nguyễn', undefined],
  ['Øberg', undefined],
  ['El Amrani', undefined],
  ['Bouzid', undefined],
  ['Kowalczyk', undefined],
  ['Šimić', undefined],
  ['Müller', undefined],
  ['Doğan', undefined],
  ['Lopes Gonçalves', undefined],
  ['Hoeven', "van 't"],
  ['Ridder', 'de'],
  ['Kuijpers', undefined],
  ['Sluis', 'ter'],
];

export type Woonplaats = { postcode: string } | { land: string };

/**
 * Foreign residence: BRP Tabel 34 codes still valid today (5010 België; 9089 Bondsrepubliek
 * Duitsland — 6029 "Duitsland" ended in 1991; 5007 Suriname; 5022 Marokko).
 */
const LANDEN = [
  ['5010', 60],
  ['9089', 32],
  ['5007', 4],
  ['5022', 4],
] as const;

/** Postcode letters never issued: SA, SD, SS. */
const BAD_LETTERS = new Set(['SA', 'SD', 'SS']);

/** A postcode near the institution: same first two digits as one of its locations. */
export function generatePostcode(rng: Rng, nearPostcode: string | undefined): string {
  const prefix = nearPostcode && /^[1-9][0-9]/.test(nearPostcode) ? nearPostcode.slice(0, 2) : undefined;
  const cijfers = prefix
    ? `${prefix}${String(rng.int(0, 99)).padStart(2, '0')}`
    : String(rng.int(1000, 9999));
  for (;;) {
    const letters = String.fromCharCode(65 + rng.int(0, 25), 65 + rng.int(0, 25));
    if (!BAD_LETTERS.has(letters)) {
      return `${cijfers}${letters}`;
    }
  }
}

export type PersoonOptions = {
  /** 1 August of the school year: ages are counted on this day. */
  peildatum: string;
  bbl: boolean;
  nearPostcode: string | undefined;
};

/**
 * A synthetic deelnemer. Rates: 5% onderwijsnummer instead of a BSN; 1.5% living abroad (land
 * code, no postcode); geslacht 49.5% M, 49.5% V, 1% O; BOL students mostly 16–20 on 1 August,
 * BBL students 17–45 with a third over 25.
 */
export function generatePersoon(rng: Rng, options: PersoonOptions): PersoonInput {
  const geslacht = rng.weighted([
    ['M', 49.5],
    ['V', 49.5],
    ['O', 1],
  ] as const);
  const [minLeeftijd, maxLeeftijd] = options.bbl
    ? rng.weighted([
        [[17, 20], 40],
        [[21, 25], 27],
        [[26, 35], 20],
        [[36, 45], 13],
      ] as const)
    : rng.weighted([
        [[16, 16], 36],
        [[17, 17], 26],
        [[18, 18], 16],
        [[19, 19], 9],
        [[20, 20], 5],
        [[21, 25], 6],
        [[26, 40], 2],
      ] as const);
  const leeftijd = rng.int(minLeeftijd, maxLeeftijd);
  const y = Number(options.peildatum.slice(0, 4)) - leeftijd;
  // born between the day after 1 August (y−1) and 1 August y: exactly `leeftijd` on the peildatum
  const geboortedatum = addDays(`${y}-08-01`, -rng.int(0, 364));
  const voornamenLijst =
    geslacht === 'V' ? VOORNAMEN_V : geslacht === 'M' ? VOORNAMEN_M : rng.pick([VOORNAMEN_V, VOORNAMEN_M]);
  const voornamen = rng.chance(0.35)
    ? `${rng.pick(voornamenLijst)} ${rng.pick(TWEEDE_VOORNAMEN)}`
    : rng.pick(voornamenLijst);
  const [achternaam, voorvoegsel] = rng.pick(ACHTERNAMEN);
  const woonplaats: Woonplaats = rng.chance(0.015)
    ? { land: rng.weighted(LANDEN) }
    : { postcode: generatePostcode(rng, options.nearPostcode) };
  const nummer = rng.chance(0.05)
    ? { onderwijsnummer: generateOnderwijsnummer(rng) }
    : { burgerservicenummer: generateBsn(rng) };
  return {
    ...nummer,
    geboortedatum,
    geslacht,
    ...woonplaats,
    achternaam,
    ...(voorvoegsel === undefined ? {} : { voorvoegsel }),
    voornamen,
  };
}
