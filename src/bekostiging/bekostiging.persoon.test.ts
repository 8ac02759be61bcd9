import { describe, expect, it } from 'vitest';
import type { IdentificatieStatus } from '../platform/db-schema.ts';
import { inBrpVan, persoonFeitenVan, woonplaatsVan } from './bekostiging.service.ts';

/** The person facts for WEB art. 2.2.2 (not in the BRP: only when living in the allowed area), from stored rows. */
describe('person facts for the bekostiging rules', () => {
  it.each<[string, IdentificatieStatus | null, string | null, string | null, boolean | undefined]>([
    ['identified in the BRP', 'geidentificeerd', '999993653', null, true],
    ['a BSN the BRP does not know (650)', 'niet-in-brp', '300000008', null, false],
    ['an onderwijsnummer issued (756)', 'onderwijsnummer', null, '100000009', false],
    ['the BRP did not answer yet (652)', 'in-behandeling', '999993653', null, undefined],
    ['several BRP candidates wait for DUO staff (651)', 'meerdere-kandidaten', null, null, undefined],
    ['never identified, known only by onderwijsnummer', null, null, '100000009', false],
    ['never identified, with a BSN', null, '999993653', null, undefined],
  ])('%s → in BRP %s', (_, identificatieStatus, bsn, onderwijsnummer, verwacht) => {
    expect(inBrpVan({ identificatieStatus, bsn, onderwijsnummer })).toBe(verwacht);
  });

  it.each([
    ['a land abroad', { land: '5010', postcode: null }, { land: '5010' }],
    ['a Dutch postcode (rule 790: postcode or land)', { land: null, postcode: '9911AA' }, { land: '6030' }],
    ['neither', { land: null, postcode: null }, undefined],
  ])('residence from %s', (_, gegevens, verwacht) => {
    expect(woonplaatsVan(gegevens)).toEqual(verwacht);
  });

  it("takes the residence the inschrijving's own institution delivered, else the latest delivered elsewhere", () => {
    const feiten = persoonFeitenVan({
      personen: [
        {
          persoonId: '1',
          bsn: null,
          onderwijsnummer: '100000009',
          identificatieId: '7',
          identificatieStatus: null,
        },
      ],
      persoonGegevens: [
        { persoonId: '1', brin: '91ZA', versieId: '10', land: '5002', postcode: null },
        { persoonId: '1', brin: '91ZB', versieId: '12', land: '5010', postcode: null },
        { persoonId: '1', brin: '91ZC', versieId: '11', land: null, postcode: '9911AA' },
      ],
    });
    expect(feiten?.('1', '91ZA')).toEqual({
      feit: { soort: 'persoon', id: '1', versie: '7' },
      inBrp: false,
      woonplaats: { land: '5002' },
      woonplaatsFeit: { soort: 'persoonsgegevens', id: '1', versie: '10' },
    });
    expect(feiten?.('1', '99XX')?.woonplaats).toEqual({ land: '5010' });
    expect(persoonFeitenVan({})).toBeUndefined();
  });
});
