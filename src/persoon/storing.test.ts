import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSisBrpPersonen } from '../../sim/sis/brp-personen.ts';
import { generateSchooljaar } from '../../sim/sis/schooljaar.ts';
import { loadSisCatalogus, runSis } from '../../sim/sis/sis.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import { SYNTHETIC_REFERENCE_DATA } from '../platform/config.ts';

/**
 * The outage test: the BRP goes down in the middle of a SIS run and comes back. Every melding is still answered
 * and stored once; every person ends identified by the jobs; nothing is duplicated.
 */
describe('BRP outage during a SIS run', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await createTestApp();
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('accepts meldingen while the BRP is down and identifies everyone afterwards', async () => {
    const catalogus = await loadSisCatalogus(2026, SYNTHETIC_REFERENCE_DATA);
    const brpPersonen = loadSisBrpPersonen('2026-08-01').slice(0, 90);
    const scripts = generateSchooljaar({
      studenten: 120,
      seed: 11,
      schooljaar: 2026,
      catalogus,
      brpPersonen,
    });
    let fase = 0;
    const summary = await runSis({
      url,
      studenten: scripts.length,
      scripts,
      concurrency: 4,
      schooljaar: 2026,
      // the students' earlier enrolments count on teldata closed by the mutatiestop: the accountant delivers
      token: (brin) => t.token(`accountant:${brin}`),
      verantwoordelijke: 'accountant',
      onProgress: (p) => {
        if (fase === 0 && p.verstuurd >= p.totaal * 0.15) {
          fase = 1;
          void t.brp.setModus('uit');
        } else if (fase === 1 && p.verstuurd >= p.totaal * 0.55) {
          fase = 2;
          void t.brp.setModus('normaal');
        }
      },
    });
    expect(fase).toBe(2);
    expect(summary.fouten).toBe(0);
    expect(summary.identificatie.inBehandeling).toBeGreaterThan(5);

    // Nothing lost: every distinct berichtId sent is archived once, with an answer.
    const { rows: archief } = await sql<{ n: number; zonderAntwoord: number }>`
      select count(*)::int as n, count(*) filter (where http_status is null)::int as zonder_antwoord
      from melding where bericht_id is not null`.execute(t.database.db);
    expect(archief[0]).toEqual({ n: summary.meldingen - summary.herhaald, zonderAntwoord: 0 });

    // The worker completes every deferred identification.
    while ((await t.worker.runOnce()) > 0) {
      // until no job is due
    }
    const jobs = await t.database.db
      .selectFrom('job')
      .select(['status'])
      .where('soort', '=', 'persoon.identificeren')
      .execute();
    expect(jobs.length).toBeGreaterThanOrEqual(summary.identificatie.inBehandeling > 0 ? 1 : 0);
    expect(jobs.every((j) => j.status === 'klaar')).toBe(true);

    const { rows: status } = await sql<{ status: string; n: number }>`
      select status, count(*)::int as n from persoon_identificatie where registered_until is null group by status`.execute(
      t.database.db,
    );
    const perStatus = Object.fromEntries(status.map((s) => [s.status, s.n]));
    expect(perStatus['in-behandeling']).toBeUndefined();
    expect(perStatus.geidentificeerd).toBeGreaterThan(60);

    // Nothing duplicated: one person per student, one current identification per person, each job signalled once.
    const { rows: tellingen } = await sql<{ personen: number; identificaties: number; voltooid: number }>`
      select (select count(*)::int from persoon) as personen,
             (select count(*)::int from persoon_identificatie where registered_until is null) as identificaties,
             (select count(*)::int from signaal where code = '653') as voltooid`.execute(t.database.db);
    expect(tellingen[0]?.personen).toBeLessThanOrEqual(scripts.length);
    expect(tellingen[0]?.identificaties).toBe(tellingen[0]?.personen);
    expect(tellingen[0]?.voltooid).toBe(jobs.length);
    // Every BRP person delivered with its BSN holds the BRP's data.
    const { rows: zonderData } = await sql<{ n: number }>`
      select count(*)::int as n from persoon_identificatie pi join persoon p on p.id = pi.persoon_id
      where pi.registered_until is null and p.bsn like '9999%' and pi.geslachtsnaam is null`.execute(
      t.database.db,
    );
    expect(zonderData[0]?.n).toBe(0);
  });
});
