import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BpvState } from '../bpv/bpv.ts';
import type { InschrijvingState } from '../inschrijving/inschrijving.ts';
import type { KwalificatieReferentie, Referentie } from '../referentie/referentie.ts';
import type { ResultaatState } from '../resultaat/resultaat.ts';
import { BEKOSTIGING_SIGNALEN } from './bekostiging.signalen.ts';
import {
  affectedTeldata,
  type BekostigingBpv,
  type BekostigingDiploma,
  type BekostigingInschrijving,
  type BekostigingKwalificatie,
  type BekostigingPeriode,
  type Bekostigingsstatus,
  bekostigingsjaar,
  computeCorrectiefactor,
  countVerblijfsjaar,
  deriveBekostigingsstatus,
  deriveDiplomastatussen,
  type InschrijvingFeiten,
  kwalificatiesFromReferentie,
  REGELS_VERSIE,
  selectTellendeInschrijving,
  sumBekostigingstotalen,
  sumDeelnemerswaarde,
  toBekostigingBpvs,
  toBekostigingDiplomas,
  toBekostigingInschrijving,
  verblijfsjaarfactor,
} from './bekostiging.ts';

// Reference data in the shape of the 2015 qualification list (levels, soort, prijsfactor).
const KWALIFICATIES = new Map<string, BekostigingKwalificatie>(
  [
    { crebo: '25078', niveau: 3, soortOpleiding: 'vakopleiding', prijsfactor: 1.3 },
    { crebo: '25100', niveau: 4, soortOpleiding: 'middenkaderopleiding', prijsfactor: 1 },
    { crebo: '25200', niveau: 2, soortOpleiding: 'basisberoepsopleiding', prijsfactor: 1.1 },
    { crebo: '25300', niveau: 4, soortOpleiding: 'specialistenopleiding', prijsfactor: 1 },
    { crebo: '25301', niveau: 4, soortOpleiding: 'specialistenopleiding', prijsfactor: 1 },
    { crebo: '25250', niveau: 1, soortOpleiding: 'entreeopleiding', prijsfactor: 1 },
    { crebo: '25400', niveau: 3, soortOpleiding: 'vakopleiding', prijsfactor: 1.2, vws: true },
    { crebo: '79000', niveau: null, soortOpleiding: null, prijsfactor: null },
  ].map((k) => [k.crebo, k]),
);

function periode(p: Partial<BekostigingPeriode> = {}): BekostigingPeriode {
  return {
    datumBegin: '2024-08-01',
    opleidingcode: '25078',
    leertraject: 'BOL',
    indicatieBekostigbaar: true,
    ...p,
  };
}

function inschrijving(i: Partial<BekostigingInschrijving> = {}): BekostigingInschrijving {
  return {
    feit: { soort: 'inschrijving', id: 'i-1', versie: 'v-7' },
    brin: '91ZA',
    inschrijvingsvolgnummer: '1',
    datumInschrijving: '2024-08-01',
    datumUitschrijvingGepland: '2027-07-31',
    datumUitschrijvingWerkelijk: null,
    verwijderd: false,
    periodes: [periode()],
    ...i,
  };
}

function feiten(f: Partial<InschrijvingFeiten> = {}): InschrijvingFeiten {
  return {
    inschrijving: inschrijving(),
    instelling: { brin: '91ZA', bekostigd: true, feit: { soort: 'instelling', id: '91ZA' } },
    kwalificaties: KWALIFICATIES,
    ...f,
  };
}

function bpv(b: Partial<BekostigingBpv> = {}): BekostigingBpv {
  return {
    bpvVolgnummer: '01',
    afsluitdatum: '2024-09-15',
    datumBegin: '2024-09-15',
    datumEinde: '2025-07-31',
    ...b,
  };
}

const codes = (s: { signalen: { code: string }[] }) => s.signalen.map((x) => x.code);

describe('signal catalogue', () => {
  it('has unique codes of at most 3 characters (TBG-i AN1..3)', () => {
    const all = Object.values(BEKOSTIGING_SIGNALEN).map((s) => s.code);
    expect(new Set(all).size).toBe(all.length);
    for (const c of all) {
      expect(c).toMatch(/^[BD][0-9]{2}$/);
    }
  });
});

describe('teldatum', () => {
  it('rejects a date that is not 1 October or 1 February', () => {
    expect(() => deriveBekostigingsstatus(feiten(), '2024-10-02')).toThrow(RangeError);
  });
  it.each([
    ['2024-10-01', 2026],
    ['2025-02-01', 2026],
  ])('%s counts for funding year %i (DOMAIN.md §8.1)', (teldatum, jaar) => {
    expect(bekostigingsjaar(teldatum)).toBe(jaar);
  });
});

describe('teldata a change can affect', () => {
  it.each<[string, string, string | null, string, string, string[]]>([
    [
      'a closed range',
      '2023-09-01',
      '2025-01-15',
      '2026-12-03',
      '2020-10-01',
      ['2023-10-01', '2024-02-01', '2024-10-01'],
    ],
    [
      'an open range stops at the first teldatum after today',
      '2026-01-10',
      null,
      '2026-12-03',
      '2020-10-01',
      ['2026-02-01', '2026-10-01', '2027-02-01'],
    ],
    [
      'teldata on the range bounds count',
      '2024-10-01',
      '2025-02-01',
      '2026-12-03',
      '2020-10-01',
      ['2024-10-01', '2025-02-01'],
    ],
    [
      'nothing before the oldest teldatum of interest',
      '2019-01-01',
      '2025-01-15',
      '2026-12-03',
      '2024-02-01',
      ['2024-02-01', '2024-10-01'],
    ],
    ['a range between two teldata', '2024-10-02', '2025-01-31', '2026-12-03', '2020-10-01', []],
  ])('%s', (_naam, van, tot, vandaag, vanaf, verwacht) => {
    expect(affectedTeldata(van, tot, vandaag, vanaf)).toEqual(verwacht);
  });
});

