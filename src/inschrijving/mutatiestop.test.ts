import { describe, expect, it } from 'vitest';
import type { BpvState } from '../bpv/bpv.ts';
import type { ResultaatState } from '../resultaat/resultaat.ts';
import type { InschrijvingState, PeriodeState } from './inschrijving.ts';
import {
  checkDiplomaMutatiestop,
  checkMutatiestop,
  diplomaMutatiestopVanaf,
  geslotenTeldata,
  mutatiestopVanaf,
} from './mutatiestop.ts';

function periode(o: Partial<PeriodeState> = {}): PeriodeState {
  return {
    datumBegin: '2025-08-15',
    opleidingcode: '25150',
    leertraject: 'BOL',
    niveau: null,
    indicatieBekostigbaar: true,
    onderwijslocatie: 'L1',
    onderwijsaanbieder: null,
    locatiecodeVsv: null,
    verwijderd: false,
    ...o,
  };
}

function inschrijving(o: Partial<InschrijvingState> = {}): InschrijvingState {
  return {
    inschrijvingsvolgnummer: '1',
    datumInschrijving: '2025-08-15',
    datumUitschrijvingGepland: '2028-07-31',
    datumUitschrijvingWerkelijk: null,
    redenUitschrijving: null,
    verwijderd: false,
    periodes: [periode()],
    ondersteuning: [],
    ...o,
  };
}

function bpv(o: Partial<BpvState> = {}): BpvState {
  return {
    bpvVolgnummer: '1',
    afsluitdatum: '2025-08-01',
    datumBegin: '2025-08-15',
    datumEindeGepland: '2026-07-10',
    datumEindeWerkelijk: null,
    omvang: 800,
    leerbedrijfId: '100000001',
    opleidingcode: null,
    codeKeuzedeel: null,
    erkenning: null,
    verwijderd: false,
    ...o,
  };
}

const voor = [inschrijving()];
const indicatieN = [
  inschrijving({ periodes: [periode({ indicatieBekostigbaar: false, mutatie: 'wijzigen' })] }),
];

describe('mutatiestop dates', () => {
  it.each([
    ['2025-10-01', '2026-06-01'],
    ['2026-02-01', '2026-06-01'],
    ['2026-10-01', '2027-06-01'],
  ])('teldatum %s is closed from %s', (t, vanaf) => {
    expect(mutatiestopVanaf(t)).toBe(vanaf);
  });

  it('lists the closed teldata from a date', () => {
    expect(geslotenTeldata('2025-08-15', '2026-05-31')).toEqual([]);
    expect(geslotenTeldata('2025-08-15', '2026-06-01')).toEqual(['2025-10-01', '2026-02-01']);
    expect(geslotenTeldata('2024-11-01', '2027-06-01')).toEqual([
      '2025-02-01',
      '2025-10-01',
      '2026-02-01',
      '2026-10-01',
      '2027-02-01',
    ]);
  });
});

describe('checkMutatiestop (rule 38)', () => {
  it('rejects a change of the indicatie in force on 1-10-2025 delivered on 2026-06-01', () => {
    const b = checkMutatiestop(voor, indicatieN, '2026-06-01');
    expect(b).toHaveLength(1);
    expect(b[0]).toMatchObject({ code: '636', ernst: 'A', regel: 38, record: 'inschrijving', sleutel: '1' });
    expect(b[0]?.tekst).toContain('teldatum 1-10-2025');
    expect(b[0]?.tekst).toContain('indicatie bekostigbaar');
    expect(b[0]?.tekst).toContain('accountant');
  });

  it('accepts the same change on 2026-05-31, before the stop', () => {
    expect(checkMutatiestop(voor, indicatieN, '2026-05-31')).toEqual([]);
  });

  it('accepts it under the accountant’s responsibility', () => {
    expect(checkMutatiestop(voor, indicatieN, '2026-06-01', 'accountant')).toEqual([]);
  });

  it('accepts an uitschrijving in 2027 of an enrolment counted on 1-10-2025', () => {
    const na = [inschrijving({ datumUitschrijvingWerkelijk: '2027-03-01', redenUitschrijving: '01' })];
    expect(checkMutatiestop(voor, na, '2027-06-15')).toEqual([]);
  });

  it('rejects an uitschrijving back to before 1-2-2026, naming that teldatum', () => {
    const na = [inschrijving({ datumUitschrijvingWerkelijk: '2026-01-15', redenUitschrijving: '01' })];
    const b = checkMutatiestop(voor, na, '2026-06-01');
    expect(b).toHaveLength(1);
    expect(b[0]?.tekst).toContain('teldatum 1-2-2026');
    expect(b[0]?.tekst).toContain('ingeschreven');
  });

  it('rejects a new enrolment counted on a closed teldatum, accepts one starting after it', () => {
    expect(checkMutatiestop([], voor, '2026-09-15')).toHaveLength(1);
    expect(
      checkMutatiestop(
        [],
        [
          inschrijving({
            datumInschrijving: '2026-02-02',
            periodes: [periode({ datumBegin: '2026-02-02' })],
          }),
        ],
        '2026-09-15',
      ),
    ).toEqual([]);
  });

  it('accepts changes that are not funding facts (onderwijslocatie) and a new periode after the closed teldata', () => {
    const na = [
      inschrijving({
        periodes: [
          periode({ onderwijslocatie: 'L2' }),
          periode({ datumBegin: '2026-03-01', opleidingcode: '25168' }),
        ],
      }),
    ];
    expect(checkMutatiestop(voor, na, '2026-06-01')).toEqual([]);
  });

  it('rejects a new periode with another opleidingcode from before 1-2-2026', () => {
    const na = [
      inschrijving({ periodes: [periode(), periode({ datumBegin: '2026-01-01', opleidingcode: '25168' })] }),
    ];
    const b = checkMutatiestop(voor, na, '2026-06-01');
    expect(b[0]?.tekst).toContain('1-2-2026 (opleidingcode)');
  });

  it('BBL: rejects removing the BPV that made 1-10-2025 count, accepts moving its planned end within the year', () => {
    const bbl = (bpvs: BpvState[]) => [
      inschrijving({ periodes: [periode({ leertraject: 'BBL' })], bpv: bpvs }),
    ];
    const b = checkMutatiestop(bbl([bpv()]), bbl([bpv({ verwijderd: true })]), '2026-06-01');
    expect(b[0]?.tekst).toContain('BPV');
    expect(
      checkMutatiestop(bbl([bpv()]), bbl([bpv({ datumEindeWerkelijk: '2026-05-01' })]), '2026-06-01'),
    ).toEqual([]);
  });
});

