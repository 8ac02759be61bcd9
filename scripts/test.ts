/**
 * `npm test`: the whole suite on both engines.
 *   1. PGlite (embedded), under TZ=Pacific/Kiritimati (UTC+14);
 *   2. PostgreSQL (TEST_DATABASE_URL, or DATABASE_URL, or postgresql://postgres@127.0.0.1:5432/postgres),
 *      under TZ=America/Los_Angeles (UTC−8), so no date may shift in either direction.
 * Without arguments it first runs the typecheck and lint (so CI keeps them clean).
 * `npm test -- pglite` or `npm test -- postgres` runs one engine; further arguments go to vitest.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const args = process.argv.slice(2);
const engines = ['pglite', 'postgres'];
const only = args.filter((a) => a === 'pglite' || a === 'postgres');
const rest = args.filter((a) => a !== 'pglite' && a !== 'postgres');
const run = only.length > 0 ? only : engines;
const vitest = path.resolve(import.meta.dirname, '..', 'node_modules', 'vitest', 'vitest.mjs');
const zones: Record<string, string> = { pglite: 'Pacific/Kiritimati', postgres: 'America/Los_Angeles' };

let failed = false;
const root = path.resolve(import.meta.dirname, '..');
if (rest.length === 0 && only.length === 0) {
  // The full run (CI, `npm test`) also keeps typecheck and lint clean.
  for (const [name, bin, binArgs] of [
    ['typecheck', 'node_modules/typescript/bin/tsc', ['--noEmit', '-p', '.']],
    ['lint', 'node_modules/@biomejs/biome/bin/biome', ['check', '.']],
  ] as const) {
    console.log(`\n=== ${name} ===`);
    const r = spawnSync(process.execPath, [path.join(root, bin), ...binArgs], {
      stdio: 'inherit',
      cwd: root,
    });
    if (r.status !== 0) {
      failed = true;
      console.error(`=== ${name} FAILED ===`);
    }
  }
}
for (const engine of run) {
  const env: NodeJS.ProcessEnv = { ...process.env, TEST_ENGINE: engine, TZ: zones[engine] };
  if (engine === 'postgres') {
    env.TEST_DATABASE_URL ??= process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  }
  console.log(`\n=== tests on ${engine} (TZ=${env.TZ}) ===`);
  const r = spawnSync(process.execPath, [vitest, 'run', ...rest], { stdio: 'inherit', env });
  if (r.status !== 0) {
    failed = true;
    console.error(`=== tests on ${engine} FAILED ===`);
  }
}
process.exit(failed ? 1 : 0);
