/**
 * The SBB simulator's leerbedrijven: generated, fictional companies placed near real onderwijslocaties
 * (postcodes of the 2015 opleidingsaanbod file), with erkenningen per crebo. Same seed and input → same companies.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { createRng } from '../sis/prng.ts';

export type SimErkenning = { crebo: string; begindatum: string; einddatum: string | null };

export type SimLeerbedrijf = {
  leerbedrijfId: string;
  naam: string;
  postcode: string;
  huisnummer: string;
  plaats: string;
  erkenningen: SimErkenning[];
};

export type Locatie = { postcode: string; plaats: string };

const VOORDELEN = [
  'Van Dijk',
  'De Vries',
  'Bakker',
  'Visser',
  'Smit',
  'Meijer',
  'Mulder',
  'De Boer',
  'Bos',
  'Vos',
];
const SOORTEN = [
  'Installatietechniek',
  'Zorggroep',
  'Bouwbedrijf',
  'Administratiekantoor',
  'Autobedrijf',
  'Kinderopvang',
  'Horeca',
  'Logistiek',
  'Groenvoorziening',
  'Elektro',
  'Bakkerij',
  'ICT-diensten',
];
const VORMEN = ['B.V.', 'V.O.F.', '& Zn.', 'Holding B.V.', ''];

/** Distinct (postcode, plaats) of the onderwijslocaties in the 2015 offering file. */
export function readLocaties(csvPath: string): Locatie[] {
  const rows = parse(readFileSync(csvPath, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  const seen = new Map<string, Locatie>();
  for (const r of rows) {
    const postcode = (r.postcode ?? '').replace(/\s+/g, '').toUpperCase();
    if (/^[1-9][0-9]{3}[A-Z]{2}$/.test(postcode) && !seen.has(postcode)) {
      seen.set(postcode, { postcode, plaats: r.plaats ?? '' });
    }
  }
  return [...seen.values()].sort((a, b) => (a.postcode < b.postcode ? -1 : 1));
}

/**
 * Generates `aantal` leerbedrijven near the given locaties, each erkend for 1–4 of `crebos`. About one in ten
 * erkenningen has ended (withdrawn) before `peildatum`; about one in twenty companies has no current erkenning.
 */
export function generateLeerbedrijven(args: {
  seed: number;
  aantal: number;
  locaties: readonly Locatie[];
  crebos: readonly string[];
  peildatum: string;
}): SimLeerbedrijf[] {
  const rng = createRng(`sbb:${args.seed}`);
  const jaar = Number(args.peildatum.slice(0, 4));
  const out: SimLeerbedrijf[] = [];
  const ids = new Set<string>();
  for (let i = 0; i < args.aantal; i++) {
    const loc =
      args.locaties.length > 0 ? rng.pick(args.locaties) : { postcode: '1011AA', plaats: 'AMSTERDAM' };
    // near the location: same four digits, other letters
    const letters = String.fromCharCode(65 + rng.int(0, 25), 65 + rng.int(0, 25));
    let id: string;
    do {
      id = String(rng.int(100_000_000, 999_999_999));
    } while (ids.has(id));
    ids.add(id);
    const erkenningen: SimErkenning[] = [];
    const n = args.crebos.length === 0 ? 0 : rng.int(1, Math.min(4, args.crebos.length));
    const zonder = rng.chance(0.05);
    for (let k = 0; k < n; k++) {
      const crebo = rng.pick(args.crebos);
      if (erkenningen.some((e) => e.crebo === crebo)) {
        continue;
      }
      const begin = `${rng.int(jaar - 12, jaar - 1)}-${String(rng.int(1, 12)).padStart(2, '0')}-01`;
      const ingetrokken = zonder || rng.chance(0.1);
      const einde = ingetrokken ? `${jaar - 1}-${String(rng.int(1, 12)).padStart(2, '0')}-28` : null;
      erkenningen.push({
        crebo,
        begindatum: begin,
        einddatum: einde !== null && einde < begin ? begin : einde,
      });
    }
    out.push({
      leerbedrijfId: id,
      naam: `${rng.pick(VOORDELEN)} ${rng.pick(SOORTEN)} ${rng.pick(VORMEN)}`.trim(),
      postcode: `${loc.postcode.slice(0, 4)}${letters}`,
      huisnummer: String(rng.int(1, 250)),
      plaats: loc.plaats,
      erkenningen,
    });
  }
  return out;
}

/** Is the leerbedrijf erkend for `crebo` on `datum`? */
export function erkenningOp(lb: SimLeerbedrijf, crebo: string, datum: string): SimErkenning | undefined {
  return lb.erkenningen.find(
    (e) => e.crebo === crebo && e.begindatum <= datum && (e.einddatum === null || datum <= e.einddatum),
  );
}
