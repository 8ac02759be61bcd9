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
