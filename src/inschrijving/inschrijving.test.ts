import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bsn } from '../../test/factories.ts';
import { CODES, type CodeNaam } from '../aanlevering/codes.ts';
import type {
  ExtraOndersteuningRecord,
  InschrijvingRecord,
  Melding,
  PeriodeRecord,
} from '../aanlevering/melding.schema.ts';
import {
  applyMelding,
  type ControleInstelling,
  type ControleKwalificatie,
  type ControleReferentie,
  type InschrijvingElders,
  type InschrijvingState,
  type OndersteuningState,
  type PeriodeState,
  teldata,
  volledigeLeerplichtTot,
} from './inschrijving.ts';

/**
 * Table-driven unit tests of applyMelding (DOMAIN.md §7) against a small hand-made reference set:
 * every code applyMelding can produce has a case that produces exactly that finding, and a valid
 * neighbour (usually just across the boundary) that produces none.
 */

const LOC_ZA = '111X111';
const LOC_ZB = '222X222';
const LOC_XA = '333X333';

function kw(
  crebo: string,
  soort: ControleKwalificatie['soort'],
  niveau: number | null,
  leerwegen: string[],
  extra: Partial<ControleKwalificatie> = {},
): ControleKwalificatie {
  return {
    crebo,
    naam: `Opleiding ${crebo}`,
    soort,
    niveau,
    leerwegen,
    geldigVanaf: '2015-08-01',
    geldigTot: null,
    instroomTot: null,
    ...extra,
  };
}

const REF: ControleReferentie = {
  kwalificaties: new Map(
    [
      kw('25150', 'kwalificatie', 2, ['BOL', 'BBL']),
      kw('25152', 'kwalificatie', 3, ['BOL', 'BBL']),
      kw('25487', 'kwalificatie', 4, ['BBL']),
      kw('25901', 'kwalificatie', 2, ['BOL']),
      kw('25990', 'kwalificatie', 2, ['BOL', 'BBL'], { geldigVanaf: '2026-09-14', geldigTot: '2026-12-31' }),
      kw('23068', 'kwalificatiedossier', null, ['BOL', 'BBL']),
      kw('79090', 'opleidingsdomein', null, ['BOL'], { geldigVanaf: null }),
      kw('94001', 'kwalificatie', 2, ['BOL', 'BBL'], { geldigVanaf: null, instroomTot: '2016-07-31' }),
      kw('10001', 'opleiding', null, [], { geldigVanaf: null, instroomTot: '2012-07-31' }),
    ].map((k) => [k.crebo, k]),
  ),
  onderwijslocaties: new Map([
    [LOC_ZA, { code: LOC_ZA, brin: '91ZA' }],
    [LOC_ZB, { code: LOC_ZB, brin: '91ZB' }],
    [LOC_XA, { code: LOC_XA, brin: '30XA' }],
  ]),
};

const ZA: ControleInstelling = { brin: '91ZA', bekostigd: true };
const XA: ControleInstelling = { brin: '30XA', bekostigd: false };
const VANDAAG = '2026-09-15';

type Persoon = Melding['persoon'];
/** 17 at the default enrolment date; full leerplicht ended 2025-07-31. */
const PERSOON: Persoon = {
  burgerservicenummer: bsn(1),
  geboortedatum: '2009-04-12',
  geslacht: 'V',
  postcode: '9911AA',
};
/** Old enough for enrolments in earlier school years. */
const HIST: Persoon = { ...PERSOON, geboortedatum: '1990-01-01' };

function ins(o: Partial<InschrijvingRecord> = {}): InschrijvingRecord {
  return {
    mutatie: 'toevoegen',
    inschrijvingsvolgnummer: '1',
    datumInschrijving: '2026-09-14',
    datumUitschrijvingGepland: '2028-07-31',
    ...o,
  };
}

function wijzig(nr: string, o: Omit<Partial<InschrijvingRecord>, 'mutatie'>): InschrijvingRecord {
  return { mutatie: 'wijzigen', inschrijvingsvolgnummer: nr, ...o };
}

function per(o: Partial<PeriodeRecord> = {}): PeriodeRecord {
  return {
    mutatie: 'toevoegen',
    inschrijvingsvolgnummer: '1',
    datumBegin: '2026-09-14',
    opleidingcode: '25150',
    leertraject: 'BOL',
    indicatieBekostigbaar: 'J',
    onderwijslocatie: LOC_ZA,
    ...o,
  };
}

function ondersteuning(o: Partial<ExtraOndersteuningRecord> = {}): ExtraOndersteuningRecord {
  return { mutatie: 'toevoegen', inschrijvingsvolgnummer: '1', datumBegin: '2026-10-01', ...o };
}

function without<T extends object, K extends keyof T>(o: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...o };
  for (const k of keys) {
    delete copy[k];
  }
  return copy;
}

function melding(
  records: Pick<Melding, 'inschrijvingen' | 'periodes' | 'extraOndersteuning'>,
  persoon: Persoon = PERSOON,
  brin = '91ZA',
): Melding {
  return { berichtId: 'unit-1', brin, persoon, ...records };
}

/** A new enrolment starting on `datum` with its first periode. */
function nieuw(
  datum = '2026-09-14',
  p: Partial<PeriodeRecord> = {},
  i: Partial<InschrijvingRecord> = {},
  persoon: Persoon = PERSOON,
): Melding {
  return melding(
    {
      inschrijvingen: [ins({ datumInschrijving: datum, ...i })],
      periodes: [per({ datumBegin: datum, ...p })],
    },
    persoon,
  );
}

function periodeState(o: Partial<PeriodeState> = {}): PeriodeState {
  return {
    periodeId: '20',
    datumBegin: '2026-09-01',
    opleidingcode: '25150',
    leertraject: 'BOL',
    niveau: null,
    indicatieBekostigbaar: true,
    onderwijslocatie: LOC_ZA,
    onderwijsaanbieder: null,
    locatiecodeVsv: null,
    verwijderd: false,
    ...o,
  };
}

