import { sql } from 'kysely';
import { openPostgres } from '../src/platform/db.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Drops the template and test databases of test processes that are gone (a PostgreSQL run
 * that was interrupted, or this run's workers after they exit).
 */
export async function teardown(): Promise<void> {
  if (process.env.TEST_ENGINE !== 'postgres') {
    return;
  }
  const admin = openPostgres(
    process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    1,
  );
  try {
    const { rows } = await sql<{
      datname: string;
    }>`select datname from pg_database where datname like 'mbo_test_%'`.execute(admin.db);
    for (const { datname } of rows) {
      const pid = Number(/^mbo_test_(?:tpl_)?(\d+)_/.exec(datname)?.[1]);
      if (Number.isInteger(pid) && !alive(pid)) {
        await admin.exec(`drop database if exists ${datname} with (force)`);
      }
    }
  } finally {
    await admin.close();
  }
}