describe('enrolled on the teldatum (end dates inclusive)', () => {
  it.each<[string, Partial<BekostigingInschrijving>, boolean, string]>([
    [
      'starts on the teldatum',
      { datumInschrijving: '2024-10-01', periodes: [periode({ datumBegin: '2024-10-01' })] },
      true,
      'B00',
    ],
    [
      'starts the day after',
      { datumInschrijving: '2024-10-02', periodes: [periode({ datumBegin: '2024-10-02' })] },
      false,
      'B01',
    ],
    ['ends on the teldatum (last valid day)', { datumUitschrijvingWerkelijk: '2024-10-01' }, true, 'B00'],
    ['ended the day before', { datumUitschrijvingWerkelijk: '2024-09-30' }, false, 'B01'],
    [
      'planned end before the teldatum, no actual end',
      { datumUitschrijvingGepland: '2024-09-30' },
      false,
      'B01',
    ],
    ['deleted', { verwijderd: true }, false, 'B02'],
  ])('%s', (_naam, i, bekostigbaar, code) => {
    const s = deriveBekostigingsstatus(feiten({ inschrijving: inschrijving(i) }), '2024-10-01');
    expect(s.bekostigbaar).toBe(bekostigbaar);
    expect(codes(s)).toContain(code);
  });
});

describe('indicatie bekostiging per periode (Regeling BVE 2009 toelichting, DOMAIN.md §8.2)', () => {
  // The regulation's three cases, each on both teldata of the studiejaar.
  it.each<[string, BekostigingPeriode[], boolean, boolean]>([
    ['J from before 1 October counts on both teldata', [periode({ datumBegin: '2024-08-01' })], true, true],
    [
      'N on 1 October, J from 2 October: counts only on 1 February',
      [
        periode({ datumBegin: '2024-08-01', indicatieBekostigbaar: false }),
        periode({ datumBegin: '2024-10-02', indicatieBekostigbaar: true }),
      ],
      false,
      true,
    ],
    [
      'N on 1 October, J from 1 February itself: counts only on 1 February',
      [
        periode({ datumBegin: '2024-08-01', indicatieBekostigbaar: false }),
        periode({ datumBegin: '2025-02-01', indicatieBekostigbaar: true }),
      ],
      false,
      true,
    ],
    [
      'N on 1 October, J only from 2 February: counts on neither',
      [
        periode({ datumBegin: '2024-08-01', indicatieBekostigbaar: false }),
        periode({ datumBegin: '2025-02-02', indicatieBekostigbaar: true }),
      ],
      false,
      false,
    ],
    [
      'J on 1 October, N from 1 January: counts only on 1 October',
      [
        periode({ datumBegin: '2024-08-01' }),
        periode({ datumBegin: '2025-01-01', indicatieBekostigbaar: false }),
      ],
      true,
      false,
    ],
  ])('%s', (_naam, periodes, okt, feb) => {
    const f = feiten({ inschrijving: inschrijving({ periodes }) });
    const s1 = deriveBekostigingsstatus(f, '2024-10-01');
    const s2 = deriveBekostigingsstatus(f, '2025-02-01');
    expect([s1.bekostigbaar, s2.bekostigbaar]).toEqual([okt, feb]);
    for (const s of [s1, s2]) {
      expect(codes(s)).toContain(s.bekostigbaar ? 'B00' : 'B04');
      expect(s.indicatieBekostigbaar).toBe(s.bekostigbaar);
    }
  });

  it('without a periode in force on the teldatum it does not count (B03)', () => {
    const s = deriveBekostigingsstatus(
      feiten({ inschrijving: inschrijving({ periodes: [periode({ datumBegin: '2024-10-15' })] }) }),
      '2024-10-01',
    );
    expect(s.bekostigbaar).toBe(false);
    expect(codes(s)).toEqual(['B03']);
  });
});

