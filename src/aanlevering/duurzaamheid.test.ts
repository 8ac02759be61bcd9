import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsn, inschrijvingMelding } from '../../test/factories.ts';
import { MELDINGEN } from '../../test/koppelvlak.ts';
import { TEST_ENGINE } from '../../test/test-db.ts';
import { signToken } from '../platform/auth.ts';
import { PROJECT_ROOT, SYNTHETIC_REFERENCE_DATA } from '../platform/config.ts';
import { addDays, dutchDate } from '../platform/dates.ts';
import { type Database, openPglite, openPostgres } from '../platform/db.ts';
import { readReferentie } from '../referentie/referentie.import.ts';

/**
 * Durability: the real server (`node src/main.ts`) is killed with SIGKILL while meldingen are in
 * flight; after a restart on the same data, every melding it answered 200 is in the archive and its
 * inschrijving exists, and nothing is half-stored. On PGlite (DATA_DIR) or, when TEST_ENGINE=postgres,
 * on a fresh PostgreSQL database.
 */

const SECRET = 'duurzaamheid-test-secret-0123456789abcdef';
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

type Server = { proc: ChildProcess; port: number; output: () => string; exited: Promise<void> };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function start(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const proc = spawn(process.execPath, [path.join(PROJECT_ROOT, 'src', 'main.ts')], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      TZ: process.env.TZ ?? 'UTC',
      PORT: String(port),
      HOST: '127.0.0.1',
      REFERENCE_DATA: SYNTHETIC_REFERENCE_DATA,
      LOG_LEVEL: 'warn',
      AUTH_SECRET: SECRET,
      // The embedded SBB simulator on a port of the OS's choosing: 8091 may be taken by another run.
      SBB_SIM_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`server stopped before it was ready:\n${out}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`server not ready within 60 s:\n${out}`);
    }
    await sleep(50);
  }
  return { proc, port, output: () => out, exited };
}

async function stop(server: Server, signal: NodeJS.Signals): Promise<void> {
  if (server.proc.exitCode === null && server.proc.signalCode === null) {
    server.proc.kill(signal);
  }
  await server.exited;
}

type Zending = {
  raw: string;
  bsn: string;
  berichtId: string;
  status?: number;
  body?: { meldingId?: string; status?: string };
  fout?: unknown;
};

describe('a killed server loses no melding it answered', () => {
  let dataDir: string;
  let dbName: string | undefined;
  let env: Record<string, string>;
  let token: string;
  let loc: string;
  const servers: Server[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'mbo-duurzaamheid-'));
    env = { DATA_DIR: path.join(dataDir, 'data') };
    if (TEST_ENGINE === 'postgres') {
      dbName = `mbo_test_${process.pid}_${randomBytes(4).toString('hex')}`;
      const admin = openPostgres(ADMIN_URL, 1);
      try {
        await admin.exec(`create database ${dbName}`);
      } finally {
        await admin.close();
      }
      const url = new URL(ADMIN_URL);
      url.pathname = `/${dbName}`;
      env.DATABASE_URL = url.toString();
    }
    token = await signToken(new TextEncoder().encode(SECRET), 'instelling:91ZA');
    const ref = await readReferentie(SYNTHETIC_REFERENCE_DATA);
    const l = ref.onderwijslocaties.find((x) => x.brin === '91ZA');
    if (!l) {
      throw new Error('no onderwijslocatie of 91ZA in the synthetic set');
    }
    loc = l.code;
  });

  afterAll(async () => {
    for (const s of servers) {
      await stop(s, 'SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
    if (dbName !== undefined) {
      const admin = openPostgres(ADMIN_URL, 1);
      try {
        await admin.exec(`drop database if exists ${dbName} with (force)`);
      } finally {
        await admin.close();
      }
    }
  });

  it('SIGKILL with meldingen in flight, restart on the same data: every 200 is archived and stored', async () => {
    const vandaag = dutchDate(new Date());
    let volgende = 0;
    const maak = (): Zending => {
      const nummer = bsn(7000 + volgende++);
      const m = inschrijvingMelding({
        bsn: nummer,
        onderwijslocatie: loc,
        geboortedatum: '2000-01-01',
        datumInschrijving: vandaag,
        datumUitschrijvingGepland: addDays(vandaag, 365),
      });
      return { raw: JSON.stringify(m), bsn: nummer, berichtId: m.berichtId };
    };
    const zend = async (port: number, z: Zending): Promise<void> => {
      z.status = undefined;
      z.body = undefined;
      z.fout = undefined;
      try {
        const res = await fetch(`http://127.0.0.1:${port}${MELDINGEN}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: z.raw,
        });
        z.status = res.status;
        z.body = (await res.json()) as Zending['body'];
      } catch (error) {
        z.fout = error;
      }
    };

    const eerste = await start(env);
    servers.push(eerste);
    const alle: Zending[] = [];
    let gedood = false;
    // a burst of 50 at once, and a steady stream on top so there is always work in flight
    const burst = Array.from({ length: 50 }, () => {
      const z = maak();
      alle.push(z);
      return zend(eerste.port, z);
    });
    const stroom = Array.from({ length: 8 }, async () => {
      while (!gedood) {
        const z = maak();
        alle.push(z);
        await zend(eerste.port, z);
      }
    });
    const deadline = Date.now() + 30_000;
    while (alle.filter((z) => z.status === 200).length < 25 && Date.now() < deadline) {
      await sleep(2);
    }
    eerste.proc.kill('SIGKILL');
    gedood = true;
    await Promise.all([...burst, ...stroom]);
    await eerste.exited;

    const beantwoord = alle.filter((z) => z.status === 200);
    expect(beantwoord.length, eerste.output()).toBeGreaterThanOrEqual(25);
    expect(alle.filter((z) => z.status !== undefined && z.status !== 200)).toEqual([]);
    // the kill hit work in flight
    expect(alle.filter((z) => z.fout !== undefined).length).toBeGreaterThan(0);

    const tweede = await start(env);
    servers.push(tweede);
    for (const z of beantwoord) {
      const meldingId = z.body?.meldingId;
      expect(meldingId, z.berichtId).toBeDefined();
      const res = await fetch(`http://127.0.0.1:${tweede.port}${MELDINGEN}/${meldingId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status, z.berichtId).toBe(200);
      const archief = (await res.json()) as {
        bericht: string;
        berichtId: string;
        status: string;
        httpStatus: number;
      };
      expect(archief).toMatchObject({
        bericht: z.raw,
        berichtId: z.berichtId,
        status: z.body?.status,
        httpStatus: 200,
      });
    }
    // the SIS re-sends what got no answer: processed now, or the original answer when it had been committed
    const onbeantwoord = alle.filter((z) => z.status !== 200);
    for (const z of onbeantwoord) {
      await zend(tweede.port, z);
      expect(z.status, `${z.berichtId}: ${String(z.fout)}`).toBe(200);
    }
    await stop(tweede, 'SIGTERM');

    // the register itself: every melding once, with its person and one current inschrijving, nothing half
    const database: Database =
      env.DATABASE_URL !== undefined
        ? openPostgres(env.DATABASE_URL, 2)
        : await openPglite(env.DATA_DIR ?? '');
    try {
      const db = database.db;
      const meldingen = await db
        .selectFrom('melding')
        .select(['berichtId', 'status', 'httpStatus'])
        .execute();
      expect(meldingen.filter((m) => m.httpStatus !== 200)).toEqual([]);
      expect(meldingen.map((m) => m.berichtId).sort()).toEqual(alle.map((z) => z.berichtId).sort());
      const { rows } = await sql<{ bsn: string; huidig: number; meldingstatus: string }>`
        select p.bsn, count(v.id)::int as huidig, min(m.status) as meldingstatus
        from persoon p
        join inschrijving i on i.persoon_id = p.id
        join inschrijving_versie v on v.inschrijving_id = i.id and v.registered_until is null
        join melding m on m.id = v.melding_id
        group by p.bsn`.execute(db);
      expect(rows.map((r) => r.bsn).sort()).toEqual(alle.map((z) => z.bsn).sort());
      expect(rows.filter((r) => r.huidig !== 1 || !r.meldingstatus.startsWith('goedgekeurd'))).toEqual([]);
      const periodes = await sql<{ n: number }>`
        select count(*)::int as n from inschrijvingsperiode_versie where registered_until is null`.execute(
        db,
      );
      expect(periodes.rows[0]?.n).toBe(alle.length);
    } finally {
      await database.close();
    }
  }, 150_000);
});
