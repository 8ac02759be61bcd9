/**
 * `npm run docs`: regenerates the documents that are derived from code, so they stay true:
 * - docs/controles.md from the code catalogue (src/aanlevering/codes.ts);
 * - openapi/koppelvlak.json from the route schemas (the same document the API serves at /openapi.json).
 * scripts/docs.test.ts fails when a committed copy is stale.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CODES } from '../src/aanlevering/codes.ts';
import { buildApp } from '../src/app.ts';
import { fixedClock } from '../src/platform/clock.ts';
import { PROJECT_ROOT } from '../src/platform/config.ts';
import { openPglite } from '../src/platform/db.ts';

export function renderControles(): string {
  const rows = Object.values(CODES)
    .slice()
    .sort((a, b) => (a.code < b.code ? -1 : 1))
    .map((d) => `| ${d.code} | ${d.ernst} | ${'regel' in d ? d.regel : '–'} | ${d.titel} |`);
  return [
    '# Controles op het koppelvlak aanleveren',
    '',
    'Generated from `src/aanlevering/codes.ts` by `npm run docs`; do not edit by hand.',
    '',
    'Every finding carries a stable `code`, an `ernst` (A = afkeurend: the whole melding is rejected and nothing',
    'is stored; S = signaal: the melding is accepted and the signal is returned), the record and field it concerns',
    '(a JSON pointer into the melding where possible) and a Dutch text. The 7xx and 8xx codes are the codes DUO',
    'used in BRON feedback files; 6xx codes are this register’s own, for checks without a known DUO code. `regel` is the',
    'number of the check in the domain brief (DOMAIN.md §7).',
    '',
    '| code | ernst | regel | controle |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

export async function renderOpenapi(): Promise<string> {
  const database = await openPglite('memory://');
  try {
    const app = await buildApp({
      database,
      referentie: () => ({
        instellingen: new Map(),
        kwalificaties: new Map(),
        onderwijslocaties: new Map(),
        aanbod: [],
      }),
      clock: fixedClock('2026-01-01T00:00:00Z'),
      authSecret: new TextEncoder().encode('docs-only'),
    });
    await app.ready();
    const doc = JSON.stringify(app.swagger(), null, 2);
    await app.close();
    return `${doc}\n`;
  } finally {
    await database.close();
  }
}

if (import.meta.main) {
  for (const [file, text] of [
    [path.join('docs', 'controles.md'), renderControles()],
    [path.join('openapi', 'koppelvlak.json'), await renderOpenapi()],
  ] as const) {
    const full = path.join(PROJECT_ROOT, file);
    const before = existsSync(full) ? readFileSync(full, 'utf8') : undefined;
    if (before === text) {
      console.log(`${file}: ongewijzigd`);
    } else {
      writeFileSync(full, text);
      console.log(`${file}: bijgewerkt`);
    }
  }
}
