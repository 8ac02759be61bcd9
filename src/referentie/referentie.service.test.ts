import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/test-db.ts';
import { SYNTHETIC_REFERENCE_DATA } from '../platform/config.ts';
import { importReferentie, readReferentie } from './referentie.import.ts';
import { ensureReferentie, loadReferentie } from './referentie.service.ts';
import type { ReferentieData } from './referentie.ts';

const SHARED_DATA = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data');
const silent = { info: () => undefined };

describe('importReferentie and loadReferentie', () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database.close();
  });

  it('imports the synthetic set and loads it as a snapshot', async () => {
    const data = await readReferentie(SYNTHETIC_REFERENCE_DATA);
    const summary = await importReferentie(database.db, data);
    expect(summary).toMatchObject({
      instellingen: 7,
      instellingenBekostigd: 3,
      instellingenNietBekostigd: 4,
      instellingenBehouden: [],
      aanleverpunten: 7,
      onderwijslocaties: 14,
      kwalificaties: 39,
      kwalificatiesPerSoort: { kwalificatie: 19, kwalificatiedossier: 12, opleidingsdomein: 3, opleiding: 5 },
      aanbod: data.aanbod.length,
      skippedRows: 4,
      unmatchedInstellingsnamen: 3,
    });

    const referentie = await loadReferentie(database.db);
    expect(referentie.instellingen.size).toBe(7);
    expect(referentie.instellingen.get('91ZA')).toEqual({
      brin: '91ZA',
      naam: 'Stichting Regionaal Opleidingencentrum Voorbeeldstad',
      bekostigd: true,
      aanleverpunten: new Set(['01']),
    });
    expect(referentie.instellingen.get('30XA')?.bekostigd).toBe(false);
    expect(referentie.kwalificaties.size).toBe(39);
    expect(referentie.kwalificaties.get('25487')).toEqual({
      crebo: '25487',
      naam: 'Praktijkopleider',
      soort: 'kwalificatie',
      structuur: 'hks2015',
      niveau: 4,
      soortOpleiding: 'middenkaderopleiding',
      leerwegen: ['BBL'],
      kwalificatiedossier: '23184',
      opleidingsdomein: '79140',
      geldigVanaf: '2015-08-01',
      geldigTot: null,
      instroomTot: null,
      prijsfactor: 1.1,
      beroepsvereisten: null,
    });
    expect(referentie.kwalificaties.get('25491')?.beroepsvereisten).toBe('VWS');
    expect(referentie.kwalificaties.get('94003')?.beroepsvereisten).toBe('VWS');
    expect(referentie.kwalificaties.get('94001')?.instroomTot).toBe('2016-07-31');
    expect(referentie.kwalificaties.get('10001')?.leerwegen).toEqual([]);
    expect(referentie.onderwijslocaties.size).toBe(14);
    const first = data.onderwijslocaties[0];
    expect(first && referentie.onderwijslocaties.get(first.code)).toEqual(
      first && { code: first.code, brin: first.brin, naam: first.naam },
    );
    expect(referentie.aanbod).toEqual(data.aanbod);
  });

  it('replaces earlier data on a second import', async () => {
    const data = await readReferentie(SYNTHETIC_REFERENCE_DATA);
    await importReferentie(database.db, data);
    const smaller: ReferentieData = {
      ...data,
      instellingen: data.instellingen
        .filter((i) => i.brin !== '91ZC')
        .map((i) => (i.brin === '91ZA' ? { ...i, naam: 'ROC Voorbeeldstad (nieuwe naam)' } : i)),
      aanleverpunten: data.aanleverpunten.filter((a) => a.brin !== '91ZC'),
      onderwijslocaties: data.onderwijslocaties.filter((l) => l.brin !== '91ZC'),
      aanbod: data.aanbod.filter((a) => a.brin !== '91ZC'),
      kwalificaties: data.kwalificaties.filter((k) => k.crebo !== '26001'),
    };
    const summary = await importReferentie(database.db, smaller);
    expect(summary.instellingen).toBe(6);

    const referentie = await loadReferentie(database.db);
    expect(referentie.instellingen.has('91ZC')).toBe(false);
    expect(referentie.instellingen.get('91ZA')?.naam).toBe('ROC Voorbeeldstad (nieuwe naam)');
    expect(referentie.kwalificaties.has('26001')).toBe(false);
    expect(referentie.kwalificaties.size).toBe(38);
    expect(referentie.aanbod.some((a) => a.brin === '91ZC')).toBe(false);
    expect(referentie.onderwijslocaties.size).toBe(smaller.onderwijslocaties.length);
  });

  it('keeps an institution that is gone from the data while enrolments refer to it', async () => {
    const data = await readReferentie(SYNTHETIC_REFERENCE_DATA);
    await importReferentie(database.db, data);
    const persoon = await database.db
      .insertInto('persoon')
      .values({ bsn: '999990019' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await database.db
      .insertInto('inschrijving')
      .values({ persoonId: persoon.id, brin: '91ZC', inschrijvingsvolgnummer: '1' })
      .execute();

    const summary = await importReferentie(database.db, {
      ...data,
      instellingen: data.instellingen.filter((i) => i.brin !== '91ZC'),
      aanleverpunten: data.aanleverpunten.filter((a) => a.brin !== '91ZC'),
      onderwijslocaties: data.onderwijslocaties.filter((l) => l.brin !== '91ZC'),
      aanbod: data.aanbod.filter((a) => a.brin !== '91ZC'),
    });
    expect(summary.instellingenBehouden).toEqual(['91ZC']);
    const referentie = await loadReferentie(database.db);
    expect(referentie.instellingen.get('91ZC')?.aanleverpunten.size).toBe(0);
  });

  it('ensureReferentie imports only into an empty register', async () => {
    const first = await ensureReferentie(database.db, SYNTHETIC_REFERENCE_DATA, silent);
    expect(first?.instellingen).toBe(7);
    const second = await ensureReferentie(database.db, '/nonexistent', silent);
    expect(second).toBeUndefined();
  });

  it('ensureReferentie reports a missing folder clearly', async () => {
    await expect(ensureReferentie(database.db, '/nonexistent', silent)).rejects.toThrow(
      /duo_open_mbo_instellingen_2026\.csv: referentiebestand ontbreekt/,
    );
  });

  it.skipIf(!existsSync(SHARED_DATA))('imports the real shared data', async () => {
    const data = await readReferentie(SHARED_DATA);
    const summary = await importReferentie(database.db, data);
    expect(summary.instellingenBekostigd).toBe(55);
    expect(summary.kwalificatiesPerSoort.kwalificatie).toBeGreaterThanOrEqual(470 + 690);
    const referentie = await loadReferentie(database.db);
    expect(referentie.kwalificaties.size).toBe(summary.kwalificaties);
    expect(referentie.aanbod).toHaveLength(summary.aanbod);
    expect(referentie.instellingen.get('25LH')?.aanleverpunten.has('01')).toBe(true);
  });
});
