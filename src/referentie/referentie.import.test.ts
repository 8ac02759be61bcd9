import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNTHETIC_REFERENCE_DATA } from '../platform/config.ts';
import { INSTROOM_TOT_EINDTERMGERICHT, INSTROOM_TOT_KD2012, readReferentie } from './referentie.import.ts';
import type { KwalificatieRecord, ReferentieData } from './referentie.ts';

const SHARED_DATA = path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data');

function kwalificatie(data: ReferentieData, crebo: string): KwalificatieRecord {
  const k = data.kwalificaties.find((r) => r.crebo === crebo);
  if (!k) {
    throw new Error(`crebo ${crebo} not found`);
  }
  return k;
}

describe('readReferentie on the synthetic set', () => {
  let data: ReferentieData;
  beforeAll(async () => {
    data = await readReferentie(SYNTHETIC_REFERENCE_DATA);
  });

  it('reads the funded institutions and the project’s non-funded ones, each with aanleverpunt 01', () => {
    expect(data.instellingen.filter((i) => i.bekostigd).map((i) => i.brin)).toEqual(['91ZA', '91ZB', '91ZC']);
    const nietBekostigd = data.instellingen.filter((i) => !i.bekostigd);
    expect(nietBekostigd.map((i) => i.brin)).toEqual(['30XA', '30XB', '30XC', '30XD']);
    expect(data.instellingen.find((i) => i.brin === '91ZA')).toMatchObject({
      naam: 'Stichting Regionaal Opleidingencentrum Voorbeeldstad',
      roepnaam: 'ROC Voorbeeldstad',
      soort: 'regionaal opleidingencentrum',
      plaatsnaam: 'VOORBEELDSTAD',
      bron: 'duo_open_mbo_instellingen_2026',
    });
    expect(data.aanleverpunten).toHaveLength(7);
    expect(data.aanleverpunten.every((a) => a.nummer === '01')).toBe(true);
  });

  it('does not import a historic BRIN that is not in the current list', () => {
    expect(data.instellingen.some((i) => i.brin === '91ZD')).toBe(false);
  });

  it('counts kwalificaties per soort and structuur', () => {
    const count = (soort: string, structuur: string) =>
      data.kwalificaties.filter((k) => k.soort === soort && k.structuur === structuur).length;
    expect(count('kwalificatie', 'hks2015')).toBe(14);
    expect(count('kwalificatiedossier', 'hks2015')).toBe(9);
    expect(count('kwalificatie', 'kd2012')).toBe(5);
    expect(count('kwalificatiedossier', 'kd2012')).toBe(3);
    expect(count('opleidingsdomein', 'domein')).toBe(3);
    // ceda rows only for codes no richer file knows: 10001, 11002, 90999, 25905, 26001
    expect(count('opleiding', 'ceda')).toBe(5);
    expect(data.kwalificaties).toHaveLength(39);
  });

  it('splits leerwegen: BOL/BBL, BBL only, BOL only', () => {
    expect(kwalificatie(data, '25150').leerwegen).toEqual(['BOL', 'BBL']);
    expect(kwalificatie(data, '25487').leerwegen).toEqual(['BBL']);
    expect(kwalificatie(data, '25901').leerwegen).toEqual(['BOL']);
    expect(kwalificatie(data, '79090').leerwegen).toEqual(['BOL']);
    expect(kwalificatie(data, '26001').leerwegen).toEqual([]);
  });

  it('takes the HKS kwalificatie fields from the file', () => {
    expect(kwalificatie(data, '25151')).toEqual({
      crebo: '25151',
      naam: 'Managementassistent/directiesecretaresse',
      soort: 'kwalificatie',
      niveau: 4,
      soortOpleiding: 'middenkaderopleiding',
      leerwegen: ['BOL', 'BBL'],
      kwalificatiedossier: '23069',
      opleidingsdomein: '79090',
      prijsfactor: '1.00',
      structuur: 'hks2015',
      geldigVanaf: '2015-08-01',
      geldigTot: null,
      instroomTot: null,
      beroepsvereisten: null,
    });
    expect(kwalificatie(data, '25251')).toMatchObject({ niveau: 1, opleidingsdomein: null });
  });

  it('derives one row per HKS kwalificatiedossier, leerwegen the union of its kwalificaties', () => {
    expect(kwalificatie(data, '23902')).toEqual({
      crebo: '23902',
      naam: 'Fictieve sportbegeleiding',
      soort: 'kwalificatiedossier',
      niveau: null,
      soortOpleiding: null,
      leerwegen: ['BOL', 'BBL'],
      kwalificatiedossier: null,
      opleidingsdomein: '79100',
      prijsfactor: '1.50',
      structuur: 'hks2015',
      geldigVanaf: '2015-08-01',
      geldigTot: null,
      instroomTot: null,
      beroepsvereisten: null,
    });
    expect(kwalificatie(data, '23901').leerwegen).toEqual(['BOL']);
    expect(kwalificatie(data, '23184').leerwegen).toEqual(['BBL']);
  });

  it('gives pre-HKS (kd2012) codes no geldig_vanaf and first-year intake until 2016-07-31', () => {
    expect(kwalificatie(data, '94002')).toMatchObject({
      soort: 'kwalificatie',
      structuur: 'kd2012',
      niveau: 3,
      leerwegen: ['BBL'],
      kwalificatiedossier: '22901',
      geldigVanaf: null,
      instroomTot: INSTROOM_TOT_KD2012,
    });
    // dossier prijsfactor only when all its kwalificaties agree
    expect(kwalificatie(data, '22901')).toMatchObject({
      soort: 'kwalificatiedossier',
      prijsfactor: '1.30',
      instroomTot: '2016-07-31',
    });
    expect(kwalificatie(data, '22902').prijsfactor).toBeNull();
  });

  it('reads beroepsvereisten from both qualification files, empty as null', () => {
    const beroepsvereisten = (crebo: string) => kwalificatie(data, crebo).beroepsvereisten;
    // HKS 2015 file
    expect(beroepsvereisten('25491')).toBe('VWS');
    expect(beroepsvereisten('25407')).toBe('V&J');
    expect(beroepsvereisten('25150')).toBeNull();
    // 2012-structure (2014) file
    expect(beroepsvereisten('94003')).toBe('VWS');
    expect(beroepsvereisten('94004')).toBeNull();
    // a dossier has them only when all its kwalificaties agree: 23187 (only 25491) and 23161 (25407 and 25408,
    // both V&J) do; 22902 (94003 VWS, 94004 none) does not
    expect(beroepsvereisten('23187')).toBe('VWS');
    expect(beroepsvereisten('23161')).toBe('V&J');
    expect(beroepsvereisten('22902')).toBeNull();
    expect(beroepsvereisten('23068')).toBeNull();
    // domains and code-only rows never
    expect(beroepsvereisten('79140')).toBeNull();
    expect(beroepsvereisten('26001')).toBeNull();
  });

  it('lets the richer source win when a code is in several files', () => {
    expect(kwalificatie(data, '25150')).toMatchObject({
      naam: 'Medewerker secretariaat en receptie',
      structuur: 'hks2015',
    });
    expect(kwalificatie(data, '23068')).toMatchObject({ soort: 'kwalificatiedossier', structuur: 'hks2015' });
    expect(kwalificatie(data, '94001').structuur).toBe('kd2012');
    expect(kwalificatie(data, '79090')).toMatchObject({
      soort: 'opleidingsdomein',
      naam: 'Economie en administratie',
    });
  });

  it('gives code-only CEDA rows an intake end by code range', () => {
    expect(kwalificatie(data, '10001')).toMatchObject({
      soort: 'opleiding',
      structuur: 'ceda',
      niveau: null,
      instroomTot: INSTROOM_TOT_EINDTERMGERICHT,
    });
    expect(kwalificatie(data, '11002').instroomTot).toBe('2012-07-31');
    expect(kwalificatie(data, '90999').instroomTot).toBe(INSTROOM_TOT_KD2012);
    expect(kwalificatie(data, '26001').instroomTot).toBeNull();
  });

  it('skips and reports malformed rows with file and line', () => {
    expect(data.report.skippedRows).toEqual([
      { file: 'mbo_kwalificaties_hks_2015.csv', line: 16, reason: 'ongeldige kwalificatie_crebo "2590X"' },
      {
        file: 'ceda_mbo_opleidingscodes_namen_2023_2024.csv',
        line: 11,
        reason: 'ongeldige opleidingscode "ABC12"',
      },
      { file: 'mbo_opleidingsaanbod_locaties_2015.csv', line: 16, reason: 'ongeldige crebo "9400X"' },
      {
        file: 'mbo_opleidingsaanbod_locaties_2015.csv',
        line: 17,
        reason: 'crebo 94999 komt in geen kwalificatiebestand voor',
      },
    ]);
  });

  it('matches offering institution names to current BRINs and reports the rest', () => {
    const matched = Object.fromEntries(
      data.report.matchedInstellingsnamen.map((m) => [m.naam, [m.brin, m.rule]]),
    );
    expect(matched).toEqual({
      'AOC Proefland Akkerbouw': ['91ZC', 'exact'],
      'Groenlyceum Proefland Zuid': ['91ZC', 'kenmerkend-woord'],
      'Proefland Groen': ['91ZC', 'bevat'],
      'ROC Voorbeeldstad': ['91ZA', 'exact'],
      'ROC Voorbeeldstad e.o.': ['91ZA', 'exact'],
      'Vakcollege Denkbeeld Fictiedorp': ['91ZB', 'bevat'],
    });
    expect(data.report.unmatchedInstellingsnamen).toEqual([
      { naam: 'Denkbeeld Voorbeeldstad', rows: 1, ambiguousBrins: ['91ZA', '91ZB'] },
      { naam: 'Instituut Nergensland', rows: 1, ambiguousBrins: [] },
      // historic BRIN 91ZD is not current, so its old name identifies nothing
      { naam: 'ROC Oude Haven', rows: 1, ambiguousBrins: [] },
    ]);
    expect(data.report.aanbodRows).toEqual({ total: 16, matched: 13, unmatchedInstelling: 3 });
  });

  it('makes one onderwijslocatie per (brin, postcode, adres), offerings pointing at it', () => {
    const funded = data.onderwijslocaties.filter((l) => l.brin.startsWith('91'));
    expect(funded).toHaveLength(6); // 91ZA ×2, 91ZB ×2 (one without address), 91ZC ×2
    expect(data.onderwijslocaties.filter((l) => l.brin.startsWith('30X'))).toHaveLength(8);
    const leerlaan = data.onderwijslocaties.filter((l) => l.adres === 'Leerlaan 20');
    expect(leerlaan).toEqual([
      expect.objectContaining({ brin: '91ZA', postcode: '9911BB', plaats: 'VOORBEELDSTAD' }),
    ]);
    expect(data.onderwijslocaties.find((l) => l.brin === '91ZB' && l.adres === null)).toMatchObject({
      postcode: null,
      plaats: null,
      naam: 'Denkbeeld, locatie niet vermeld',
    });
    const codes = new Set(data.onderwijslocaties.map((l) => l.code));
    expect(data.aanbod.every((a) => codes.has(a.onderwijslocatie))).toBe(true);
    // the duplicate 94001 BBL row is stored once
    expect(data.aanbod.filter((a) => a.brin === '91ZA' && a.crebo === '94001')).toHaveLength(2);
    expect(data.aanbod.filter((a) => a.brin === '30XB')).toEqual([
      expect.objectContaining({ crebo: '25407', leerweg: 'BBL', niveau: 2 }),
      expect.objectContaining({ crebo: '25407', leerweg: 'BOL', niveau: 2 }),
      expect.objectContaining({ crebo: '25408', leerweg: 'BBL', niveau: 3 }),
    ]);
  });

  it('gives the same location codes on every read', async () => {
    const again = await readReferentie(SYNTHETIC_REFERENCE_DATA);
    expect(again.onderwijslocaties).toEqual(data.onderwijslocaties);
    expect(again.aanbod).toEqual(data.aanbod);
  });
});

