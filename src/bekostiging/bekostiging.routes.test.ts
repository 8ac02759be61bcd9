import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bpvRecord, bsn, inschrijvingMelding, wijzigMelding } from '../../test/factories.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import type { Melding } from '../aanlevering/melding.schema.ts';

type Status = {
  inschrijvingId: string;
  bekendOp: string | null;
  status: {
    bekostigbaar: boolean;
    statusBepaling: string;
    indicatieBekostigbaar: boolean | null;
    bblBolFactor: number | null;
    prijsfactor: number | null;
    bijdrage: number | null;
    signalen: { code: string; parameters: { naam: string; waarde: string }[] }[];
    gebruikteFeiten: { soort: string; id: string; versie?: string }[];
  };
};
type Totalen = {
  teldata: { teldatum: string; inschrijvingen: number; bekostigd: number; gewogen: number }[];
  correctiefactor?: { bekostigingsjaar: number; waarde: number | null };
};

/** Leveren bekostigingsstatus over HTTP, on the real app and a real database (clock 2026-09-15). */
describe('bekostigingsstatus for the institution', () => {
  let t: TestApp;
  let token: string;
  let loc: string;
  let n = 700;
  beforeAll(async () => {
    t = await createTestApp();
    token = await t.token('instelling:91ZA');
    loc = t.locatie('91ZA');
  });
  afterAll(async () => {
    await t.close();
  });

  const post = async (body: unknown) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/koppelvlak/v1/meldingen',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    expect(res.statusCode, res.body).toBe(200);
  };
  const get = (url: string, tok = token) =>
    t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tok}` } });

  /** Delivers a fresh student (with a BPV: `true` for the default one, or its dates) and returns the ids. */
  async function student(
    o: {
      leertraject?: 'BOL' | 'BBL';
      indicatieBekostigbaar?: 'J' | 'N';
      crebo?: string;
      bpv?: boolean | Partial<NonNullable<Melding['bpv']>[number]>;
    } = {},
  ): Promise<{ persoon: Melding['persoon']; id: string }> {
    const m = inschrijvingMelding({
      bsn: bsn(n++),
      onderwijslocatie: loc,
      leertraject: o.leertraject ?? 'BOL',
      indicatieBekostigbaar: o.indicatieBekostigbaar ?? 'J',
      geboortedatum: '2004-03-01',
      ...(o.crebo ? { crebo: o.crebo } : {}),
    });
    m.persoon = { ...m.persoon, leerlingnummer: `LL${n}` };
    const bpv = o.bpv === true ? {} : o.bpv;
    await post(bpv ? { ...m, bpv: [bpvRecord({ leerbedrijfId: '111111111', ...bpv })] } : m);
    const row = await t.database.db
      .selectFrom('inschrijving as i')
      .innerJoin('persoon as p', 'p.id', 'i.persoonId')
      .select('i.id')
      .where('p.bsn', '=', m.persoon.burgerservicenummer ?? '')
      .executeTakeFirstOrThrow();
    return { persoon: m.persoon, id: row.id };
  }
  const status = async (id: string, query: string, tok = token) => {
    const res = await get(`/koppelvlak/v1/bekostiging/inschrijvingen/${id}?${query}`, tok);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Status;
  };
  const codes = (s: Status) => s.status.signalen.map((x) => x.code);
  /** The database's clock as an ISO instant (the recorded time of versions comes from it). */
  const dbNu = async () => {
    const r = await sql<{
      ms: string;
    }>`select (extract(epoch from clock_timestamp()) * 1000)::bigint::text as ms`.execute(t.database.db);
    return new Date(Number(r.rows[0]?.ms) + 1).toISOString();
  };

  it('explains a BOL student on 1 October: bekostigbaar, factor 1, with the facts and versions used', async () => {
    const { persoon, id } = await student();
    const s = await status(id, 'teldatum=2026-10-01');
    expect(s.status).toMatchObject({
      bekostigbaar: true,
      statusBepaling: 'V',
      indicatieBekostigbaar: true,
      bblBolFactor: 1,
      prijsfactor: 1,
      bijdrage: 1,
    });
    expect(codes(s)).toContain('B00');
    // the institution finds the id in its list of statuses (paged)
    let cursor = '';
    let gevonden:
      | { inschrijvingId: string; persoon: { burgerservicenummer?: string; leerlingnummer?: string } }
      | undefined;
    for (let i = 0; i < 50 && !gevonden; i++) {
      const res = await get(`/koppelvlak/v1/bekostiging/inschrijvingen?teldatum=2026-10-01&limit=1${cursor}`);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as {
        statussen: {
          inschrijvingId: string;
          persoon: { burgerservicenummer?: string; leerlingnummer?: string };
        }[];
        volgende: string | null;
      };
      gevonden = body.statussen.find((x) => x.inschrijvingId === id);
      if (body.volgende === null) {
        break;
      }
      cursor = `&cursor=${body.volgende}`;
    }
    expect(gevonden?.persoon.burgerservicenummer).toBe(persoon.burgerservicenummer);
    // and by the institution's own leerlingnummer
    expect(gevonden?.persoon).toMatchObject({ leerlingnummer: persoon.leerlingnummer });
    expect(persoon.leerlingnummer).toBeTruthy();
    const soorten = s.status.gebruikteFeiten.map((f) => f.soort);
    expect(soorten).toEqual(expect.arrayContaining(['inschrijving', 'periode', 'instelling']));
    expect(s.status.gebruikteFeiten.find((f) => f.soort === 'inschrijving')).toMatchObject({
      id,
      versie: expect.stringMatching(/^[0-9]+$/),
    });
    // before the enrolment began it does not count
    const eerder = await status(id, 'teldatum=2026-02-01');
    expect(eerder.status.bekostigbaar).toBe(false);
    expect(codes(eerder)).toContain('B01');
  });

  it('says niet bekostigbaar with signal B04 and its parameters for indicatie N', async () => {
    const { id } = await student({ indicatieBekostigbaar: 'N' });
    const s = await status(id, 'teldatum=2026-10-01');
    expect(s.status).toMatchObject({ bekostigbaar: false, indicatieBekostigbaar: false, bijdrage: 0 });
    const b04 = s.status.signalen.find((x) => x.code === 'B04');
    expect(b04?.parameters.length).toBeGreaterThan(0);
  });

  it('shows a retroactive change: the old answer as known then, the new one now', async () => {
    const { persoon, id } = await student();
    const toen = await dbNu();
    await post(
      wijzigMelding(persoon, {
        periodes: [
          {
            mutatie: 'wijzigen',
            inschrijvingsvolgnummer: '1',
            datumBegin: '2026-09-14',
            indicatieBekostigbaar: 'N',
          },
        ],
      }),
    );
    const daarna = await dbNu();

    const oud = await status(id, `teldatum=2026-10-01&bekendOp=${encodeURIComponent(toen)}`);
    expect(oud.bekendOp).toBe(toen);
    expect(oud.status.bekostigbaar).toBe(true);
    const nieuw = await status(id, `teldatum=2026-10-01&bekendOp=${encodeURIComponent(daarna)}`);
    expect(nieuw.status.bekostigbaar).toBe(false);
    expect(codes(nieuw)).toContain('B04');
    const nu = await status(id, 'teldatum=2026-10-01');
    expect(nu.status.bekostigbaar).toBe(false);
    // the periode facts used are different recorded versions
    const periodeVersie = (s: Status) => s.status.gebruikteFeiten.find((f) => f.soort === 'periode')?.versie;
    expect(periodeVersie(oud)).not.toBe(periodeVersie(nieuw));

    // before the student was delivered at all, the register knew no such inschrijving
    const res = await get(
      `/koppelvlak/v1/bekostiging/inschrijvingen/${id}?teldatum=2026-10-01&bekendOp=2020-01-01T00:00:00Z`,
    );
    expect(res.statusCode).toBe(404);
  });

  it('answers 404 to another institution and a Dutch problem for a day that is no teldatum', async () => {
    const { id } = await student();
    const ander = await get(
      `/koppelvlak/v1/bekostiging/inschrijvingen/${id}?teldatum=2026-10-01`,
      await t.token('instelling:91ZB'),
    );
    expect(ander.statusCode).toBe(404);
    expect(ander.headers['content-type']).toMatch(/application\/problem\+json/);

    const geen = await get(`/koppelvlak/v1/bekostiging/inschrijvingen/${id}?teldatum=2026-10-02`);
    expect(geen.statusCode).toBe(400);
    expect(geen.json()).toMatchObject({ code: 'bekostiging.geen-teldatum' });
    expect((geen.json() as { detail: string }).detail).toMatch(/1 oktober of 1 februari/);
    const totaal = await get('/koppelvlak/v1/bekostiging/totalen?teldatum=2026-03-01');
    expect(totaal.statusCode).toBe(400);
  });

  it('answers a Dutch 400, never a 500, to a teldatum or bekendOp in a year the database cannot hold', async () => {
    const { id } = await student();
    const base = '/koppelvlak/v1/bekostiging';
    for (const url of [
      `${base}/totalen?teldatum=0000-10-01`,
      `${base}/totalen?teldatum=0001-02-01`,
      `${base}/inschrijvingen?teldatum=0000-10-01`,
      `${base}/inschrijvingen/${id}?teldatum=0000-10-01`,
      `${base}/inschrijvingen/${id}/historie?teldatum=0000-10-01`,
    ]) {
      const res = await get(url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.json(), url).toMatchObject({ code: 'bekostiging.geen-teldatum' });
    }
    for (const url of [
      `${base}/totalen?teldatum=2026-10-01&bekendOp=0000-06-01T00:00:00Z`,
      `${base}/inschrijvingen?teldatum=2026-10-01&bekendOp=0000-06-01T00:00:00Z`,
      `${base}/inschrijvingen/${id}?teldatum=2026-10-01&bekendOp=0000-06-01T00:00:00Z`,
      `${base}/resultaten?jaar=2026&bekendOp=0000-06-01T00:00:00Z`,
    ]) {
      const res = await get(url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.json(), url).toMatchObject({ code: 'bekostiging.bekend-op-ongeldig' });
    }
    // the history filter is a teldatum like any other: another day is the same Dutch problem, not an empty list
    const geen = await get(`${base}/inschrijvingen/${id}/historie?teldatum=2026-11-01`);
    expect(geen.statusCode, geen.body).toBe(400);
    expect(geen.json()).toMatchObject({ code: 'bekostiging.geen-teldatum' });
  });

  it('counts a person enrolled at two institutions once: the other inschrijving says B11 and names the one that counts', async () => {
    const nummer = bsn(n++);
    const elders = inschrijvingMelding({
      bsn: nummer,
      brin: '91ZB',
      onderwijslocatie: t.locatie('91ZB'),
      datumInschrijving: '2026-09-01',
      geboortedatum: '2004-03-01',
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/koppelvlak/v1/meldingen',
      headers: {
        authorization: `Bearer ${await t.token('instelling:91ZB')}`,
        'content-type': 'application/json',
      },
      payload: JSON.stringify(elders),
    });
    expect(res.statusCode, res.body).toBe(200);
    const hier = inschrijvingMelding({ bsn: nummer, onderwijslocatie: loc, geboortedatum: '2004-03-01' });
    await post(hier);
    const row = await t.database.db
      .selectFrom('inschrijving as i')
      .innerJoin('persoon as p', 'p.id', 'i.persoonId')
      .select('i.id')
      .where('p.bsn', '=', nummer)
      .where('i.brin', '=', '91ZA')
      .executeTakeFirstOrThrow();
    const s = await status(row.id, 'teldatum=2026-10-01');
    expect(s.status.bekostigbaar).toBe(false);
    const b11 = s.status.signalen.find((x) => x.code === 'B11');
    expect(b11?.parameters).toContainEqual({ naam: 'tellendeBrin', waarde: '91ZB' });
  });

  it('totals count a BBL student 0.4 only with a POK concluded by 31 December, and give Cf for a funding year', async () => {
    const totalen = async () => {
      const res = await get('/koppelvlak/v1/bekostiging/totalen?teldatum=2026-10-01&teldatum=2027-02-01');
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as Totalen;
    };
    const voor = await totalen();
    await student({ leertraject: 'BOL' });
    const metPok = await student({ leertraject: 'BBL', bpv: true });
    const zonderPok = await student({ leertraject: 'BBL' });
    const na = await totalen();

    const okt = (x: Totalen) => x.teldata.find((d) => d.teldatum === '2026-10-01');
    expect((okt(na)?.inschrijvingen ?? 0) - (okt(voor)?.inschrijvingen ?? 0)).toBe(3);
    expect((okt(na)?.bekostigd ?? 0) - (okt(voor)?.bekostigd ?? 0)).toBe(2);
    expect((okt(na)?.gewogen ?? 0) - (okt(voor)?.gewogen ?? 0)).toBeCloseTo(1.4, 6);
    expect(na.correctiefactor?.bekostigingsjaar).toBe(2028);
    expect(na.correctiefactor?.waarde).not.toBeNull();

    expect((await status(metPok.id, 'teldatum=2026-10-01')).status).toMatchObject({
      bekostigbaar: true,
      bblBolFactor: 0.4,
      bijdrage: 0.4,
    });
    const zonder = await status(zonderPok.id, 'teldatum=2026-10-01');
    expect(zonder.status.bekostigbaar).toBe(false);
    expect(codes(zonder)).toContain('B07');
  });
  it.each([
    ['in France (outside the allowed area)', '5002', false, 'B09'],
    ['in Belgium', '5010', true, 'B18'],
    ['in Germany, Land not known', '6029', false, 'B10'],
  ])(
    'a student without BSN who gets an onderwijsnummer, living %s: bekostigbaar %s with %s',
    async (_, land, bekostigbaar, code) => {
      const m = inschrijvingMelding({ onderwijslocatie: loc, geboortedatum: '2004-03-01' });
      const { burgerservicenummer: _bsn, postcode: _pc, ...rest } = m.persoon;
      const persoon = { ...rest, achternaam: `Buitenland${n++}`, leerlingnummer: `LB${n}`, land };
      const res = await t.app.inject({
        method: 'POST',
        url: '/koppelvlak/v1/meldingen',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ ...m, persoon }),
      });
      expect(res.statusCode, res.body).toBe(200);
      const onr = (res.json() as { persoon?: { onderwijsnummer?: string } }).persoon?.onderwijsnummer ?? '';
      expect(onr).toMatch(/^10[0-9]{7}$/);
      const row = await t.database.db
        .selectFrom('inschrijving as i')
        .innerJoin('persoon as p', 'p.id', 'i.persoonId')
        .select(['i.id', 'i.persoonId'])
        .where('p.onderwijsnummer', '=', onr)
        .executeTakeFirstOrThrow();
      const s = await status(row.id, 'teldatum=2026-10-01');
      expect(s.status.bekostigbaar).toBe(bekostigbaar);
      expect(s.status.bijdrage).toBe(bekostigbaar ? 1 : 0);
      const signaal = s.status.signalen.find((x) => x.code === code);
      expect(signaal?.parameters).toContainEqual({ naam: 'land', waarde: land });
      // the person facts used: the identification version and the delivered person data with their versions
      expect(s.status.gebruikteFeiten).toContainEqual({
        soort: 'persoon',
        id: row.persoonId,
        versie: expect.stringMatching(/^[0-9]+$/),
      });
      expect(s.status.gebruikteFeiten).toContainEqual({
        soort: 'persoonsgegevens',
        id: row.persoonId,
        versie: expect.stringMatching(/^[0-9]+$/),
      });
    },
  );

  it('counts a student identified in the BRP whatever land was delivered', async () => {
    const m = inschrijvingMelding({ bsn: bsn(n++), onderwijslocatie: loc, geboortedatum: '2004-03-01' });
    const { postcode: _pc, ...persoon } = m.persoon;
    await post({ ...m, persoon: { ...persoon, land: '5002' } });
    const row = await t.database.db
      .selectFrom('inschrijving as i')
      .innerJoin('persoon as p', 'p.id', 'i.persoonId')
      .select('i.id')
      .where('p.bsn', '=', m.persoon.burgerservicenummer ?? '')
      .executeTakeFirstOrThrow();
    const s = await status(row.id, 'teldatum=2026-10-01');
    expect(s.status.bekostigbaar).toBe(true);
    expect(codes(s).filter((c) => ['B09', 'B10', 'B18'].includes(c))).toEqual([]);
    expect(s.status.gebruikteFeiten.map((f) => f.soort)).toContain('persoon');
    expect(s.status.gebruikteFeiten.map((f) => f.soort)).not.toContain('persoonsgegevens');
  });

  it('counts a BBL student in a VWS qualification whose BPV starts in March on 1 October, and not in another one', async () => {
    // POK concluded before 31 December, BPV from 1 March of the next year: only VWS qualifications (beroepsvereisten
    // VWS in the qualification list) may start the BPV until 1 June (Uitvoeringsbesluit WEB art. 2.2.3 lid 1 onder b)
    const laat = { afsluitdatum: '2026-09-01', datumBegin: '2027-03-01', datumEindeGepland: '2028-02-28' };
    expect(t.referentie.kwalificaties.get('25491')?.beroepsvereisten).toBe('VWS');
    expect(t.referentie.kwalificaties.get('25150')?.beroepsvereisten).toBeNull();
    const vws = await student({ leertraject: 'BBL', crebo: '25491', bpv: laat });
    const ander = await student({ leertraject: 'BBL', crebo: '25150', bpv: laat });

    const vwsOkt = await status(vws.id, 'teldatum=2026-10-01');
    expect(vwsOkt.status).toMatchObject({ bekostigbaar: true, bblBolFactor: 0.4, prijsfactor: 1.5 });
    expect(vwsOkt.status.bijdrage).toBeCloseTo(0.6, 6);
    expect(codes(vwsOkt)).toContain('B17');

    const anderOkt = await status(ander.id, 'teldatum=2026-10-01');
    expect(anderOkt.status.bekostigbaar).toBe(false);
    const b08 = anderOkt.status.signalen.find((x) => x.code === 'B08');
    expect(b08?.parameters).toContainEqual({ naam: 'uitersteDatumBegin', waarde: '2026-12-31' });

    // the later start is an exception for 1 October only: on 1 February the BPV has not begun yet [I]
    const vwsFeb = await status(vws.id, 'teldatum=2027-02-01');
    expect(vwsFeb.status.bekostigbaar).toBe(false);
    expect(codes(vwsFeb)).toContain('B08');
  });
});
