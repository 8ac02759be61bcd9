/**
 * What the simulated institutions offer, built from the register's reference data so that every
 * BRIN, crebo and onderwijslocatie code the simulator sends is one the register knows.
 *
 * `SisReferentie` is the part of `ReferentieData` (src/referentie/referentie.ts, produced by
 * `readReferentie`) that the simulator reads; it is structural, so tests can pass a small fixture.
 */
import { hashString } from './prng.ts';

export type SisReferentie = Readonly<{
  instellingen: readonly Readonly<{ brin: string; naam: string; bekostigd: boolean }>[];
  onderwijslocaties: readonly Readonly<{ code: string; brin: string; postcode: string | null }>[];
  kwalificaties: readonly Readonly<{
    crebo: string;
    soort: string;
    structuur: string;
    niveau: number | null;
    leerwegen: readonly string[];
    opleidingsdomein: string | null;
    geldigTot: string | null;
    instroomTot: string | null;
  }>[];
  aanbod: readonly Readonly<{
    brin: string;
    crebo: string;
    leerweg: string;
    niveau: number | null;
    onderwijslocatie: string;
  }>[];
}>;

export type Niveau = 1 | 2 | 3 | 4;
export type Leerweg = 'BOL' | 'BBL';

/** One programme a student can enrol on: a current HKS kwalificatie, in a leerweg, at a location. */
export type SisOpleiding = Readonly<{
  crebo: string;
  niveau: Niveau;
  leertraject: Leerweg;
  onderwijslocatie: string;
  opleidingsdomein: string | null;
  /** The crebo in the 2015 offering file this programme was mapped from. */
  bronCrebo: string;
}>;

export type SisInstelling = Readonly<{
  brin: string;
  naam: string;
  bekostigd: boolean;
  opleidingen: readonly SisOpleiding[];
  /** Postcodes of its locations: students mostly live nearby. */
  postcodes: readonly string[];
}>;

export type SisCatalogus = Readonly<{
  instellingen: readonly SisInstelling[];
  /** Opleidingsdomein codes (79xxx) the register knows. */
  domeinen: ReadonlySet<string>;
  /** Current kwalificaties that allow only BBL, and only BOL (for the "leerweg not allowed" flaw). */
  alleenBbl: readonly string[];
  alleenBol: readonly string[];
  /** A five-digit code the register does not know, for the "unknown crebo" flaw. */
  onbekendeCrebo: string;
  /** A location code that is no location of any institution. */
  onbekendeLocatie: string;
}>;

const asNiveau = (n: number | null | undefined): Niveau | undefined =>
  n === 1 || n === 2 || n === 3 || n === 4 ? n : undefined;

const asLeerweg = (l: string): Leerweg | undefined => (l === 'BOL' || l === 'BBL' ? l : undefined);

/** Open for new enrolments on the given date. */
function open(k: { geldigTot: string | null; instroomTot: string | null }, datum: string): boolean {
  return (k.geldigTot === null || k.geldigTot >= datum) && (k.instroomTot === null || k.instroomTot >= datum);
}

/**
 * Builds the catalogue for a school year starting on `peildatum` (1 August).
 *
 * The 2015 offerings name pre-2016 crebo codes (9xxxx) that no longer admit new students. Each is
 * mapped to a current HKS-2015 kwalificatie of the same opleidingsdomein and niveau that allows the
 * leerweg, chosen by a hash of the old code (so the same old code maps to the same kwalificatie at
 * every institution); without a match in the domain, any such kwalificatie of that niveau.
 */
