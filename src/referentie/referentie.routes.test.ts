import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/test-app.ts';

describe('referentie routes for a SIS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists only the own institution’s onderwijslocaties, with the opleidingen offered there', async () => {
    const res = await t.app.inject({
      url: '/koppelvlak/v1/referentie/onderwijslocaties',
      headers: { authorization: `Bearer ${await t.token('instelling:91ZA')}` },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { brin: string; onderwijslocaties: { code: string; opleidingen: string[] }[] };
    expect(body.brin).toBe('91ZA');
    const own = [...t.referentie.onderwijslocaties.values()]
      .filter((l) => l.brin === '91ZA')
      .map((l) => l.code);
    expect(body.onderwijslocaties.map((l) => l.code).sort()).toEqual(own.sort());
    expect(body.onderwijslocaties.some((l) => l.opleidingen.length > 0)).toBe(true);
  });

  it('returns a CREBO entry and a Dutch 404 problem for an unknown code', async () => {
    const auth = { authorization: `Bearer ${await t.token('instelling:91ZA')}` };
    const ok = await t.app.inject({ url: '/koppelvlak/v1/referentie/opleidingen/25150', headers: auth });
    expect(ok.json()).toMatchObject({
      crebo: '25150',
      niveau: 2,
      soort: 'kwalificatie',
      beroepsvereisten: null,
    });
    const vws = await t.app.inject({ url: '/koppelvlak/v1/referentie/opleidingen/25491', headers: auth });
    expect(vws.json()).toMatchObject({ crebo: '25491', beroepsvereisten: 'VWS' });
    const missing = await t.app.inject({ url: '/koppelvlak/v1/referentie/opleidingen/12345', headers: auth });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'referentie.opleiding-onbekend', status: 404 });
  });
});
