import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsn, inschrijvingMelding, wijzigMelding } from '../../test/factories.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';

describe('POST /koppelvlak/v1/meldingen', () => {
  let t: TestApp;
  let token: string;
  let loc: string;
  beforeAll(async () => {
    t = await createTestApp();
    token = await t.token('instelling:91ZA');
    loc = t.locatie('91ZA');
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (body: unknown, tok = token) =>
    t.app.inject({
      method: 'POST',
      url: '/koppelvlak/v1/meldingen',
      headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  it('accepts a correct enrolment of a person the BRP knows and answers goedgekeurd', async () => {
    const m = inschrijvingMelding({ bsn: '999995145', onderwijslocatie: loc, geboortedatum: '2007-07-26' });
    const res = await post({ ...m, persoon: { ...m.persoon, postcode: '2572NR' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'goedgekeurd', verwerkt: { inschrijving: 1, periode: 1 } });
  });

  it('rejects a melding as a whole with every finding as problem+json', async () => {
    const m = inschrijvingMelding({ bsn: bsn(101), onderwijslocatie: loc, crebo: '99999' });
    const res = await post({ ...m, onbekend: 1 });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const codes = (res.json() as { bevindingen: { code: string }[] }).bevindingen.map((b) => b.code);
    expect(codes).toContain('630');
  });

  it('uitschrijving with reden closes the enrolment', async () => {
    const m = inschrijvingMelding({ bsn: bsn(102), onderwijslocatie: loc });
    expect((await post(m)).statusCode).toBe(200);
    const res = await post(
      wijzigMelding(m.persoon, {
        inschrijvingen: [
          {
            mutatie: 'wijzigen',
            inschrijvingsvolgnummer: '1',
            datumUitschrijvingWerkelijk: '2026-09-15',
            redenUitschrijving: '04',
          },
        ],
      }),
    );
    expect(res.statusCode, res.body).toBe(200);
  });
});
