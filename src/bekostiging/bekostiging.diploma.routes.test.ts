import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsn, inschrijvingMelding, wijzigMelding } from '../../test/factories.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import type { Melding, ResultaatRecord } from '../aanlevering/melding.schema.ts';
import { fixedClock } from '../platform/clock.ts';
import { bekostigingDeps } from './bekostiging.service.ts';
import { verwerkBekostigingEvents } from './herberekening.ts';

type Diploma = {
  resultaatId: string;
  bekendOp: string | null;
  status: {
    resultaatvolgnummer: string;
    brin: string;
    datumBehaald: string;
    niveau: number | null;
    bekostigbaar: boolean;
    bijdrageDiplomawaarde: number;
    niveauHoogsteEerdereDiploma: number | null;
    hoogsteEerdereDiploma: { brin: string; resultaatvolgnummer: string; datumBehaald: string } | null;
    signalen: { code: string; parameters: { naam: string; waarde: string }[] }[];
    gebruikteFeiten: { soort: string; id: string; versie?: string }[];
  };
};
type DiplomaTotaal = {
  bekostigingsjaar: number;
  kalenderjaar: number;
  aantal: number;
  bekostigd: number;
  diplomapunten: number;
};

/**
 * The diploma part of leveren bekostigingsstatus over HTTP, on the real app and a real database. The clock stands in
 * the diploma season (10 July 2027), past the mutatiestop of 2026/27, so everything is delivered by the accountant.
 */
