import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import { PROJECT_ROOT } from '../platform/config.ts';
import type { DB, KwalificatieSoort } from '../platform/db-schema.ts';
import { replaceReferentie } from './referentie.repository.ts';
import {
  assignOnderwijslocatieCodes,
  BRIN_PATTERN,
  CREBO_PATTERN,
  createInstellingsnaamMatcher,
  type InstellingRecord,
  type InstellingsnaamCandidate,
  type InstellingsnaamMatchRule,
  type KwalificatieRecord,
  LEERWEGEN,
  type OnderwijslocatieRecord,
  type OpleidingsaanbodRecord,
  onderwijslocatieKey,
  type ReferentieData,
  type ReferentieReport,
  type SkippedRow,
  STRUCTUUR_RANK,
} from './referentie.ts';

/** The shared (DUO/CEDA/regulation-derived) files `readReferentie` reads from the folder it is given. */
export const REFERENTIE_FILES = {
  instellingen: 'duo_open_mbo_instellingen_2026.csv',
  historischeBrins: 'mbo_instellingen_brin.csv',
  kwalificatiesHks: 'mbo_kwalificaties_hks_2015.csv',
  kwalificatiesKd2012: 'mbo_kwalificaties_kwalificatiedossiers_2014.csv',
  opleidingsdomeinen: 'mbo_opleidingsdomeinen.csv',
  opleidingscodesCeda: 'ceda_mbo_opleidingscodes_namen_2023_2024.csv',
  opleidingsaanbod: 'mbo_opleidingsaanbod_locaties_2015.csv',
} as const;

/**
 * The project's own fictional non-funded (niet-bekostigde) providers and their offering. DUO's list
 * holds funded institutions only, so these are always read from the project, whatever the folder.
 */
export const NIET_BEKOSTIGDE_INSTELLINGEN_FILE = path.join(
  PROJECT_ROOT,
  'reference',
  'niet-bekostigde-instellingen.csv',
);
export const NIET_BEKOSTIGD_AANBOD_FILE = path.join(
  PROJECT_ROOT,
  'reference',
  'niet-bekostigde-opleidingsaanbod.csv',
);

/** Every institution gets this submission point (aanleverpunt); institutions register more with DUO. */
export const DEFAULT_AANLEVERPUNT = '01';

/**
 * First-year enrolments on the competence-based (pre-HKS, 2012 structure) codes ended when the
 * revised qualification structure (HKS) became mandatory on 2016-08-01. This date is an inference:
 * the regulations in the data give the HKS start (2015-08-01, optional year) but no end date per code.
 */
export const INSTROOM_TOT_KD2012 = '2016-07-31';
/** Old eindtermgerichte opleidingen (codes 10xxx/11xxx): no new first-year enrolment after 2012-08-01 (DOMAIN §7 rule 12). */
export const INSTROOM_TOT_EINDTERMGERICHT = '2012-07-31';

export type ImportSummary = {
  instellingen: number;
  instellingenBekostigd: number;
  instellingenNietBekostigd: number;
  /** Institutions absent from the new data that were kept because enrolments still refer to them. */
  instellingenBehouden: string[];
  aanleverpunten: number;
  onderwijslocaties: number;
  kwalificaties: number;
  kwalificatiesPerSoort: Record<KwalificatieSoort, number>;
  aanbod: number;
  skippedRows: number;
  unmatchedInstellingsnamen: number;
  durationMs: number;
};

type CsvRow<C extends string> = { line: number; values: Record<C, string> };