describe('readReferentie on broken input', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'referentie-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  async function copyOf(name: string): Promise<string> {
    const dir = path.join(folder, name);
    await cp(SYNTHETIC_REFERENCE_DATA, dir, { recursive: true });
    return dir;
  }

  it('names the missing file', async () => {
    const dir = await copyOf('missing');
    await unlink(path.join(dir, 'mbo_opleidingsdomeinen.csv'));
    await expect(readReferentie(dir)).rejects.toThrow(
      /mbo_opleidingsdomeinen\.csv: referentiebestand ontbreekt/,
    );
  });

  it('names the file and line of a missing column', async () => {
    const dir = await copyOf('column');
    await writeFile(path.join(dir, 'ceda_mbo_opleidingscodes_namen_2023_2024.csv'), 'code,naam\n10001,X\n');
    await expect(readReferentie(dir)).rejects.toThrow(
      'ceda_mbo_opleidingscodes_namen_2023_2024.csv:1: kolom "opleidingscode" ontbreekt',
    );
  });

  it('names the file of a qualification list without beroepsvereisten', async () => {
    const dir = await copyOf('beroepsvereisten');
    const file = path.join(dir, 'mbo_kwalificaties_kwalificatiedossiers_2014.csv');
    const [header = '', ...rows] = (await readFile(file, 'utf8')).split('\n');
    await writeFile(file, [header.replace(',beroepsvereisten,', ',vereisten,'), ...rows].join('\n'));
    await expect(readReferentie(dir)).rejects.toThrow(
      'mbo_kwalificaties_kwalificatiedossiers_2014.csv:1: kolom "beroepsvereisten" ontbreekt',
    );
  });

  it('names the file and line of malformed CSV', async () => {
    const dir = await copyOf('csv');
    await writeFile(
      path.join(dir, 'mbo_opleidingsdomeinen.csv'),
      'opleidingsdomein_crebo,naam,groen_onderwijs_EZ,bron\n79000,Bouw,N,x\n79010,"Afbouw,N,x\n',
    );
    await expect(readReferentie(dir)).rejects.toThrow(/^mbo_opleidingsdomeinen\.csv:\d+: geen geldige CSV/);
    await writeFile(
      path.join(dir, 'mbo_opleidingsdomeinen.csv'),
      'opleidingsdomein_crebo,naam,groen_onderwijs_EZ,bron\n79000,Bouw,N,x\n79010,Afbouw,N\n',
    );
    await expect(readReferentie(dir)).rejects.toThrow(/^mbo_opleidingsdomeinen\.csv:3: geen geldige CSV/);
  });
});

