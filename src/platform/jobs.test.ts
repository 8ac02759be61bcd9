import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/test-db.ts';
import { backoffMs, claimJobs, enqueueJob, failJob, startWorker } from './jobs.ts';

describe('durable jobs', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.close();
  });

  it('does not add a second open job with the same soort and sleutel', async () => {
    await enqueueJob(t.db, { soort: 'dedup', sleutel: 'p1', data: { a: 1 } });
    await enqueueJob(t.db, { soort: 'dedup', sleutel: 'p1', data: { a: 2 } });
    await enqueueJob(t.db, { soort: 'dedup', sleutel: 'p2' });
    const rows = await t.db
      .selectFrom('job')
      .select(['sleutel', 'data'])
      .where('soort', '=', 'dedup')
      .execute();
    expect(rows.map((r) => r.sleutel).sort()).toEqual(['p1', 'p2']);
  });

  it('never hands one job to two claimers', async () => {
    for (let i = 0; i < 30; i++) {
      await enqueueJob(t.db, { soort: 'claim', data: { i } });
    }
    const [a, b, c] = await Promise.all([
      claimJobs(t.db, ['claim'], 12, 60_000),
      claimJobs(t.db, ['claim'], 12, 60_000),
      claimJobs(t.db, ['claim'], 12, 60_000),
    ]);
    const ids = [...(a ?? []), ...(b ?? []), ...(c ?? [])].map((j) => j.id);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });

  it('retries a failed job after a backoff, and gives up after max_pogingen', async () => {
    await enqueueJob(t.db, { soort: 'faal', maxPogingen: 2 });
    const [job] = await claimJobs(t.db, ['faal'], 1, 60_000);
    if (!job) {
      throw new Error('no job claimed');
    }
    expect(await failJob(t.db, job, new Error('BRP antwoordt niet'), 0)).toBe('wachtend');
    const [again] = await claimJobs(t.db, ['faal'], 1, 60_000);
    expect(again?.pogingen).toBe(2);
    if (!again) {
      throw new Error('not claimed again');
    }
    expect(await failJob(t.db, again, new Error('nog steeds niet'), 0)).toBe('mislukt');
    expect(await claimJobs(t.db, ['faal'], 1, 60_000)).toEqual([]);
    const row = await t.db
      .selectFrom('job')
      .select(['status', 'laatsteFout'])
      .where('id', '=', job.id)
      .executeTakeFirst();
    expect(row).toEqual({ status: 'mislukt', laatsteFout: 'nog steeds niet' });
  });

  it('claims a job again when its worker died (lease expired)', async () => {
    await enqueueJob(t.db, { soort: 'lease' });
    const [first] = await claimJobs(t.db, ['lease'], 1, 60_000);
    expect(first).toBeDefined();
    expect(await claimJobs(t.db, ['lease'], 1, 60_000)).toEqual([]);
    await sql`update job set locked_until = clock_timestamp() - interval '1 second' where soort = 'lease'`.execute(
      t.db,
    );
    const [second] = await claimJobs(t.db, ['lease'], 1, 60_000);
    expect(second?.id).toBe(first?.id);
  });

  it('a worker runs handlers and records completion and failure', async () => {
    await enqueueJob(t.db, { soort: 'werk-ok', data: { n: 1 } });
    await enqueueJob(t.db, { soort: 'werk-fout' });
    const seen: unknown[] = [];
    const worker = startWorker({
      db: t.db,
      autostart: false,
      handlers: {
        'werk-ok': async (job) => {
          seen.push(job.data);
        },
        'werk-fout': async () => {
          throw new Error('mislukt');
        },
      },
    });
    expect(await worker.runOnce()).toBe(2);
    await worker.stop();
    expect(seen).toEqual([{ n: 1 }]);
    const rows = await t.db
      .selectFrom('job')
      .select(['soort', 'status', 'pogingen'])
      .where('soort', 'in', ['werk-ok', 'werk-fout'])
      .orderBy('soort')
      .execute();
    expect(rows).toEqual([
      { soort: 'werk-fout', status: 'wachtend', pogingen: 1 },
      { soort: 'werk-ok', status: 'klaar', pogingen: 1 },
    ]);
  });

  it('backs off exponentially up to five minutes', () => {
    expect(backoffMs(1, () => 0.5)).toBe(1000);
    expect(backoffMs(4, () => 0.5)).toBe(8000);
    expect(backoffMs(30, () => 0.5)).toBe(300_000);
  });
});
