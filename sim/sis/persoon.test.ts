import { describe, expect, it } from 'vitest';
import {
  breakCheckDigit,
  generateBsn,
  generateOnderwijsnummer,
  generatePersoon,
  isValidBsn,
  isValidOnderwijsnummer,
} from './persoon.ts';
import { createRng } from './prng.ts';

describe('persoonsgebonden nummers', () => {
  it('checks BSNs with the 11-proof and onderwijsnummers with remainder 5', () => {
    expect(isValidBsn('999993653')).toBe(true);
    expect(isValidBsn('999993654')).toBe(false);
    expect(isValidBsn('000000000')).toBe(false);
    expect(isValidBsn('12345678')).toBe(false);
    expect(isValidOnderwijsnummer('100320254')).toBe(true);
    expect(isValidOnderwijsnummer('100508802')).toBe(true);
    expect(isValidOnderwijsnummer('100320255')).toBe(false);
    expect(isValidOnderwijsnummer('999993653')).toBe(false);
  });

  it('generates valid numbers, and breaks them on purpose', () => {
    const rng = createRng(42);
    for (let i = 0; i < 2000; i++) {
      const bsn = generateBsn(rng);
      const onderwijsnummer = generateOnderwijsnummer(rng);
      expect(isValidBsn(bsn)).toBe(true);
      expect(bsn.startsWith('10') || bsn.startsWith('9999')).toBe(false);
      expect(isValidOnderwijsnummer(onderwijsnummer)).toBe(true);
      expect(isValidBsn(breakCheckDigit(bsn))).toBe(false);
      expect(isValidOnderwijsnummer(breakCheckDigit(onderwijsnummer))).toBe(false);
    }
  });
});

describe('generatePersoon', () => {
  it('makes mostly 16–20 year old BOL students, older BBL students, and exactly one of postcode and land', () => {
    const rng = createRng(7);
    const age = (geboortedatum: string) => {
      const [y, m, d] = geboortedatum.split('-').map(Number);
      return 2026 - (y ?? 0) - ((m ?? 0) * 100 + (d ?? 0) > 801 ? 1 : 0);
    };
    const bol = Array.from({ length: 2000 }, () =>
      generatePersoon(rng, { peildatum: '2026-08-01', bbl: false, nearPostcode: '3071AL' }),
    );
    const bbl = Array.from({ length: 2000 }, () =>
      generatePersoon(rng, { peildatum: '2026-08-01', bbl: true, nearPostcode: undefined }),
    );
    const young = bol.filter((p) => age(p.geboortedatum) >= 16 && age(p.geboortedatum) <= 20).length;
    expect(young / bol.length).toBeGreaterThan(0.85);
    expect(Math.max(...bbl.map((p) => age(p.geboortedatum)))).toBeLessThanOrEqual(45);
    expect(bbl.filter((p) => age(p.geboortedatum) > 25).length / bbl.length).toBeGreaterThan(0.2);
    for (const p of [...bol, ...bbl]) {
      expect((p.postcode === undefined) !== (p.land === undefined)).toBe(true);
      expect(p.postcode === undefined || /^[1-9][0-9]{3}[A-Z]{2}$/.test(p.postcode)).toBe(true);
    }
    expect(bol.filter((p) => p.postcode?.startsWith('30')).length / bol.length).toBeGreaterThan(0.9);
    expect(bol.some((p) => /[^\x20-\x7e]/.test(`${p.achternaam}${p.voornamen}`))).toBe(true);
    expect(bol.some((p) => p.voorvoegsel === 'van der')).toBe(true);
    const onderwijsnummers = bol.filter((p) => p.onderwijsnummer !== undefined).length / bol.length;
    expect(onderwijsnummers).toBeGreaterThan(0.03);
    expect(onderwijsnummers).toBeLessThan(0.07);
  });
});

describe('BRP persons in the school year', () => {
  it('enrols BRP test persons first (MBO age first), some without BSN, some with a deviating birth date, then synthetic ones', async () => {
    const { loadSisBrpPersonen } = await import('./brp-personen.ts');
    const { buildCatalogus } = await import('./catalogus.ts');
    const { generateSchooljaar } = await import('./schooljaar.ts');
    const { FIXTURE_REFERENTIE } = await import('./test-fixture.ts');
    const brpPersonen = loadSisBrpPersonen('2026-08-01');
    const eerste = brpPersonen[0];
    expect(eerste && 2026 - Number(eerste.geboortedatum.slice(0, 4))).toBeLessThanOrEqual(25);
    const scripts = generateSchooljaar({
      studenten: brpPersonen.length + 200,
      seed: 1,
      schooljaar: 2026,
      catalogus: buildCatalogus(FIXTURE_REFERENTIE, '2026-08-01'),
      brpPersonen,
    });
    const first = scripts.map((s) => s.steps[0]);
    const brp = first.slice(0, brpPersonen.length);
    const zonderBsn = brp.filter(
      (s) => s?.correction === undefined && s?.melding.persoon.burgerservicenummer === undefined,
    );
    const afwijkend = brp.filter((s) => s?.flaw === 'geboortedatum-wijkt-af-van-brp');
    expect(zonderBsn.length / brp.length).toBeGreaterThan(0.05);
    expect(zonderBsn.length / brp.length).toBeLessThan(0.15);
    expect(afwijkend.length).toBeGreaterThan(5);
    for (const s of afwijkend) {
      expect(s?.melding.persoon.geboortedatum).not.toBe(s?.correction?.persoon.geboortedatum);
    }
    const bsns = new Set(brpPersonen.map((p) => p.burgerservicenummer));
    expect(brp.filter((s) => bsns.has(s?.melding.persoon.burgerservicenummer ?? '')).length).toBeGreaterThan(
      brp.length * 0.8,
    );
    const synthetisch = first.slice(brpPersonen.length);
    expect(synthetisch.some((s) => s?.melding.persoon.burgerservicenummer === undefined)).toBe(true);
    expect(synthetisch.every((s) => !bsns.has(s?.melding.persoon.burgerservicenummer ?? ''))).toBe(true);
  });
});