describe('BOL 1, BBL 0.4, entree BBL 0.5, prijsfactor (Uitvoeringsbesluit WEB 2.2.3)', () => {
  const bbl = (crebo: string) =>
    feiten({
      inschrijving: inschrijving({ periodes: [periode({ leertraject: 'BBL', opleidingcode: crebo })] }),
      bpvs: [bpv()],
    });
  it.each<[string, InschrijvingFeiten, number, number, number]>([
    ['BOL vak, prijsfactor 1.3', feiten(), 1, 1.3, 1.3],
    ['BBL vak, prijsfactor 1.3', bbl('25078'), 0.4, 1.3, 0.52],
    ['BBL entree', bbl('25250'), 0.5, 1, 0.5],
    ['BBL middenkader', bbl('25100'), 0.4, 1, 0.4],
  ])('%s', (_naam, f, factor, prijsfactor, bijdrage) => {
    const s = deriveBekostigingsstatus(f, '2024-10-01');
    expect(s.bekostigbaar).toBe(true);
    expect([s.bblBolFactor, s.prijsfactor, s.bijdrage]).toEqual([factor, prijsfactor, bijdrage]);
    expect(s.verblijfsjaarfactor).toBeNull();
    const b00 = s.signalen[0];
    expect(b00?.code).toBe('B00');
    expect(b00?.parameters).toContainEqual({ naam: 'bijdrage', waarde: String(bijdrage) });
  });

  it('BOL entree on 2025-10-01: factors 1, 1, contribution 1 (TBG-i sample, DOMAIN.md §10a.9)', () => {
    const f = feiten({
      inschrijving: inschrijving({
        periodes: [periode({ opleidingcode: '25250', datumBegin: '2025-08-01' })],
      }),
    });
    const s = deriveBekostigingsstatus(f, '2025-10-01');
    expect([s.bblBolFactor, s.prijsfactor, s.bijdrage, s.statusBepaling]).toEqual([1, 1, 1, 'V']);
  });

  it.each(['EX', 'OVO', 'ODT'])('leertraject %s does not count (B06)', (leertraject) => {
    const s = deriveBekostigingsstatus(
      feiten({ inschrijving: inschrijving({ periodes: [periode({ leertraject })] }) }),
      '2024-10-01',
    );
    expect(s.bekostigbaar).toBe(false);
    expect(codes(s)).toEqual(['B06']);
  });

  it('an unknown crebo does not count (B12); a known one without prijsfactor counts with unknown contribution (B13)', () => {
    const onbekend = deriveBekostigingsstatus(
      feiten({ inschrijving: inschrijving({ periodes: [periode({ opleidingcode: '99999' })] }) }),
      '2024-10-01',
    );
    expect(onbekend.bekostigbaar).toBe(false);
    expect(codes(onbekend)).toEqual(['B12']);
    const domein = deriveBekostigingsstatus(
      feiten({ inschrijving: inschrijving({ periodes: [periode({ opleidingcode: '79000' })] }) }),
      '2024-10-01',
    );
    expect(domein.bekostigbaar).toBe(true);
    expect(domein.bijdrage).toBeNull();
    expect(codes(domein)).toEqual(['B00', 'B13']);
  });
});

describe('BBL: POK by 31 December and BPV actually followed (Uitvoeringsbesluit WEB 2.2.3 lid 1 a/b)', () => {
  const bblFeiten = (bpvs: BekostigingBpv[] | undefined, opleidingcode = '25078') =>
    feiten({
      inschrijving: inschrijving({ periodes: [periode({ leertraject: 'BBL', opleidingcode })] }),
      ...(bpvs === undefined ? {} : { bpvs }),
    });
  it.each<[string, BekostigingBpv[] | undefined, string, boolean, string]>([
    ['POK and BPV running on 1 October', [bpv()], '2024-10-01', true, 'B17'],
    [
      'POK signed 31 December, BPV from 31 December',
      [bpv({ afsluitdatum: '2024-12-31', datumBegin: '2024-12-31' })],
      '2024-10-01',
      true,
      'B17',
    ],
    [
      'POK signed 1 January: too late',
      [bpv({ afsluitdatum: '2025-01-01', datumBegin: '2025-01-01' })],
      '2024-10-01',
      false,
      'B07',
    ],
    [
      'POK in time but BPV starts 1 January',
      [bpv({ afsluitdatum: '2024-11-01', datumBegin: '2025-01-01' })],
      '2024-10-01',
      false,
      'B08',
    ],
    [
      'POK in time but BPV ended before 1 October',
      [bpv({ afsluitdatum: '2024-01-10', datumBegin: '2024-01-15', datumEinde: '2024-09-30' })],
      '2024-10-01',
      false,
      'B08',
    ],
    ['no BPV at all', [], '2024-10-01', false, 'B07'],
    ['BPV facts not available', undefined, '2024-10-01', false, 'B16'],
    ['1 February: POK and BPV running on the day', [bpv()], '2025-02-01', true, 'B17'],
    [
      '1 February: POK signed 2 February',
      [bpv({ afsluitdatum: '2025-02-02', datumBegin: '2025-02-02' })],
      '2025-02-01',
      false,
      'B07',
    ],
  ])('%s', (_naam, bpvs, teldatum, bekostigbaar, code) => {
    const s = deriveBekostigingsstatus(bblFeiten(bpvs), teldatum);
    expect(s.bekostigbaar).toBe(bekostigbaar);
    expect(codes(s)).toContain(code);
    expect(s.bekostigingsrelevanteBpvs).toEqual(bekostigbaar ? ['01'] : []);
  });

  it('reads the VWS flag from the reference snapshot: beroepsvereisten VWS, nothing else', () => {
    const kwal = (crebo: string, beroepsvereisten: string | null): KwalificatieReferentie => ({
      crebo,
      naam: `Kwalificatie ${crebo}`,
      soort: 'kwalificatie',
      structuur: 'hks2015',
      niveau: 3,
      soortOpleiding: 'vakopleiding',
      leerwegen: ['BOL', 'BBL'],
      kwalificatiedossier: null,
      opleidingsdomein: null,
      geldigVanaf: null,
      geldigTot: null,
      instroomTot: null,
      prijsfactor: 1.5,
      beroepsvereisten,
    });
    const referentie: Referentie = {
      instellingen: new Map(),
      kwalificaties: new Map([
        ['25491', kwal('25491', 'VWS')],
        ['25407', kwal('25407', 'V&J')],
        ['25150', kwal('25150', null)],
      ]),
      onderwijslocaties: new Map(),
      aanbod: [],
    };
    const k = kwalificatiesFromReferentie(referentie);
    expect(k.get('25491')).toMatchObject({ crebo: '25491', niveau: 3, prijsfactor: 1.5, vws: true });
    expect(k.get('25407')?.vws).toBe(false);
    expect(k.get('25150')?.vws).toBe(false);
    const laat = [bpv({ afsluitdatum: '2024-12-20', datumBegin: '2025-03-01' })];
    const met = (kwalificaties: ReadonlyMap<string, BekostigingKwalificatie>, crebo: string) =>
      deriveBekostigingsstatus({ ...bblFeiten(laat, crebo), kwalificaties }, '2024-10-01').bekostigbaar;
    expect(met(k, '25491')).toBe(true);
    expect(met(k, '25150')).toBe(false);
  });

  it('VWS qualification: the BPV may start until 1 June of the next year', () => {
    const laat = [bpv({ afsluitdatum: '2024-12-20', datumBegin: '2025-06-01' })];
    expect(deriveBekostigingsstatus(bblFeiten(laat, '25400'), '2024-10-01').bekostigbaar).toBe(true);
    expect(deriveBekostigingsstatus(bblFeiten(laat, '25078'), '2024-10-01').bekostigbaar).toBe(false);
  });

  it('records the BPV facts it used', () => {
    const s = deriveBekostigingsstatus(
      bblFeiten([bpv({ feit: { soort: 'bpv', id: 'b-1', versie: 'v-2' } })]),
      '2024-10-01',
    );
    expect(s.gebruikteFeiten).toContainEqual({ soort: 'bpv', id: 'b-1', versie: 'v-2' });
  });
});

