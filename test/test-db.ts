import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PGliteDialect } from 'kysely';
import { type Database, type Engine, openPostgres, pgliteParsers } from '../src/platform/db.ts';
import type { DB } from '../src/platform/db-schema.ts';
import { migrate } from '../src/platform/migrate.ts';

/**
 * Test databases on the engine chosen by TEST_ENGINE (`pglite`, default, or `postgres`).
 * Every call gives a fresh, migrated, empty database:
 * - PGlite: an in-memory instance loaded from a migrated template dump (≈0.5 s instead of ≈3 s);
 * - PostgreSQL: a new database created from a migrated template database (TEST_DATABASE_URL, default
 *   postgresql://postgres@127.0.0.1:5432/postgres), dropped on close.
 * Tests therefore always run against a real database engine, never a mock.
 */
export const TEST_ENGINE: Engine = process.env.TEST_ENGINE === 'postgres' ? 'postgres' : 'pglite';
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

let pgliteTemplate: Promise<Blob> | undefined;

async function buildPgliteTemplate(): Promise<Blob> {
  const pglite = await PGlite.create('memory://', { parsers: pgliteParsers() });
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }), plugins: [new CamelCasePlugin()] });
  await migrate({
    engine: 'pglite',
    db,
    exec: async (s) => void (await pglite.exec(s)),
    close: async () => {},
  });
  const dump = await pglite.dumpDataDir('none');
  await pglite.close();
  return dump;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The connection string of a PostgreSQL test database by name (for code that opens its own pg clients). */
export function postgresTestUrl(name: string): string {
  return withDatabase(ADMIN_URL, name);
}

let pgTemplate: Promise<string> | undefined;

async function buildPostgresTemplate(): Promise<string> {
  const name = `mbo_test_tpl_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = openPostgres(ADMIN_URL, 2);
  try {
    await admin.exec(`create database ${name}`);
  } finally {
    await admin.close();
  }
  const tpl = openPostgres(withDatabase(ADMIN_URL, name), 2);
  try {
    await migrate(tpl);
  } finally {
    await tpl.close();
  }
  return name;
}

export type TestDatabase = Database & { name: string };

export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_ENGINE === 'pglite') {
    pgliteTemplate ??= buildPgliteTemplate();
    const pglite = await PGlite.create('memory://', {
      parsers: pgliteParsers(),
      loadDataDir: await pgliteTemplate,
    });
    await pglite.exec("SET TIME ZONE 'UTC'");
    const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }), plugins: [new CamelCasePlugin()] });
    return {
      name: 'pglite',
      engine: 'pglite',
      db,
      async exec(s) {
        await pglite.exec(s);
      },
      async close() {
        await db.destroy();
      },
    };
  }
  pgTemplate ??= buildPostgresTemplate();
  const template = await pgTemplate;
  const name = `mbo_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = openPostgres(ADMIN_URL, 1);
  try {
    await admin.exec(`create database ${name} template ${template}`);
  } finally {
    await admin.close();
  }
  const database = openPostgres(withDatabase(ADMIN_URL, name), 10);
  return {
    ...database,
    name,
    async close() {
      await database.close();
      const a = openPostgres(ADMIN_URL, 1);
      try {
        await a.exec(`drop database if exists ${name} with (force)`);
      } finally {
        await a.close();
      }
    },
  };
}
