import { describe, expect, it } from 'vitest';
import type { Melding, ResultaatRecord } from '../aanlevering/melding.schema.ts';
import type { InschrijvingState } from '../inschrijving/inschrijving.ts';
import {
  applyResultaten,
  countResultatenPerInschrijving,
  type ResultaatKwalificatie,
  type ResultaatState,
} from './resultaat.ts';

const kwal = (crebo: string, o: Partial<ResultaatKwalificatie> = {}): [string, ResultaatKwalificatie] => [
  crebo,
  {
    crebo,
    naam: `Kwalificatie ${crebo}`,
    soort: 'kwalificatie',
    niveau: 2,
    leerwegen: ['BOL', 'BBL'],
    geldigVanaf: '2015-08-01',
    geldigTot: null,
    instroomTot: null,
    kwalificatiedossier: '23068',
    opleidingsdomein: '79090',
    soortOpleiding: 'basisberoepsopleiding',
    ...o,
  },
];

const referentie = {
  kwalificaties: new Map([
    kwal('25150'),
    kwal('25251', {
      niveau: 1,
      soortOpleiding: 'entreeopleiding',
      kwalificatiedossier: '23110',
      opleidingsdomein: null,
    }),
    kwal('25407', { kwalificatiedossier: '23161', opleidingsdomein: '79100' }),
    kwal('94001', { geldigVanaf: '2014-08-01', geldigTot: '2020-07-31' }),
    kwal('23068', { soort: 'kwalificatiedossier', niveau: null, kwalificatiedossier: null }),
  ]),
};

function inschrijving(
  o: Partial<InschrijvingState> & { crebo?: string; niveau?: string | null } = {},
): InschrijvingState {
  return {
    inschrijvingId: '1',
    inschrijvingsvolgnummer: '1',
    datumInschrijving: '2024-08-01',
    datumUitschrijvingGepland: '2026-07-31',
    datumUitschrijvingWerkelijk: null,
    redenUitschrijving: null,
    verwijderd: false,
    periodes: [
      {
        datumBegin: '2024-08-01',
        opleidingcode: o.crebo ?? '25150',
        leertraject: 'BOL',
        niveau: o.niveau ?? null,
        indicatieBekostigbaar: true,
        onderwijslocatie: null,
        onderwijsaanbieder: null,
        locatiecodeVsv: null,
        verwijderd: false,
      },
    ],
    ondersteuning: [],
    ...o,
  };
}

const diploma = (o: Partial<ResultaatRecord> = {}): ResultaatRecord => ({
  mutatie: 'toevoegen',
  resultaatvolgnummer: 'D1',
  soort: 'DIP',
  inschrijvingsvolgnummer: '1',
  opleidingcode: '25150',
  datumResultaat: '2026-06-30',
  indicatieBekostigbaar: 'J',
  ...o,
});

function run(
  resultaten: ResultaatRecord[],
  o: { inschrijvingen?: InschrijvingState[]; huidig?: ResultaatState[]; bekostigd?: boolean } = {},
) {
  const melding = { resultaten } as unknown as Melding;
  return applyResultaten({
    melding,
    instelling: { brin: '91ZA', bekostigd: o.bekostigd ?? true },
    referentie,
    inschrijvingen: o.inschrijvingen ?? [inschrijving()],
    huidig: o.huidig ?? [],
    vandaag: '2026-07-10',
  });
}
const codes = (r: ReturnType<typeof run>) => r.bevindingen.map((b) => b.code);

const bestaandDiploma: ResultaatState = {
  resultaatId: '7',
  resultaatvolgnummer: 'D1',
  soort: 'DIP',
  inschrijvingsvolgnummer: '1',
  resultaatvolgnummerDiploma: null,
  opleidingcode: '25150',
  datumResultaat: '2026-06-30',
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
};

