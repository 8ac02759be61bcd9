import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/platform/clock.ts';
import { SYNTHETIC_REFERENCE_DATA } from '../../src/platform/config.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import { loadSisCatalogus, runSis } from './sis.ts';

/**
 * The simulator against the real register (its HTTP server on a free port, a real database): the register
 * must reject exactly the meldingen the simulator spoiled on purpose, and accept everything else.
 */
describe('SIS simulator against the register', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await createTestApp({ clock: fixedClock('2026-12-03T12:00:00Z') });
    url = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('only deliberately flawed meldingen are rejected, each for its own reason', async () => {
    const summary = await runSis({
      url,
      studenten: 300,
      instellingen: 4,
      seed: 1,
      concurrency: 4,
      schooljaar: 2026,
      // the register's today: results dated later are held back (it would reject them, 682)
      vandaag: '2026-12-03',
      catalogus: await loadSisCatalogus(2026, SYNTHETIC_REFERENCE_DATA),
      // a whole year with earlier enrolments at once: past the mutatiestop for 2025/26, so the accountant delivers
      // as a SIS: the institution delivers, its accountant only what touches teldata closed by the mutatiestop
      token: (brin) => t.token(`instelling:${brin}`),
      accountantToken: (brin) => t.token(`accountant:${brin}`),
    });
    expect(summary.fouten).toBe(0);
    expect(summary.conflicten).toBe(0);
    expect(summary.foutief).toBeGreaterThan(0);
    expect(summary.afgekeurd).toBe(summary.foutief);
    for (const [soort, telling] of Object.entries(summary.perFout)) {
      expect(telling.nietAfgekeurd, soort).toBe(0);
    }
    expect(summary.herhaaldAfwijkend).toBe(0);
    expect(summary.alOntvangen).toBe(0);
    expect(summary.goedgekeurd + summary.afgekeurd).toBe(summary.meldingen);
  });
});