describe('verblijfsjaarfactor only before teldatum 1 October 2018 (DOMAIN.md §8.4, §10a.7)', () => {
  const f = (opleidingcode: string, datumBegin: string, verblijfsjaar?: number) =>
    feiten({
      inschrijving: inschrijving({
        datumInschrijving: datumBegin,
        periodes: [periode({ opleidingcode, datumBegin })],
      }),
      ...(verblijfsjaar === undefined ? {} : { verblijfsjaar }),
    });
  it.each<[string, InschrijvingFeiten, string, number | null, number | null, boolean]>([
    ['1-10-2017, vak, year 1: 1.2', f('25078', '2016-08-01', 1), '2017-10-01', 1.2, 1.56, true],
    ['1-2-2018, vak, year 5: 0.5', f('25078', '2016-08-01', 5), '2018-02-01', 0.5, 0.65, true],
    ['1-10-2017, vak, year 7: 0, does not count', f('25078', '2016-08-01', 7), '2017-10-01', 0, 0, false],
    ['1-10-2017, entree, year 2: 0.6', f('25250', '2016-08-01', 2), '2017-10-01', 0.6, 0.6, true],
    ['1-10-2017, entree, year 3: 0', f('25250', '2016-08-01', 3), '2017-10-01', 0, 0, false],
    [
      '1-10-2018: no longer applies, even in year 7',
      f('25078', '2016-08-01', 7),
      '2018-10-01',
      null,
      1.3,
      true,
    ],
  ])('%s', (_naam, feit, teldatum, factor, bijdrage, bekostigbaar) => {
    const s = deriveBekostigingsstatus(feit, teldatum);
    expect([s.verblijfsjaarfactor, s.bijdrage, s.bekostigbaar]).toEqual([factor, bijdrage, bekostigbaar]);
  });

  it('before 2018 without a known verblijfsjaar: counts, contribution unknown (B14)', () => {
    const s = deriveBekostigingsstatus(f('25078', '2016-08-01'), '2017-10-01');
    expect(s.bekostigbaar).toBe(true);
    expect(s.bijdrage).toBeNull();
    expect(codes(s)).toContain('B14');
  });

  it.each<[string, string[], string, boolean, number]>([
    ['first 1 October', [], '2017-10-01', false, 1],
    ['third consecutive', ['2015-10-01', '2016-10-01'], '2017-10-01', false, 3],
    [
      '1 February takes the year of the 1 October before it',
      ['2015-10-01', '2016-10-01'],
      '2018-02-01',
      false,
      3,
    ],
    ['restart after 3 years without (other levels)', ['2012-10-01'], '2016-10-01', false, 1],
    ['no restart after 2 years without (other levels)', ['2013-10-01'], '2016-10-01', false, 2],
    ['restart after 2 years without (entree)', ['2013-10-01'], '2016-10-01', true, 1],
  ])('verblijfsjaar: %s', (_naam, eerder, teldatum, entree, jaar) => {
    expect(countVerblijfsjaar(eerder, teldatum, entree)).toBe(jaar);
  });

  it('factor tables', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((j) => verblijfsjaarfactor(j, false))).toEqual([
      1.2, 1, 1, 1, 0.5, 0.5, 0,
    ]);
    expect([1, 2, 3].map((j) => verblijfsjaarfactor(j, true))).toEqual([1.2, 0.6, 0]);
  });
});

