import { mkdirSync } from 'node:fs';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { CamelCasePlugin, Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './db-schema.ts';

export type Engine = 'postgres' | 'pglite';

/** An open database: the Kysely handle plus a raw multi-statement `exec` for migrations. */
export type Database = {
  engine: Engine;
  db: Kysely<DB>;
  /** Runs a script of several statements (migrations); not for user input. */
  exec(sqlText: string): Promise<void>;
  close(): Promise<void>;
};

/**
 * Both drivers return dates, int8 and timestamps as the strings PostgreSQL sends, so a date
 * never passes through a JS Date (no timezone shift) and both engines give identical rows.
 */
const RAW_TYPES = [20, 1082, 1114, 1184] as const; // int8, date, timestamp, timestamptz

function postgresTypes(): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: string) =>
      (RAW_TYPES as readonly number[]).includes(oid)
        ? (v: string) => v
        : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
  };
}

export function pgliteParsers(): Record<number, (v: string) => unknown> {
  return {
    [pgliteTypes.INT8]: (v: string) => v,
    [pgliteTypes.DATE]: (v: string) => v,
    [pgliteTypes.TIMESTAMP]: (v: string) => v,
    [pgliteTypes.TIMESTAMPTZ]: (v: string) => v,
  };
}

export function openPostgres(connectionString: string, poolSize = 20): Database {
  const pool = new pg.Pool({ connectionString, max: poolSize, types: postgresTypes() });
  // An idle client that loses its connection (server restart, a test dropping its database) emits
  // 'error' on the pool; pg then discards it. Without a listener that would crash the process.
  pool.on('error', () => undefined);
  // Sessions in UTC so timestamptz text is the same whatever the server's zone.
  pool.on('connect', (client) => {
    client.query("SET TIME ZONE 'UTC'").catch(() => undefined);
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
  return {
    engine: 'postgres',
    db,
    async exec(sqlText) {
      const client = await pool.connect();
      try {
        await client.query(sqlText);
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

/** Opens PGlite in `dataDir` (a folder on disk) or in memory ('memory://'), optionally from a dump. */
export async function openPglite(dataDir: string, loadDataDir?: Blob): Promise<Database> {
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true });
  }
  const pglite = await PGlite.create(dataDir, { parsers: pgliteParsers(), loadDataDir });
  await pglite.exec("SET TIME ZONE 'UTC'");
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }), plugins: [new CamelCasePlugin()] });
  return {
    engine: 'pglite',
    db,
    async exec(sqlText) {
      try {
        await pglite.exec(sqlText);
      } catch (error) {
        await pglite.exec('rollback').catch(() => undefined);
        throw error;
      }
    },
    async close() {
      await db.destroy();
    },
    // exposed for test snapshots
    ...{ pglite },
  };
}

export async function openDatabase(config: {
  databaseUrl: string | undefined;
  dataDir: string;
  dbPoolSize?: number;
}) {
  return config.databaseUrl
    ? openPostgres(config.databaseUrl, config.dbPoolSize)
    : openPglite(config.dataDir);
}