describe('bekostigingsstatus of diplomas for the institution', () => {
  let t: TestApp;
  let token: string;
  let n = 900;
  beforeAll(async () => {
    t = await createTestApp({ clock: fixedClock('2027-07-10T10:00:00Z') });
    token = await t.token('instelling:91ZA');
  });
  afterAll(async () => {
    await t.close();
  });

  const post = async (body: Melding, brin = '91ZA') => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/koppelvlak/v1/meldingen',
      headers: {
        authorization: `Bearer ${await t.token(`accountant:${brin}`)}`,
        'content-type': 'application/json',
      },
      payload: JSON.stringify({ ...body, verantwoordelijke: 'accountant' }),
    });
    expect(res.statusCode, res.body).toBe(200);
  };
  const get = (url: string, tok = token) =>
    t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tok}` } });

  const diplomaRecord = (o: Partial<ResultaatRecord> = {}): ResultaatRecord => ({
    mutatie: 'toevoegen',
    resultaatvolgnummer: 'D1',
    soort: 'DIP',
    inschrijvingsvolgnummer: '1',
    opleidingcode: '25151',
    datumResultaat: '2027-07-06',
    indicatieBekostigbaar: 'J',
    ...o,
  });

  /**
   * Enrols a person at `brin` on `crebo` from `van` and delivers a diploma on it at `datum` (ending the
   * enrolment, reden 08); returns the register's resultaat id.
   */
  async function gediplomeerd(o: {
    nummer: string;
    brin?: string;
    crebo: string;
    van: string;
    datum: string;
    volgnummer?: string;
    resultaatvolgnummer?: string;
    extra?: ResultaatRecord[];
  }): Promise<{ persoon: Melding['persoon']; resultaatId: string }> {
    const brin = o.brin ?? '91ZA';
    const volgnummer = o.volgnummer ?? '1';
    const m = inschrijvingMelding({
      bsn: o.nummer,
      brin,
      volgnummer,
      onderwijslocatie: t.locatie(brin),
      crebo: o.crebo,
      datumInschrijving: o.van,
      geboortedatum: '2004-03-01',
    });
    await post(m, brin);
    const rvn = o.resultaatvolgnummer ?? 'D1';
    await post(
      wijzigMelding(
        m.persoon,
        {
          inschrijvingen: [
            {
              mutatie: 'wijzigen',
              inschrijvingsvolgnummer: volgnummer,
              datumUitschrijvingWerkelijk: o.datum,
              redenUitschrijving: '08',
            },
          ],
          resultaten: [
            diplomaRecord({
              resultaatvolgnummer: rvn,
              inschrijvingsvolgnummer: volgnummer,
              opleidingcode: o.crebo,
              datumResultaat: o.datum,
            }),
            ...(o.extra ?? []),
          ],
        },
        brin,
      ),
      brin,
    );
    const row = await t.database.db
      .selectFrom('resultaat as r')
      .innerJoin('persoon as p', 'p.id', 'r.persoonId')
      .select('r.id')
      .where('p.bsn', '=', o.nummer)
      .where('r.brin', '=', brin)
      .where('r.resultaatvolgnummer', '=', rvn)
      .executeTakeFirstOrThrow();
    return { persoon: m.persoon, resultaatId: String(row.id) };
  }
  const diploma = async (id: string, query = '', tok = token) => {
    const res = await get(`/koppelvlak/v1/bekostiging/resultaten/${id}${query ? `?${query}` : ''}`, tok);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Diploma;
  };
  const codes = (d: Diploma) => d.status.signalen.map((x) => x.code);
  const diplomaTotaal = async (): Promise<DiplomaTotaal | undefined> => {
    const res = await get('/koppelvlak/v1/bekostiging/totalen?teldatum=2027-10-01&teldatum=2028-02-01');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { diplomas: DiplomaTotaal[] };
    expect(body.diplomas.map((d) => d.bekostigingsjaar)).toEqual([2029]);
    return body.diplomas[0];
  };
  const dbNu = async () => {
    const r = await sql<{
      ms: string;
    }>`select (extract(epoch from clock_timestamp()) * 1000)::bigint::text as ms`.execute(t.database.db);
    return new Date(Number(r.rows[0]?.ms) + 1).toISOString();
  };

  it('explains a first middenkader diploma: bekostigbaar, 5 points, D00, listed for its year and in the totals', async () => {
    const voor = await diplomaTotaal();
    const nummer = bsn(n++);
    const { resultaatId } = await gediplomeerd({
      nummer,
      crebo: '25151',
      van: '2024-09-01',
      datum: '2027-07-06',
    });
    const d = await diploma(resultaatId);
    expect(d.status).toMatchObject({
      resultaatvolgnummer: 'D1',
      brin: '91ZA',
      datumBehaald: '2027-07-06',
      niveau: 4,
      bekostigbaar: true,
      bijdrageDiplomawaarde: 5,
      niveauHoogsteEerdereDiploma: null,
      hoogsteEerdereDiploma: null,
    });
    expect(codes(d)[0]).toBe('D00');
    expect(d.status.signalen[0]?.parameters).toContainEqual({ naam: 'diW', waarde: '5' });
    expect(d.status.gebruikteFeiten).toContainEqual({
      soort: 'resultaat',
      id: resultaatId,
      versie: expect.stringMatching(/^[0-9]+$/),
    });
    expect(d.status.gebruikteFeiten.map((f) => f.soort)).toEqual(
      expect.arrayContaining(['kwalificatie', 'instelling']),
    );

    // the list of the diplomas of 2027 has it (found through the keyset pages), 2026 does not
    let cursor = '';
    let gevonden: { resultaatId: string; persoon: { burgerservicenummer?: string } } | undefined;
    for (let i = 0; i < 50 && !gevonden; i++) {
      const res = await get(`/koppelvlak/v1/bekostiging/resultaten?jaar=2027&limit=1${cursor}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as {
        statussen: { resultaatId: string; persoon: { burgerservicenummer?: string } }[];
        volgende: string | null;
      };
      expect(body.statussen.length).toBeLessThanOrEqual(1);
      gevonden = body.statussen.find((x) => x.resultaatId === resultaatId);
      if (body.volgende === null) {
        break;
      }
      cursor = `&cursor=${body.volgende}`;
    }
    expect(gevonden?.persoon.burgerservicenummer).toBe(nummer);
    const anderJaar = await get('/koppelvlak/v1/bekostiging/resultaten?jaar=2026');
    expect(anderJaar.statusCode, anderJaar.body).toBe(200);
    expect(
      (anderJaar.json() as { statussen: { resultaatId: string }[] }).statussen.map((s) => s.resultaatId),
    ).not.toContain(resultaatId);

    const na = await diplomaTotaal();
    expect(na?.kalenderjaar).toBe(2027);
    expect((na?.aantal ?? 0) - (voor?.aantal ?? 0)).toBe(1);
    expect((na?.bekostigd ?? 0) - (voor?.bekostigd ?? 0)).toBe(1);
    expect((na?.diplomapunten ?? 0) - (voor?.diplomapunten ?? 0)).toBe(5);
  });

  it('subtracts the highest earlier diploma, also one from another institution, and counts a lower one of the same year not at all', async () => {
    const nummer = bsn(n++);
    // vakdiploma (3) at 91ZB in 2025, then middenkader (4) at 91ZA and basisberoeps (2) at 91ZA in 2027
    await gediplomeerd({ nummer, brin: '91ZB', crebo: '25152', van: '2023-09-01', datum: '2025-07-01' });
    const voor = await diplomaTotaal();
    const hoog = await gediplomeerd({ nummer, crebo: '25151', van: '2025-09-01', datum: '2027-07-06' });
    const laag = await gediplomeerd({
      nummer,
      crebo: '25150',
      van: '2026-09-01',
      datum: '2027-07-08',
      volgnummer: '2',
      resultaatvolgnummer: 'D2',
    });

    const d = await diploma(hoog.resultaatId);
    expect(d.status).toMatchObject({
      niveau: 4,
      bekostigbaar: true,
      bijdrageDiplomawaarde: 2,
      niveauHoogsteEerdereDiploma: 3,
      hoogsteEerdereDiploma: { brin: '91ZB', resultaatvolgnummer: 'D1', datumBehaald: '2025-07-01' },
    });
    expect(d.status.signalen[0]?.parameters).toContainEqual({ naam: 'diE', waarde: '3' });

    const l = await diploma(laag.resultaatId);
    expect(l.status).toMatchObject({ niveau: 2, bekostigbaar: false, bijdrageDiplomawaarde: 0 });
    expect(codes(l)).toContain('D05');
    expect(l.status.signalen.find((x) => x.code === 'D05')?.parameters).toContainEqual({
      naam: 'niveauEerdereDiploma',
      waarde: '4',
    });

    const na = await diplomaTotaal();
    expect((na?.aantal ?? 0) - (voor?.aantal ?? 0)).toBe(2);
    expect((na?.bekostigd ?? 0) - (voor?.bekostigd ?? 0)).toBe(1);
    expect((na?.diplomapunten ?? 0) - (voor?.diplomapunten ?? 0)).toBe(2);
  });

  it('shows a retroactive change of the claim: bekostigbaar as known then, D02 now', async () => {
    const nummer = bsn(n++);
    const { persoon, resultaatId } = await gediplomeerd({
      nummer,
      crebo: '25152',
      van: '2024-09-01',
      datum: '2027-07-01',
    });
    const toen = await dbNu();
    await post(
      wijzigMelding(persoon, {
        resultaten: [
          { mutatie: 'wijzigen', resultaatvolgnummer: 'D1', soort: 'DIP', indicatieBekostigbaar: 'N' },
        ],
      }),
    );
    const oud = await diploma(resultaatId, `bekendOp=${encodeURIComponent(toen)}`);
    expect(oud.bekendOp).toBe(toen);
    expect(oud.status).toMatchObject({ bekostigbaar: true, bijdrageDiplomawaarde: 3 });
    const nu = await diploma(resultaatId);
    expect(nu.status).toMatchObject({ bekostigbaar: false, bijdrageDiplomawaarde: 0 });
    expect(codes(nu)).toContain('D02');
    const versie = (d: Diploma) => d.status.gebruikteFeiten.find((f) => f.soort === 'resultaat')?.versie;
    expect(versie(oud)).not.toBe(versie(nu));

    // before the diploma was delivered the register knew none
    const eerder = await get(
      `/koppelvlak/v1/bekostiging/resultaten/${resultaatId}?bekendOp=2020-01-01T00:00:00Z`,
    );
    expect(eerder.statusCode).toBe(404);
  });

  it('stores the diploma status through the koppeling, versions a change and signals it (640); a removal closes it', async () => {
    const deps = bekostigingDeps(t.database.db, t.referentie);
    const koppel = async () => {
      while ((await verwerkBekostigingEvents(deps, '2027-07-10')).events > 0) {
        // until every pending event is processed
      }
    };
    const { persoon, resultaatId } = await gediplomeerd({
      nummer: bsn(n++),
      crebo: '25152',
      van: '2024-09-01',
      datum: '2027-07-02',
    });
    await koppel();
    const versies = () =>
      t.database.db
        .selectFrom('diplomastatus')
        .select(['jaar', 'bekostigbaar', 'waarde', 'signalen', 'registeredFrom', 'registeredUntil'])
        .where('resultaatId', '=', resultaatId)
        .orderBy('id')
        .execute();
    expect((await versies()).map((v) => [v.jaar, v.bekostigbaar, v.waarde, v.registeredUntil])).toEqual([
      [2027, true, 3, null],
    ]);
    await post(
      wijzigMelding(persoon, {
        resultaten: [
          { mutatie: 'wijzigen', resultaatvolgnummer: 'D1', soort: 'DIP', indicatieBekostigbaar: 'N' },
        ],
      }),
    );
    await koppel();
    const na = await versies();
    expect(na.map((v) => [v.bekostigbaar, v.waarde, v.registeredUntil === null])).toEqual([
      [true, 3, false],
      [false, 0, true],
    ]);
    expect(na[1]?.signalen).toContain('D02');
    const signaal = await t.database.db
      .selectFrom('signaal')
      .select(['recordSoort', 'recordSleutel', 'tekst'])
      .where('code', '=', '640')
      .where('recordSoort', '=', 'resultaat')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(signaal.tekst).toMatch(
      /diploma behaald op 2-7-2027 gewijzigd: was bekostigbaar \(diplomawaarde 3\), is nu niet bekostigbaar/,
    );

    await post(
      wijzigMelding(persoon, {
        resultaten: [{ mutatie: 'verwijderen', resultaatvolgnummer: 'D1', soort: 'DIP' }],
      }),
    );
    await koppel();
    expect((await versies()).every((v) => v.registeredUntil !== null)).toBe(true);
  });

  it('answers 404 that learns nothing to another institution, for a sub-result and for a nonsense id', async () => {
    const nummer = bsn(n++);
    const { resultaatId } = await gediplomeerd({
      nummer,
      crebo: '25152',
      van: '2024-09-01',
      datum: '2027-07-02',
      extra: [
        {
          mutatie: 'toevoegen',
          resultaatvolgnummer: 'K1',
          soort: 'KZD',
          resultaatvolgnummerDiploma: 'D1',
          code: 'K0067',
          uitslag: 'Behaald',
        },
      ],
    });
    const ander = await get(
      `/koppelvlak/v1/bekostiging/resultaten/${resultaatId}`,
      await t.token('instelling:91ZB'),
    );
    const onbekend = await get('/koppelvlak/v1/bekostiging/resultaten/999999999999');
    expect(ander.statusCode).toBe(404);
    expect(ander.headers['content-type']).toMatch(/application\/problem\+json/);
    // the same answer as for an id that does not exist (only the id in the text differs)
    const zonderId = (body: string) => ({
      ...(JSON.parse(body) as Record<string, unknown>),
      detail: undefined,
      instance: undefined,
    });
    expect(zonderId(ander.body)).toEqual(zonderId(onbekend.body));

    const kzd = await t.database.db
      .selectFrom('resultaat')
      .select('id')
      .where('resultaatvolgnummer', '=', 'K1')
      .where('brin', '=', '91ZA')
      .executeTakeFirstOrThrow();
    expect((await get(`/koppelvlak/v1/bekostiging/resultaten/${kzd.id}`)).statusCode).toBe(404);
    expect((await get('/koppelvlak/v1/bekostiging/resultaten/abc')).statusCode).toBe(404);
    expect((await get('/koppelvlak/v1/bekostiging/resultaten?jaar=twee')).statusCode).toBe(400);
  });
  it('mutatiestop: the institution cannot change the claim on a diploma of a closed funding year, its accountant can', async () => {
    const nummer = bsn(n++);
    const { persoon, resultaatId } = await gediplomeerd({
      nummer,
      crebo: '25152',
      van: '2023-09-01',
      datum: '2025-07-01',
    });
    const wijziging = wijzigMelding(persoon, {
      resultaten: [
        { mutatie: 'wijzigen', resultaatvolgnummer: 'D1', soort: 'DIP', indicatieBekostigbaar: 'N' },
      ],
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/koppelvlak/v1/meldingen',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify(wijziging),
    });
    expect(res.statusCode, res.body).toBe(422);
    const b = (res.json() as { bevindingen: { code: string; record: string; tekst: string }[] }).bevindingen;
    expect(b).toContainEqual(expect.objectContaining({ code: '636', record: 'resultaat' }));
    expect(b.find((x) => x.code === '636')?.tekst).toMatch(/bekostigingsjaar 2027/);
    expect((await diploma(resultaatId)).status.bekostigbaar).toBe(true);

    await post({ ...wijziging, berichtId: `${wijziging.berichtId}-acc` });
    expect((await diploma(resultaatId)).status.bekostigbaar).toBe(false);
  });
});
