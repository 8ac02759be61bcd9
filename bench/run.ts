/**
 * `npm run bench`: measures intake on PostgreSQL and on PGlite with the SIS simulator's meldingen, and a
 * baseline of the same rows written by plain multi-row INSERTs without the API. Writes
 * bench/results/latest.json and bench/results/latest.md.
 *
 * Each engine: a fresh register (server as a child process, as `npm start` runs it), a warm-up school year,
 * then the measured school year at fixed concurrency. Figures are medians of nothing: one run each, on
 * whatever else the machine is doing — read them as indications and rerun for comparisons.
 *
 * Options (env): BENCH_STUDENTEN (PostgreSQL, default 3000), BENCH_STUDENTEN_PGLITE (default 800),
 * BENCH_CONCURRENCY (16), BENCH_DATABASE_URL (admin URL, default postgresql://postgres@127.0.0.1:5432/postgres),
 * BENCH_IDENTIFICATIE_STUDENTEN (1000) and BENCH_BACKLOG (10000) for the identification figures
 * (bench/identificatie.ts); BENCH_ONLY=identificatie runs only those and merges them into latest.json.
 * BENCH_BEKOSTIGING_INSCHRIJVINGEN (500000; 0 skips the stage) and BENCH_BEKOSTIGING_UITLEG (1000) size the
 * bekostiging stage (bench/bekostiging.ts); BENCH_ONLY=bekostiging runs only that one and merges it into
 * latest.json and latest.md.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { schooljaarOf } from '../sim/sis/datum.ts';
import { runSis, type SisSummary } from '../sim/sis/sis.ts';
import { signToken } from '../src/platform/auth.ts';
import { PROJECT_ROOT } from '../src/platform/config.ts';
import { type BekostigingBench, benchBekostiging, renderBekostiging } from './bekostiging.ts';
import { benchIdentificatie, type IdentificatieBench } from './identificatie.ts';
import { type Server, startServer as startServerWith } from './server.ts';

const STUDENTEN_PG = Number(process.env.BENCH_STUDENTEN ?? 3000);
const STUDENTEN_PGLITE = Number(process.env.BENCH_STUDENTEN_PGLITE ?? 800);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const RESULTATEN_STUDENTEN = Number(process.env.BENCH_STUDENTEN_RESULTATEN ?? 1000);
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const BEKOSTIGING_INSCHRIJVINGEN = Number(process.env.BENCH_BEKOSTIGING_INSCHRIJVINGEN ?? 500_000);
const BEKOSTIGING_UITLEG = Number(process.env.BENCH_BEKOSTIGING_UITLEG ?? 1000);
const SECRET = `bench-${process.pid}-${Date.now()}`;
const RESULTS = path.join(PROJECT_ROOT, 'bench', 'results');

/** Register tables a melding writes to (not the reference data). */
const REGISTER_TABLES = [
  'melding',
  'persoon',
  'persoon_gegevens',
  'persoon_identificatie',
  'inschrijving',
  'inschrijving_versie',
  'inschrijvingsperiode',
  'inschrijvingsperiode_versie',
  'extra_ondersteuning',
  'extra_ondersteuning_versie',
  'resultaat',
  'resultaat_versie',
  'bpv',
  'bpv_versie',
  'job',
  'signaal',
  'outbox_event',
  'audit_log',
] as const;

function say(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function dbUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(sqlText: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sqlText);
  } finally {
    await c.end();
  }
}

const startServer = (env: NodeJS.ProcessEnv): Promise<Server> => startServerWith(env, SECRET);

const token = (brin: string) => signToken(new TextEncoder().encode(SECRET), `instelling:${brin}`);
/** Back-dated enrolments of final-year students touch teldata closed by the mutatiestop: the accountant delivers. */
const accountantToken = (brin: string) => signToken(new TextEncoder().encode(SECRET), `accountant:${brin}`);

