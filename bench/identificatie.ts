/**
 * Identification figures for `npm run bench` (PostgreSQL):
 *  - intake with BRP look-ups in the path: the SIS simulator enrols persons of the BRP test set (some without
 *    BSN, some with a deviating birth date) against a register whose BRP is the simulator on loopback;
 *  - backlog: the BRP is down while `BENCH_BACKLOG` persons (default 10,000) are enrolled; then it comes back and
 *    the time until every deferred identification is completed by the jobs is measured.
 */
import pg from 'pg';
import { syntheticBrpPersoon } from '../sim/brp/brp-data.ts';
import { startBrpSimulator } from '../sim/brp/server.ts';
import { loadSisBrpPersonen } from '../sim/sis/brp-personen.ts';
import { runSis, type SisSummary } from '../sim/sis/sis.ts';

export type IdentificatieBench = {
  intakeMetBrp: {
    studenten: number;
    meldingen: number;
    meldingenPerSec: number;
    p50Ms: number;
    p99Ms: number;
    identificatie: SisSummary['identificatie'];
    brpVerzoeken: number;
    brpBsns: number;
  };
  backlog: {
    personen: number;
    inBehandeling: number;
    intakeTijdensStoringPerSec: number;
    secondenTotGeidentificeerd: number;
    nogInBehandeling: number;
  };
};

type Start = (env: NodeJS.ProcessEnv) => Promise<{ url: string; stop(): Promise<void> }>;

export async function benchIdentificatie(args: {
  startServer: Start;
  databaseUrl: string;
  token: (brin: string) => Promise<string>;
  concurrency: number;
  studenten: number;
  backlog: number;
  say: (m: string) => void;
}): Promise<IdentificatieBench> {
  const brp = await startBrpSimulator({ synthetisch: syntheticBrpPersoon });
  const server = await args.startServer({ DATABASE_URL: args.databaseUrl, BRP_URL: brp.url });
  try {
    const schooljaar = 2026;
    const brpPersonen = loadSisBrpPersonen(`${schooljaar}-08-01`);
    args.say(`identificatie: ${args.studenten} studenten met BRP-look-ups (simulator op loopback)`);
    const voor = { ...brp.stats };
    const s = await runSis({
      url: server.url,
      studenten: args.studenten,
      seed: 77,
      concurrency: args.concurrency,
      schooljaar,
      brpPersonen,
      token: args.token,
    });
    const intakeMetBrp = {
      studenten: args.studenten,
      meldingen: s.meldingen,
      meldingenPerSec: s.meldingenPerSec,
      p50Ms: s.latencyMs.p50,
      p99Ms: s.latencyMs.p99,
      identificatie: s.identificatie,
      brpVerzoeken: brp.stats.verzoeken - voor.verzoeken,
      brpBsns: brp.stats.bsns - voor.bsns,
    };

    args.say(`identificatie: BRP uit, ${args.backlog} personen ingeschreven`);
    await brp.setModus('uit');
    const b = await runSis({
      url: server.url,
      studenten: args.backlog,
      seed: 78,
      concurrency: args.concurrency,
      schooljaar,
      token: args.token,
    });
    const db = new pg.Client({ connectionString: args.databaseUrl });
    await db.connect();
    const open = async () =>
      Number(
        (
          await db.query(
            "select count(*)::int as n from persoon_identificatie where registered_until is null and status = 'in-behandeling'",
          )
        ).rows[0].n,
      );
    try {
      const inBehandeling = await open();
      args.say(`identificatie: BRP weer aan; ${inBehandeling} personen in behandeling`);
      const t0 = performance.now();
      await brp.setModus('normaal');
      let nog = inBehandeling;
      while (nog > 0 && performance.now() - t0 < 30 * 60_000) {
        await new Promise((r) => setTimeout(r, 500));
        nog = await open();
      }
      return {
        intakeMetBrp,
        backlog: {
          personen: args.backlog,
          inBehandeling,
          intakeTijdensStoringPerSec: b.meldingenPerSec,
          secondenTotGeidentificeerd: Math.round((performance.now() - t0) / 100) / 10,
          nogInBehandeling: nog,
        },
      };
    } finally {
      await db.end();
    }
  } finally {
    await server.stop();
    await brp.close();
  }
}
