import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/test-db.ts';
import { migrate } from './migrate.ts';

describe('migrate', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('records every migration once and applies nothing on a second run', async () => {
    const { rows } = await sql<{ name: string }>`select name from schema_migration order by name`.execute(
      database.db,
    );
    expect(rows.map((r) => r.name)).toContain('0002_inschrijving.sql');
    expect(await migrate(database)).toEqual([]);
  });

  it('returns dates as the text PostgreSQL stores, whatever the process time zone', async () => {
    const { rows } = await sql<{ d: string }>`select '2024-08-15'::date as d`.execute(database.db);
    expect(rows[0]?.d).toBe('2024-08-15');
  });
});