export function buildCatalogus(referentie: SisReferentie, peildatum: string): SisCatalogus {
  const kwalificaties = new Map(referentie.kwalificaties.map((k) => [k.crebo, k]));
  const hks = referentie.kwalificaties
    .filter((k) => k.structuur === 'hks2015' && k.soort === 'kwalificatie' && open(k, peildatum))
    .toSorted((a, b) => a.crebo.localeCompare(b.crebo));
  const candidates = (domein: string | null, niveau: Niveau, leerweg: Leerweg) => {
    const fit = hks.filter((k) => k.niveau === niveau && k.leerwegen.includes(leerweg));
    const inDomein = fit.filter((k) => k.opleidingsdomein === domein);
    return inDomein.length > 0 ? inDomein : fit;
  };

  const perBrin = new Map<string, Map<string, SisOpleiding>>();
  for (const row of referentie.aanbod) {
    const leerweg = asLeerweg(row.leerweg);
    const bron = kwalificaties.get(row.crebo);
    const niveau = asNiveau(row.niveau ?? bron?.niveau);
    if (leerweg === undefined || niveau === undefined) {
      continue;
    }
    let crebo: string | undefined;
    let domein: string | null = bron?.opleidingsdomein ?? null;
    if (bron && bron.structuur === 'hks2015' && bron.soort === 'kwalificatie' && open(bron, peildatum)) {
      crebo = bron.crebo;
    } else {
      const list = candidates(domein, niveau, leerweg);
      const chosen = list[hashString(`${row.crebo}:${leerweg}`) % Math.max(list.length, 1)];
      crebo = chosen?.crebo;
      domein = chosen?.opleidingsdomein ?? domein;
    }
    if (crebo === undefined) {
      continue;
    }
    const opleiding: SisOpleiding = {
      crebo,
      niveau,
      leertraject: leerweg,
      onderwijslocatie: row.onderwijslocatie,
      opleidingsdomein: domein,
      bronCrebo: row.crebo,
    };
    const key = `${crebo}|${leerweg}|${row.onderwijslocatie}`;
    const map = perBrin.get(row.brin) ?? new Map<string, SisOpleiding>();
    if (!map.has(key)) {
      map.set(key, opleiding);
    }
    perBrin.set(row.brin, map);
  }

  const postcodes = new Map<string, string[]>();
  for (const l of referentie.onderwijslocaties) {
    if (l.postcode) {
      postcodes.set(l.brin, [...(postcodes.get(l.brin) ?? []), l.postcode]);
    }
  }
  const instellingen = referentie.instellingen
    .filter((i) => perBrin.has(i.brin))
    .map((i) => ({
      brin: i.brin,
      naam: i.naam,
      bekostigd: i.bekostigd,
      opleidingen: [...(perBrin.get(i.brin)?.values() ?? [])].toSorted(compareOpleiding),
      postcodes: (postcodes.get(i.brin) ?? []).toSorted(),
    }))
    .toSorted((a, b) => a.brin.localeCompare(b.brin));

  const domeinen = new Set(
    referentie.kwalificaties.filter((k) => k.soort === 'opleidingsdomein').map((k) => k.crebo),
  );
  const known = new Set(referentie.kwalificaties.map((k) => k.crebo));
  const locaties = new Set(referentie.onderwijslocaties.map((l) => l.code));
  return {
    instellingen,
    domeinen,
    alleenBbl: hks
      .filter((k) => k.leerwegen.includes('BBL') && !k.leerwegen.includes('BOL'))
      .map((k) => k.crebo),
    alleenBol: hks
      .filter((k) => k.leerwegen.includes('BOL') && !k.leerwegen.includes('BBL'))
      .map((k) => k.crebo),
    onbekendeCrebo: firstFree(['12399', '00017', '55555', '31337', '01234'], known),
    onbekendeLocatie: firstFree(['999X999', '000X001', '998X997'], locaties),
  };
}

function compareOpleiding(a: SisOpleiding, b: SisOpleiding): number {
  return (
    a.crebo.localeCompare(b.crebo) ||
    a.leertraject.localeCompare(b.leertraject) ||
    a.onderwijslocatie.localeCompare(b.onderwijslocatie)
  );
}

function firstFree(candidates: readonly string[], taken: ReadonlySet<string>): string {
  const free = candidates.find((c) => !taken.has(c));
  if (free === undefined) {
    throw new Error('geen vrije code gevonden');
  }
  return free;
}

/**
 * Picks `k` institutions that offer programmes, deterministically by seed. Funded institutions are
 * preferred; when k ≥ 4 and a non-funded institution with offerings exists, one of them is included.
 */
export function selectInstellingen(catalogus: SisCatalogus, k: number, seed: number): SisInstelling[] {
  const order = (list: readonly SisInstelling[]) =>
    list.toSorted(
      (a, b) =>
        hashString(`${seed}:${a.brin}`) - hashString(`${seed}:${b.brin}`) || a.brin.localeCompare(b.brin),
    );
  const bekostigd = order(catalogus.instellingen.filter((i) => i.bekostigd));
  const niet = order(catalogus.instellingen.filter((i) => !i.bekostigd));
  const wantNiet = k >= 4 && niet.length > 0 ? 1 : 0;
  const chosen = [...bekostigd.slice(0, k - wantNiet), ...niet.slice(0, wantNiet)];
  // too few funded institutions: fill up with non-funded ones
  for (const i of niet.slice(wantNiet)) {
    if (chosen.length >= k) {
      break;
    }
    chosen.push(i);
  }
  return chosen.toSorted((a, b) => a.brin.localeCompare(b.brin));
}