describe('non-funded institution, persons not in BRP (WEB 1.4.1, 2.2.2)', () => {
  it('an institution that is not funded: not bekostigbaar (B05), all reasons reported', () => {
    const s = deriveBekostigingsstatus(
      feiten({
        instelling: { brin: '99XX', bekostigd: false },
        inschrijving: inschrijving({ periodes: [periode({ indicatieBekostigbaar: false })] }),
      }),
      '2024-10-01',
    );
    expect(s.bekostigbaar).toBe(false);
    expect(codes(s)).toEqual(['B05', 'B04']);
    expect(s.signalen[0]?.parameters).toEqual([{ naam: 'brin', waarde: '99XX' }]);
  });

  it.each<[string, InschrijvingFeiten['persoon'], boolean, string | null]>([
    ['in BRP', { inBrp: true }, true, null],
    ['not in BRP, lives in NL', { inBrp: false, woonplaats: { land: '6030' } }, true, 'B18'],
    ['not in BRP, lives in Belgium', { inBrp: false, woonplaats: { land: '5010' } }, true, 'B18'],
    [
      'not in BRP, lives in North Rhine-Westphalia',
      { inBrp: false, woonplaats: { land: '9089', deelstaat: 'NW' } },
      true,
      'B18',
    ],
    [
      'not in BRP, lives in Lower Saxony',
      { inBrp: false, woonplaats: { land: '6029', deelstaat: 'NI' } },
      true,
      'B18',
    ],
    [
      'not in BRP, lives in Bremen',
      { inBrp: false, woonplaats: { land: '9089', deelstaat: 'HB' } },
      true,
      'B18',
    ],
    [
      'not in BRP, lives in Bavaria',
      { inBrp: false, woonplaats: { land: '9089', deelstaat: 'BY' } },
      false,
      'B09',
    ],
    ['not in BRP, lives in France', { inBrp: false, woonplaats: { land: '5002' } }, false, 'B09'],
    ['not in BRP, Germany without deelstaat', { inBrp: false, woonplaats: { land: '9089' } }, false, 'B10'],
    ['not in BRP, residence unknown', { inBrp: false }, false, 'B10'],
  ])('%s', (_naam, persoon, bekostigbaar, code) => {
    const s = deriveBekostigingsstatus(feiten(persoon ? { persoon } : {}), '2024-10-01');
    expect(s.bekostigbaar).toBe(bekostigbaar);
    if (code) {
      expect(codes(s)).toContain(code);
    }
  });
});

describe('explanation', () => {
  it('reports every reason that applies, not only the first', () => {
    const s = deriveBekostigingsstatus(
      feiten({
        instelling: { brin: '99XX', bekostigd: false },
        inschrijving: inschrijving({
          periodes: [periode({ leertraject: 'BBL', indicatieBekostigbaar: false })],
        }),
        bpvs: [bpv({ afsluitdatum: '2025-01-01' })],
        persoon: { inBrp: false, woonplaats: { land: '5002' } },
      }),
      '2024-10-01',
    );
    expect(s.bekostigbaar).toBe(false);
    expect(s.bijdrage).toBe(0);
    expect(codes(s)).toEqual(['B05', 'B04', 'B07', 'B09']);
    expect(s.signalen.find((x) => x.code === 'B07')?.parameters).toEqual([
      { naam: 'uitersteAfsluitdatum', waarde: '2024-12-31' },
      { naam: 'vroegsteAfsluitdatum', waarde: '2025-01-01' },
    ]);
  });

  it('says version, V/D, factors, contribution and the facts used', () => {
    const f = feiten({
      inschrijving: inschrijving({
        periodes: [periode({ feit: { soort: 'periode', id: 'p-1', versie: 'v-3' } })],
      }),
      persoon: { feit: { soort: 'persoon', id: 'per-1', versie: 'v-1' }, inBrp: true },
      definitief: true,
    });
    const s = deriveBekostigingsstatus(f, '2024-10-01');
    expect(s).toMatchObject({
      regelsVersie: REGELS_VERSIE,
      statusBepaling: 'D',
      bekostigbaar: true,
      inschrijvingVoorCorrectiefactor: true,
      opleidingcode: '25078',
      leertraject: 'BOL',
      niveau: 3,
      bblBolFactor: 1,
      prijsfactor: 1.3,
      bijdrage: 1.3,
    });
    expect(s.gebruikteFeiten).toEqual([
      { soort: 'inschrijving', id: 'i-1', versie: 'v-7' },
      { soort: 'instelling', id: '91ZA' },
      { soort: 'periode', id: 'p-1', versie: 'v-3' },
      { soort: 'kwalificatie', id: '25078' },
      { soort: 'persoon', id: 'per-1', versie: 'v-1' },
    ]);
    expect(s.signalen[0]).toMatchObject({
      code: 'B00',
      gevolg: 'telt',
      parameters: [
        { naam: 'teldatum', waarde: '2024-10-01' },
        { naam: 'leertraject', waarde: 'BOL' },
        { naam: 'bblBolFactor', waarde: '1' },
        { naam: 'prijsfactor', waarde: '1.3' },
        { naam: 'bijdrage', waarde: '1.3' },
      ],
    });
  });
});

describe('several inschrijvingen of one person on one teldatum count once (WEB 2.2.2 lid 3)', () => {
  const status = (
    brin: string,
    nr: string,
    opleidingcode: string,
    leertraject = 'BOL',
    datum = '2024-08-01',
  ) =>
    deriveBekostigingsstatus(
      feiten({
        instelling: { brin, bekostigd: true },
        inschrijving: inschrijving({
          brin,
          inschrijvingsvolgnummer: nr,
          datumInschrijving: datum,
          periodes: [periode({ opleidingcode, leertraject, datumBegin: datum })],
        }),
        bpvs: [bpv()],
      }),
      '2024-10-01',
    );
  const datums = new Map<Bekostigingsstatus, string>();
  const pick = (lijst: Bekostigingsstatus[]) =>
    selectTellendeInschrijving(lijst, (s) => datums.get(s) ?? '2024-08-01');

  it('two institutions: the higher contribution counts, the other gets B11 naming it', () => {
    const a = status('91ZA', '1', '25100', 'BBL'); // 0.4
    const b = status('92ZB', '7', '25078'); // 1.3
    const { telt, statussen } = pick([a, b]);
    expect(telt).toBe(b);
    expect(statussen.map((s) => s.bekostigbaar)).toEqual([false, true]);
    const b11 = statussen[0]?.signalen.find((x) => x.code === 'B11');
    expect(b11?.parameters).toEqual(
      expect.arrayContaining([
        { naam: 'tellendeBrin', waarde: '92ZB' },
        { naam: 'tellendeInschrijvingsvolgnummer', waarde: '7' },
      ]),
    );
    expect(codes(statussen[0] ?? a)).not.toContain('B00');
    expect(sumDeelnemerswaarde(statussen)).toEqual({ bekostigd: 1, gewogen: 1.3, bijdrageOnbekend: 0 });
  });

  it('equal contributions: the earliest datumInschrijving counts', () => {
    const a = status('91ZA', '2', '25078', 'BOL', '2024-09-01');
    const b = status('91ZA', '1', '25078', 'BOL', '2024-08-01');
    datums.set(a, '2024-09-01');
    datums.set(b, '2024-08-01');
    expect(pick([a, b]).telt).toBe(b);
  });

  it('one that counts and one that does not: nothing changes', () => {
    const a = status('91ZA', '1', '25078');
    const b = { ...status('91ZA', '2', '25078'), bekostigbaar: false };
    const { telt, statussen } = pick([a, b]);
    expect(telt).toBe(a);
    expect(statussen).toEqual([a, b]);
  });
});

