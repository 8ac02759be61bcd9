/**
 * `npm run import-referentie -- [folder]`: replaces the reference data (instellingen, kwalificaties,
 * onderwijslocaties, opleidingsaanbod) with the files in `folder` (default: the configured reference
 * data folder, see platform/config.ts) and prints what was imported and what was left out.
 * Exits 1 with the file (and line) when a file is missing or malformed; nothing is changed then.
 */
import path from 'node:path';
import { loadConfig } from '../src/platform/config.ts';
import { lockDataDir } from '../src/platform/datadir-lock.ts';
import { openDatabase } from '../src/platform/db.ts';
import { migrate } from '../src/platform/migrate.ts';
import { importReferentie, readReferentie } from '../src/referentie/referentie.import.ts';
import type { ReferentieData } from '../src/referentie/referentie.ts';

const config = loadConfig();
const folderArg = process.argv.slice(2).find((a) => !a.startsWith('-'));
const folder = folderArg ? path.resolve(folderArg) : config.referenceData;
const source = folderArg ? 'opgegeven' : config.referenceDataSource;

console.log(`Referentiegegevens inlezen uit / reading reference data from: ${folder} (${source})`);

let data: ReferentieData;
try {
  data = await readReferentie(folder);
} catch (error) {
  console.error(
    `Import afgebroken / import aborted: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
}

if (!config.databaseUrl) {
  try {
    lockDataDir(config.dataDir);
  } catch (error) {
    console.error(
      `Import afgebroken / import aborted: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  }
}
console.log(
  `Database: ${config.databaseUrl ? `PostgreSQL ${new URL(config.databaseUrl).host}${new URL(config.databaseUrl).pathname}` : `ingebouwde PGlite in ${config.dataDir}`}`,
);
const database = await openDatabase(config);
try {
  await migrate(database);
  const s = await importReferentie(database.db, data);
  const r = data.report;
  const lines = [
    `Geïmporteerd / imported in ${s.durationMs} ms (${database.engine}):`,
    `  instellingen        ${s.instellingen} (bekostigd ${s.instellingenBekostigd}, niet-bekostigd ${s.instellingenNietBekostigd})`,
    `  aanleverpunten      ${s.aanleverpunten}`,
    `  kwalificaties       ${s.kwalificaties} (kwalificatie ${s.kwalificatiesPerSoort.kwalificatie}, ` +
      `kwalificatiedossier ${s.kwalificatiesPerSoort.kwalificatiedossier}, ` +
      `opleidingsdomein ${s.kwalificatiesPerSoort.opleidingsdomein}, opleiding ${s.kwalificatiesPerSoort.opleiding})`,
    `  onderwijslocaties   ${s.onderwijslocaties} (synthetische RIO-achtige codes / synthetic RIO-style codes)`,
    `  opleidingsaanbod    ${s.aanbod}`,
    `Aanbodregels / offering rows 2015: ${r.aanbodRows.total}, instelling gekoppeld / matched ${r.aanbodRows.matched}, ` +
      `niet gekoppeld / unmatched ${r.aanbodRows.unmatchedInstelling}`,
  ];
  if (s.instellingenBehouden.length > 0) {
    lines.push(
      `Behouden (niet meer in de lijst, wel inschrijvingen) / kept: ${s.instellingenBehouden.join(', ')}`,
    );
  }
  if (r.unmatchedInstellingsnamen.length > 0) {
    lines.push(
      `Niet gekoppelde instellingsnamen / unmatched institution names (${r.unmatchedInstellingsnamen.length}):`,
    );
    for (const u of r.unmatchedInstellingsnamen) {
      const why =
        u.ambiguousBrins.length > 0 ? `, meerduidig / ambiguous: ${u.ambiguousBrins.join(' ')}` : '';
      lines.push(`  ${u.naam} (${u.rows} regels${why})`);
    }
  }
  if (r.skippedRows.length > 0) {
    lines.push(`Overgeslagen regels / skipped rows (${r.skippedRows.length}):`);
    for (const k of r.skippedRows) {
      lines.push(`  ${k.file}:${k.line}: ${k.reason}`);
    }
  }
  console.log(lines.join('\n'));
} catch (error) {
  console.error(`Import mislukt / import failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