describe('applyResultaten: controles bij de aanlevering van een diploma', () => {
  it('accepts a correct diploma and marks it funding-relevant', () => {
    const r = run([diploma()]);
    expect(r.bevindingen).toEqual([]);
    expect(r.nieuw[0]).toMatchObject({ mutatie: 'toevoegen', bekostigingsrelevant: true });
  });

  it.each([
    ['805 unknown inschrijving (rule 25)', diploma({ inschrijvingsvolgnummer: '9' }), '805'],
    ['687 crebo not in CREBO (rule 26)', diploma({ opleidingcode: '99999' }), '687'],
    ['685 diploma on a kwalificatiedossier', diploma({ opleidingcode: '23068' }), '685'],
    ['680 not the enrolled opleiding (rule 27)', diploma({ opleidingcode: '25407' }), '680'],
    ['681 datum behaald before the inschrijving (rule 28)', diploma({ datumResultaat: '2024-07-01' }), '681'],
    [
      '682 datum behaald after the planned end and in the future',
      diploma({ datumResultaat: '2026-08-05' }),
      '682',
    ],
    ['682 datum behaald in the future (rule 28)', diploma({ datumResultaat: '2026-07-11' }), '682'],
    ['688 kwalificatie not valid on datum behaald', diploma({ opleidingcode: '94001' }), '688'],
  ])('%s', (_naam, record, code) => {
    const inschrijvingen = [inschrijving({ crebo: record.opleidingcode === '94001' ? '94001' : '25150' })];
    expect(codes(run([record], { inschrijvingen }))).toContain(code);
  });

  it('accepts a kwalificatie of the enrolled kwalificatiedossier, and signals a level mismatch (686)', () => {
    const r = run([diploma()], { inschrijvingen: [inschrijving({ crebo: '23068', niveau: 'MBO-3' })] });
    expect(codes(r)).toEqual(['686']);
    expect(
      run([diploma()], { inschrijvingen: [inschrijving({ crebo: '23068', niveau: 'MBO-2' })] }).bevindingen,
    ).toEqual([]);
  });

  it('signals when the diploma ends the enrolment on another date (rule 24, S)', () => {
    const closed = inschrijving({
      datumUitschrijvingWerkelijk: '2026-07-03',
      redenUitschrijving: '08',
      mutatie: 'wijzigen',
    });
    expect(codes(run([diploma()], { inschrijvingen: [closed] }))).toEqual(['683']);
    const same = inschrijving({ datumUitschrijvingWerkelijk: '2026-06-30', redenUitschrijving: '08' });
    expect(run([diploma()], { inschrijvingen: [same] }).bevindingen).toEqual([]);
  });

  it('rejects a second identical diploma (684) and a reused resultaatvolgnummer (690)', () => {
    expect(codes(run([diploma({ resultaatvolgnummer: 'D2' })], { huidig: [bestaandDiploma] }))).toContain(
      '684',
    );
    expect(codes(run([diploma()], { huidig: [bestaandDiploma] }))).toContain('690');
  });

  it('entree diploma with a funding claim is stored with signal 689; a non-funded institution may not claim (629)', () => {
    const entree = [inschrijving({ crebo: '25251' })];
    expect(codes(run([diploma({ opleidingcode: '25251' })], { inschrijvingen: entree }))).toEqual(['689']);
    expect(
      codes(
        run([diploma({ opleidingcode: '25251', indicatieBekostigbaar: 'N' })], { inschrijvingen: entree }),
      ),
    ).toEqual([]);
    expect(codes(run([diploma()], { bekostigd: false }))).toEqual(['629']);
  });

  it('checks the fields per soort: attached sub-results carry no date; a loose AMO is always a certificaat', () => {
    const kzd: ResultaatRecord = {
      mutatie: 'toevoegen',
      resultaatvolgnummer: 'K1',
      soort: 'KZD',
      resultaatvolgnummerDiploma: 'D1',
      code: 'K0067',
      uitslag: 'Behaald',
    };
    expect(run([diploma(), kzd]).bevindingen).toEqual([]);
    expect(codes(run([diploma(), { ...kzd, datumResultaat: '2026-06-30' }]))).toEqual(['694']);
    expect(codes(run([kzd]))).toEqual(['693']);
    const amo: ResultaatRecord = {
      mutatie: 'toevoegen',
      resultaatvolgnummer: 'A1',
      soort: 'AMO',
      inschrijvingsvolgnummer: '1',
      datumResultaat: '2026-03-01',
      code: 'C0004',
    };
    const r = run([amo]);
    expect(r.bevindingen).toEqual([]);
    expect(r.nieuw[0]?.certificaat).toBe(true);
    expect(codes(run([{ ...amo, certificaat: 'N' }]))).toEqual(['631']);
    expect(codes(run([{ ...amo, datumResultaat: undefined } as ResultaatRecord]))).toEqual(['626']);
  });

  it('verwijderen keeps a version, removes attached sub-results and signals 692 (rule 40)', () => {
    const kzd: ResultaatState = {
      ...bestaandDiploma,
      resultaatId: '8',
      resultaatvolgnummer: 'K1',
      soort: 'KZD',
      inschrijvingsvolgnummer: null,
      resultaatvolgnummerDiploma: 'D1',
      opleidingcode: null,
      datumResultaat: null,
      indicatieBekostigbaar: null,
      code: 'K0067',
      uitslag: 'Behaald',
    };
    const r = run([{ mutatie: 'verwijderen', resultaatvolgnummer: 'D1', soort: 'DIP' }], {
      huidig: [bestaandDiploma, kzd],
    });
    expect(codes(r)).toEqual(['692']);
    expect(r.nieuw.map((x) => [x.resultaatvolgnummer, x.mutatie, x.verwijderd])).toEqual([
      ['D1', 'verwijderen', true],
      ['K1', 'verwijderen', true],
    ]);
    expect(r.nieuw[0]?.bekostigingsrelevant).toBe(true);
  });

  it('wijzigen: unknown key 691, soort change 695, funding-relevant only for funding fields', () => {
    expect(codes(run([{ mutatie: 'wijzigen', resultaatvolgnummer: 'X', soort: 'DIP' }]))).toEqual(['691']);
    expect(
      codes(
        run([{ mutatie: 'wijzigen', resultaatvolgnummer: 'D1', soort: 'GEO' }], {
          huidig: [bestaandDiploma],
        }),
      ),
    ).toEqual(['695']);
    const r = run(
      [{ mutatie: 'wijzigen', resultaatvolgnummer: 'D1', soort: 'DIP', indicatieBekostigbaar: 'N' }],
      {
        huidig: [bestaandDiploma],
      },
    );
    expect(r.bevindingen).toEqual([]);
    expect(r.nieuw[0]).toMatchObject({
      mutatie: 'wijzigen',
      bekostigingsrelevant: true,
      indicatieBekostigbaar: false,
    });
    // an unchanged wijzigen writes nothing
    const same = run(
      [{ mutatie: 'wijzigen', resultaatvolgnummer: 'D1', soort: 'DIP', indicatieBekostigbaar: 'J' }],
      {
        huidig: [bestaandDiploma],
      },
    );
    expect(same.nieuw[0]?.mutatie).toBeUndefined();
  });

  it('wijzigen attaches a loose keuzedeel to a diploma: it then follows the diploma', () => {
    const losKzd: ResultaatState = {
      ...bestaandDiploma,
      resultaatId: '9',
      resultaatvolgnummer: 'K5',
      soort: 'KZD',
      opleidingcode: null,
      indicatieBekostigbaar: null,
      datumResultaat: '2026-03-01',
      code: 'K0067',
      uitslag: 'Behaald',
      certificaat: true,
    };
    const r = run(
      [{ mutatie: 'wijzigen', resultaatvolgnummer: 'K5', soort: 'KZD', resultaatvolgnummerDiploma: 'D1' }],
      {
        huidig: [bestaandDiploma, losKzd],
      },
    );
    expect(r.bevindingen).toEqual([]);
    expect(r.nieuw[1]).toMatchObject({
      mutatie: 'wijzigen',
      resultaatvolgnummerDiploma: 'D1',
      inschrijvingsvolgnummer: null,
      datumResultaat: null,
      certificaat: null,
    });
  });

  it('counts resultaten per inschrijving after the melding deletes some (rule 39)', () => {
    expect(countResultatenPerInschrijving([bestaandDiploma], {}).get('1')).toBe(1);
    expect(
      countResultatenPerInschrijving([bestaandDiploma], {
        resultaten: [{ mutatie: 'verwijderen', resultaatvolgnummer: 'D1', soort: 'DIP' }],
      }).get('1'),
    ).toBeUndefined();
  });
});
