import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODES } from '../../src/aanlevering/codes.ts';
import { signToken } from '../../src/platform/auth.ts';
import { fixedClock } from '../../src/platform/clock.ts';
import { SYNTHETIC_REFERENCE_DATA } from '../../src/platform/config.ts';
import { createTestApp, TEST_SECRET, type TestApp } from '../../test/test-app.ts';
import { buildCatalogus } from './catalogus.ts';
import { generateSchooljaar, loadSisCatalogus, runSis } from './sis.ts';
import { FIXTURE_REFERENTIE } from './test-fixture.ts';

const catalogus = buildCatalogus(FIXTURE_REFERENTIE, '2026-08-01');

describe('the SIS simulator delivers resultaten', () => {
  it('diplomas in June–July that end the enrolment on datum behaald, loose results along the year', () => {
    const steps = generateSchooljaar({
      studenten: 1500,
      seed: 2,
      schooljaar: 2026,
      instellingen: 4,
      catalogus,
    }).flatMap((s) => s.steps);
    const diplomas = steps.filter((s) => s.kind === 'diploma' && s.flaw === undefined);
    expect(diplomas.length).toBeGreaterThan(0);
    for (const step of diplomas) {
      const dip = step.melding.resultaten?.find((r) => r.soort === 'DIP');
      expect(dip?.datumResultaat).toBe(step.melding.inschrijvingen?.[0]?.datumUitschrijvingWerkelijk);
      expect(step.melding.inschrijvingen?.[0]?.redenUitschrijving).toBe('08');
      expect(
        dip?.datumResultaat && dip.datumResultaat >= '2027-06-15' && dip.datumResultaat <= '2027-07-15',
      ).toBe(true);
    }
    const los = steps.filter((s) => s.kind === 'resultaat');
    expect(los.length / 1500).toBeGreaterThan(0.08);
    expect(los.length / 1500).toBeLessThan(0.2);
  });

  it('holds back results dated after the register’s today', () => {
    const steps = generateSchooljaar({
      studenten: 800,
      seed: 2,
      schooljaar: 2026,
      instellingen: 4,
      catalogus,
      vandaag: '2026-12-03',
    }).flatMap((s) => s.steps);
    const resultaten = steps.flatMap((s) => s.melding.resultaten ?? []);
    expect(resultaten.every((r) => r.datumResultaat === undefined || r.datumResultaat <= '2026-12-03')).toBe(
      true,
    );
    expect(steps.filter((s) => s.kind === 'diploma').every((s) => s.melding.resultaten === undefined)).toBe(
      true,
    );
  });
});

describe('the SIS simulator against the register (diploma season clock)', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await createTestApp({ clock: fixedClock('2027-07-31T12:00:00Z') });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t.close();
  });

  it('has its diplomas accepted and its flawed results caught; perSoort.resultaat counts them', async () => {
    const summary = await runSis({
      url,
      studenten: 200,
      seed: 3,
      schooljaar: 2026,
      catalogus: await loadSisCatalogus(2026, SYNTHETIC_REFERENCE_DATA),
      vandaag: '2027-07-31',
      concurrency: 4,
      // the year delivered in July 2027, after the mutatiestop for 2026/27: under the accountant's responsibility
      token: (brin) => signToken(TEST_SECRET, `accountant:${brin}`),
      verantwoordelijke: 'accountant',
    });
    expect(summary.fouten, summary.foutmeldingen.join('\n')).toBe(0);
    expect(
      summary.goedgekeurd + summary.goedgekeurdMetSignalen,
      JSON.stringify(summary.perCode),
    ).toBeGreaterThan(summary.afgekeurd);
    expect(summary.perSoort.resultaat).toBeGreaterThan(0);
    const dip = await t.database.db
      .selectFrom('resultaat')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('soort', '=', 'DIP')
      .executeTakeFirstOrThrow();
    expect(Number(dip.n)).toBeGreaterThan(0);
    // only the deliberately flawed meldingen are rejected, each caught
    // only the deliberately flawed meldingen are rejected (a replayed flawed one is rejected twice)
    const uitFouten = new Set(Object.values(summary.perFout).flatMap((f) => Object.keys(f.codes)));
    const afkeurend = Object.keys(summary.perCode).filter(
      (code) => Object.values(CODES).find((d) => d.code === code)?.ernst === 'A',
    );
    expect(afkeurend.filter((code) => !uitFouten.has(code))).toEqual([]);
    expect(summary.afgekeurd).toBeGreaterThanOrEqual(summary.foutief);
    for (const [soort, telling] of Object.entries(summary.perFout)) {
      expect(telling.nietAfgekeurd, soort).toBe(0);
    }
  });
});