type IntakeResult = {
  studenten: number;
  concurrency: number;
  meldingen: number;
  bpvRecords: number;
  goedgekeurd: number;
  afgekeurd: number;
  fouten: number;
  meldingenPerSec: number;
  p50Ms: number;
  p99Ms: number;
  durationSec: number;
  serverPeakRssMb: number;
};

/** The register's today: the simulator holds back results dated after it (the register would reject them, 682). */
const VANDAAG = new Date().toISOString().slice(0, 10);

async function measureIntake(
  label: string,
  server: Server,
  studenten: number,
  seed: number,
  schooljaar?: number,
): Promise<SisSummary> {
  say(`${label}: ${studenten} studenten, concurrency ${CONCURRENCY}, BPV bij de SBB-simulator`);
  return runSis({
    url: server.url,
    studenten,
    seed,
    concurrency: CONCURRENCY,
    instellingen: 5,
    token,
    accountantToken,
    vandaag: VANDAAG,
    ...(schooljaar === undefined ? {} : { schooljaar }),
    sbbUrl: server.sbbUrl,
  });
}

function toResult(s: SisSummary, studenten: number, rss: number): IntakeResult {
  return {
    studenten,
    concurrency: CONCURRENCY,
    meldingen: s.meldingen,
    bpvRecords: s.perSoort.bpv,
    goedgekeurd: s.goedgekeurd,
    afgekeurd: s.afgekeurd,
    fouten: s.fouten,
    meldingenPerSec: s.meldingenPerSec,
    p50Ms: s.latencyMs.p50,
    p99Ms: s.latencyMs.p99,
    durationSec: s.duurSec,
    serverPeakRssMb: rss,
  };
}

async function countRowsWhere(url: string, text: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return Number((await c.query(text)).rows[0].n);
  } finally {
    await c.end();
  }
}

async function countRows(url: string): Promise<{ total: number; perTable: Record<string, number> }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const perTable: Record<string, number> = {};
    for (const t of REGISTER_TABLES) {
      perTable[t] = Number((await c.query(`select count(*)::int as n from ${t}`)).rows[0].n);
    }
    return { total: Object.values(perTable).reduce((a, b) => a + b, 0), perTable };
  } finally {
    await c.end();
  }
}

/**
 * Baseline: the rows the API wrote, read back and written again into a fresh, migrated database by plain
 * multi-row INSERTs (≤1000 rows per statement, one transaction), without the API. Same rows, same indexes.
 */
async function baseline(
  sourceUrl: string,
  targetUrl: string,
): Promise<{ rows: number; seconds: number; rowsPerSec: number }> {
  const src = new pg.Client({ connectionString: sourceUrl });
  const dst = new pg.Client({ connectionString: targetUrl });
  await src.connect();
  await dst.connect();
  try {
    const data: { table: string; columns: string[]; rows: unknown[][] }[] = [];
    for (const table of REGISTER_TABLES) {
      const r = await src.query({ text: `select * from ${table} order by 1`, rowMode: 'array' });
      data.push({ table, columns: r.fields.map((f) => f.name), rows: r.rows as unknown[][] });
    }
    const started = process.hrtime.bigint();
    let rows = 0;
    await dst.query('begin');
    for (const { table, columns, rows: all } of data) {
      const per = Math.max(1, Math.min(1000, Math.floor(60_000 / columns.length)));
      for (let i = 0; i < all.length; i += per) {
        const chunk = all.slice(i, i + per);
        const params: unknown[] = [];
        const tuples = chunk.map((row) => `(${row.map((v) => `$${params.push(v)}`).join(',')})`);
        await dst.query(`insert into ${table} (${columns.join(',')}) values ${tuples.join(',')}`, params);
        rows += chunk.length;
      }
    }
    await dst.query('commit');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { rows, seconds, rowsPerSec: Math.round(rows / seconds) };
  } finally {
    await src.end();
    await dst.end();
  }
}