describe('correctiefactor 1 February (Uitvoeringsbesluit WEB 2.2.3 lid 6)', () => {
  it.each<[number, number, number | null]>([
    [100, 100, 1],
    [100, 90, 0.95],
    [80, 100, 1.125],
    [0, 10, null],
  ])('1 Oct %d, 1 Feb %d → Cf %s', (okt, feb, cf) => {
    expect(computeCorrectiefactor(okt, feb)).toBe(cf);
  });
});

describe('diploma part (Uitvoeringsbesluit WEB 2.2.4, WEB 2.2.2)', () => {
  let volgnummer = 0;
  const diploma = (opleidingcode: string, datumBehaald: string, d: Partial<BekostigingDiploma> = {}) =>
    ({
      resultaatvolgnummer: String(++volgnummer),
      brin: '91ZA',
      instellingBekostigd: true,
      opleidingcode,
      datumBehaald,
      indicatieBekostigbaar: true,
      ...d,
    }) satisfies BekostigingDiploma;
  const waarden = (ds: BekostigingDiploma[], opties = {}) =>
    deriveDiplomastatussen(ds, KWALIFICATIES, opties).map((s) => [
      s.bijdrageDiplomawaarde,
      s.signalen[0]?.code,
    ]);

  it.each<[string, BekostigingDiploma[], (number | string | undefined)[][]]>([
    ['MBO-4 with no earlier diploma: DiW 5 (TBG-i sample)', [diploma('25100', '2024-06-30')], [[5, 'D00']]],
    ['MBO-2: 1', [diploma('25200', '2024-06-30')], [[1, 'D00']]],
    ['MBO-3: 3', [diploma('25078', '2024-06-30')], [[3, 'D00']]],
    ['specialist: 5 + DS 2', [diploma('25300', '2024-06-30')], [[7, 'D00']]],
    [
      'MBO-2 then MBO-4 in a later year: 1, then 5 − DiE 1 = 4',
      [diploma('25200', '2022-06-30'), diploma('25100', '2024-06-30')],
      [
        [1, 'D00'],
        [4, 'D00'],
      ],
    ],
    [
      'middenkader then specialist: DS 2 only',
      [diploma('25100', '2022-06-30'), diploma('25300', '2024-06-30')],
      [
        [5, 'D00'],
        [2, 'D00'],
      ],
    ],
    [
      'a second specialist diploma: DS only for the first',
      [diploma('25300', '2022-06-30'), diploma('25301', '2024-06-30')],
      [
        [7, 'D00'],
        [0, 'D04'],
      ],
    ],
    [
      'two diplomas in one year, the later higher: both count, the later adds the difference',
      [diploma('25200', '2024-03-01'), diploma('25078', '2024-07-01')],
      [
        [1, 'D00'],
        [2, 'D00'],
      ],
    ],
    [
      'two diplomas in one year, the later equal: only the first counts',
      [diploma('25078', '2024-03-01'), diploma('25078', '2024-07-01')],
      [
        [3, 'D00'],
        [0, 'D05'],
      ],
    ],
    [
      'a lower later diploma is ignored',
      [diploma('25100', '2022-06-30'), diploma('25078', '2024-06-30')],
      [
        [5, 'D00'],
        [0, 'D04'],
      ],
    ],
    [
      'same date: the lowest is treated as the earlier one',
      [diploma('25100', '2024-06-30'), diploma('25200', '2024-06-30')],
      [
        [4, 'D00'],
        [1, 'D00'],
      ],
    ],
    ['entree never counts', [diploma('25250', '2024-06-30')], [[0, 'D01']]],
    [
      'an entree diploma is no earlier diploma (DiE 0)',
      [diploma('25250', '2023-06-30'), diploma('25200', '2024-06-30')],
      [
        [0, 'D01'],
        [1, 'D00'],
      ],
    ],
    ['indicatie N', [diploma('25078', '2024-06-30', { indicatieBekostigbaar: false })], [[0, 'D02']]],
    [
      'non-funded institution',
      [diploma('25078', '2024-06-30', { instellingBekostigd: false })],
      [[0, 'D03']],
    ],
    [
      'examendeelnemer within 2 calendar years after a funded enrolment ended without diploma',
      [
        diploma('25078', '2024-06-30', {
          examendeelnemer: { bekostigdeInschrijvingZonderDiplomaTot: '2022-07-31' },
        }),
      ],
      [[3, 'D00']],
    ],
    [
      'examendeelnemer 3 calendar years after',
      [
        diploma('25078', '2025-06-30', {
          examendeelnemer: { bekostigdeInschrijvingZonderDiplomaTot: '2022-07-31' },
        }),
      ],
      [[0, 'D06']],
    ],
    [
      'examendeelnemer without an earlier funded enrolment',
      [diploma('25078', '2024-06-30', { examendeelnemer: { bekostigdeInschrijvingZonderDiplomaTot: null } })],
      [[0, 'D06']],
    ],
  ])('%s', (_naam, ds, verwacht) => {
    expect(waarden(ds)).toEqual(verwacht);
  });

  it('after 3 consecutive 1 Octobers without enrolment earlier diplomas are ignored (D08)', () => {
    const ds = [diploma('25100', '2015-06-30'), diploma('25078', '2020-06-30')];
    expect(waarden(ds, { oktoberteldata: ['2019-10-01'] })).toEqual([
      [5, 'D00'],
      [3, 'D00'],
    ]);
    expect(waarden(ds, { oktoberteldata: ['2015-10-01', '2017-10-01', '2019-10-01'] })).toEqual([
      [5, 'D00'],
      [0, 'D04'],
    ]);
  });

  it('explains a lower later diploma with the earlier one as parameters', () => {
    const [, later] = deriveDiplomastatussen(
      [diploma('25100', '2022-06-30', { resultaatvolgnummer: 'A' }), diploma('25078', '2024-06-30')],
      KWALIFICATIES,
    );
    expect(later).toMatchObject({
      bekostigbaar: false,
      niveau: 3,
      niveauHoogsteEerdereDiploma: 4,
      statusBepaling: 'V',
    });
    expect(later?.signalen[0]?.parameters).toEqual(
      expect.arrayContaining([
        { naam: 'datumEerdereDiploma', waarde: '2022-06-30' },
        { naam: 'resultaatvolgnummerEerdereDiploma', waarde: 'A' },
      ]),
    );
  });

  it('keeps the input order in its answer', () => {
    const ds = [diploma('25100', '2024-06-30'), diploma('25200', '2022-06-30')];
    expect(deriveDiplomastatussen(ds, KWALIFICATIES).map((s) => s.resultaatvolgnummer)).toEqual(
      ds.map((d) => d.resultaatvolgnummer),
    );
  });
});