function fileError(file: string, line: number | undefined, message: string): Error {
  return new Error(line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`);
}

/**
 * Reads one CSV file with a header line and returns the required columns per row (trimmed), with
 * the row's line number. Throws an error naming the file (and line) when the file is missing, is not
 * valid CSV, or lacks a required column.
 */
async function readCsv<C extends string>(filePath: string, columns: readonly C[]): Promise<CsvRow<C>[]> {
  const name = path.basename(filePath);
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'onleesbaar';
    throw fileError(
      filePath,
      undefined,
      code === 'ENOENT'
        ? 'referentiebestand ontbreekt (reference file missing)'
        : `referentiebestand niet leesbaar (${code})`,
    );
  }
  // Line numbers are collected beside the records (csv-parse's `info` option is not in its sync typings).
  const lines: number[] = [];
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      on_record: (record, context) => {
        lines.push(context.lines);
        return record;
      },
    });
  } catch (error) {
    const line =
      error instanceof Error && 'lines' in error && typeof error.lines === 'number' ? error.lines : undefined;
    const message = error instanceof Error ? error.message : String(error);
    throw fileError(name, line, `geen geldige CSV (malformed CSV): ${message}`);
  }
  const [header, ...rows] = records;
  if (header === undefined) {
    throw fileError(name, 1, 'bestand is leeg, kopregel ontbreekt (empty file, header missing)');
  }
  const names = header.map((h) => h.trim());
  const index = new Map<C, number>();
  for (const column of columns) {
    const i = names.indexOf(column);
    if (i < 0) {
      throw fileError(name, lines[0] ?? 1, `kolom "${column}" ontbreekt in de kopregel (column missing)`);
    }
    index.set(column, i);
  }
  return rows.map((record, r) => {
    const values = {} as Record<C, string>; // every column of C is set just below
    for (const [column, i] of index) {
      values[column] = (record[i] ?? '').trim();
    }
    return { line: lines[r + 1] ?? 0, values };
  });
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const PRIJSFACTOR_PATTERN = /^\d{1,2}(\.\d{1,2})?$/;

function parseNiveau(value: string): number | null | 'invalid' {
  if (value === '') {
    return null;
  }
  return /^[1-4]$/.test(value) ? Number(value) : 'invalid';
}

function parseLeerwegen(value: string): string[] | 'invalid' {
  const parts = value.split('/').map((p) => p.trim().toUpperCase());
  if (parts.length === 0 || parts.some((p) => !(LEERWEGEN as readonly string[]).includes(p))) {
    return 'invalid';
  }
  return sortLeerwegen(parts);
}

function sortLeerwegen(leerwegen: Iterable<string>): string[] {
  const order = LEERWEGEN as readonly string[];
  return [...new Set(leerwegen)].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** Collects kwalificatie rows by crebo; when a code occurs in several sources the richer one wins. */
function createKwalificatieCatalogue(skip: (file: string, line: number, reason: string) => void) {
  const byCrebo = new Map<string, KwalificatieRecord>();
  return {
    byCrebo,
    /** Adds a row read from a file; a second row with the same code from the same structure is skipped. */
    add(record: KwalificatieRecord, file: string, line: number): void {
      const existing = byCrebo.get(record.crebo);
      if (existing && existing.structuur === record.structuur) {
        skip(file, line, `dubbele code ${record.crebo}`);
        return;
      }
      if (!existing || STRUCTUUR_RANK[record.structuur] > STRUCTUUR_RANK[existing.structuur]) {
        byCrebo.set(record.crebo, record);
      }
    },
    /** Adds a derived row (a dossier) unless the code is already known from a source at least as rich. */
    addDerived(record: KwalificatieRecord): void {
      const existing = byCrebo.get(record.crebo);
      if (!existing || STRUCTUUR_RANK[record.structuur] > STRUCTUUR_RANK[existing.structuur]) {
        byCrebo.set(record.crebo, record);
      }
    },
  };
}

type DossierAccumulator = {
  crebo: string;
  naam: string;
  opleidingsdomein: string | null;
  leerwegen: Set<string>;
  prijsfactoren: Set<string>;
  /** Each kwalificatie's beroepsvereisten, '' for none: the dossier carries a value only when all agree. */
  beroepsvereisten: Set<string>;
  geldigVanaf: string | null;
};

function accumulateDossier(
  dossiers: Map<string, DossierAccumulator>,
  crebo: string,
  naam: string,
  row: {
    opleidingsdomein: string | null;
    leerwegen: string[];
    prijsfactor: string | null;
    beroepsvereisten: string | null;
    geldigVanaf: string | null;
  },
): void {
  let d = dossiers.get(crebo);
  if (!d) {
    d = {
      crebo,
      naam,
      opleidingsdomein: row.opleidingsdomein,
      leerwegen: new Set(),
      prijsfactoren: new Set(),
      beroepsvereisten: new Set(),
      geldigVanaf: row.geldigVanaf,
    };
    dossiers.set(crebo, d);
  }
  d.opleidingsdomein ??= row.opleidingsdomein;
  for (const l of row.leerwegen) {
    d.leerwegen.add(l);
  }
  if (row.prijsfactor !== null) {
    d.prijsfactoren.add(row.prijsfactor);
  }
  d.beroepsvereisten.add(row.beroepsvereisten ?? '');
  if (row.geldigVanaf !== null && (d.geldigVanaf === null || row.geldigVanaf < d.geldigVanaf)) {
    d.geldigVanaf = row.geldigVanaf;
  }
}

function dossierRecord(
  d: DossierAccumulator,
  structuur: KwalificatieRecord['structuur'],
  prijsfactor: string | null,
  instroomTot: string | null,
): KwalificatieRecord {
  // A dossier has beroepsvereisten only when every one of its kwalificaties has the same ones (the data then
  // says so for the whole dossier); a mixed dossier (e.g. 22179: horeca VWS, bakkerij none) gets null.
  const [beroepsvereisten, ...andere] = d.beroepsvereisten;
  return {
    crebo: d.crebo,
    naam: d.naam,
    soort: 'kwalificatiedossier',
    niveau: null,
    soortOpleiding: null,
    leerwegen: sortLeerwegen(d.leerwegen),
    kwalificatiedossier: null,
    opleidingsdomein: d.opleidingsdomein,
    prijsfactor,
    structuur,
    geldigVanaf: d.geldigVanaf,
    geldigTot: null,
    instroomTot,
    beroepsvereisten: beroepsvereisten && andere.length === 0 ? beroepsvereisten : null,
  };
}

/** instroom_tot for a code known only from the CEDA code/name table, from its code range. */
function instroomTotForCedaCode(crebo: string): string | null {
  if (crebo.startsWith('1')) {
    return INSTROOM_TOT_EINDTERMGERICHT;
  }
  // 9xxxx kwalificaties and 22xxx dossiers are the pre-HKS (2012 structure) ranges, like the codes of
  // mbo_kwalificaties_kwalificatiedossiers_2014.csv; the same (inferred) end of first-year enrolment applies.
  if (crebo.startsWith('9') || crebo.startsWith('22')) {
    return INSTROOM_TOT_KD2012;
  }
  return null;
}

/**
 * Reads and checks the reference files in `folder` (see REFERENTIE_FILES) plus the project's own
 * non-funded providers, and returns rows ready for `importReferentie` with a report of what was left
 * out. No database access. Rows with malformed codes are skipped and listed in the report; a missing
 * file, invalid CSV or a missing column throws an error naming the file and line.
 */
export async function readReferentie(folder: string): Promise<ReferentieData> {
  const file = (name: string) => path.join(folder, name);
  // Missing files are reported in a fixed order (the files are read in parallel below).
  for (const name of Object.values(REFERENTIE_FILES)) {
    await access(file(name)).catch(() => {
      throw fileError(file(name), undefined, 'referentiebestand ontbreekt (reference file missing)');
    });
  }
  const [instellingRows, historischRows, hksRows, kdRows, domeinRows, cedaRows, aanbodRows] =
    await Promise.all([
      readCsv(file(REFERENTIE_FILES.instellingen), [
        'instellingscode',
        'instellingsnaam',
        'roepnaam_ceda',
        'mbo_instellingssoort_naam',
        'plaatsnaam',
      ]),
      readCsv(file(REFERENTIE_FILES.historischeBrins), [
        'brin',
        'naam_volgens_regeling_2013',
        'naam_volgens_beleidsregel_2002',
      ]),
      readCsv(file(REFERENTIE_FILES.kwalificatiesHks), [
        'opleidingsdomein_code',
        'kwalificatiedossier_crebo',
        'kwalificatiedossier_naam',
        'kwalificatiedossier_prijsfactor',
        'kwalificatie_crebo',
        'kwalificatie_naam',
        'niveau',
        'soort_opleiding',
        'leerwegen',
        'beroepsvereisten',
        'prijsfactor',
        'geldig_vanaf',
      ]),
      readCsv(file(REFERENTIE_FILES.kwalificatiesKd2012), [
        'opleidingsdomein_code',
        'kwalificatiedossier_crebo',
        'kwalificatiedossier_naam',
        'kwalificatie_crebo',
        'kwalificatie_naam',
        'soort_opleiding',
        'leerwegen',
        'niveau',
        'beroepsvereisten',
        'prijsfactor',
      ]),
      readCsv(file(REFERENTIE_FILES.opleidingsdomeinen), ['opleidingsdomein_crebo', 'naam']),
      readCsv(file(REFERENTIE_FILES.opleidingscodesCeda), ['opleidingscode', 'opleidingsnaam']),
      readCsv(file(REFERENTIE_FILES.opleidingsaanbod), [
        'crebo',
        'leerweg',
        'niveau',
        'instellingsnaam',
        'postcode',
        'plaats',
        'adres',
      ]),
    ]);
  const [nietBekostigdRows, nietBekostigdAanbodRows] = await Promise.all([
    readCsv(NIET_BEKOSTIGDE_INSTELLINGEN_FILE, [
      'instellingscode',
      'instellingsnaam',
      'plaatsnaam',
      'postcode',
      'adres',
    ]),
    readCsv(NIET_BEKOSTIGD_AANBOD_FILE, [
      'instellingscode',
      'crebo',
      'leerweg',
      'niveau',
      'postcode',
      'plaats',
      'adres',
    ]),
  ]);

  const skippedRows: SkippedRow[] = [];
  const skip = (fileName: string, line: number, reason: string) => {
    skippedRows.push({ file: fileName, line, reason });
  };

  // --- instellingen ------------------------------------------------------------------------------------
  const instellingen = new Map<string, InstellingRecord>();
  for (const { line, values: v } of instellingRows) {
    const f = REFERENTIE_FILES.instellingen;
    if (!BRIN_PATTERN.test(v.instellingscode)) {
      skip(f, line, `ongeldige instellingscode "${v.instellingscode}"`);
    } else if (v.instellingsnaam === '') {
      skip(f, line, 'instellingsnaam ontbreekt');
    } else if (instellingen.has(v.instellingscode)) {
      skip(f, line, `dubbele instellingscode ${v.instellingscode}`);
    } else {
      instellingen.set(v.instellingscode, {
        brin: v.instellingscode,
        naam: v.instellingsnaam,
        roepnaam: v.roepnaam_ceda || null,
        soort: v.mbo_instellingssoort_naam || null,
        plaatsnaam: v.plaatsnaam || null,
        bekostigd: true,
        bron: 'duo_open_mbo_instellingen_2026',
      });
    }
  }
  const bekostigdeBrins = new Set(instellingen.keys());

  const nietBekostigdFile = path.basename(NIET_BEKOSTIGDE_INSTELLINGEN_FILE);
  for (const { line, values: v } of nietBekostigdRows) {
    if (!BRIN_PATTERN.test(v.instellingscode)) {
      skip(nietBekostigdFile, line, `ongeldige instellingscode "${v.instellingscode}"`);
    } else if (v.instellingsnaam === '') {
      skip(nietBekostigdFile, line, 'instellingsnaam ontbreekt');
    } else if (instellingen.has(v.instellingscode)) {
      skip(nietBekostigdFile, line, `instellingscode ${v.instellingscode} is al bekend`);
    } else {
      instellingen.set(v.instellingscode, {
        brin: v.instellingscode,
        naam: v.instellingsnaam,
        roepnaam: null,
        soort: 'niet-bekostigde instelling',
        plaatsnaam: v.plaatsnaam || null,
        bekostigd: false,
        bron: 'niet-bekostigde-instellingen (fictief)',
      });
    }
  }

  // --- kwalificaties -----------------------------------------------------------------------------------
  const catalogue = createKwalificatieCatalogue(skip);

  const hksDossiers = new Map<string, DossierAccumulator>();
  const hksDossierPrijsfactor = new Map<string, string | null>();
  for (const { line, values: v } of hksRows) {
    const f = REFERENTIE_FILES.kwalificatiesHks;
    const niveau = parseNiveau(v.niveau);
    const leerwegen = parseLeerwegen(v.leerwegen);
    if (!CREBO_PATTERN.test(v.kwalificatie_crebo)) {
      skip(f, line, `ongeldige kwalificatie_crebo "${v.kwalificatie_crebo}"`);
    } else if (!CREBO_PATTERN.test(v.kwalificatiedossier_crebo)) {
      skip(f, line, `ongeldige kwalificatiedossier_crebo "${v.kwalificatiedossier_crebo}"`);
    } else if (v.opleidingsdomein_code !== '' && !CREBO_PATTERN.test(v.opleidingsdomein_code)) {
      skip(f, line, `ongeldige opleidingsdomein_code "${v.opleidingsdomein_code}"`);
    } else if (niveau === null || niveau === 'invalid') {
      skip(f, line, `ongeldig niveau "${v.niveau}"`);
    } else if (leerwegen === 'invalid') {
      skip(f, line, `ongeldige leerwegen "${v.leerwegen}"`);
    } else if (v.prijsfactor !== '' && !PRIJSFACTOR_PATTERN.test(v.prijsfactor)) {
      skip(f, line, `ongeldige prijsfactor "${v.prijsfactor}"`);
    } else if (v.geldig_vanaf !== '' && !DATE_PATTERN.test(v.geldig_vanaf)) {
      skip(f, line, `ongeldige geldig_vanaf "${v.geldig_vanaf}"`);
    } else if (v.kwalificatie_naam === '') {
      skip(f, line, 'kwalificatie_naam ontbreekt');
    } else {
      const opleidingsdomein = v.opleidingsdomein_code || null;
      const geldigVanaf = v.geldig_vanaf || null;
      catalogue.add(
        {
          crebo: v.kwalificatie_crebo,
          naam: v.kwalificatie_naam,
          soort: 'kwalificatie',
          niveau,
          soortOpleiding: v.soort_opleiding || null,
          leerwegen,
          kwalificatiedossier: v.kwalificatiedossier_crebo,
          opleidingsdomein,
          prijsfactor: v.prijsfactor || null,
          structuur: 'hks2015',
          geldigVanaf,
          geldigTot: null,
          instroomTot: null,
          beroepsvereisten: v.beroepsvereisten || null,
        },
        f,
        line,
      );
      accumulateDossier(hksDossiers, v.kwalificatiedossier_crebo, v.kwalificatiedossier_naam, {
        opleidingsdomein,
        leerwegen,
        prijsfactor: null,
        beroepsvereisten: v.beroepsvereisten || null,
        geldigVanaf,
      });
      if (!hksDossierPrijsfactor.has(v.kwalificatiedossier_crebo)) {
        const p = v.kwalificatiedossier_prijsfactor;
        hksDossierPrijsfactor.set(v.kwalificatiedossier_crebo, PRIJSFACTOR_PATTERN.test(p) ? p : null);
      }
    }
  }
  for (const d of hksDossiers.values()) {
    catalogue.addDerived(dossierRecord(d, 'hks2015', hksDossierPrijsfactor.get(d.crebo) ?? null, null));
  }

  const kdDossiers = new Map<string, DossierAccumulator>();
  for (const { line, values: v } of kdRows) {
    const f = REFERENTIE_FILES.kwalificatiesKd2012;
    const niveau = parseNiveau(v.niveau);
    const leerwegen = parseLeerwegen(v.leerwegen);
    if (!CREBO_PATTERN.test(v.kwalificatie_crebo)) {
      skip(f, line, `ongeldige kwalificatie_crebo "${v.kwalificatie_crebo}"`);
    } else if (!CREBO_PATTERN.test(v.kwalificatiedossier_crebo)) {
      skip(f, line, `ongeldige kwalificatiedossier_crebo "${v.kwalificatiedossier_crebo}"`);
    } else if (v.opleidingsdomein_code !== '' && !CREBO_PATTERN.test(v.opleidingsdomein_code)) {
      skip(f, line, `ongeldige opleidingsdomein_code "${v.opleidingsdomein_code}"`);
    } else if (niveau === null || niveau === 'invalid') {
      skip(f, line, `ongeldig niveau "${v.niveau}"`);
    } else if (leerwegen === 'invalid') {
      skip(f, line, `ongeldige leerwegen "${v.leerwegen}"`);
    } else if (v.prijsfactor !== '' && !PRIJSFACTOR_PATTERN.test(v.prijsfactor)) {
      skip(f, line, `ongeldige prijsfactor "${v.prijsfactor}"`);
    } else if (v.kwalificatie_naam === '') {
      skip(f, line, 'kwalificatie_naam ontbreekt');
    } else {
      const opleidingsdomein = v.opleidingsdomein_code || null;
      const prijsfactor = v.prijsfactor || null;
      // geldig_vanaf stays null: the file is the 2014 version, but these codes existed before it.
      catalogue.add(
        {
          crebo: v.kwalificatie_crebo,
          naam: v.kwalificatie_naam,
          soort: 'kwalificatie',
          niveau,
          soortOpleiding: v.soort_opleiding || null,
          leerwegen,
          kwalificatiedossier: v.kwalificatiedossier_crebo,
          opleidingsdomein,
          prijsfactor,
          structuur: 'kd2012',
          geldigVanaf: null,
          geldigTot: null,
          instroomTot: INSTROOM_TOT_KD2012,
          beroepsvereisten: v.beroepsvereisten || null,
        },
        f,
        line,
      );
      accumulateDossier(kdDossiers, v.kwalificatiedossier_crebo, v.kwalificatiedossier_naam, {
        opleidingsdomein,
        leerwegen,
        prijsfactor,
        beroepsvereisten: v.beroepsvereisten || null,
        geldigVanaf: null,
      });
    }
  }
  for (const d of kdDossiers.values()) {
    // The 2012 regulation gives no dossier prijsfactor; take it when all its kwalificaties agree.
    const [only, ...others] = d.prijsfactoren;
    const prijsfactor = only !== undefined && others.length === 0 ? only : null;
    catalogue.addDerived(dossierRecord(d, 'kd2012', prijsfactor, INSTROOM_TOT_KD2012));
  }

  for (const { line, values: v } of domeinRows) {
    const f = REFERENTIE_FILES.opleidingsdomeinen;
    if (!CREBO_PATTERN.test(v.opleidingsdomein_crebo)) {
      skip(f, line, `ongeldige opleidingsdomein_crebo "${v.opleidingsdomein_crebo}"`);
    } else if (v.naam === '') {
      skip(f, line, 'naam ontbreekt');
    } else {
      // Enrolment on an opleidingsdomein is BOL only, niveau 2-4 given by the enrolment (WEB 8.1.1 lid 5).
      catalogue.add(
        {
          crebo: v.opleidingsdomein_crebo,
          naam: v.naam,
          soort: 'opleidingsdomein',
          niveau: null,
          soortOpleiding: null,
          leerwegen: ['BOL'],
          kwalificatiedossier: null,
          opleidingsdomein: null,
          prijsfactor: null,
          structuur: 'domein',
          geldigVanaf: null,
          geldigTot: null,
          instroomTot: null,
          beroepsvereisten: null,
        },
        f,
        line,
      );
    }
  }

  for (const { line, values: v } of cedaRows) {
    const f = REFERENTIE_FILES.opleidingscodesCeda;
    if (!CREBO_PATTERN.test(v.opleidingscode)) {
      skip(f, line, `ongeldige opleidingscode "${v.opleidingscode}"`);
    } else if (v.opleidingsnaam === '') {
      skip(f, line, 'opleidingsnaam ontbreekt');
    } else {
      catalogue.add(
        {
          crebo: v.opleidingscode,
          naam: v.opleidingsnaam,
          soort: 'opleiding',
          niveau: null,
          soortOpleiding: null,
          leerwegen: [],
          kwalificatiedossier: null,
          opleidingsdomein: null,
          prijsfactor: null,
          structuur: 'ceda',
          geldigVanaf: null,
          geldigTot: null,
          instroomTot: instroomTotForCedaCode(v.opleidingscode),
          beroepsvereisten: null,
        },
        f,
        line,
      );
    }
  }
  const kwalificaties = catalogue.byCrebo;

  // --- opleidingsaanbod and onderwijslocaties ----------------------------------------------------------
  const candidates: InstellingsnaamCandidate[] = [];
  for (const i of instellingen.values()) {
    if (i.bekostigd) {
      candidates.push({ brin: i.brin, naam: i.naam });
      if (i.roepnaam) {
        candidates.push({ brin: i.brin, naam: i.roepnaam });
      }
    }
  }
  // Historic names (2002/2013 regulations) count only for a BRIN that is still current.
  for (const { values: v } of historischRows) {
    if (bekostigdeBrins.has(v.brin)) {
      for (const naam of [v.naam_volgens_regeling_2013, v.naam_volgens_beleidsregel_2002]) {
        if (naam !== '') {
          candidates.push({ brin: v.brin, naam });
        }
      }
    }
  }
  const plaatsnamen = new Set<string>();
  for (const i of instellingen.values()) {
    if (i.plaatsnaam) {
      plaatsnamen.add(i.plaatsnaam);
    }
  }
  for (const { values: v } of aanbodRows) {
    if (/^\d{4}\s?[A-Z]{2}$/i.test(v.postcode)) {
      plaatsnamen.add(v.plaats);
    }
  }
  const match = createInstellingsnaamMatcher(candidates, plaatsnamen);

  type AanbodInput = {
    file: string;
    line: number;
    brin: string;
    crebo: string;
    leerweg: string;
    niveau: string;
    postcode: string;
    plaats: string;
    adres: string;
  };
  const aanbodInputs: AanbodInput[] = [];
  const nameStats = new Map<string, { rows: number; result: ReturnType<typeof match> }>();
  let matchedRows = 0;
  let unmatchedRows = 0;
  for (const { line, values: v } of aanbodRows) {
    let stats = nameStats.get(v.instellingsnaam);
    if (!stats) {
      stats = { rows: 0, result: match(v.instellingsnaam) };
      nameStats.set(v.instellingsnaam, stats);
    }
    stats.rows++;
    if (stats.result.kind !== 'matched') {
      unmatchedRows++;
      continue;
    }
    matchedRows++;
    aanbodInputs.push({ file: REFERENTIE_FILES.opleidingsaanbod, line, brin: stats.result.brin, ...v });
  }
  const nietBekostigdAanbodFile = path.basename(NIET_BEKOSTIGD_AANBOD_FILE);
  for (const { line, values: v } of nietBekostigdAanbodRows) {
    if (!instellingen.get(v.instellingscode)) {
      skip(nietBekostigdAanbodFile, line, `onbekende instellingscode "${v.instellingscode}"`);
      continue;
    }
    aanbodInputs.push({ file: nietBekostigdAanbodFile, line, brin: v.instellingscode, ...v });
  }

  type LocatieInput = { brin: string; postcode: string | null; plaats: string | null; adres: string | null };
  const locaties = new Map<string, LocatieInput>();
  const aanbodByKey = new Map<string, { input: AanbodInput; niveau: number | null; locatieKey: string }>();
  for (const input of aanbodInputs) {
    const niveau = parseNiveau(input.niveau);
    const leerweg = input.leerweg.toUpperCase();
    if (!CREBO_PATTERN.test(input.crebo)) {
      skip(input.file, input.line, `ongeldige crebo "${input.crebo}"`);
    } else if (!kwalificaties.has(input.crebo)) {
      skip(input.file, input.line, `crebo ${input.crebo} komt in geen kwalificatiebestand voor`);
    } else if (!(LEERWEGEN as readonly string[]).includes(leerweg)) {
      skip(input.file, input.line, `ongeldige leerweg "${input.leerweg}"`);
    } else if (niveau === 'invalid') {
      skip(input.file, input.line, `ongeldig niveau "${input.niveau}"`);
    } else if (/vervallen/i.test(input.plaats)) {
      // e.g. plaats "vervallen, alleen Elandsstr. zie hierb.": the regulation withdrew this location.
      skip(input.file, input.line, `aanbod op deze locatie vervallen ("${input.plaats}")`);
    } else {
      // Rows without an address (plaats "zie voetnoot 1": taught at the employers) get one location
      // per institution with no address rather than being dropped: the offering itself is real.
      const hasAddress = input.adres !== '';
      const locatieKey = hasAddress
        ? onderwijslocatieKey(input.brin, input.postcode, input.adres)
        : onderwijslocatieKey(input.brin, '', '');
      if (!locaties.has(locatieKey)) {
        locaties.set(locatieKey, {
          brin: input.brin,
          postcode: hasAddress ? input.postcode.replace(/\s+/g, '').toUpperCase() || null : null,
          plaats: hasAddress ? input.plaats || null : null,
          adres: hasAddress ? input.adres.replace(/\s+/g, ' ') : null,
        });
      }
      const key = [input.brin, input.crebo, leerweg, locatieKey].join('\u0000');
      if (!aanbodByKey.has(key)) {
        aanbodByKey.set(key, { input: { ...input, leerweg }, niveau, locatieKey });
      }
    }
  }

  const codes = assignOnderwijslocatieCodes(locaties.keys());
  const onderwijslocaties: OnderwijslocatieRecord[] = [];
  for (const [key, l] of locaties) {
    const code = codes.get(key);
    const instelling = instellingen.get(l.brin);
    if (code === undefined || instelling === undefined) {
      throw new Error(`internal: no code or instelling for location ${key}`);
    }
    const label = instelling.roepnaam ?? instelling.naam;
    onderwijslocaties.push({
      code,
      brin: l.brin,
      naam:
        l.adres === null
          ? `${label}, locatie niet vermeld`
          : `${label}, ${l.adres}, ${l.plaats ?? ''}`.trim(),
      postcode: l.postcode,
      plaats: l.plaats,
      adres: l.adres,
    });
  }
  const aanbod: OpleidingsaanbodRecord[] = [];
  for (const { input, niveau, locatieKey } of aanbodByKey.values()) {
    const onderwijslocatie = codes.get(locatieKey);
    if (onderwijslocatie === undefined) {
      throw new Error(`internal: no code for location ${locatieKey}`);
    }
    aanbod.push({ brin: input.brin, crebo: input.crebo, leerweg: input.leerweg, niveau, onderwijslocatie });
  }

  const matchedInstellingsnamen: ReferentieReport['matchedInstellingsnamen'] = [];
  const unmatchedInstellingsnamen: ReferentieReport['unmatchedInstellingsnamen'] = [];
  for (const [naam, { rows, result }] of nameStats) {
    if (result.kind === 'matched') {
      const rule: InstellingsnaamMatchRule = result.rule;
      matchedInstellingsnamen.push({ naam, brin: result.brin, rule, rows });
    } else {
      unmatchedInstellingsnamen.push({
        naam,
        rows,
        ambiguousBrins: result.kind === 'ambiguous' ? result.brins : [],
      });
    }
  }

  const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return {
    instellingen: [...instellingen.values()].sort((a, b) => byString(a.brin, b.brin)),
    aanleverpunten: [...instellingen.keys()].sort().map((brin) => ({ brin, nummer: DEFAULT_AANLEVERPUNT })),
    onderwijslocaties: onderwijslocaties.sort((a, b) => byString(a.code, b.code)),
    kwalificaties: [...kwalificaties.values()].sort((a, b) => byString(a.crebo, b.crebo)),
    aanbod: aanbod.sort(
      (a, b) =>
        byString(a.brin, b.brin) ||
        byString(a.crebo, b.crebo) ||
        byString(a.leerweg, b.leerweg) ||
        byString(a.onderwijslocatie, b.onderwijslocatie),
    ),
    report: {
      folder,
      skippedRows,
      matchedInstellingsnamen: matchedInstellingsnamen.sort((a, b) => byString(a.naam, b.naam)),
      unmatchedInstellingsnamen: unmatchedInstellingsnamen.sort((a, b) => byString(a.naam, b.naam)),
      aanbodRows: { total: aanbodRows.length, matched: matchedRows, unmatchedInstelling: unmatchedRows },
    },
  };
}

/**
 * Replaces all reference data with `data` in one transaction (see referentie.repository.ts
 * replaceReferentie) and returns the counts. Institutions that are no longer in the data but still
 * have enrolments are kept (a register fact may not lose its institution) and listed in the summary.
 */
export async function importReferentie(db: Kysely<DB>, data: ReferentieData): Promise<ImportSummary> {
  const started = performance.now();
  const { instellingenBehouden } = await db.transaction().execute((trx) => replaceReferentie(trx, data));
  const kwalificatiesPerSoort: Record<KwalificatieSoort, number> = {
    kwalificatie: 0,
    kwalificatiedossier: 0,
    opleidingsdomein: 0,
    opleiding: 0,
  };
  for (const k of data.kwalificaties) {
    kwalificatiesPerSoort[k.soort]++;
  }
  const bekostigd = data.instellingen.filter((i) => i.bekostigd).length;
  return {
    instellingen: data.instellingen.length,
    instellingenBekostigd: bekostigd,
    instellingenNietBekostigd: data.instellingen.length - bekostigd,
    instellingenBehouden,
    aanleverpunten: data.aanleverpunten.length,
    onderwijslocaties: data.onderwijslocaties.length,
    kwalificaties: data.kwalificaties.length,
    kwalificatiesPerSoort,
    aanbod: data.aanbod.length,
    skippedRows: data.report.skippedRows.length,
    unmatchedInstellingsnamen: data.report.unmatchedInstellingsnamen.length,
    durationMs: Math.round(performance.now() - started),
  };
}