async function identificatie(): Promise<IdentificatieBench> {
  const db = `mbo_bench_ident_${process.pid}_${Date.now()}`;
  await admin(`create database ${db}`);
  try {
    return await benchIdentificatie({
      startServer,
      databaseUrl: dbUrl(db),
      token,
      concurrency: CONCURRENCY,
      studenten: Number(process.env.BENCH_IDENTIFICATIE_STUDENTEN ?? 1000),
      backlog: Number(process.env.BENCH_BACKLOG ?? 10_000),
      say,
    });
  } finally {
    await admin(`drop database if exists ${db} with (force)`).catch(() => undefined);
  }
}

async function bekostiging(): Promise<BekostigingBench | undefined> {
  if (!(BEKOSTIGING_INSCHRIJVINGEN > 0)) {
    return undefined;
  }
  return benchBekostiging({
    adminUrl: ADMIN_URL,
    inschrijvingen: BEKOSTIGING_INSCHRIJVINGEN,
    uitleg: BEKOSTIGING_UITLEG,
    say,
  });
}

/** Replaces (or appends) the bekostiging section of latest.md, which runs to the end of the file. */
function withBekostigingSection(markdown: string, b: BekostigingBench): string {
  const i = markdown.indexOf('## Bekostiging');
  return `${(i < 0 ? markdown : markdown.slice(0, i)).trimEnd()}\n\n${renderBekostiging(b)}`;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  if (process.env.BENCH_ONLY === 'bekostiging') {
    mkdirSync(RESULTS, { recursive: true });
    const file = path.join(RESULTS, 'latest.json');
    let previous: Record<string, unknown> = {};
    try {
      previous = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      // no earlier results
    }
    const b = await bekostiging();
    if (b) {
      writeFileSync(file, `${JSON.stringify({ ...previous, bekostiging: b }, null, 2)}\n`);
      const md = path.join(RESULTS, 'latest.md');
      let markdown = '';
      try {
        markdown = readFileSync(md, 'utf8');
      } catch {
        // none yet
      }
      writeFileSync(md, withBekostigingSection(markdown, b));
      process.stdout.write(renderBekostiging(b));
    }
    return;
  }
  if (process.env.BENCH_ONLY === 'identificatie') {
    mkdirSync(RESULTS, { recursive: true });
    const file = path.join(RESULTS, 'latest.json');
    let previous: Record<string, unknown> = {};
    try {
      previous = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      // no earlier results
    }
    const ident = await identificatie();
    writeFileSync(file, `${JSON.stringify({ ...previous, identificatie: ident }, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(ident, null, 2)}\n`);
    return;
  }
  const stamp = `${process.pid}_${Date.now()}`;
  const pgDb = `mbo_bench_${stamp}`;
  const baseDb = `mbo_bench_base_${stamp}`;
  mkdirSync(RESULTS, { recursive: true });

  // --- PostgreSQL --------------------------------------------------------------------------------------
  await admin(`create database ${pgDb}`);
  let postgres: IntakeResult;
  let resultaten: IntakeResult & { schooljaar: number; resultaatRecords: number; diplomas: number };
  let apiRows: { total: number; perTable: Record<string, number> };
  let base: { rows: number; seconds: number; rowsPerSec: number };
  try {
    const server = await startServer({ DATABASE_URL: dbUrl(pgDb) });
    try {
      await measureIntake('postgres warm-up', server, 300, 9001);
      const before = await countRows(dbUrl(pgDb));
      const s = await measureIntake('postgres', server, STUDENTEN_PG, 42);
      postgres = toResult(s, STUDENTEN_PG, server.peakRssMb());
      const after = await countRows(dbUrl(pgDb));
      // rows the measured run wrote (the warm-up's are not counted)
      apiRows = {
        total: after.total - before.total,
        perTable: Object.fromEntries(
          Object.entries(after.perTable).map(([t, n]) => [t, n - (before.perTable[t] ?? 0)]),
        ),
      };
      // The running school year's diplomas lie ahead of today; the previous, finished school year has them all
      // (diplomas June–July with sub-results, loose results along the year).
      const vorigJaar = schooljaarOf(VANDAAG) - 1;
      const r = await measureIntake(
        `postgres resultaten ${vorigJaar}/${vorigJaar + 1}`,
        server,
        RESULTATEN_STUDENTEN,
        43,
        vorigJaar,
      );
      const dip = Number(
        (await countRowsWhere(dbUrl(pgDb), "select count(*)::int as n from resultaat where soort = 'DIP'")) ??
          0,
      );
      resultaten = {
        ...toResult(r, RESULTATEN_STUDENTEN, server.peakRssMb()),
        schooljaar: vorigJaar,
        resultaatRecords: r.perSoort.resultaat,
        diplomas: dip,
      };
    } finally {
      await server.stop();
    }
    // A fresh migrated database for the baseline (the server migrates on start; stop it at once).
    await admin(`create database ${baseDb}`);
    const migrator = await startServer({
      DATABASE_URL: dbUrl(baseDb),
      REFERENCE_DATA: path.join(PROJECT_ROOT, 'reference', 'synthetic'),
    });
    await migrator.stop();
    const c = new pg.Client({ connectionString: dbUrl(baseDb) });
    await c.connect();
    // The baseline writes register rows only; reference rows they point at are copied as they are. The server
    // may have written register rows on start (the bekostiging recompute job): empty those tables too.
    await c.query(
      `truncate instelling, aanleverpunt, onderwijslocatie, kwalificatie, opleidingsaanbod, ${REGISTER_TABLES.join(', ')} cascade`,
    );
    await c.end();
    await copyReferentie(dbUrl(pgDb), dbUrl(baseDb));
    say('baseline: the same rows by plain multi-row INSERTs');
    base = await baseline(dbUrl(pgDb), dbUrl(baseDb));
  } finally {
    await admin(`drop database if exists ${pgDb} with (force)`).catch(() => undefined);
    await admin(`drop database if exists ${baseDb} with (force)`).catch(() => undefined);
  }

  // --- Identification (PostgreSQL, BRP simulator on loopback) -------------------------------------------
  const ident = await identificatie();

  // --- Bekostiging: a national-size register, every status recomputed, explanations (PostgreSQL) ----------
  const bekostigingResult = await bekostiging();

  // --- PGlite ------------------------------------------------------------------------------------------
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mbo-bench-pglite-'));
  let pglite: IntakeResult;
  try {
    const server = await startServer({ DATABASE_URL: '', DATA_DIR: dataDir });
    try {
      await measureIntake('pglite warm-up', server, 100, 9002);
      const s = await measureIntake('pglite', server, STUDENTEN_PGLITE, 42);
      pglite = toResult(s, STUDENTEN_PGLITE, server.peakRssMb());
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }

  const apiRowsPerSec = Math.round(apiRows.total / Math.max(0.001, postgres.durationSec));
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
    },
    intake: {
      postgres: { ...postgres, rowsWritten: apiRows.total, rowsPerSec: apiRowsPerSec },
      pglite,
      baselineRowsPerSec: base.rowsPerSec,
      baseline: {
        rows: base.rows,
        seconds: Number(base.seconds.toFixed(3)),
        method: 'multi-row INSERT, ≤1000 rows per statement, one transaction, PostgreSQL',
      },
      ratioApiToBaseline: Number((apiRowsPerSec / base.rowsPerSec).toFixed(4)),
      rowsPerTable: apiRows.perTable,
      resultaten,
      aim: { meldingenPerSec: 1000, p99Ms: 50, concurrency: 16 },
    },
    identificatie: ident,
    ...(bekostigingResult ? { bekostiging: bekostigingResult } : {}),
    durationSec: Math.round((Date.now() - t0) / 1000),
  };
  writeFileSync(path.join(RESULTS, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(path.join(RESULTS, 'latest.md'), renderMarkdown(result));
  process.stdout.write(renderMarkdown(result));
}

async function copyReferentie(sourceUrl: string, targetUrl: string): Promise<void> {
  const src = new pg.Client({ connectionString: sourceUrl });
  const dst = new pg.Client({ connectionString: targetUrl });
  await src.connect();
  await dst.connect();
  try {
    for (const table of [
      'instelling',
      'aanleverpunt',
      'onderwijslocatie',
      'kwalificatie',
      'opleidingsaanbod',
    ]) {
      const r = await src.query({ text: `select * from ${table}`, rowMode: 'array' });
      const columns = r.fields.map((f) => f.name);
      const per = Math.floor(60_000 / columns.length);
      for (let i = 0; i < r.rows.length; i += per) {
        const params: unknown[] = [];
        const tuples = (r.rows as unknown[][])
          .slice(i, i + per)
          .map((row) => `(${row.map((v) => `$${params.push(v)}`).join(',')})`);
        await dst.query(`insert into ${table} (${columns.join(',')}) values ${tuples.join(',')}`, params);
      }
    }
  } finally {
    await src.end();
    await dst.end();
  }
}

type Result = {
  date: string;
  machine: { cpus: number; cpuModel: string; node: string };
  intake: {
    postgres: IntakeResult & { rowsWritten: number; rowsPerSec: number };
    pglite: IntakeResult;
    baselineRowsPerSec: number;
    ratioApiToBaseline: number;
    resultaten: IntakeResult & { schooljaar: number; resultaatRecords: number; diplomas: number };
  };
  bekostiging?: BekostigingBench;
  durationSec: number;
};

function renderMarkdown(r: Result): string {
  const p = r.intake.postgres;
  const l = r.intake.pglite;
  const res = r.intake.resultaten;
  return [
    `# Benchmark ${r.date.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}; concurrency ${p.concurrency}; server, database and SIS simulator on the same machine.`,
    '',
    '| intake | studenten | meldingen | meldingen/s | p50 ms | p99 ms | server peak RSS MB |',
    '|---|---|---|---|---|---|---|',
    `| PostgreSQL | ${p.studenten} | ${p.meldingen} | ${p.meldingenPerSec} | ${p.p50Ms} | ${p.p99Ms} | ${p.serverPeakRssMb} |`,
    `| PGlite | ${l.studenten} | ${l.meldingen} | ${l.meldingenPerSec} | ${l.p50Ms} | ${l.p99Ms} | ${l.serverPeakRssMb} |`,
    `| PostgreSQL, school year ${res.schooljaar}/${res.schooljaar + 1} with resultaten | ${res.studenten} | ${res.meldingen} | ${res.meldingenPerSec} | ${res.p50Ms} | ${res.p99Ms} | ${res.serverPeakRssMb} |`,
    '',
    `The resultaten run delivered ${res.resultaatRecords} resultaat records; the register holds ${res.diplomas} diplomas.`,
    '',
    `Rows written through the API on PostgreSQL: ${p.rowsWritten} (${p.rowsPerSec} rows/s). Baseline, the same rows by plain multi-row INSERTs: ${r.intake.baselineRowsPerSec} rows/s. Ratio API/baseline: ${r.intake.ratioApiToBaseline}.`,
    '',
    `Aim: ≥ 1000 meldingen/s with p99 < 50 ms at concurrency 16 on PostgreSQL — ${
      p.meldingenPerSec >= 1000 && p.p99Ms < 50
        ? 'met'
        : `not met (${p.meldingenPerSec >= 1000 ? '' : `throughput ${Math.round((100 * p.meldingenPerSec) / 1000)}% of the aim`}${p.meldingenPerSec < 1000 && p.p99Ms >= 50 ? ', ' : ''}${p.p99Ms >= 50 ? `p99 ${p.p99Ms} ms` : ''})`
    }. Bench took ${r.durationSec} s.`,
    '',
    ...(r.bekostiging ? [renderBekostiging(r.bekostiging)] : []),
  ].join('\n');
}

await main();
