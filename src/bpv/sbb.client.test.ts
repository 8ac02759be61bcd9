import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SbbSim, startSbbSim } from '../../sim/sbb/server.ts';
import { createSbbClient, isSbbNietBeschikbaar } from './sbb.client.ts';

const LB = {
  leerbedrijfId: '333333333',
  naam: 'De Boer Zorggroep',
  postcode: '9911AD',
  huisnummer: '7',
  plaats: 'VOORBEELDSTAD',
  erkenningen: [{ crebo: '25150', begindatum: '2020-01-01', einddatum: null }],
};

describe('SBB client against the SBB simulator', () => {
  let sim: SbbSim;
  beforeAll(async () => {
    sim = await startSbbSim({ leerbedrijven: [LB] });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('reads a leerbedrijf, says onbekend for an unknown one', async () => {
    const c = createSbbClient({ baseUrl: sim.url });
    expect(await c.leerbedrijf(LB.leerbedrijfId)).toMatchObject({ status: 'bekend', naam: LB.naam });
    expect(await c.leerbedrijf('444444444')).toEqual({ status: 'onbekend' });
  });

  it('times out on a slow SBB, then pauses look-ups instead of waiting again', async () => {
    let t = 1_000;
    const c = createSbbClient({ baseUrl: sim.url, timeoutMs: 200, pauseMs: 5000, now: () => t });
    sim.setModus('traag', 1000);
    try {
      const started = performance.now();
      expect((await c.leerbedrijf(LB.leerbedrijfId)).status).toBe('niet-beschikbaar');
      // paused: answered at once, SBB not asked
      expect((await c.leerbedrijf(LB.leerbedrijfId)).status).toBe('niet-beschikbaar');
      expect(performance.now() - started).toBeLessThan(900);
    } finally {
      sim.setModus('normaal');
    }
    t += 5001;
    expect((await c.leerbedrijf(LB.leerbedrijfId)).status).toBe('bekend');
  });

  it('identificatie throws SbbNietBeschikbaar when SBB is down', async () => {
    const c = createSbbClient({ baseUrl: sim.url });
    sim.setModus('down');
    try {
      const error = await c.identificeer({ postcode: LB.postcode }).catch((e: unknown) => e);
      expect(isSbbNietBeschikbaar(error)).toBe(true);
    } finally {
      sim.setModus('normaal');
    }
    expect(await c.identificeer({ postcode: LB.postcode, huisnummer: '7' })).toMatchObject([
      { leerbedrijfId: LB.leerbedrijfId },
    ]);
  });
});
