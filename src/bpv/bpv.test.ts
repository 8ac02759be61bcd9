import { describe, expect, it } from 'vitest';
import { bpvRecord, bsn } from '../../test/factories.ts';
import type { Melding } from '../aanlevering/melding.schema.ts';
import {
  applyMelding,
  type ControleKwalificatie,
  type ControleReferentie,
  type InschrijvingState,
} from '../inschrijving/inschrijving.ts';
import { type BpvState, creboHoortBijOpleiding, type SbbUitslag, teVerifieren } from './bpv.ts';

const k = (
  crebo: string,
  soort: ControleKwalificatie['soort'],
  dossier: string | null,
  domein: string | null,
): ControleKwalificatie => ({
  crebo,
  naam: `Opleiding ${crebo}`,
  soort,
  niveau: soort === 'kwalificatie' ? 2 : null,
  leerwegen: ['BOL', 'BBL'],
  geldigVanaf: null,
  geldigTot: null,
  instroomTot: null,
  kwalificatiedossier: dossier,
  opleidingsdomein: domein,
});

const referentie: ControleReferentie = {
  kwalificaties: new Map([
    ['25150', k('25150', 'kwalificatie', '23068', '79090')],
    ['25152', k('25152', 'kwalificatie', '23068', '79090')],
    ['25151', k('25151', 'kwalificatie', '23069', '79090')],
    ['23068', k('23068', 'kwalificatiedossier', null, '79090')],
    ['79090', k('79090', 'opleidingsdomein', null, null)],
    ['25999', k('25999', 'kwalificatie', '23999', '79999')],
  ]),
  onderwijslocaties: new Map([['100X001', { code: '100X001', brin: '91ZA' }]]),
};

const ERKEND = '123456789';
const NIET_ERKEND = '234567890';
const sbb = new Map<string, SbbUitslag>([
  [
    ERKEND,
    {
      status: 'bekend',
      naam: 'Bakker Bouw B.V.',
      erkenningen: [{ crebo: '23068', begindatum: '2020-01-01', einddatum: null }],
    },
  ],
  [
    NIET_ERKEND,
    {
      status: 'bekend',
      erkenningen: [{ crebo: '25150', begindatum: '2020-01-01', einddatum: '2025-12-31' }],
    },
  ],
  ['345678901', { status: 'onbekend' }],
  ['456789012', { status: 'niet-beschikbaar' }],
]);

function inschrijving(leertraject = 'BOL', bpv: BpvState[] = []): InschrijvingState {
  return {
    inschrijvingId: '1',
    inschrijvingsvolgnummer: '1',
    datumInschrijving: '2026-08-01',
    datumUitschrijvingGepland: '2028-07-31',
    datumUitschrijvingWerkelijk: null,
    redenUitschrijving: null,
    verwijderd: false,
    periodes: [
      {
        periodeId: '1',
        datumBegin: '2026-08-01',
        opleidingcode: '25150',
        leertraject,
        niveau: null,
        indicatieBekostigbaar: true,
        onderwijslocatie: '100X001',
        onderwijsaanbieder: null,
        locatiecodeVsv: null,
        verwijderd: false,
      },
    ],
    ondersteuning: [],
    bpv,
    afhankelijken: { bpv: bpv.length, resultaten: 0 },
  };
}

const bestaandeBpv: BpvState = {
  bpvId: '7',
  bpvVolgnummer: '1',
  afsluitdatum: '2026-08-20',
  datumBegin: '2026-09-01',
  datumEindeGepland: '2027-06-30',
  datumEindeWerkelijk: null,
  omvang: 600,
  leerbedrijfId: ERKEND,
  opleidingcode: null,
  codeKeuzedeel: null,
  erkenning: 'erkend',
  verwijderd: false,
};

function run(
  bpv: Melding['bpv'],
  huidig = [inschrijving()],
  extra: Partial<Melding> = {},
  vandaag = '2026-09-15',
) {
  const melding: Melding = {
    berichtId: 'b1',
    brin: '91ZA',
    persoon: { burgerservicenummer: bsn(1), geboortedatum: '2008-01-01', geslacht: 'M', postcode: '9911AA' },
    ...(bpv ? { bpv } : {}),
    ...extra,
  };
  return applyMelding({
    melding,
    instelling: { brin: '91ZA', bekostigd: true },
    referentie,
    huidig,
    elders: [],
    vandaag,
    sbb,
  });
}
const codes = (r: ReturnType<typeof run>) => r.bevindingen.map((b) => b.code);

