import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalogus } from '../sis/catalogus.ts';
import { generateSchooljaar } from '../sis/schooljaar.ts';
import { FIXTURE_REFERENTIE } from '../sis/test-fixture.ts';
import { erkenningOp, generateLeerbedrijven, readLocaties } from './leerbedrijven.ts';
import { type SbbSim, startSbbSim } from './server.ts';

const LOCATIES_CSV = new URL('../../../shared/data/mbo_opleidingsaanbod_locaties_2015.csv', import.meta.url)
  .pathname;
const catalogus = buildCatalogus(FIXTURE_REFERENTIE, '2026-08-01');
const crebos = [...new Set(catalogus.instellingen.flatMap((i) => i.opleidingen.map((o) => o.crebo)))].sort();
const locaties = readLocaties(LOCATIES_CSV);
const generate = (seed: number) =>
  generateLeerbedrijven({ seed, aantal: 300, locaties, crebos, peildatum: '2026-08-01' });

describe('SBB simulator leerbedrijven', () => {
  it('are deterministic by seed, with valid ids, placed near real onderwijslocaties', () => {
    expect(generate(1)).toEqual(generate(1));
    expect(generate(2)).not.toEqual(generate(1));
    const pc4 = new Set(locaties.map((l) => l.postcode.slice(0, 4)));
    for (const lb of generate(1)) {
      expect(lb.leerbedrijfId).toMatch(/^[1-9][0-9]{8}$/);
      expect(pc4.has(lb.postcode.slice(0, 4))).toBe(true);
      expect(lb.postcode).toMatch(/^[1-9][0-9]{3}[A-Z]{2}$/);
    }
    const all = generate(1).flatMap((l) => l.erkenningen);
    expect(all.some((e) => e.einddatum !== null)).toBe(true);
    expect(all.filter((e) => e.einddatum === null).length / all.length).toBeGreaterThan(0.7);
  });

  it('the SIS delivers BPV for BBL from the start and for BOL later in the year, with some flaws', () => {
    const scripts = generateSchooljaar({
      studenten: 1500,
      seed: 1,
      schooljaar: 2026,
      instellingen: 4,
      catalogus,
      leerbedrijven: generate(1),
    });
    const steps = scripts.flatMap((s) => s.steps);
    const bbl = steps.filter(
      (s) => s.kind === 'inschrijving' && s.melding.periodes?.[0]?.leertraject === 'BBL' && !s.flaw,
    );
    expect(bbl.length).toBeGreaterThan(0);
    expect(bbl.filter((s) => s.melding.bpv?.length === 1).length / bbl.length).toBeGreaterThan(0.9);
    const bol = steps.filter((s) => s.kind === 'bpv');
    expect(bol.length).toBeGreaterThan(0);
    expect(
      bol.filter((s) => !s.flaw).every((s) => (s.melding.bpv?.[0]?.datumBegin ?? '') >= '2027-02-01'),
    ).toBe(true);
    expect(new Set(steps.filter((s) => s.kind === 'bpv' && s.flaw).map((s) => s.flaw)).size).toBeGreaterThan(
      0,
    );
    // without leerbedrijven: no BPV at all
    const zonder = generateSchooljaar({
      studenten: 200,
      seed: 1,
      schooljaar: 2026,
      instellingen: 4,
      catalogus,
    });
    expect(zonder.flatMap((s) => s.steps).some((s) => s.melding.bpv)).toBe(false);
  });
});

describe('SBB simulator server', () => {
  let sim: SbbSim;
  const lb = generate(1)[0];
  beforeAll(async () => {
    sim = await startSbbSim({ leerbedrijven: generate(1), vandaag: () => '2026-09-01' });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('identifies, verifies and goes down on request', async () => {
    if (!lb) {
      throw new Error('no leerbedrijf');
    }
    const id = (await fetch(
      `${sim.url}/leerbedrijven?postcode=${lb.postcode}&huisnummer=${lb.huisnummer}`,
    ).then((r) => r.json())) as { leerbedrijven: { leerbedrijfId: string }[] };
    expect(id.leerbedrijven.map((l) => l.leerbedrijfId)).toContain(lb.leerbedrijfId);
    const e = lb.erkenningen[0];
    if (e) {
      const v = (await fetch(
        `${sim.url}/verificatie?leerbedrijfId=${lb.leerbedrijfId}&crebo=${e.crebo}&datum=${e.begindatum}`,
      ).then((r) => r.json())) as { erkend: boolean };
      expect(v.erkend).toBe(erkenningOp(lb, e.crebo, e.begindatum) !== undefined);
    }
    sim.setModus('down');
    expect((await fetch(`${sim.url}/leerbedrijven/${lb.leerbedrijfId}`)).status).toBe(503);
    sim.setModus('normaal');
    expect((await fetch(`${sim.url}/leerbedrijven/100000000`)).status).toBe(404);
  });

  it('refuses BPV data with fields SBB may not receive', async () => {
    const res = await fetch(`${sim.url}/bpv`, {
      method: 'POST',
      body: JSON.stringify({ leerbedrijfId: '123456789', burgerservicenummer: '123456782' }),
    });
    expect(res.status).toBe(400);
  });
});