function dip(o: Partial<ResultaatState> = {}): ResultaatState {
  return {
    resultaatvolgnummer: 'D1',
    soort: 'DIP',
    inschrijvingsvolgnummer: '1',
    resultaatvolgnummerDiploma: null,
    opleidingcode: '25150',
    datumResultaat: '2025-07-01',
    indicatieBekostigbaar: true,
    code: null,
    uitslag: null,
    certificaat: null,
    eindcijfer: null,
    vrijstelling: null,
    cijferIe: null,
    cijferCe: null,
    vrijstellingIe: null,
    vrijstellingCe: null,
    verwijderd: false,
    ...o,
  };
}

describe('checkDiplomaMutatiestop (rule 38, diplomas)', () => {
  it('closes a diploma of 2025 (funding year 2027, teldata 1-10-2025 and 1-2-2026) from 1 June 2026', () => {
    expect(diplomaMutatiestopVanaf('2025-07-01')).toBe('2026-06-01');
  });

  const gewijzigd = (o: Partial<ResultaatState>) => dip({ ...o, mutatie: 'wijzigen' });
  it.each<[string, ResultaatState[], ResultaatState[], string, string[]]>([
    [
      'indicatie N on 2026-06-01',
      [dip()],
      [gewijzigd({ indicatieBekostigbaar: false })],
      '2026-06-01',
      ['indicatie bekostigbaar'],
    ],
    [
      'the same the day before the stop',
      [dip()],
      [gewijzigd({ indicatieBekostigbaar: false })],
      '2026-05-31',
      [],
    ],
    [
      'another opleidingcode',
      [dip()],
      [gewijzigd({ opleidingcode: '25151' })],
      '2026-09-01',
      ['opleidingcode'],
    ],
    [
      'a datum behaald moved into 2026 (out of a closed year)',
      [dip()],
      [gewijzigd({ datumResultaat: '2026-01-10' })],
      '2026-09-01',
      ['datum behaald'],
    ],
    [
      'a verwijdering',
      [dip()],
      [dip({ verwijderd: true, mutatie: 'verwijderen' })],
      '2026-09-01',
      ['diploma (vervalt)'],
    ],
    [
      'a new diploma of 2025 delivered late',
      [],
      [dip({ mutatie: 'toevoegen' })],
      '2026-09-01',
      ['diploma (nieuw)'],
    ],
    [
      'a new diploma of 2026, its year still open',
      [],
      [dip({ datumResultaat: '2026-07-01', mutatie: 'toevoegen' })],
      '2026-09-01',
      [],
    ],
    [
      'a sub-result attached to a closed diploma',
      [dip()],
      [dip(), dip({ resultaatvolgnummer: 'K1', soort: 'KZD', opleidingcode: null, mutatie: 'toevoegen' })],
      '2026-09-01',
      [],
    ],
    [
      'an unchanged diploma re-delivered (wijzigen without change)',
      [dip()],
      [gewijzigd({})],
      '2026-09-01',
      [],
    ],
  ])('%s', (_, voor, na, vandaag, velden) => {
    const b = checkDiplomaMutatiestop(voor, na, vandaag);
    expect(b.map((x) => x.code)).toEqual(velden.length > 0 ? ['636'] : []);
    for (const v of velden) {
      expect(b[0]?.tekst).toContain(v);
    }
    expect(checkDiplomaMutatiestop(voor, na, vandaag, 'accountant')).toEqual([]);
  });
});