describe('facts from the register', () => {
  it('maps an InschrijvingState, leaving out removed periodes, and uses the periode niveau for a dossier', () => {
    const state: InschrijvingState = {
      inschrijvingsvolgnummer: '3',
      datumInschrijving: '2024-08-01',
      datumUitschrijvingGepland: '2026-07-31',
      datumUitschrijvingWerkelijk: null,
      redenUitschrijving: null,
      verwijderd: false,
      ondersteuning: [],
      periodes: [
        {
          periodeId: 'p-9',
          datumBegin: '2024-08-01',
          opleidingcode: '23999',
          leertraject: 'BBL',
          niveau: 'MBO-1',
          indicatieBekostigbaar: true,
          onderwijslocatie: null,
          onderwijsaanbieder: null,
          locatiecodeVsv: null,
          verwijderd: false,
        },
        {
          datumBegin: '2024-09-01',
          opleidingcode: '25078',
          leertraject: 'BOL',
          niveau: null,
          indicatieBekostigbaar: false,
          onderwijslocatie: null,
          onderwijsaanbieder: null,
          locatiecodeVsv: null,
          verwijderd: true,
        },
      ],
    };
    const i = toBekostigingInschrijving('91ZA', state, {
      periode: (p) => (p.periodeId ? { soort: 'periode', id: p.periodeId } : undefined),
    });
    expect(i.periodes).toHaveLength(1);
    const kwalificaties = new Map([
      ['23999', { crebo: '23999', niveau: null, soortOpleiding: null, prijsfactor: 1.1 }],
    ]);
    const s = deriveBekostigingsstatus(
      { inschrijving: i, instelling: { brin: '91ZA', bekostigd: true }, kwalificaties, bpvs: [bpv()] },
      '2024-10-01',
    );
    expect([s.bekostigbaar, s.niveau, s.bblBolFactor, s.bijdrage]).toEqual([true, 1, 0.5, 0.55]);
    expect(s.gebruikteFeiten).toContainEqual({ soort: 'periode', id: 'p-9' });
  });
});

describe('BPV facts from the register', () => {
  const bpvState = (b: Partial<BpvState>): BpvState => ({
    bpvVolgnummer: '01',
    afsluitdatum: '2024-09-01',
    datumBegin: '2024-09-15',
    datumEindeGepland: '2025-07-31',
    datumEindeWerkelijk: null,
    omvang: 800,
    leerbedrijfId: '100000001',
    opleidingcode: null,
    codeKeuzedeel: null,
    erkenning: null,
    verwijderd: false,
    ...b,
  });
  const state = (bpv?: BpvState[]): InschrijvingState => ({
    inschrijvingsvolgnummer: '1',
    datumInschrijving: '2024-08-01',
    datumUitschrijvingGepland: '2027-07-31',
    datumUitschrijvingWerkelijk: null,
    redenUitschrijving: null,
    verwijderd: false,
    ondersteuning: [],
    periodes: [],
    ...(bpv ? { bpv } : {}),
  });

  it('leaves out removed BPVs and ends a BPV on its werkelijke datum einde when known', () => {
    const bpvs = toBekostigingBpvs(
      state([
        bpvState({ bpvId: 'b-1', datumEindeWerkelijk: '2024-09-30' }),
        bpvState({ bpvVolgnummer: '02', verwijderd: true }),
        bpvState({ bpvVolgnummer: '03' }),
      ]),
      (b) => (b.bpvId ? { soort: 'bpv', id: b.bpvId } : undefined),
    );
    expect(bpvs).toEqual([
      {
        feit: { soort: 'bpv', id: 'b-1' },
        bpvVolgnummer: '01',
        afsluitdatum: '2024-09-01',
        datumBegin: '2024-09-15',
        datumEinde: '2024-09-30',
      },
      { bpvVolgnummer: '03', afsluitdatum: '2024-09-01', datumBegin: '2024-09-15', datumEinde: '2025-07-31' },
    ]);
  });

  it('no BPV list loaded is not the same as no BPV', () => {
    expect(toBekostigingBpvs(state())).toBeUndefined();
    expect(toBekostigingBpvs(state([]))).toEqual([]);
  });
});