/** The register's current enrolment '1' (2026-09-01 t/m 2028-07-31) with one periode. */
function bestaand(o: Partial<InschrijvingState> = {}): InschrijvingState {
  const datum = o.datumInschrijving ?? '2026-09-01';
  return {
    inschrijvingId: '10',
    inschrijvingsvolgnummer: '1',
    datumInschrijving: datum,
    datumUitschrijvingGepland: '2028-07-31',
    datumUitschrijvingWerkelijk: null,
    redenUitschrijving: null,
    verwijderd: false,
    periodes: [periodeState({ datumBegin: datum })],
    ondersteuning: [],
    afhankelijken: { bpv: 0, resultaten: 0 },
    ...o,
  };
}

function ondersteuningState(o: Partial<OndersteuningState> = {}): OndersteuningState {
  return { ondersteuningId: '30', datumBegin: '2026-09-01', datumEinde: null, verwijderd: false, ...o };
}

type Scenario = {
  melding: Melding;
  huidig?: InschrijvingState[];
  elders?: InschrijvingElders[];
  instelling?: ControleInstelling;
  vandaag?: string;
};

function run(s: Scenario) {
  return applyMelding({
    melding: s.melding,
    instelling: s.instelling ?? ZA,
    referentie: REF,
    huidig: s.huidig ?? [],
    elders: s.elders ?? [],
    vandaag: s.vandaag ?? VANDAAG,
  });
}

type Case = {
  code: string;
  ernst: 'A' | 'S';
  naam: string;
  flawed: Scenario;
  /** Where the finding points: the record type, and its key and/or field. */
  record: string;
  sleutel?: string;
  veld?: string;
  /** Findings that necessarily come along with this one (the full expected list of codes). */
  codes?: string[];
  buur: Scenario;
};