describe.skipIf(!existsSync(SHARED_DATA))('readReferentie on the real shared data', () => {
  it('gives plausible numbers', async () => {
    const started = performance.now();
    const data = await readReferentie(SHARED_DATA);
    expect(performance.now() - started).toBeLessThan(5000);
    const funded = data.instellingen.filter((i) => i.bekostigd);
    expect(funded).toHaveLength(55);
    const hks = data.kwalificaties.filter((k) => k.structuur === 'hks2015' && k.soort === 'kwalificatie');
    expect(hks.length).toBeGreaterThanOrEqual(470);
    expect(data.kwalificaties.filter((k) => k.soort === 'opleidingsdomein')).toHaveLength(17);
    expect(data.kwalificaties.length).toBeGreaterThan(4000);
    const { total, matched } = data.report.aanbodRows;
    expect(matched / total).toBeGreaterThan(0.6);
    expect(data.aanbod.length).toBeGreaterThan(1000);
    expect(data.onderwijslocaties.length).toBeGreaterThan(200);
    // spot checks of the name matching
    const brinOf = (naam: string) => data.report.matchedInstellingsnamen.find((m) => m.naam === naam)?.brin;
    expect(brinOf('ROC Albeda College')).toBe('00GT');
    expect(brinOf('ROC West-Brabant')).toBe('25LX');
    expect(brinOf("Grafisch Lyceum R'dam")).toBe('23JA');
    expect(brinOf('MBO Utrecht')).toBe('30RN');
    expect(data.report.unmatchedInstellingsnamen.map((u) => u.naam)).toContain('Helicon Opleidingen');
    // beroepsvereisten VWS: Mbo-Verpleegkundige, Verzorgende IG (HKS) and Verzorgende-IG (2012 structure)
    for (const crebo of ['25480', '25491', '95530', '23182']) {
      expect(data.kwalificaties.find((k) => k.crebo === crebo)?.beroepsvereisten).toBe('VWS');
    }
    expect(data.kwalificaties.find((k) => k.crebo === '25078')?.beroepsvereisten).toBeNull();
  });
});
