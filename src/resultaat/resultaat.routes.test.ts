import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsn, inschrijvingMelding, wijzigMelding } from '../../test/factories.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import type { Melding, ResultaatRecord } from '../aanlevering/melding.schema.ts';
import { fixedClock } from '../platform/clock.ts';

/** Diplomas and sub-results over HTTP, on a register whose clock stands in the diploma season (10 July 2027). */
describe('resultaten in a melding', () => {
  let t: TestApp;
  let token: string;
  /** The clock stands past the mutatiestop for 2026/27 (1 June 2027): enrolments of that year come from the accountant. */
  let accountant: string;
  let loc: string;
  let n = 500;
  beforeAll(async () => {
    t = await createTestApp({ clock: fixedClock('2027-07-10T10:00:00Z') });
    token = await t.token('instelling:91ZA');
    accountant = await t.token('accountant:91ZA');
    loc = t.locatie('91ZA');
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (body: unknown, tok = accountant) =>
    t.app.inject({
      method: 'POST',
      url: '/koppelvlak/v1/meldingen',
      headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
      payload: JSON.stringify(
        tok === accountant ? { ...(body as object), verantwoordelijke: 'accountant' } : body,
      ),
    });
  const get = (url: string, tok = token) =>
    t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tok}` } });

  /** A fresh person enrolled on `crebo` from 2026-09-14. */
  async function enrolled(o: { crebo?: string; niveau?: 'MBO-3' } = {}): Promise<Melding['persoon']> {
    const m = inschrijvingMelding({ bsn: bsn(n++), onderwijslocatie: loc, crebo: o.crebo ?? '25150' });
    if (o.niveau && m.periodes?.[0]) {
      m.periodes[0].niveau = o.niveau;
    }
    const res = await post(m);
    expect(res.statusCode, res.body).toBe(200);
    return m.persoon;
  }

  const diploma = (o: Partial<ResultaatRecord> = {}): ResultaatRecord => ({
    mutatie: 'toevoegen',
    resultaatvolgnummer: 'D1',
    soort: 'DIP',
    inschrijvingsvolgnummer: '1',
    opleidingcode: '25150',
    datumResultaat: '2027-07-06',
    indicatieBekostigbaar: 'J',
    ...o,
  });
  const uitschrijving = (datum = '2027-07-06') => ({
    mutatie: 'wijzigen' as const,
    inschrijvingsvolgnummer: '1',
    datumUitschrijvingWerkelijk: datum,
    redenUitschrijving: '08' as const,
  });
  const codes = (res: { json(): unknown }) =>
    (
      (res.json() as { bevindingen?: { code: string }[]; signalen?: { code: string }[] }).bevindingen ??
      (res.json() as { signalen: { code: string }[] }).signalen
    ).map((b) => b.code);

  it('accepts a diploma with keuzedeel and generic exam part that ends the enrolment, and signals bekostiging', async () => {
    const persoon = await enrolled();
    const res = await post(
      wijzigMelding(persoon, {
        inschrijvingen: [uitschrijving()],
        resultaten: [
          diploma(),
          {
            mutatie: 'toevoegen',
            resultaatvolgnummer: 'K1',
            soort: 'KZD',
            resultaatvolgnummerDiploma: 'D1',
            code: 'K0067',
            uitslag: 'Behaald',
          },
          {
            mutatie: 'toevoegen',
            resultaatvolgnummer: 'G1',
            soort: 'GEO',
            resultaatvolgnummerDiploma: 'D1',
            code: '3001',
            eindcijfer: '7',
          },
        ],
      }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'goedgekeurd', verwerkt: { inschrijving: 1, resultaat: 3 } });

    const events = await t.database.db
      .selectFrom('outboxEvent')
      .select(['type', 'data'])
      .where('type', '=', 'nl.mbo-register.resultaat.gewijzigd')
      .execute();
    expect(events.some((e) => (e.data as { soort: string }).soort === 'DIP')).toBe(true);
    // sub-results do not matter for funding: one event for the diploma only
    expect(events.every((e) => (e.data as { soort: string }).soort === 'DIP')).toBe(true);

    const lijst = await get('/koppelvlak/v1/resultaten?limit=100');
    expect(lijst.statusCode, lijst.body).toBe(200);
    const items = (
      lijst.json() as {
        resultaten: { resultaatvolgnummer: string; persoon: { burgerservicenummer?: string } }[];
      }
    ).resultaten.filter((r) => r.persoon.burgerservicenummer === persoon.burgerservicenummer);
    expect(items.map((r) => r.resultaatvolgnummer).sort()).toEqual(['D1', 'G1', 'K1']);
  });

  it('accepts a loose keuzedeel certificaat and a loose AMvB-onderdeel along the year', async () => {
    const persoon = await enrolled();
    const res = await post(
      wijzigMelding(persoon, {
        resultaten: [
          {
            mutatie: 'toevoegen',
            resultaatvolgnummer: 'K7',
            soort: 'KZD',
            inschrijvingsvolgnummer: '1',
            datumResultaat: '2027-02-01',
            code: 'K0914',
            uitslag: 'Behaald',
            certificaat: 'J',
          },
          {
            mutatie: 'toevoegen',
            resultaatvolgnummer: 'A1',
            soort: 'AMO',
            inschrijvingsvolgnummer: '1',
            datumResultaat: '2027-03-01',
            code: 'C0004',
          },
        ],
      }),
    );
    expect(res.statusCode, res.body).toBe(200);
  });

  it('rejects each flawed diploma kind with its own finding', async () => {
    const cases: [
      string,
      Partial<ResultaatRecord>,
      { uitschrijving?: string; crebo?: string; niveau?: 'MBO-3' }?,
    ][] = [
      ['680', { opleidingcode: '25407' }],
      ['681', { datumResultaat: '2026-09-01' }],
      ['682', { datumResultaat: '2027-07-20' }],
      ['685', { opleidingcode: '23068' }],
      ['687', { opleidingcode: '99999' }],
      ['688', { datumResultaat: '2015-07-01' }],
      ['805', { inschrijvingsvolgnummer: '9' }],
    ];
    for (const [code, o] of cases) {
      const persoon = await enrolled();
      const res = await post(wijzigMelding(persoon, { resultaten: [diploma(o)] }));
      expect(res.statusCode, `${code}: ${res.body}`).toBe(422);
      expect(codes(res), code).toContain(code);
    }
  });

  it('signals a werkelijke datum uitschrijving that differs from datum behaald (rule 24), an entree claim and a level mismatch', async () => {
    let persoon = await enrolled();
    let res = await post(
      wijzigMelding(persoon, {
        inschrijvingen: [uitschrijving('2027-07-08')],
        resultaten: [diploma()],
      }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(codes(res)).toContain('683');

    persoon = await enrolled({ crebo: '25251' });
    res = await post(wijzigMelding(persoon, { resultaten: [diploma({ opleidingcode: '25251' })] }));
    expect(res.statusCode, res.body).toBe(200);
    expect(codes(res)).toContain('689');

    persoon = await enrolled({ crebo: '23068', niveau: 'MBO-3' });
    res = await post(wijzigMelding(persoon, { resultaten: [diploma()] }));
    expect(res.statusCode, res.body).toBe(200);
    expect(codes(res)).toContain('686');
  });

  it('rejects a second identical diploma, a reused resultaatvolgnummer and an unknown diploma reference', async () => {
    const persoon = await enrolled();
    expect((await post(wijzigMelding(persoon, { resultaten: [diploma()] }))).statusCode).toBe(200);
    let res = await post(wijzigMelding(persoon, { resultaten: [diploma({ resultaatvolgnummer: 'D2' })] }));
    expect(codes(res)).toContain('684');
    res = await post(wijzigMelding(persoon, { resultaten: [diploma()] }));
    expect(codes(res)).toContain('690');
    res = await post(
      wijzigMelding(persoon, {
        resultaten: [
          {
            mutatie: 'toevoegen',
            resultaatvolgnummer: 'K2',
            soort: 'KZD',
            resultaatvolgnummerDiploma: 'X9',
            code: 'K0067',
            uitslag: 'Behaald',
          },
        ],
      }),
    );
    expect(codes(res)).toContain('693');
    res = await post(
      wijzigMelding(persoon, {
        resultaten: [
          {
            mutatie: 'toevoegen',
            resultaatvolgnummer: 'K3',
            soort: 'KZD',
            resultaatvolgnummerDiploma: 'D1',
            code: 'K0067',
            uitslag: 'Behaald',
            certificaat: 'J',
          },
        ],
      }),
    );
    expect(codes(res)).toContain('694');
    res = await post(
      wijzigMelding(persoon, {
        resultaten: [{ mutatie: 'wijzigen', resultaatvolgnummer: 'D1', soort: 'KZD' }],
      }),
    );
    expect(codes(res)).toContain('695');
    res = await post(
      wijzigMelding(persoon, {
        resultaten: [{ mutatie: 'wijzigen', resultaatvolgnummer: 'Q1', soort: 'DIP' }],
      }),
    );
    expect(codes(res)).toContain('691');
  });

  it('does not delete an inschrijving with resultaten (rule 39); deleting the diploma keeps its history and signals 692', async () => {
    const persoon = await enrolled();
    expect((await post(wijzigMelding(persoon, { resultaten: [diploma()] }))).statusCode).toBe(200);
    let res = await post(
      wijzigMelding(persoon, { inschrijvingen: [{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1' }] }),
    );
    expect(res.statusCode).toBe(422);
    expect(codes(res)).toContain('619');

    res = await post(
      wijzigMelding(persoon, {
        resultaten: [{ mutatie: 'verwijderen', resultaatvolgnummer: 'D1', soort: 'DIP' }],
      }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(codes(res)).toContain('692');

    const row = await t.database.db
      .selectFrom('resultaat')
      .innerJoin('persoon', 'persoon.id', 'resultaat.persoonId')
      .select('resultaat.id')
      .where('persoon.bsn', '=', persoon.burgerservicenummer ?? '')
      .executeTakeFirstOrThrow();
    const hist = await get(`/koppelvlak/v1/resultaten/${row.id}/versies`);
    expect(hist.statusCode, hist.body).toBe(200);
    expect(
      (hist.json() as { versies: { mutatie: string; verwijderd: boolean }[] }).versies.map((v) => [
        v.mutatie,
        v.verwijderd,
      ]),
    ).toEqual([
      ['toevoegen', false],
      ['verwijderen', true],
    ]);
    // another institution finds nothing
    expect(
      (await get(`/koppelvlak/v1/resultaten/${row.id}/versies`, await t.token('instelling:91ZB'))).statusCode,
    ).toBe(404);
    const anders = await get('/koppelvlak/v1/resultaten', await t.token('instelling:91ZB'));
    expect((anders.json() as { resultaten: unknown[] }).resultaten).toEqual([]);
  });

  it('pages the resultaten with a cursor', async () => {
    const first = await get('/koppelvlak/v1/resultaten?limit=2');
    const body = first.json() as { resultaten: { resultaatId: string }[]; volgende: string | null };
    expect(body.resultaten).toHaveLength(2);
    expect(body.volgende).not.toBeNull();
    const second = await get(`/koppelvlak/v1/resultaten?limit=2&cursor=${body.volgende}`);
    const ids = (second.json() as { resultaten: { resultaatId: string }[] }).resultaten.map(
      (r) => r.resultaatId,
    );
    expect(ids.some((id) => body.resultaten.some((r) => r.resultaatId === id))).toBe(false);
  });
});