const CASES: Case[] = [
  // --- keys and existence -------------------------------------------------------------------------
  {
    code: '811',
    ernst: 'A',
    naam: 'toevoegen of a volgnummer the person already has at this BRIN',
    flawed: { huidig: [bestaand()], melding: melding({ inschrijvingen: [ins()] }) },
    record: 'inschrijving',
    sleutel: '1',
    veld: '/inschrijvingen/0/inschrijvingsvolgnummer',
    buur: { huidig: [bestaand({ verwijderd: true, periodes: [] })], melding: nieuw() },
  },
  {
    code: '626',
    ernst: 'A',
    naam: 'toevoegen of an inschrijving without datumUitschrijvingGepland',
    flawed: { melding: melding({ inschrijvingen: [without(ins(), 'datumUitschrijvingGepland')] }) },
    record: 'inschrijving',
    sleutel: '1',
    veld: '/inschrijvingen/0/datumUitschrijvingGepland',
    buur: { melding: nieuw() },
  },
  {
    code: '626',
    ernst: 'A',
    naam: 'toevoegen of a periode without indicatieBekostigbaar',
    flawed: {
      huidig: [bestaand()],
      melding: melding({ periodes: [without(per({ datumBegin: '2026-10-01' }), 'indicatieBekostigbaar')] }),
    },
    record: 'periode',
    sleutel: '1/2026-10-01',
    veld: '/periodes/0/indicatieBekostigbaar',
    buur: { huidig: [bestaand()], melding: melding({ periodes: [per({ datumBegin: '2026-10-01' })] }) },
  },
  {
    code: '830',
    ernst: 'A',
    naam: 'toevoegen of a periode without leertraject',
    flawed: {
      huidig: [bestaand()],
      melding: melding({ periodes: [without(per({ datumBegin: '2026-10-01' }), 'leertraject')] }),
    },
    record: 'periode',
    sleutel: '1/2026-10-01',
    veld: '/periodes/0/leertraject',
    buur: { huidig: [bestaand()], melding: melding({ periodes: [per({ datumBegin: '2026-10-01' })] }) },
  },
  {
    code: '805',
    ernst: 'A',
    naam: 'wijzigen of an unknown volgnummer',
    flawed: {
      huidig: [bestaand()],
      melding: melding({ inschrijvingen: [wijzig('2', { datumUitschrijvingGepland: '2028-06-30' })] }),
    },
    record: 'inschrijving',
    sleutel: '2',
    veld: '/inschrijvingen/0/inschrijvingsvolgnummer',
    buur: {
      huidig: [bestaand()],
      melding: melding({ inschrijvingen: [wijzig('1', { datumUitschrijvingGepland: '2028-06-30' })] }),
    },
  },
  {
    code: '805',
    ernst: 'A',
    naam: 'a periode for an unknown volgnummer',
    flawed: {
      huidig: [bestaand()],
      melding: melding({ periodes: [per({ inschrijvingsvolgnummer: '2', datumBegin: '2026-10-01' })] }),
    },
    record: 'periode',
    sleutel: '2/2026-10-01',
    veld: '/periodes/0/inschrijvingsvolgnummer',
    buur: { huidig: [bestaand()], melding: melding({ periodes: [per({ datumBegin: '2026-10-01' })] }) },
  },
  {
    code: '805',
    ernst: 'A',
    naam: 'wijzigen of a removed inschrijving',
    flawed: {
      huidig: [bestaand({ verwijderd: true, periodes: [] })],
      melding: melding({ inschrijvingen: [wijzig('1', { datumUitschrijvingGepland: '2028-06-30' })] }),
    },
    record: 'inschrijving',
    sleutel: '1',
    veld: '/inschrijvingen/0/inschrijvingsvolgnummer',
    buur: {
      huidig: [bestaand()],
      melding: melding({ inschrijvingen: [wijzig('1', { datumUitschrijvingGepland: '2028-06-30' })] }),
    },
  },
  {
    code: '804',
    ernst: 'A',
    naam: 'toevoegen of a periode whose datumBegin exists',
    flawed: { huidig: [bestaand()], melding: melding({ periodes: [per({ datumBegin: '2026-09-01' })] }) },
    record: 'periode',
    sleutel: '1/2026-09-01',
    veld: '/periodes/0/datumBegin',
    buur: { huidig: [bestaand()], melding: melding({ periodes: [per({ datumBegin: '2026-10-01' })] }) },
  },
  {
    code: '804',
    ernst: 'A',
    naam: 'wijzigen of a periode onto the datumBegin of another',
    flawed: {
      huidig: [
        bestaand({ periodes: [periodeState(), periodeState({ periodeId: '21', datumBegin: '2027-01-01' })] }),
      ],
      melding: melding({
        periodes: [
          {
            mutatie: 'wijzigen',
            inschrijvingsvolgnummer: '1',
            datumBegin: '2027-01-01',
            nieuweDatumBegin: '2026-09-01',
          },
        ],
      }),
    },
    record: 'periode',
    sleutel: '1/2026-09-01',
    veld: '/periodes/0/nieuweDatumBegin',
    buur: {
      huidig: [
        bestaand({ periodes: [periodeState(), periodeState({ periodeId: '21', datumBegin: '2027-01-01' })] }),
      ],
      melding: melding({
        periodes: [
          {
            mutatie: 'wijzigen',
            inschrijvingsvolgnummer: '1',
            datumBegin: '2027-01-01',
            nieuweDatumBegin: '2026-12-01',
          },
        ],
      }),
    },
  },
  {
    code: '804',
    ernst: 'A',
    naam: 'toevoegen of extra ondersteuning whose datumBegin exists',
    flawed: {
      huidig: [bestaand({ ondersteuning: [ondersteuningState()] })],
      melding: melding({ extraOndersteuning: [ondersteuning({ datumBegin: '2026-09-01' })] }),
    },
    record: 'extraOndersteuning',
    sleutel: '1/2026-09-01',
    veld: '/extraOndersteuning/0/datumBegin',
    buur: {
      huidig: [bestaand({ ondersteuning: [ondersteuningState()] })],
      melding: melding({ extraOndersteuning: [ondersteuning({ datumBegin: '2026-10-01' })] }),
    },
  },
  {
    code: '632',
    ernst: 'A',
    naam: 'wijzigen of a periode that does not exist',
    flawed: {
      huidig: [bestaand()],
      melding: melding({
        periodes: [
          { mutatie: 'wijzigen', inschrijvingsvolgnummer: '1', datumBegin: '2026-10-01', leertraject: 'BBL' },
        ],
      }),
    },
    record: 'periode',
    sleutel: '1/2026-10-01',
    veld: '/periodes/0/datumBegin',
    buur: {
      huidig: [bestaand()],
      melding: melding({
        periodes: [
          { mutatie: 'wijzigen', inschrijvingsvolgnummer: '1', datumBegin: '2026-09-01', leertraject: 'BBL' },
        ],
      }),
    },
  },
  {
    code: '632',
    ernst: 'A',
    naam: 'verwijderen of extra ondersteuning that does not exist',
    flawed: {
      huidig: [bestaand({ ondersteuning: [ondersteuningState()] })],
      melding: melding({
        extraOndersteuning: [ondersteuning({ mutatie: 'verwijderen', datumBegin: '2026-09-02' })],
      }),
    },
    record: 'extraOndersteuning',
    sleutel: '1/2026-09-02',
    veld: '/extraOndersteuning/0/datumBegin',
    buur: {
      huidig: [bestaand({ ondersteuning: [ondersteuningState()] })],
      melding: melding({
        extraOndersteuning: [ondersteuning({ mutatie: 'verwijderen', datumBegin: '2026-09-01' })],
      }),
    },
  },
  // --- uitschrijving --------------------------------------------------------------------------------
  {
    code: '614',
    ernst: 'A',
    naam: 'geplande uitschrijving the day before datumInschrijving',
    flawed: { melding: nieuw('2026-09-14', {}, { datumUitschrijvingGepland: '2026-09-13' }) },
    record: 'inschrijving',
    sleutel: '1',
    veld: '/inschrijvingen/0/datumUitschrijvingGepland',
    // the periode then necessarily lies outside the (empty) enrolment as well
    codes: ['614', '624'],
    buur: { melding: nieuw('2026-09-14', {}, { datumUitschrijvingGepland: '2026-09-14' }) },
  },
  {
    code: '614',
    ernst: 'A',
    naam: 'werkelijke uitschrijving before datumInschrijving',
    flawed: {
      huidig: [bestaand({ datumInschrijving: '2026-10-01' })],
      melding: melding({
        inschrijvingen: [
          wijzig('1', { datumUitschrijvingWerkelijk: '2026-09-30', redenUitschrijving: '04' }),
        ],
      }),
    },
    record: 'inschrijving',
    sleutel: '1',
    veld: '/inschrijvingen/0/datumUitschrijvingWerkelijk',
    codes: ['614', '624'],
    buur: {
      huidig: [bestaand({ datumInschrijving: '2026-10-01' })],
      melding: melding({
        inschrijvingen: [
          wijzig('1', { datumUitschrijvingWerkelijk: '2026-10-01', redenUitschrijving: '04' }),
        ],
      }),
    },
  },
  {
    code: '615',
    ernst: 'A',
    naam: 'closing an already closed enrolment again on another date',
    flawed: {
      huidig: [bestaand({ datumUitschrijvingWerkelijk: '2026-09-10', redenUitschrijving: '04' })],
      melding: melding({ inschrijvingen: [wijzig('1', { datumUitschrijvingWerkelijk: '2026-09-12' })] }),
    },
    record: 'inschrijving',
    sleutel: '1',
    veld: '/inschrijvingen/0/datumUitschrijvingWerkelijk',
    buur: {
      // undoing the uitschrijving (both fields cleared) is the way to correct it
      huidig: [bestaand({ datumUitschrijvingWerkelijk: '2026-09-10', redenUitschrijving: '04' })],
      melding: melding({
        inschrijvingen: [wijzig('1', { datumUitschrijvingWerkelijk: null, redenUitschrijving: null })],
      }),
    },
  },
  {
    code: '616',
    ernst: 'A',
    naam: 'reden uitschrijving without werkelijke datum',
    flawed: { melding: nieuw('2026-09-14', {}, { redenUitschrijving: '04' }) },
    record: 'inschrijving',
    sleutel: '1',
    veld: '/inschrijvingen/0/redenUitschrijving',
    buur: {
      melding: nieuw(
        '2026-09-14',
        {},
        { redenUitschrijving: '04', datumUitschrijvingWerkelijk: '2027-06-30' },
      ),
    },
  },
  {
    code: '616',
    ernst: 'A',
    naam: 'werkelijke uitschrijving (from 2010-08-01) without reden',
    flawed: {
      vandaag: '2010-08-01',
      melding: nieuw(
        '2008-09-01',
        { opleidingcode: '10001', onderwijslocatie: null },
        { datumUitschrijvingGepland: '2011-07-31', datumUitschrijvingWerkelijk: '2010-08-01' },
        HIST,
      ),
    },
    record: 'inschrijving',
    sleutel: '1',
    veld: '/inschrijvingen/0/redenUitschrijving',
    codes: ['616', '620'],
    buur: {
      // before 2010-08-01 reden uitstroom did not exist yet
      vandaag: '2008-09-01',
      melding: nieuw(
        '2008-09-01',
        { opleidingcode: '10001', onderwijslocatie: null },
        { datumUitschrijvingGepland: '2011-07-31', datumUitschrijvingWerkelijk: '2010-07-31' },
        HIST,
      ),
    },
  },
  // --- verwijderen --------------------------------------------------------------------------------
  {
    code: '619',
    ernst: 'A',
    naam: 'verwijderen of an enrolment with a BPV',
    flawed: {
      huidig: [bestaand({ afhankelijken: { bpv: 1, resultaten: 0 } })],
      melding: melding({ inschrijvingen: [{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1' }] }),
    },
    record: 'inschrijving',
    sleutel: '1',
    veld: '/inschrijvingen/0',
    buur: {
      huidig: [bestaand({ datumInschrijving: '2026-10-01' })],
      melding: melding({ inschrijvingen: [{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1' }] }),
    },
  },
  {
    code: '619',
    ernst: 'A',
    naam: 'verwijderen of an enrolment with a resultaat',
    flawed: {
      huidig: [bestaand({ datumInschrijving: '2026-10-01', afhankelijken: { bpv: 0, resultaten: 1 } })],
      melding: melding({ inschrijvingen: [{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1' }] }),
    },
    record: 'inschrijving',
    sleutel: '1',
    veld: '/inschrijvingen/0',
    buur: {
      huidig: [bestaand({ datumInschrijving: '2026-10-01' })],
      melding: melding({ inschrijvingen: [{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1' }] }),
    },
  },
  {
    code: '635',
    ernst: 'S',
    naam: 'verwijderen of an enrolment that has started',
    flawed: {
      huidig: [bestaand({ datumInschrijving: '2026-09-15' })],
      melding: melding({ inschrijvingen: [{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1' }] }),
    },
    record: 'inschrijving',
    sleutel: '1',
    veld: '/inschrijvingen/0',
    buur: {
      huidig: [bestaand({ datumInschrijving: '2026-09-16' })],
      melding: melding({ inschrijvingen: [{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1' }] }),
    },
  },
  // --- late delivery ------------------------------------------------------------------------------
  {
    code: '620',
    ernst: 'S',
    naam: 'inschrijving delivered 8 days after it started',
    flawed: { melding: nieuw('2026-09-07') },
    record: 'inschrijving',
    sleutel: '1',
    buur: { melding: nieuw('2026-09-08') },
  },
  {
    code: '620',
    ernst: 'S',
    naam: 'uitschrijving delivered 8 days after the last day',
    flawed: {
      huidig: [bestaand()],
      melding: melding({
        inschrijvingen: [
          wijzig('1', { datumUitschrijvingWerkelijk: '2026-09-07', redenUitschrijving: '04' }),
        ],
      }),
    },
    record: 'inschrijving',
    sleutel: '1',
    buur: {
      huidig: [bestaand()],
      melding: melding({
        inschrijvingen: [
          wijzig('1', { datumUitschrijvingWerkelijk: '2026-09-08', redenUitschrijving: '04' }),
        ],
      }),
    },
  },
  {
    code: '620',
    ernst: 'S',
    naam: 'a new periode delivered 8 days after it started',
    flawed: { huidig: [bestaand()], melding: melding({ periodes: [per({ datumBegin: '2026-09-07' })] }) },
    record: 'periode',
    sleutel: '1/2026-09-07',
    buur: { huidig: [bestaand()], melding: melding({ periodes: [per({ datumBegin: '2026-09-08' })] }) },
  },
  // --- person ------------------------------------------------------------------------------------
  {
    code: '638',
    ernst: 'A',
    naam: 'geboortedatum after datumInschrijving',
    flawed: { melding: nieuw('2026-09-14', {}, {}, { ...PERSOON, geboortedatum: '2026-09-15' }) },
    record: 'persoon',
    veld: '/persoon/geboortedatum',
    buur: { melding: nieuw('2026-09-14', {}, {}, { ...PERSOON, geboortedatum: '2009-04-12' }) },
  },
  {
    code: '622',
    ernst: 'S',
    naam: 'younger than 12 on the first day',
    flawed: { melding: nieuw('2026-09-14', {}, {}, { ...PERSOON, geboortedatum: '2014-09-15' }) },
    record: 'inschrijving',
    sleutel: '1',
    buur: { melding: nieuw('2026-09-14', {}, {}, { ...PERSOON, geboortedatum: '2014-09-14' }) },
  },
  // --- periodes within the enrolment --------------------------------------------------------------
  {
    code: '625',
    ernst: 'A',
    naam: 'an inschrijving without any periode',
    flawed: { melding: melding({ inschrijvingen: [ins()] }) },
    record: 'inschrijving',
    sleutel: '1',
    buur: { melding: nieuw() },
  },
  {
    code: '643',
    ernst: 'A',
    naam: 'the first periode starts after datumInschrijving',
    flawed: {
      melding: melding({ inschrijvingen: [ins()], periodes: [per({ datumBegin: '2026-09-15' })] }),
    },
    record: 'periode',
    sleutel: '1/2026-09-15',
    buur: { melding: nieuw() },
  },
  {
    code: '624',
    ernst: 'A',
    naam: 'a periode starting the day after the (inclusive) planned end',
    flawed: { huidig: [bestaand()], melding: melding({ periodes: [per({ datumBegin: '2028-08-01' })] }) },
    record: 'periode',
    sleutel: '1/2028-08-01',
    veld: '/periodes/0/datumBegin',
    buur: { huidig: [bestaand()], melding: melding({ periodes: [per({ datumBegin: '2028-07-31' })] }) },
  },
  {
    code: '624',
    ernst: 'A',
    naam: 'a periode starting before datumInschrijving',
    flawed: { huidig: [bestaand()], melding: melding({ periodes: [per({ datumBegin: '2026-08-31' })] }) },
    record: 'periode',
    sleutel: '1/2026-08-31',
    veld: '/periodes/0/datumBegin',
    // delivered weeks late as well
    codes: ['624', '620'],
    buur: { huidig: [bestaand()], melding: melding({ periodes: [per({ datumBegin: '2026-09-08' })] }) },
  },
  {
    code: '644',
    ernst: 'S',
    naam: 'a corrected datumInschrijving carries the first periode along',
    flawed: {
      huidig: [bestaand()],
      melding: melding({ inschrijvingen: [wijzig('1', { datumInschrijving: '2026-09-08' })] }),
    },
    record: 'periode',
    sleutel: '1/2026-09-01',
    buur: {
      huidig: [bestaand()],
      melding: melding({
        inschrijvingen: [wijzig('1', { datumInschrijving: '2026-09-08' })],
        periodes: [
          {
            mutatie: 'wijzigen',
            inschrijvingsvolgnummer: '1',
            datumBegin: '2026-09-01',
            nieuweDatumBegin: '2026-09-08',
          },
        ],
      }),
    },
  },
  {
    code: '633',
    ernst: 'A',
    naam: 'extra ondersteuning ending before it begins',
    flawed: {
      huidig: [bestaand()],
      melding: melding({ extraOndersteuning: [ondersteuning({ datumEinde: '2026-09-30' })] }),
    },
    record: 'extraOndersteuning',
    sleutel: '1/2026-10-01',
    veld: '/extraOndersteuning/0/datumEinde',
    buur: {
      huidig: [bestaand()],
      melding: melding({ extraOndersteuning: [ondersteuning({ datumEinde: '2026-10-01' })] }),
    },
  },
  {
    code: '634',
    ernst: 'A',
    naam: 'extra ondersteuning ending after the enrolment',
    flawed: {
      huidig: [bestaand()],
      melding: melding({ extraOndersteuning: [ondersteuning({ datumEinde: '2028-08-01' })] }),
    },
    record: 'extraOndersteuning',
    sleutel: '1/2026-10-01',
    veld: '/extraOndersteuning/0/datumBegin',
    buur: {
      huidig: [bestaand()],
      melding: melding({ extraOndersteuning: [ondersteuning({ datumEinde: '2028-07-31' })] }),
    },
  },
  // --- opleiding (CREBO) ----------------------------------------------------------------------------
  {
    code: '607',
    ernst: 'A',
    naam: 'a crebo that is not in CREBO',
    flawed: { melding: nieuw('2026-09-14', { opleidingcode: '99999' }) },
    record: 'periode',
    sleutel: '1/2026-09-14',
    veld: '/periodes/0/opleidingcode',
    buur: { melding: nieuw('2026-09-14', { opleidingcode: '25150' }) },
  },
  {
    code: '608',
    ernst: 'A',
    naam: 'a crebo not yet valid on the first day',
    flawed: { melding: nieuw('2026-09-13', { opleidingcode: '25990' }) },
    record: 'periode',
    sleutel: '1/2026-09-13',
    veld: '/periodes/0/opleidingcode',
    buur: { melding: nieuw('2026-09-14', { opleidingcode: '25990' }) },
  },
  {
    code: '608',
    ernst: 'A',
    naam: 'a crebo no longer valid on the first day',
    flawed: { vandaag: '2027-01-01', melding: nieuw('2027-01-01', { opleidingcode: '25990' }) },
    record: 'periode',
    sleutel: '1/2027-01-01',
    veld: '/periodes/0/opleidingcode',
    buur: { vandaag: '2026-12-31', melding: nieuw('2026-12-31', { opleidingcode: '25990' }) },
  },
  {
    code: '609',
    ernst: 'A',
    naam: 'new enrolment on a kd2012 code after its last instroom date',
    flawed: { vandaag: '2016-08-01', melding: nieuw('2016-08-01', { opleidingcode: '94001' }, {}, HIST) },
    record: 'periode',
    sleutel: '1/2016-08-01',
    veld: '/periodes/0/opleidingcode',
    buur: { vandaag: '2016-07-31', melding: nieuw('2016-07-31', { opleidingcode: '94001' }, {}, HIST) },
  },
  {
    code: '609',
    ernst: 'A',
    naam: 'new enrolment on an old eindtermgerichte code after 2012-08-01',
    flawed: {
      vandaag: '2012-08-01',
      melding: nieuw('2012-08-01', { opleidingcode: '10001', onderwijslocatie: null }, {}, HIST),
    },
    record: 'periode',
    sleutel: '1/2012-08-01',
    veld: '/periodes/0/opleidingcode',
    buur: {
      vandaag: '2012-07-31',
      melding: nieuw('2012-07-31', { opleidingcode: '10001', onderwijslocatie: null }, {}, HIST),
    },
  },
  {
    code: '610',
    ernst: 'A',
    naam: 'opleidingsdomein in the BBL',
    flawed: { melding: nieuw('2026-09-14', { opleidingcode: '79090', leertraject: 'BBL', niveau: 'MBO-2' }) },
    record: 'periode',
    sleutel: '1/2026-09-14',
    veld: '/periodes/0/leertraject',
    buur: { melding: nieuw('2026-09-14', { opleidingcode: '79090', leertraject: 'BOL', niveau: 'MBO-2' }) },
  },
  {
    code: '610',
    ernst: 'A',
    naam: 'opleidingsdomein on niveau 1',
    flawed: { melding: nieuw('2026-09-14', { opleidingcode: '79090', niveau: 'MBO-1' }) },
    record: 'periode',
    sleutel: '1/2026-09-14',
    veld: '/periodes/0/niveau',
    buur: { melding: nieuw('2026-09-14', { opleidingcode: '79090', niveau: 'MBO-4' }) },
  },
  {
    code: '611',
    ernst: 'A',
    naam: 'opleidingsdomein without niveau',
    flawed: { melding: nieuw('2026-09-14', { opleidingcode: '79090' }) },
    record: 'periode',
    sleutel: '1/2026-09-14',
    veld: '/periodes/0/niveau',
    buur: { melding: nieuw('2026-09-14', { opleidingcode: '79090', niveau: 'MBO-3' }) },
  },
  {
    code: '611',
    ernst: 'A',
    naam: 'kwalificatiedossier without niveau',
    flawed: { melding: nieuw('2026-09-14', { opleidingcode: '23068' }) },
    record: 'periode',
    sleutel: '1/2026-09-14',
    veld: '/periodes/0/niveau',
    buur: { melding: nieuw('2026-09-14', { opleidingcode: '23068', niveau: 'MBO-2' }) },
  },
  {
    code: '612',
    ernst: 'S',
    naam: 'niveau given that differs from the kwalificatie',
    flawed: { melding: nieuw('2026-09-14', { opleidingcode: '25150', niveau: 'MBO-3' }) },
    record: 'periode',
    sleutel: '1/2026-09-14',
    veld: '/periodes/0/niveau',
    buur: { melding: nieuw('2026-09-14', { opleidingcode: '25150', niveau: 'MBO-2' }) },
  },
  {
    code: '613',
    ernst: 'A',
    naam: 'BOL on a BBL-only kwalificatie',
    flawed: { melding: nieuw('2026-09-14', { opleidingcode: '25487', leertraject: 'BOL' }) },
    record: 'periode',
    sleutel: '1/2026-09-14',
    veld: '/periodes/0/leertraject',
    buur: { melding: nieuw('2026-09-14', { opleidingcode: '25487', leertraject: 'BBL' }) },
  },
  {
    code: '613',
    ernst: 'A',
    naam: 'BBL on a BOL-only kwalificatie',
    flawed: { melding: nieuw('2026-09-14', { opleidingcode: '25901', leertraject: 'BBL' }) },
    record: 'periode',
    sleutel: '1/2026-09-14',
    veld: '/periodes/0/leertraject',
    buur: { melding: nieuw('2026-09-14', { opleidingcode: '25901', leertraject: 'BOL' }) },
  },
  {
    code: '642',
    ernst: 'A',
    naam: 'BOL_DT on or after 2023-08-01',
    flawed: { vandaag: '2023-08-01', melding: nieuw('2023-08-01', { leertraject: 'BOL_DT' }) },
    record: 'periode',
    sleutel: '1/2023-08-01',
    veld: '/periodes/0/leertraject',
    buur: { vandaag: '2023-07-31', melding: nieuw('2023-07-31', { leertraject: 'BOL_DT' }, {}, HIST) },
  },
  {
    code: '642',
    ernst: 'A',
    naam: 'ODT before 2019-01-01',
    flawed: { vandaag: '2018-12-31', melding: nieuw('2018-12-31', { leertraject: 'ODT' }, {}, HIST) },
    record: 'periode',
    sleutel: '1/2018-12-31',
    veld: '/periodes/0/leertraject',
    buur: { vandaag: '2019-01-01', melding: nieuw('2019-01-01', { leertraject: 'ODT' }, {}, HIST) },
  },
  // --- instelling and locatie -----------------------------------------------------------------------
  {
    code: '629',
    ernst: 'A',
    naam: 'funding claimed at a non-funded institution',
    flawed: {
      instelling: XA,
      melding: {
        ...nieuw('2026-09-14', { onderwijslocatie: LOC_XA, indicatieBekostigbaar: 'J' }),
        brin: '30XA',
      },
    },
    record: 'periode',
    sleutel: '1/2026-09-14',
    veld: '/periodes/0/indicatieBekostigbaar',
    buur: {
      instelling: XA,
      melding: {
        ...nieuw('2026-09-14', { onderwijslocatie: LOC_XA, indicatieBekostigbaar: 'N' }),
        brin: '30XA',
      },
    },
  },
  {
    code: '627',
    ernst: 'A',
    naam: 'no onderwijslocatie for an enrolment starting 2019-08-01',
    flawed: { vandaag: '2019-08-01', melding: nieuw('2019-08-01', { onderwijslocatie: null }, {}, HIST) },
    record: 'periode',
    sleutel: '1/2019-08-01',
    veld: '/periodes/0/onderwijslocatie',
    buur: { vandaag: '2019-07-31', melding: nieuw('2019-07-31', { onderwijslocatie: null }, {}, HIST) },
  },
  {
    code: '627',
    ernst: 'A',
    naam: 'onderwijslocatie left out (field absent)',
    flawed: { melding: melding({ inschrijvingen: [ins()], periodes: [without(per(), 'onderwijslocatie')] }) },
    record: 'periode',
    sleutel: '1/2026-09-14',
    veld: '/periodes/0/onderwijslocatie',
    buur: { melding: nieuw() },
  },
  {
    code: '628',
    ernst: 'A',
    naam: "another institution's onderwijslocatie",
    flawed: { melding: nieuw('2026-09-14', { onderwijslocatie: LOC_ZB }) },
    record: 'periode',
    sleutel: '1/2026-09-14',
    veld: '/periodes/0/onderwijslocatie',
    buur: { melding: nieuw('2026-09-14', { onderwijslocatie: LOC_ZA }) },
  },
  {
    code: '628',
    ernst: 'A',
    naam: 'an onderwijslocatie nobody has',
    flawed: { melding: nieuw('2026-09-14', { onderwijslocatie: '999X999' }) },
    record: 'periode',
    sleutel: '1/2026-09-14',
    veld: '/periodes/0/onderwijslocatie',
    buur: { melding: nieuw('2026-09-14', { onderwijslocatie: LOC_ZA }) },
  },
  {
    code: '623',
    ernst: 'S',
    naam: 'BBL while still fully leerplichtig',
    // born 2010-09-01: full leerplicht until 2027-07-31
    flawed: {
      melding: nieuw('2026-09-14', { leertraject: 'BBL' }, {}, { ...PERSOON, geboortedatum: '2010-09-01' }),
    },
    record: 'periode',
    sleutel: '1/2026-09-14',
    veld: '/periodes/0/leertraject',
    // born 2010-07-31: full leerplicht ended 2026-07-31
    buur: {
      melding: nieuw('2026-09-14', { leertraject: 'BBL' }, {}, { ...PERSOON, geboortedatum: '2010-07-31' }),
    },
  },
  {
    code: '623',
    ernst: 'S',
    naam: 'BBL starting on the last day of full leerplicht',
    flawed: {
      vandaag: '2026-07-31',
      melding: nieuw('2026-07-31', { leertraject: 'BBL' }, {}, { ...PERSOON, geboortedatum: '2010-07-31' }),
    },
    record: 'periode',
    sleutel: '1/2026-07-31',
    veld: '/periodes/0/leertraject',
    buur: {
      vandaag: '2026-08-01',
      melding: nieuw('2026-08-01', { leertraject: 'BBL' }, {}, { ...PERSOON, geboortedatum: '2010-07-31' }),
    },
  },
  // --- over inschrijvingen --------------------------------------------------------------------------
  {
    code: '617',
    ernst: 'S',
    naam: 'a new enrolment on the same crebo starting on the last (inclusive) day of another',
    flawed: {
      huidig: [bestaand({ datumInschrijving: '2025-09-01', datumUitschrijvingGepland: '2026-09-14' })],
      melding: nieuw('2026-09-14', { inschrijvingsvolgnummer: '2' }, { inschrijvingsvolgnummer: '2' }),
    },
    record: 'inschrijving',
    sleutel: '2',
    buur: {
      huidig: [bestaand({ datumInschrijving: '2025-09-01', datumUitschrijvingGepland: '2026-09-14' })],
      melding: nieuw('2026-09-15', { inschrijvingsvolgnummer: '2' }, { inschrijvingsvolgnummer: '2' }),
    },
  },
  {
    code: '618',
    ernst: 'S',
    naam: 'also enrolled at another institution on teldatum 1 October',
    flawed: { elders: [{ datumInschrijving: '2025-09-01', einde: '2026-10-01' }], melding: nieuw() },
    record: 'inschrijving',
    sleutel: '1',
    buur: { elders: [{ datumInschrijving: '2025-09-01', einde: '2026-09-30' }], melding: nieuw() },
  },
];

describe('applyMelding: each controle produces exactly its finding', () => {
  it.each(CASES)('$code ($ernst) $naam', (c) => {
    const { bevindingen } = run(c.flawed);
    expect(bevindingen.map((b) => b.code).sort()).toEqual((c.codes ?? [c.code]).sort());
    const b = bevindingen.find((x) => x.code === c.code);
    expect(b).toMatchObject({ code: c.code, ernst: c.ernst, record: c.record });
    if (c.sleutel !== undefined) {
      expect(b?.sleutel).toBe(c.sleutel);
    }
    expect(b?.veld).toBe(c.veld);
    expect(b?.tekst.length).toBeGreaterThan(10);
  });

  it.each(CASES)('$code valid neighbour of "$naam" has no finding', (c) => {
    expect(run(c.buur).bevindingen).toEqual([]);
  });

  it('the ernst in the table is the ernst of the catalogue', () => {
    const byCode = new Map(Object.values(CODES).map((d) => [d.code, d.ernst]));
    for (const c of CASES) {
      expect([c.code, byCode.get(c.code)]).toEqual([c.code, c.ernst]);
    }
  });

  it('every code applyMelding can produce has a case', () => {
    // The codes named in inschrijving.ts are the ones applyMelding can produce.
    const source = readFileSync(new URL('./inschrijving.ts', import.meta.url), 'utf8');
    const namen = (Object.keys(CODES) as CodeNaam[]).filter((n) => source.includes(`'${n}'`));
    const produced = new Set(namen.map((n) => CODES[n].code));
    const covered = new Set(CASES.map((c) => c.code));
    expect([...produced].filter((c) => !covered.has(c))).toEqual([]);
    expect(produced.size).toBeGreaterThanOrEqual(30);
  });
});

describe('applyMelding: state after the melding', () => {
  it('a valid new enrolment is marked toevoegen with its periode and counted', () => {
    const r = run({ melding: nieuw() });
    expect(r.verwerkt).toEqual({ inschrijving: 1, periode: 1, extraOndersteuning: 0, bpv: 0 });
    expect(r.nieuw).toHaveLength(1);
    expect(r.nieuw[0]).toMatchObject({
      inschrijvingsvolgnummer: '1',
      datumInschrijving: '2026-09-14',
      mutatie: 'toevoegen',
      periodes: [
        {
          datumBegin: '2026-09-14',
          opleidingcode: '25150',
          indicatieBekostigbaar: true,
          mutatie: 'toevoegen',
        },
      ],
    });
  });

  it('never changes the state it was given (pure)', () => {
    const huidig = [bestaand({ ondersteuning: [ondersteuningState()] })];
    const before = structuredClone(huidig);
    run({
      huidig,
      melding: melding({
        inschrijvingen: [
          wijzig('1', { datumInschrijving: '2026-09-08', datumUitschrijvingGepland: '2027-07-31' }),
        ],
        periodes: [per({ datumBegin: '2026-12-01' })],
        extraOndersteuning: [
          ondersteuning({ mutatie: 'wijzigen', datumBegin: '2026-09-01', datumEinde: '2026-12-31' }),
        ],
      }),
    });
    expect(huidig).toEqual(before);
  });

  it('a corrected datumInschrijving moves the first periode with it (same periode, marked wijzigen)', () => {
    const r = run({
      huidig: [bestaand()],
      melding: melding({ inschrijvingen: [wijzig('1', { datumInschrijving: '2026-09-08' })] }),
    });
    const s = r.nieuw[0];
    expect(s).toMatchObject({ inschrijvingId: '10', datumInschrijving: '2026-09-08', mutatie: 'wijzigen' });
    expect(s?.periodes).toEqual([
      expect.objectContaining({ periodeId: '20', datumBegin: '2026-09-08', mutatie: 'wijzigen' }),
    ]);
  });

  it('the first periode does not follow when it no longer starts on the old date', () => {
    const r = run({
      huidig: [bestaand()],
      melding: melding({
        inschrijvingen: [wijzig('1', { datumInschrijving: '2026-08-25' })],
        periodes: [per({ datumBegin: '2026-08-25' })],
      }),
    });
    // a new first periode on the new date: the old first periode stays where it was
    expect(r.bevindingen.map((b) => b.code)).not.toContain('644');
    expect(r.nieuw[0]?.periodes.map((p) => p.datumBegin).sort()).toEqual(['2026-08-25', '2026-09-01']);
  });

  it('verwijderen removes the enrolment with its periodes and ondersteuning, as versions', () => {
    const r = run({
      huidig: [
        bestaand({
          datumInschrijving: '2026-10-01',
          ondersteuning: [ondersteuningState({ datumBegin: '2026-10-01' })],
        }),
      ],
      melding: melding({ inschrijvingen: [{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1' }] }),
    });
    expect(r.bevindingen).toEqual([]);
    const s = r.nieuw[0];
    expect(s).toMatchObject({ inschrijvingId: '10', verwijderd: true, mutatie: 'verwijderen' });
    expect(s?.periodes).toEqual([expect.objectContaining({ verwijderd: true, mutatie: 'verwijderen' })]);
    expect(s?.ondersteuning).toEqual([expect.objectContaining({ verwijderd: true, mutatie: 'verwijderen' })]);
  });

  it('a removed enrolment can be added again under the same volgnummer: same identity, new version', () => {
    const r = run({ huidig: [bestaand({ verwijderd: true, periodes: [] })], melding: nieuw() });
    expect(r.bevindingen).toEqual([]);
    expect(r.nieuw).toHaveLength(1);
    expect(r.nieuw[0]).toMatchObject({ inschrijvingId: '10', verwijderd: false, mutatie: 'toevoegen' });
  });

  it('a second enrolment on another crebo overlapping the first is no double enrolment', () => {
    const r = run({
      huidig: [bestaand()],
      melding: nieuw(
        '2026-09-14',
        { inschrijvingsvolgnummer: '2', opleidingcode: '25152' },
        { inschrijvingsvolgnummer: '2' },
      ),
    });
    expect(r.bevindingen).toEqual([]);
  });

  it('a continuing kd2012 enrolment may get a new periode after the instroom date', () => {
    const r = run({
      vandaag: '2017-09-01',
      huidig: [
        bestaand({
          datumInschrijving: '2015-09-01',
          datumUitschrijvingGepland: '2018-07-31',
          periodes: [periodeState({ datumBegin: '2015-09-01', opleidingcode: '94001' })],
        }),
      ],
      melding: melding(
        { periodes: [per({ datumBegin: '2017-09-01', opleidingcode: '94001', leertraject: 'BBL' })] },
        HIST,
      ),
    });
    expect(r.bevindingen).toEqual([]);
  });

  it('reports every problem of a melding at once', () => {
    const r = run({
      melding: melding(
        {
          inschrijvingen: [
            ins({ redenUitschrijving: '04' }),
            ins({ inschrijvingsvolgnummer: '2' }),
            wijzig('9', { datumUitschrijvingGepland: '2027-07-31' }),
          ],
          periodes: [
            per({ opleidingcode: '99999', onderwijslocatie: null }),
            per({ inschrijvingsvolgnummer: '2', datumBegin: '2026-09-20', leertraject: 'BOL_DT' }),
          ],
        },
        { ...PERSOON, geboortedatum: '2015-01-01' },
      ),
    });
    expect(r.bevindingen.map((b) => b.code).sort()).toEqual(
      ['805', '616', '622', '622', '607', '627', '643', '642'].sort(),
    );
  });
});

describe('helpers', () => {
  it.each([
    ['2009-04-12', '2025-07-31'],
    ['2010-07-31', '2026-07-31'],
    ['2010-08-01', '2027-07-31'],
    ['2010-12-31', '2027-07-31'],
  ])('full leerplicht of someone born %s lasts until %s', (geboren, tot) => {
    expect(volledigeLeerplichtTot(geboren)).toBe(tot);
  });

  it('teldata are 1 October and 1 February within the inclusive range', () => {
    expect(teldata('2026-09-14', '2027-10-01')).toEqual(['2026-10-01', '2027-02-01', '2027-10-01']);
    expect(teldata('2026-10-02', '2027-01-31')).toEqual([]);
    expect(teldata('2026-10-01', '2026-10-01')).toEqual(['2026-10-01']);
  });
});

describe('rule 29 is judged again when a periode changes the opleiding', () => {
  it('a new periode on the crebo of another overlapping enrolment gives 617', () => {
    const een = bestaand({ periodes: [periodeState({ opleidingcode: '25150' })] });
    const twee = bestaand({
      inschrijvingId: '11',
      inschrijvingsvolgnummer: '2',
      periodes: [periodeState({ periodeId: '21', opleidingcode: '25152', niveau: null })],
    });
    const overstap = melding({
      periodes: [per({ inschrijvingsvolgnummer: '2', datumBegin: '2026-09-10', opleidingcode: '25150' })],
    });
    const { bevindingen } = run({ huidig: [een, twee], melding: overstap, vandaag: '2026-09-10' });
    expect(bevindingen.map((b) => b.code)).toContain('617');
    const zonder = melding({
      periodes: [per({ inschrijvingsvolgnummer: '2', datumBegin: '2026-09-10', opleidingcode: '25152' })],
    });
    expect(
      run({ huidig: [een, twee], melding: zonder, vandaag: '2026-09-10' }).bevindingen.map((b) => b.code),
    ).not.toContain('617');
  });
});
