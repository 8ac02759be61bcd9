import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsn, inschrijvingMelding } from '../../test/factories.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';

describe('Dubbele personen: detect, link, unlink', () => {
  let t: TestApp;
  let beheer: string;
  beforeAll(async () => {
    t = await createTestApp();
    beheer = await t.token('beheerder');
  });
  afterAll(async () => {
    await t.close();
  });

  const call = async (method: 'GET' | 'POST', url: string, tok = beheer, payload?: unknown) => {
    const res = await t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${tok}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
      ...(payload ? { payload: JSON.stringify(payload) } : {}),
    });
    return { status: res.statusCode, body: res.json() as Record<string, unknown> };
  };

  it('finds the same person under a BSN and an onderwijsnummer, and links and unlinks reversibly', async () => {
    const loc = t.locatie('91ZA');
    const instelling = await t.token('instelling:91ZA');
    // one institution knows the person by BSN; another delivered it without number (no BRP match → onderwijsnummer)
    const metBsn = inschrijvingMelding({
      bsn: bsn(4711),
      onderwijslocatie: loc,
      geboortedatum: '2008-06-01',
    });
    expect(
      (
        await call('POST', '/koppelvlak/v1/meldingen', instelling, {
          ...metBsn,
          persoon: { ...metBsn.persoon, achternaam: 'Dubbelman' },
        })
      ).status,
    ).toBe(200);
    const zonder = inschrijvingMelding({
      onderwijslocatie: loc,
      geboortedatum: '2008-06-01',
      volgnummer: '2',
    });
    const { burgerservicenummer: _b, ...persoon } = zonder.persoon;
    const r = await call('POST', '/koppelvlak/v1/meldingen', instelling, {
      ...zonder,
      persoon: { ...persoon, achternaam: 'DUBBELMAN', leerlingnummer: 'D1' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);

    expect((await call('POST', '/beheer/v1/dubbele-personen/detecteren')).body).toEqual({ nieuw: 1 });
    expect((await call('POST', '/beheer/v1/dubbele-personen/detecteren')).body).toEqual({ nieuw: 0 });
    const lijst = (await call('GET', '/beheer/v1/dubbele-personen')).body.gevallen as {
      id: string;
      reden: string;
      koppeling: unknown;
    }[];
    expect(lijst).toHaveLength(1);
    expect(lijst[0]).toMatchObject({ reden: 'bsn-en-onderwijsnummer', koppeling: null });
    const id = lijst[0]?.id ?? '';

    expect((await call('POST', `/beheer/v1/dubbele-personen/${id}/koppelen`)).status).toBe(200);
    const gekoppeld = (await call('GET', '/beheer/v1/dubbele-personen')).body.gevallen as {
      koppeling: { door: string } | null;
    }[];
    expect(gekoppeld[0]?.koppeling).toMatchObject({ door: 'beheerder' });
    expect((await call('POST', `/beheer/v1/dubbele-personen/${id}/ontkoppelen`)).status).toBe(200);
    const ontkoppeld = (await call('GET', '/beheer/v1/dubbele-personen')).body.gevallen as {
      koppeling: unknown;
    }[];
    expect(ontkoppeld[0]?.koppeling).toBeNull();
    // every version is kept
    const versies = await t.database.db
      .selectFrom('persoonKoppeling')
      .select(['registeredUntil', 'ontkoppeldDoor'])
      .execute();
    expect(versies).toHaveLength(1);
    expect(versies[0]?.ontkoppeldDoor).toBe('beheerder');

    expect((await call('POST', `/beheer/v1/dubbele-personen/${id}/koppelen`, instelling)).status).toBe(403);
    expect((await call('POST', '/beheer/v1/dubbele-personen/999999/koppelen')).status).toBe(404);
  });
});
