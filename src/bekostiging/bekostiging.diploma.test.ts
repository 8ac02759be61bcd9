import { describe, expect, it } from 'vitest';
import type { DiplomaFeitRow } from './bekostiging.diploma.repository.ts';
import { deriveDiplomastatussenUitFeiten } from './bekostiging.diploma.ts';
import type { InschrijvingFeitRow, PeriodeFeitRow } from './bekostiging.repository.ts';
import type { BekostigingKwalificatie } from './bekostiging.ts';

const KWALIFICATIES = new Map<string, BekostigingKwalificatie>([
  ['30003', { crebo: '30003', niveau: 3, soortOpleiding: 'vakopleiding', prijsfactor: 1 }],
  ['30004', { crebo: '30004', niveau: 4, soortOpleiding: 'middenkaderopleiding', prijsfactor: 1 }],
]);
const deps = { kwalificaties: KWALIFICATIES, instellingBekostigd: (brin: string) => brin !== '99XX' };

let seq = 0;
const inschrijving = (van: string, tot: string, brin = '91ZA'): InschrijvingFeitRow => {
  seq++;
  return {
    inschrijvingId: String(seq),
    persoonId: '1',
    brin,
    inschrijvingsvolgnummer: String(seq),
    versieId: String(100 + seq),
    datumInschrijving: van,
    datumUitschrijvingGepland: tot,
    datumUitschrijvingWerkelijk: null,
    redenUitschrijving: null,
    verwijderd: false,
  };
};
const periode = (i: InschrijvingFeitRow, leertraject: string, indicatie = true): PeriodeFeitRow => ({
  inschrijvingId: i.inschrijvingId,
  periodeId: `p${i.inschrijvingId}`,
  versieId: `pv${i.inschrijvingId}`,
  datumBegin: i.datumInschrijving,
  opleidingcode: '30004',
  leertraject,
  niveau: null,
  indicatieBekostigbaar: indicatie,
  verwijderd: false,
});
const diploma = (i: InschrijvingFeitRow, crebo: string, datum: string): DiplomaFeitRow => ({
  resultaatId: `r${i.inschrijvingId}`,
  persoonId: '1',
  brin: i.brin,
  resultaatvolgnummer: `D${i.inschrijvingId}`,
  versieId: `rv${i.inschrijvingId}`,
  inschrijvingId: i.inschrijvingId,
  opleidingcode: crebo,
  datumResultaat: datum,
  indicatieBekostigbaar: true,
  verwijderd: false,
});

/** The examendeelnemer rule (WEB art. 2.2.2) and the 3-year gap (Uitvoeringsbesluit WEB art. 2.2.4) from stored rows. */
describe('diploma statuses from the register rows', () => {
  it.each([
    ['a funded BOL enrolment ended without diploma 11 months before', '2025-06-30', 'BOL', true, true, 'D00'],
    ['that enrolment ended 3 calendar years before', '2022-06-30', 'BOL', true, false, 'D06'],
    ['the earlier enrolment claimed no funding (N)', '2025-06-30', 'BOL', false, false, 'D06'],
    ['the earlier enrolment was itself as examendeelnemer', '2025-06-30', 'EX', true, false, 'D06'],
  ])(
    'examendeelnemer diploma after %s → bekostigbaar %s',
    (_, eindeEerder, lt, indicatie, bekostigbaar, code) => {
      const eerder = inschrijving('2023-09-01', eindeEerder);
      const ex = inschrijving('2026-01-15', '2026-06-01');
      const [s] = deriveDiplomastatussenUitFeiten(deps, {
        diplomas: [diploma(ex, '30004', '2026-06-01')],
        feiten: {
          inschrijvingen: [eerder, ex],
          periodes: [periode(eerder, lt, indicatie), periode(ex, 'EX')],
          bpvs: [],
        },
      });
      expect(s?.status.bekostigbaar).toBe(bekostigbaar);
      expect(s?.status.signalen.map((x) => x.code)).toContain(code);
      if (code === 'D06') {
        // the examendeelnemer's own inschrijving is a fact used
        expect(s?.status.gebruikteFeiten).toContainEqual({
          soort: 'inschrijving',
          id: ex.inschrijvingId,
          versie: ex.versieId,
        });
      }
    },
  );

  it.each([
    ['enrolled every 1 October in between', ['2015-09-01', '2020-06-30'], 2, false],
    ['3 years without enrolment on 1 October in between (D08)', ['2018-09-01', '2020-06-30'], 5, true],
  ])(
    'an earlier vakdiploma of 2015 and a middenkader diploma of 2020, %s',
    (_, [van, tot], punten, vervallen) => {
      const eerste = inschrijving('2012-09-01', '2015-06-30', '91ZB');
      const tweede = inschrijving(van ?? '', tot ?? '');
      const statussen = deriveDiplomastatussenUitFeiten(deps, {
        diplomas: [diploma(eerste, '30003', '2015-06-30'), diploma(tweede, '30004', '2020-06-30')],
        feiten: {
          inschrijvingen: [eerste, tweede],
          periodes: [periode(eerste, 'BOL'), periode(tweede, 'BOL')],
          bpvs: [],
        },
      });
      const later = statussen.find((s) => s.resultaatId === `r${tweede.inschrijvingId}`);
      expect(later?.status.bijdrageDiplomawaarde).toBe(punten);
      expect(later?.status.signalen.some((x) => x.code === 'D08')).toBe(vervallen);
      expect(later?.status.hoogsteEerdereDiploma?.brin ?? null).toBe(vervallen ? null : '91ZB');
    },
  );

  it('gives no status to a removed diploma and keeps it out of DiE', () => {
    const eerste = inschrijving('2012-09-01', '2015-06-30');
    const tweede = inschrijving('2015-09-01', '2017-06-30');
    const weg = { ...diploma(eerste, '30003', '2015-06-30'), verwijderd: true };
    const statussen = deriveDiplomastatussenUitFeiten(deps, {
      diplomas: [weg, diploma(tweede, '30004', '2017-06-30')],
      feiten: { inschrijvingen: [eerste, tweede], periodes: [], bpvs: [] },
    });
    expect(statussen.map((s) => [s.resultaatId, s.status.bijdrageDiplomawaarde])).toEqual([
      [`r${tweede.inschrijvingId}`, 5],
    ]);
  });
});
