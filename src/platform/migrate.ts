import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { PROJECT_ROOT } from './config.ts';
import type { Database } from './db.ts';

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'migrations');
const MIGRATION_LOCK = 72_011_001; // arbitrary, constant advisory-lock key

/**
 * Applies the forward-only SQL files in migrations/ (NNNN_name.sql) in order, each in its own
 * transaction, under a session advisory lock so two starting processes never race.
 * Returns the names it applied.
 */
export async function migrate(database: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  const applied: string[] = [];
  await database.db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      await sql`create table if not exists schema_migration (
        name text primary key, applied_at timestamptz not null default now())`.execute(conn);
      const done = new Set(
        (await sql<{ name: string }>`select name from schema_migration`.execute(conn)).rows.map(
          (r) => r.name,
        ),
      );
      for (const file of files) {
        if (done.has(file)) {
          continue;
        }
        const text = readFileSync(path.join(dir, file), 'utf8');
        const escaped = file.replaceAll("'", "''");
        await database.exec(
          `begin;\n${text}\n;insert into schema_migration (name) values ('${escaped}');\ncommit;`,
        );
        applied.push(file);
      }
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
  return applied;
}
