import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inschrijvingMelding } from '../../test/factories.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';

describe('Spontane mutaties uit de BRP → leveren persoonsgegevens', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    token = await t.token('instelling:91ZA');
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    t.brp.setPush({ url: `${url}/brp/v1/mutaties`, token: await t.token('brp') });
  });
  afterAll(async () => {
    await t.close();
  });

  const get = async (path: string, tok = token) => {
    const res = await t.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${tok}` } });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };

  it('a death reaches the feed and the signals of the institution, and never de-enrols', async () => {
    const m = inschrijvingMelding({
      bsn: '999995145',
      geboortedatum: '2007-07-26',
      onderwijslocatie: t.locatie('91ZA'),
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/koppelvlak/v1/meldingen',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ ...m, persoon: { ...m.persoon, postcode: '2572NR' } }),
    });
    expect(res.statusCode, res.body).toBe(200);

    // Identification places the afnemersindicatie (a job); without it the BRP pushes nothing.
    expect(await t.brp.muteer('999995145', { soort: 'naam', voornamen: 'Roos' })).toBe(false);
    await t.worker.runOnce();
    expect(t.brp.afnemersindicaties.has('999995145')).toBe(true);

    expect(await t.brp.muteer('999995145', { soort: 'overlijden', datum: '2026-10-01' })).toBe(true);

    const feed = await get('/koppelvlak/v1/persoonsmutaties');
    expect(feed.status).toBe(200);
    const mutaties = feed.body.mutaties as {
      soort: string;
      burgerservicenummer: string;
      persoonsgegevens: Record<string, unknown>;
    }[];
    expect(mutaties).toHaveLength(1);
    expect(mutaties[0]).toMatchObject({
      soort: 'overlijden',
      burgerservicenummer: '999995145',
      persoonsgegevens: { datumOverlijden: '2026-10-01', geslachtsnaam: 'Janssen' },
    });
    // cursor-paged: from the returned cursor on there is nothing new yet, and the cursor stays usable
    const verder = await get(`/koppelvlak/v1/persoonsmutaties?cursor=${String(feed.body.volgende)}`);
    expect(verder.body).toEqual({ mutaties: [], volgende: feed.body.volgende });

    const signalen = await get('/koppelvlak/v1/signalen?code=655');
    expect((signalen.body.signalen as unknown[]).length).toBe(1);

    // the inschrijving stays as the institution delivered it
    const versies = await t.database.db
      .selectFrom('inschrijvingVersie as v')
      .innerJoin('inschrijving as i', 'i.id', 'v.inschrijvingId')
      .innerJoin('persoon as p', 'p.id', 'i.persoonId')
      .where('p.bsn', '=', '999995145')
      .select(['v.registeredUntil', 'v.datumUitschrijvingWerkelijk', 'v.verwijderd'])
      .execute();
    expect(versies).toEqual([
      { registeredUntil: null, datumUitschrijvingWerkelijk: null, verwijderd: false },
    ]);

    // the BRP history of the person is kept: the version from the melding, closed, and the mutation's
    const historie = await t.database.db
      .selectFrom('persoonIdentificatie as pi')
      .innerJoin('persoon as p', 'p.id', 'pi.persoonId')
      .where('p.bsn', '=', '999995145')
      .select(['pi.bron', 'pi.datumOverlijden', 'pi.registeredUntil'])
      .orderBy('pi.id')
      .execute();
    expect(historie.map((h) => [h.bron, h.datumOverlijden, h.registeredUntil === null])).toEqual([
      ['melding', null, false],
      ['mutatie', '2026-10-01', true],
    ]);

    // another institution without an inschrijving for the person hears nothing
    const ander = await get('/koppelvlak/v1/persoonsmutaties', await t.token('instelling:91ZB'));
    expect(ander.body.mutaties).toEqual([]);
  });

  it('only the BRP may deliver mutations', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/brp/v1/mutaties',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ burgerservicenummer: '999995145', soort: 'naam', persoon: {} }),
    });
    expect(res.statusCode).toBe(403);
  });
});
