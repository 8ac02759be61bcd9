import { type Kysely, sql } from 'kysely';
import type { DB, JobStatus } from './db-schema.ts';
import type { Executor } from './executor.ts';

/**
 * Durable background jobs in the register's own database (table `job`), on PostgreSQL and PGlite alike.
 * Jobs are claimed with FOR UPDATE SKIP LOCKED under a lease; a failed job is retried with exponential
 * backoff until max_pogingen; a job whose worker died is claimed again when its lease expires. Delivery is
 * at-least-once: handlers must be idempotent. Enqueue jobs in the same transaction as the change that needs
 * them (transactional outbox), and never hold a transaction open across the external call a handler makes.
 */

export type Job = {
  id: string;
  soort: string;
  sleutel: string | null;
  data: unknown;
  pogingen: number;
  maxPogingen: number;
};

export type JobHandler = (job: Job) => Promise<void>;

/** Adds a job; with a `sleutel`, a second open job of the same soort and sleutel is not added. */
export async function enqueueJob(
  ex: Executor,
  job: { soort: string; sleutel?: string; data?: unknown; vertragingMs?: number; maxPogingen?: number },
): Promise<void> {
  await ex
    .insertInto('job')
    .values({
      soort: job.soort,
      sleutel: job.sleutel ?? null,
      data: JSON.stringify(job.data ?? {}),
      ...(job.maxPogingen === undefined ? {} : { maxPogingen: job.maxPogingen }),
      ...(job.vertragingMs === undefined
        ? {}
        : {
            volgendePoging: sql<string>`clock_timestamp() + ${`${job.vertragingMs} milliseconds`}::interval`,
          }),
    } as never)
    .onConflict((oc) =>
      oc
        .columns(['soort', 'sleutel'])
        .where('sleutel', 'is not', null)
        .where('status', 'in', ['wachtend', 'bezig'])
        .doNothing(),
    )
    .execute();
}

/** Claims up to `limit` due jobs of the given soorten for `leaseMs`. */
export async function claimJobs(
  db: Kysely<DB>,
  soorten: readonly string[],
  limit: number,
  leaseMs: number,
): Promise<Job[]> {
  if (soorten.length === 0) {
    return [];
  }
  const { rows } = await sql<Job>`
    update job set status = 'bezig', pogingen = pogingen + 1,
      locked_until = clock_timestamp() + ${`${leaseMs} milliseconds`}::interval, updated_at = clock_timestamp()
    where id in (
      select id from job
      where soort = any(${`{${soorten.map((s) => `"${s.replaceAll('"', '')}"`).join(',')}}`}::text[])
        and ((status = 'wachtend' and volgende_poging <= clock_timestamp())
          or (status = 'bezig' and locked_until < clock_timestamp()))
      order by volgende_poging
      limit ${limit}
      for update skip locked
    )
    returning id::text as id, soort, sleutel, data, pogingen, max_pogingen
  `.execute(db);
  return rows;
}

export async function completeJob(ex: Executor, id: string): Promise<void> {
  await ex
    .updateTable('job')
    .set({ status: 'klaar', lockedUntil: null, laatsteFout: null, updatedAt: sql<string>`clock_timestamp()` })
    .where('id', '=', id)
    .execute();
}

/** Extends the lease of a running job (a long job renews it as it makes progress, so a short lease suffices). */
export async function renewJobLease(ex: Executor, id: string, leaseMs: number): Promise<void> {
  await sql`update job set locked_until = clock_timestamp() + ${`${leaseMs} milliseconds`}::interval,
    updated_at = clock_timestamp() where id = ${id} and status = 'bezig'`.execute(ex);
}

/** Backoff before attempt n+1: 1 s, 2 s, 4 s … capped at 5 minutes, with ±20% jitter. */
export function backoffMs(pogingen: number, random: () => number = Math.random): number {
  const base = Math.min(300_000, 1000 * 2 ** Math.max(0, pogingen - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Records a failed attempt: retried after a backoff, or `mislukt` after the last attempt. */
export async function failJob(
  ex: Executor,
  job: Job,
  error: unknown,
  delayMs = backoffMs(job.pogingen),
): Promise<JobStatus> {
  const status: JobStatus = job.pogingen >= job.maxPogingen ? 'mislukt' : 'wachtend';
  await ex
    .updateTable('job')
    .set({
      status,
      lockedUntil: null,
      laatsteFout: (error instanceof Error ? error.message : String(error)).slice(0, 1000),
      volgendePoging: sql<string>`clock_timestamp() + ${`${delayMs} milliseconds`}::interval`,
      updatedAt: sql<string>`clock_timestamp()`,
    })
    .where('id', '=', job.id)
    .execute();
  return status;
}

export type Worker = {
  /** Claims and runs due jobs once; returns how many ran. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
};

/**
 * Runs handlers for due jobs in the background, polling every `pollMs` (and at once after a busy round).
 * Each job runs outside any transaction; its completion or failure is recorded afterwards.
 */
export function startWorker(args: {
  db: Kysely<DB>;
  handlers: Readonly<Record<string, JobHandler>>;
  pollMs?: number;
  batch?: number;
  leaseMs?: number;
  log?: (message: string) => void;
  autostart?: boolean;
}): Worker {
  const soorten = Object.keys(args.handlers);
  const pollMs = args.pollMs ?? 500;
  const batch = args.batch ?? 20;
  const leaseMs = args.leaseMs ?? 60_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  const runOnce = async (): Promise<number> => {
    const jobs = await claimJobs(args.db, soorten, batch, leaseMs);
    await Promise.all(
      jobs.map(async (job) => {
        const handler = args.handlers[job.soort];
        try {
          if (!handler) {
            throw new Error(`geen handler voor ${job.soort}`);
          }
          await handler(job);
          await completeJob(args.db, job.id);
        } catch (error) {
          const status = await failJob(args.db, job, error);
          if (status === 'mislukt') {
            args.log?.(`job ${job.id} (${job.soort}) definitief mislukt: ${String(error)}`);
          }
        }
      }),
    );
    return jobs.length;
  };

  const loop = () => {
    if (stopped) {
      return;
    }
    running = runOnce().catch((error: unknown) => {
      args.log?.(`jobs: ${String(error)}`);
      return 0;
    });
    void running.then((n) => {
      if (!stopped) {
        timer = setTimeout(loop, n >= batch ? 0 : pollMs);
      }
    });
  };
  if (args.autostart !== false) {
    timer = setTimeout(loop, 0);
  }
  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer) {
        clearTimeout(timer);
      }
      await running;
    },
  };
}
