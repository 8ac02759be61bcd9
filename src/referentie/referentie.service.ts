import type { Kysely } from 'kysely';
import type { DB } from '../platform/db-schema.ts';
import { type ImportSummary, importReferentie, readReferentie } from './referentie.import.ts';
import {
  hasInstellingen,
  listAanleverpunten,
  listInstellingen,
  listKwalificaties,
  listOnderwijslocaties,
  listOpleidingsaanbod,
} from './referentie.repository.ts';
import type {
  InstellingReferentie,
  KwalificatieReferentie,
  OnderwijslocatieReferentie,
  OpleidingsaanbodReferentie,
  Referentie,
} from './referentie.ts';

export type {
  InstellingReferentie,
  KwalificatieReferentie,
  OnderwijslocatieReferentie,
  OpleidingsaanbodReferentie,
  Referentie,
} from './referentie.ts';

/** What ensureReferentie logs through; a Fastify/pino logger or `console` fits. */
export type ReferentieLog = { info(message: string): void };

/**
 * Loads the reference data into an in-memory, read-only snapshot for the controles (crebo validity
 * and leerwegen, DOMAIN §7 rules 11–17; aanleverpunt per BRIN, rule 47). Load it again after an import.
 */
export async function loadReferentie(db: Kysely<DB>): Promise<Referentie> {
  // One after the other: five small reads, and a single connection on either engine.
  const instellingRows = await listInstellingen(db);
  const aanleverpuntRows = await listAanleverpunten(db);
  const kwalificatieRows = await listKwalificaties(db);
  const locatieRows = await listOnderwijslocaties(db);
  const aanbodRows = await listOpleidingsaanbod(db);
  const aanleverpunten = new Map<string, Set<string>>();
  for (const { brin, nummer } of aanleverpuntRows) {
    const set = aanleverpunten.get(brin) ?? new Set<string>();
    set.add(nummer);
    aanleverpunten.set(brin, set);
  }
  const instellingen = new Map<string, InstellingReferentie>();
  for (const i of instellingRows) {
    instellingen.set(i.brin, {
      brin: i.brin,
      naam: i.naam,
      bekostigd: i.bekostigd,
      aanleverpunten: aanleverpunten.get(i.brin) ?? new Set<string>(),
    });
  }
  const kwalificaties = new Map<string, KwalificatieReferentie>();
  for (const k of kwalificatieRows) {
    kwalificaties.set(k.crebo, {
      crebo: k.crebo,
      naam: k.naam,
      soort: k.soort,
      structuur: k.structuur,
      niveau: k.niveau,
      soortOpleiding: k.soortOpleiding,
      leerwegen: Object.freeze([...k.leerwegen]),
      kwalificatiedossier: k.kwalificatiedossier,
      opleidingsdomein: k.opleidingsdomein,
      geldigVanaf: k.geldigVanaf,
      geldigTot: k.geldigTot,
      instroomTot: k.instroomTot,
      // numeric(4,2) arrives as text; two decimals are exact enough as a JS number.
      prijsfactor: k.prijsfactor === null ? null : Number(k.prijsfactor),
      beroepsvereisten: k.beroepsvereisten,
    });
  }
  const onderwijslocaties = new Map<string, OnderwijslocatieReferentie>();
  for (const l of locatieRows) {
    onderwijslocaties.set(l.code, { code: l.code, brin: l.brin, naam: l.naam });
  }
  const aanbod: OpleidingsaanbodReferentie[] = aanbodRows.map((a) => ({
    brin: a.brin,
    crebo: a.crebo,
    leerweg: a.leerweg,
    niveau: a.niveau,
    onderwijslocatie: a.onderwijslocatie,
  }));
  return Object.freeze({ instellingen, kwalificaties, onderwijslocaties, aanbod: Object.freeze(aanbod) });
}

/**
 * Start-up step: when no institution is registered yet, reads the reference files from `folder` and
 * imports them, returning the summary; otherwise does nothing and returns undefined (re-importing is
 * the explicit `npm run import-referentie` command).
 */
export async function ensureReferentie(
  db: Kysely<DB>,
  folder: string,
  log: ReferentieLog,
): Promise<ImportSummary | undefined> {
  if (await hasInstellingen(db)) {
    return undefined;
  }
  log.info(`referentiegegevens ontbreken; importeren uit ${folder}`);
  const data = await readReferentie(folder);
  const summary = await importReferentie(db, data);
  log.info(
    `referentiegegevens geïmporteerd: ${summary.instellingen} instellingen, ${summary.kwalificaties} kwalificaties, ` +
      `${summary.onderwijslocaties} onderwijslocaties, ${summary.aanbod} aanbodregels ` +
      `(${summary.skippedRows} regels overgeslagen, ${summary.unmatchedInstellingsnamen} instellingsnamen niet gekoppeld)`,
  );
  return summary;
}