describe('BPV controles (pure)', () => {
  it('accepts a BPV at an erkend leerbedrijf, erkend through the kwalificatiedossier', () => {
    const r = run([bpvRecord({ leerbedrijfId: ERKEND })]);
    expect(r.bevindingen).toEqual([]);
    expect(r.verwerkt.bpv).toBe(1);
    expect(r.nieuw[0]?.bpv?.[0]).toMatchObject({ mutatie: 'toevoegen', erkenning: 'erkend' });
  });

  it('805: a BPV for an unknown inschrijving', () => {
    expect(codes(run([bpvRecord({ leerbedrijfId: ERKEND, inschrijvingsvolgnummer: '9' })]))).toEqual(['805']);
  });

  it('660: end before begin', () => {
    expect(codes(run([bpvRecord({ leerbedrijfId: ERKEND, datumEindeGepland: '2026-09-01' })]))).toContain(
      '660',
    );
    expect(codes(run([bpvRecord({ leerbedrijfId: ERKEND, datumEindeWerkelijk: '2026-09-10' })]))).toContain(
      '660',
    );
  });

  it('661: a BPV outside the inschrijving (rule 31)', () => {
    const r = run([
      bpvRecord({ leerbedrijfId: ERKEND, afsluitdatum: '2026-07-01', datumBegin: '2026-07-15' }),
    ]);
    expect(codes(r)).toEqual(['661']);
    expect(r.bevindingen[0]?.veld).toBe('/bpv/0/datumBegin');
    expect(codes(run([bpvRecord({ leerbedrijfId: ERKEND, datumEindeGepland: '2028-09-01' })]))).toEqual([
      '661',
    ]);
  });

  it('662: a duplicate bpvVolgnummer, also twice in one melding', () => {
    expect(
      codes(run([bpvRecord({ leerbedrijfId: ERKEND })], [inschrijving('BOL', [{ ...bestaandeBpv }])])),
    ).toEqual(['662']);
    expect(codes(run([bpvRecord({ leerbedrijfId: ERKEND }), bpvRecord({ leerbedrijfId: ERKEND })]))).toEqual([
      '662',
    ]);
  });

  it('663: wijzigen or verwijderen of an unknown BPV', () => {
    expect(
      codes(run([{ mutatie: 'wijzigen', inschrijvingsvolgnummer: '1', bpvVolgnummer: '5', omvang: 10 }])),
    ).toEqual(['663']);
    expect(
      codes(run([{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1', bpvVolgnummer: '5' }])),
    ).toEqual(['663']);
  });

  it('626: mandatory fields at toevoegen', () => {
    const r = run([
      { mutatie: 'toevoegen', inschrijvingsvolgnummer: '1', bpvVolgnummer: '2', datumBegin: '2026-09-14' },
    ]);
    expect(codes(r).sort()).toEqual(['626', '626', '626']);
  });

  it('664: implausible hours (0, or more than 60 per week)', () => {
    expect(codes(run([bpvRecord({ leerbedrijfId: ERKEND, omvang: 0 })]))).toEqual(['664']);
    expect(
      codes(run([bpvRecord({ leerbedrijfId: ERKEND, datumEindeGepland: '2026-09-27', omvang: 400 })])),
    ).toEqual(['664']);
    expect(codes(run([bpvRecord({ leerbedrijfId: ERKEND, omvang: 1600 })]))).toEqual([]);
  });

  it('665: afsluitdatum after begin is a signal (rule 32)', () => {
    const r = run([bpvRecord({ leerbedrijfId: ERKEND, afsluitdatum: '2026-09-20' })]);
    expect(r.bevindingen).toMatchObject([{ code: '665', ernst: 'S', regel: 32 }]);
  });

  it('666: BBL without a BPV running on 1 October is signalled once 1 October has come (rule 37)', () => {
    // a change of the enrolment (the planned end) makes the register look at it again
    const periode = {
      mutatie: 'wijzigen' as const,
      inschrijvingsvolgnummer: '1',
      datumBegin: '2026-08-01',
      onderwijsaanbieder: '100A001',
    };
    const r = run(undefined, [inschrijving('BBL')], { periodes: [periode] }, '2026-10-02');
    expect(r.bevindingen).toMatchObject([{ code: '666', ernst: 'S', regel: 37 }]);
    expect(r.bevindingen[0]?.tekst).toContain('31-12-2026');
    // before 1 October: nothing to miss yet
    expect(codes(run(undefined, [inschrijving('BBL')], { periodes: [periode] }, '2026-09-30'))).toEqual([]);
    // a BPV running on 1 October
    const bpv = [bpvRecord({ leerbedrijfId: ERKEND, afsluitdatum: '2026-09-01', datumBegin: '2026-09-14' })];
    expect(codes(run(bpv, [inschrijving('BBL')], { periodes: [periode] }, '2026-10-02'))).toEqual([]);
    // a BPV that starts after 1 October does not cover it
    const laat = [bpvRecord({ leerbedrijfId: ERKEND, afsluitdatum: '2026-10-01', datumBegin: '2026-10-02' })];
    expect(codes(run(laat, [inschrijving('BBL')], { periodes: [periode] }, '2026-10-02'))).toEqual(['666']);
    // BOL is not concerned
    expect(codes(run(undefined, [inschrijving('BOL')], { periodes: [periode] }, '2026-10-02'))).toEqual([]);
  });

  it('667: a leerbedrijf SBB does not know rejects (rule 33)', () => {
    expect(run([bpvRecord({ leerbedrijfId: '345678901' })]).bevindingen).toMatchObject([
      { code: '667', ernst: 'A' },
    ]);
  });

  it('668: not erkend on the BPV start date is a signal, and the BPV is kept', () => {
    const r = run([bpvRecord({ leerbedrijfId: NIET_ERKEND })]);
    expect(r.bevindingen).toMatchObject([{ code: '668', ernst: 'S', regel: 34 }]);
    expect(r.nieuw[0]?.bpv?.[0]).toMatchObject({ erkenning: 'niet-erkend' });
  });

  it('936: SBB unavailable → signal and a BPV to verify later', () => {
    const r = run([bpvRecord({ leerbedrijfId: '456789012' })]);
    expect(r.bevindingen).toMatchObject([{ code: '936', ernst: 'S' }]);
    expect(teVerifieren(r.nieuw)).toEqual([
      {
        inschrijvingsvolgnummer: '1',
        bpvVolgnummer: '1',
        leerbedrijfId: '456789012',
        crebo: '25150',
        datumBegin: '2026-09-14',
      },
    ]);
  });

  it('669: a BPV crebo outside the inschrijving’s dossier; 672: unknown crebo; 673: crebo and keuzedeel', () => {
    expect(codes(run([bpvRecord({ leerbedrijfId: ERKEND, opleidingcode: '25152' })]))).toEqual([]);
    expect(codes(run([bpvRecord({ leerbedrijfId: ERKEND, opleidingcode: '25151' })]))).toContain('669');
    expect(codes(run([bpvRecord({ leerbedrijfId: ERKEND, opleidingcode: '12345' })]))).toEqual(['672']);
    expect(
      codes(run([bpvRecord({ leerbedrijfId: ERKEND, opleidingcode: '25150', codeKeuzedeel: 'K0914' })])),
    ).toEqual(['673']);
    expect(codes(run([bpvRecord({ leerbedrijfId: ERKEND, codeKeuzedeel: 'K0914' })]))).toEqual([]);
  });

  it('619: an inschrijving with BPV cannot be removed', () => {
    const r = run(undefined, [inschrijving('BOL', [{ ...bestaandeBpv }])], {
      inschrijvingen: [{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1' }],
    });
    expect(codes(r)).toEqual(['619']);
  });

  it('an inschrijving can be removed together with all its BPVs in one melding', () => {
    const r = run(
      [{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1', bpvVolgnummer: '1' }],
      [{ ...inschrijving('BOL', [{ ...bestaandeBpv }]), datumInschrijving: '2026-10-01' }],
      { inschrijvingen: [{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1' }] },
    );
    expect(codes(r)).toEqual([]);
    expect(r.nieuw[0]?.bpv?.[0]).toMatchObject({ verwijderd: true, mutatie: 'verwijderen' });
  });

  it('wijzigen keeps unchanged fields; verwijderen marks the BPV removed', () => {
    const w = run(
      [
        {
          mutatie: 'wijzigen',
          inschrijvingsvolgnummer: '1',
          bpvVolgnummer: '1',
          datumEindeWerkelijk: '2027-01-31',
        },
      ],
      [inschrijving('BOL', [{ ...bestaandeBpv }])],
    );
    expect(w.bevindingen).toEqual([]);
    expect(w.nieuw[0]?.bpv?.[0]).toMatchObject({
      mutatie: 'wijzigen',
      omvang: 600,
      datumEindeWerkelijk: '2027-01-31',
    });
    const zelfde = run(
      [{ mutatie: 'wijzigen', inschrijvingsvolgnummer: '1', bpvVolgnummer: '1', omvang: 600 }],
      [inschrijving('BOL', [{ ...bestaandeBpv }])],
    );
    expect(zelfde.nieuw[0]?.bpv?.[0]?.mutatie).toBeUndefined();
    const v = run(
      [{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1', bpvVolgnummer: '1' }],
      [inschrijving('BOL', [{ ...bestaandeBpv }])],
    );
    expect(v.nieuw[0]?.bpv?.[0]).toMatchObject({ mutatie: 'verwijderen', verwijderd: true });
  });

  it('HKS rule: same code or same kwalificatiedossier belongs; a domain holds its kwalificaties', () => {
    const m = referentie.kwalificaties;
    expect(creboHoortBijOpleiding('25150', ['25150'], m)).toBe(true);
    expect(creboHoortBijOpleiding('25152', ['25150'], m)).toBe(true);
    expect(creboHoortBijOpleiding('25150', ['23068'], m)).toBe(true);
    expect(creboHoortBijOpleiding('25150', ['79090'], m)).toBe(true);
    expect(creboHoortBijOpleiding('25999', ['79090'], m)).toBe(false);
    expect(creboHoortBijOpleiding('25151', ['25150'], m)).toBe(false);
  });
});