describe('diplomas from the register', () => {
  const resultaat = (r: Partial<ResultaatState>): ResultaatState => ({
    resultaatvolgnummer: 'R1',
    soort: 'DIP',
    inschrijvingsvolgnummer: '1',
    resultaatvolgnummerDiploma: null,
    opleidingcode: '25078',
    datumResultaat: '2024-06-30',
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
    ...r,
  });

  it('keeps current DIP records only, and a missing claim is N', () => {
    const ds = toBekostigingDiplomas(
      { brin: '91ZA', bekostigd: true },
      [
        resultaat({ resultaatId: 'r-1' }),
        resultaat({ resultaatvolgnummer: 'R2', verwijderd: true }),
        resultaat({ resultaatvolgnummer: 'K1', soort: 'KZD', opleidingcode: null }),
        resultaat({ resultaatvolgnummer: 'R3', opleidingcode: '25100', indicatieBekostigbaar: null }),
      ],
      { feit: (r) => (r.resultaatId ? { soort: 'resultaat', id: r.resultaatId } : undefined) },
    );
    expect(ds.map((d) => [d.resultaatvolgnummer, d.indicatieBekostigbaar])).toEqual([
      ['R1', true],
      ['R3', false],
    ]);
    expect(ds[0]?.feit).toEqual({ soort: 'resultaat', id: 'r-1' });
    const statussen = deriveDiplomastatussen(ds, KWALIFICATIES);
    expect(statussen.map((x) => [x.bijdrageDiplomawaarde, x.signalen[0]?.code])).toEqual([
      [3, 'D00'],
      [0, 'D02'],
    ]);
  });
});

describe('ADR 0008', () => {
  it('lists every signal code of the catalogue', () => {
    const adr = readFileSync(new URL('../../docs/adr/0008-bekostiging-rules.md', import.meta.url), 'utf8');
    for (const s of Object.values(BEKOSTIGING_SIGNALEN)) {
      expect(adr).toContain(`| \`${s.code}\` |`);
    }
  });
});

describe('totals of a funding year', () => {
  const bol = (nr: string, periodes: BekostigingPeriode[]) =>
    feiten({ inschrijving: inschrijving({ inschrijvingsvolgnummer: nr, periodes }) });
  const f = [
    bol('1', [periode()]), // 1.3 on both
    bol('2', [periode({ opleidingcode: '25100' })]), // 1 on both
    bol('3', [
      periode({ indicatieBekostigbaar: false }),
      periode({ datumBegin: '2024-11-01', opleidingcode: '25100' }),
    ]), // only 1 Feb
    bol('4', [periode({ opleidingcode: '79000' })]), // counts, contribution unknown
  ];
  const okt = f.map((x) => deriveBekostigingsstatus(x, '2024-10-01'));
  const feb = f.map((x) => deriveBekostigingsstatus(x, '2025-02-01'));

  it('weighted counts per teldatum, Cf and diploma points', () => {
    const diplomas = deriveDiplomastatussen(
      [
        {
          resultaatvolgnummer: 'a',
          brin: '91ZA',
          instellingBekostigd: true,
          opleidingcode: '25200',
          datumBehaald: '2024-03-01',
          indicatieBekostigbaar: true,
        },
        {
          resultaatvolgnummer: 'b',
          brin: '91ZA',
          instellingBekostigd: true,
          opleidingcode: '25100',
          datumBehaald: '2024-07-01',
          indicatieBekostigbaar: true,
        },
        {
          resultaatvolgnummer: 'c',
          brin: '91ZA',
          instellingBekostigd: true,
          opleidingcode: '25250',
          datumBehaald: '2024-07-01',
          indicatieBekostigbaar: true,
        },
      ],
      KWALIFICATIES,
    );
    const t = sumBekostigingstotalen(
      { teldatum: '2024-10-01', statussen: okt },
      { teldatum: '2025-02-01', statussen: feb },
      diplomas,
    );
    expect(t.oktober).toMatchObject({ inschrijvingen: 4, bekostigd: 3, gewogen: 2.3, bijdrageOnbekend: 1 });
    expect(t.oktober.perSignaal).toMatchObject({ B00: 3, B04: 1, B13: 1 });
    expect(t.februari).toMatchObject({ inschrijvingen: 4, bekostigd: 4, gewogen: 3.3, bijdrageOnbekend: 1 });
    expect(t.correctiefactor).toBe(1.217391);
    expect(t.diplomas).toEqual({ aantal: 3, bekostigd: 2, diplomapunten: 5 });
  });

  it('refuses 1 February as the October teldatum', () => {
    expect(() =>
      sumBekostigingstotalen(
        { teldatum: '2025-02-01', statussen: okt },
        { teldatum: '2025-02-01', statussen: feb },
        [],
      ),
    ).toThrow(RangeError);
  });

  it('refuses teldata of different funding years', () => {
    expect(() =>
      sumBekostigingstotalen(
        { teldatum: '2024-10-01', statussen: okt },
        { teldatum: '2024-02-01', statussen: feb },
        [],
      ),
    ).toThrow(RangeError);
  });
});
