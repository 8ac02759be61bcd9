import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsn, inschrijvingMelding } from '../../test/factories.ts';
import { get, MELDINGEN, postMelding, tellingen } from '../../test/koppelvlak.ts';
import { createTestApp, TEST_SECRET, type TestApp } from '../../test/test-app.ts';
import { signToken } from '../platform/auth.ts';
import { addDays, dutchDate } from '../platform/dates.ts';
import type { MeldingAntwoord } from './melding.schema.ts';

/**
 * Access to the koppelvlak: who may deliver and read what, and what a stranger learns (nothing).
 * Also the terugkoppeling filters and paging, and the verbatim archive.
 */

type Signaal = { id: string; meldingId: string | null; code: string; ernst: 'A' | 'S'; tijdstip: string };
type Samenvatting = { meldingId: string; berichtId: string | null; status: string | null; sha256: string };

let t: TestApp;
const tokens: Record<string, string> = {};
let za: string;
let zb: string;
let zc: string;

beforeAll(async () => {
  t = await createTestApp();
  for (const brin of ['91ZA', '91ZB', '91ZC']) {
    tokens[brin] = await t.token(`instelling:${brin}`);
  }
  za = tokens['91ZA'] ?? '';
  zb = tokens['91ZB'] ?? '';
  zc = tokens['91ZC'] ?? '';
});
afterAll(async () => {
  await t?.close();
});

let n = 0;
const enrol = (brin = '91ZA', o: Partial<Parameters<typeof inschrijvingMelding>[0]> = {}) =>
  inschrijvingMelding({ bsn: bsn(3000 + ++n), brin, onderwijslocatie: t.locatie(brin), ...o });

async function aantalMeldingen(): Promise<number> {
  const r = await t.database.db
    .selectFrom('melding')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirst();
  return Number(r?.n);
}

describe('authentication', () => {
  const routes = [
    ['POST', MELDINGEN],
    ['GET', MELDINGEN],
    ['GET', `${MELDINGEN}/1`],
    ['GET', '/koppelvlak/v1/signalen'],
  ] as const;

  function call(method: string, url: string, authorization?: string) {
    return t.app.inject({
      method: method as 'GET',
      url,
      headers: {
        'content-type': 'application/json',
        ...(authorization === undefined ? {} : { authorization }),
      },
      ...(method === 'POST' ? { payload: JSON.stringify(enrol()) } : {}),
    });
  }

  it.each(routes)('%s %s without a token → 401 problem', async (method, url) => {
    const voor = await aantalMeldingen();
    const res = await call(method, url);
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 401, code: 'auth.token-ontbreekt', instance: url });
    expect(await aantalMeldingen()).toBe(voor);
  });

  it.each(routes)(
    '%s %s with a bad, foreign, expired or role-less token → 401 problem',
    async (method, url) => {
      const verlopen = await signToken(TEST_SECRET, 'instelling:91ZA', -60);
      const vreemd = await signToken(
        new TextEncoder().encode('another-secret-another-secret-0123'),
        'instelling:91ZA',
      );
      const zonderRol = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('koning')
        .setIssuer('mbo-register')
        .setAudience('mbo-register')
        .setExpirationTime('1h')
        .sign(TEST_SECRET);
      const voor = await aantalMeldingen();
      for (const auth of [
        'Bearer onzin',
        `Bearer ${verlopen}`,
        `Bearer ${vreemd}`,
        `Bearer ${zonderRol}`,
        `Basic ${Buffer.from('91ZA:geheim').toString('base64')}`,
        za,
      ]) {
        const res = await call(method, url, auth);
        expect(res.statusCode, auth).toBe(401);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect((res.json() as { code: string }).code).toMatch(/^auth\.token-/);
      }
      expect(await aantalMeldingen()).toBe(voor);
    },
  );
});

describe('a token that expires after use', () => {
  it('is refused once expired, even though it was accepted (and remembered) before', async () => {
    const kort = await signToken(TEST_SECRET, 'instelling:91ZA', 2);
    const exp = (
      JSON.parse(Buffer.from(kort.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp: number }
    ).exp;
    const voor = await get(t, MELDINGEN, kort);
    expect(voor.statusCode, voor.body).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 - Date.now()) + 50));
    const na = await get(t, MELDINGEN, kort);
    expect(na.statusCode).toBe(401);
    expect(na.json()).toMatchObject({ code: 'auth.token-ongeldig' });
  });
});

describe('authorisation', () => {
  it('a token of 91ZB cannot deliver for 91ZA (403), and nothing is archived or stored', async () => {
    const voorM = await aantalMeldingen();
    const voor = await tellingen(t.database.db);
    const res = await postMelding(t, enrol('91ZA'), zb);
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 403, code: 'melding.andere-instelling' });
    expect(await aantalMeldingen()).toBe(voorM);
    expect(await tellingen(t.database.db)).toEqual(voor);
  });

  it('a role that is no institution cannot deliver or read an archive (403)', async () => {
    const beheerder = await t.token('beheerder');
    const post = await postMelding(t, enrol('91ZA'), beheerder);
    expect(post.statusCode).toBe(403);
    expect(post.json()).toMatchObject({ code: 'melding.geen-instelling' });
    for (const url of [MELDINGEN, '/koppelvlak/v1/signalen']) {
      const res = await get(t, url, beheerder);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'auth.geen-instelling' });
    }
  });

  it("91ZB sees none of 91ZA's meldingen or signalen, and a 91ZA melding id is simply not found", async () => {
    const ok = await postMelding(t, enrol('91ZA', { datumInschrijving: '2026-09-01' }), za);
    expect(ok.statusCode, ok.body).toBe(200);
    const vanZA = (ok.json() as MeldingAntwoord).meldingId;
    const afgekeurd = await postMelding(t, enrol('91ZA', { crebo: '99999' }), za);
    expect(afgekeurd.statusCode).toBe(422);
    const eigen = await postMelding(t, enrol('91ZB'), zb);
    expect(eigen.statusCode, eigen.body).toBe(200);
    const vanZB = (eigen.json() as MeldingAntwoord).meldingId;

    const lijstZB = (await get(t, `${MELDINGEN}?limit=500`, zb)).json() as { meldingen: Samenvatting[] };
    const idsZB = lijstZB.meldingen.map((m) => m.meldingId);
    expect(idsZB).toContain(vanZB);
    const rowsZA = await t.database.db
      .selectFrom('melding')
      .select('id')
      .where('brin', '=', '91ZA')
      .execute();
    expect(rowsZA.length).toBeGreaterThanOrEqual(2);
    expect(idsZB.filter((id) => rowsZA.some((r) => r.id === id))).toEqual([]);
    // and 91ZA does see its own
    const lijstZA = (await get(t, `${MELDINGEN}?limit=500`, za)).json() as { meldingen: Samenvatting[] };
    expect(lijstZA.meldingen.map((m) => m.meldingId)).toContain(vanZA);

    const signalenZB = (await get(t, '/koppelvlak/v1/signalen?limit=500', zb)).json() as {
      signalen: Signaal[];
    };
    const eigenMeldingen = new Set(idsZB);
    expect(signalenZB.signalen.filter((s) => !eigenMeldingen.has(s.meldingId ?? ''))).toEqual([]);
    const perMelding = await get(t, `/koppelvlak/v1/signalen?meldingId=${vanZA}`, zb);
    expect(perMelding.json()).toEqual({ signalen: [], volgende: null });

    // fetching 91ZA's melding as 91ZB looks exactly like fetching one that does not exist
    const vreemd = await get(t, `${MELDINGEN}/${vanZA}`, zb);
    const onbestaand = await get(t, `${MELDINGEN}/999999999`, zb);
    expect(vreemd.statusCode).toBe(404);
    expect(onbestaand.statusCode).toBe(404);
    expect(vreemd.headers['content-type']).toBe(onbestaand.headers['content-type']);
    const zonderId = (body: string) =>
      body.replace(/\/meldingen\/[0-9]+"/, '/meldingen/<id>"').replace(/Melding [0-9]+ /, 'Melding <id> ');
    expect(zonderId(vreemd.body)).toBe(zonderId(onbestaand.body));
    expect(zonderId(vreemd.body)).not.toBe(vreemd.body);
    expect(vreemd.body).not.toContain('91ZA');
  });
});

describe('terugkoppeling: signalen filters and paging', () => {
  let alle: Signaal[] = [];

  beforeAll(async () => {
    // 91ZC's deliveries: a late one (620), a late one with a niveau signal (612, 620), a rejected one, a young one (622)
    const meldingen = [
      enrol('91ZC', { datumInschrijving: '2026-09-01' }),
      (() => {
        const m = enrol('91ZC', { datumInschrijving: '2026-09-02' });
        Object.assign(m.periodes?.[0] ?? {}, { niveau: 'MBO-3' });
        return m;
      })(),
      enrol('91ZC', { crebo: '99999', onderwijslocatie: null }),
      enrol('91ZC', { geboortedatum: '2015-06-01' }),
    ];
    for (const m of meldingen) {
      const res = await postMelding(t, m, zc);
      expect([200, 422]).toContain(res.statusCode);
    }
    const res = await get(t, '/koppelvlak/v1/signalen?limit=500', zc);
    expect(res.statusCode).toBe(200);
    alle = (res.json() as { signalen: Signaal[] }).signalen;
  });

  it('lists every signal of the institution, newest first', async () => {
    const inDb = await t.database.db
      .selectFrom('signaal')
      .select(['id', 'code'])
      .where('brin', '=', '91ZC')
      .execute();
    expect(alle.map((s) => s.id).sort()).toEqual(inDb.map((s) => s.id).sort());
    expect(alle.map((s) => s.code).sort()).toEqual(['607', '612', '620', '620', '622', '627'].sort());
    const ids = alle.map((s) => BigInt(s.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
  });

  it.each([
    ['code=620', (s: Signaal) => s.code === '620', 2],
    ['ernst=A', (s: Signaal) => s.ernst === 'A', 2],
    ['ernst=S', (s: Signaal) => s.ernst === 'S', 4],
    ['code=620&ernst=A', () => false, 0],
  ])('?%s', async (query, keep, aantal) => {
    const res = await get(t, `/koppelvlak/v1/signalen?${query}`, zc);
    expect(res.statusCode).toBe(200);
    const { signalen } = res.json() as { signalen: Signaal[] };
    expect(signalen).toEqual(alle.filter(keep));
    expect(signalen).toHaveLength(aantal);
  });

  it('?meldingId gives the signals of one melding', async () => {
    const meldingId = alle.find((s) => s.code === '612')?.meldingId;
    const res = await get(t, `/koppelvlak/v1/signalen?meldingId=${meldingId}`, zc);
    expect((res.json() as { signalen: Signaal[] }).signalen.map((s) => s.code).sort()).toEqual([
      '612',
      '620',
    ]);
  });

  it('vanaf and tot are Dutch calendar days, inclusive', async () => {
    const vandaag = dutchDate(new Date());
    const gisteren = addDays(vandaag, -1);
    const morgen = addDays(vandaag, 1);
    const aantal = async (q: string) => {
      const res = await get(t, `/koppelvlak/v1/signalen?${q}`, zc);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { signalen: Signaal[] }).signalen.length;
    };
    expect(await aantal(`vanaf=${vandaag}`)).toBe(alle.length);
    expect(await aantal(`tot=${vandaag}`)).toBe(alle.length);
    expect(await aantal(`vanaf=${vandaag}&tot=${vandaag}`)).toBe(alle.length);
    expect(await aantal(`vanaf=${gisteren}&tot=${morgen}`)).toBe(alle.length);
    expect(await aantal(`tot=${gisteren}`)).toBe(0);
    expect(await aantal(`vanaf=${morgen}`)).toBe(0);
  });

  it('cursor paging walks all signals newest first, without gaps or repeats', async () => {
    const gezien: Signaal[] = [];
    let cursor: string | null = null;
    let paginas = 0;
    do {
      const q: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const res = await get(t, `/koppelvlak/v1/signalen?limit=4${q}`, zc);
      expect(res.statusCode).toBe(200);
      const body = res.json() as { signalen: Signaal[]; volgende: string | null };
      expect(body.signalen.length).toBeLessThanOrEqual(4);
      gezien.push(...body.signalen);
      cursor = body.volgende;
      paginas++;
    } while (cursor !== null && paginas < 10);
    expect(paginas).toBe(Math.ceil(alle.length / 4));
    expect(gezien).toEqual(alle);
  });

  it('an invalid cursor or filter is a 400 problem', async () => {
    const cursor = await get(t, '/koppelvlak/v1/signalen?cursor=bm9n', zc);
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json()).toMatchObject({ code: 'paginering.cursor-ongeldig' });
    for (const q of ['ernst=X', 'code=62', 'vanaf=2026-02-30', 'limit=0', 'onbekend=1']) {
      const res = await get(t, `/koppelvlak/v1/signalen?${q}`, zc);
      expect(res.statusCode, q).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('the archive list pages newest first as well', async () => {
    const eerste = (await get(t, `${MELDINGEN}?limit=3`, zc)).json() as {
      meldingen: Samenvatting[];
      volgende: string | null;
    };
    expect(eerste.meldingen).toHaveLength(3);
    expect(eerste.volgende).not.toBeNull();
    const tweede = (await get(t, `${MELDINGEN}?limit=3&cursor=${eerste.volgende}`, zc)).json() as {
      meldingen: Samenvatting[];
      volgende: string | null;
    };
    expect(tweede.meldingen).toHaveLength(1);
    expect(tweede.volgende).toBeNull();
    const ids = [...eerste.meldingen, ...tweede.meldingen].map((m) => BigInt(m.meldingId));
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    const status = (await get(t, `${MELDINGEN}?status=afgekeurd`, zc)).json() as {
      meldingen: Samenvatting[];
    };
    expect(status.meldingen.map((m) => m.status)).toEqual(['afgekeurd']);
  });
});

describe('archivering leveringen', () => {
  it.each([
    ['an accepted melding', {}, 200],
    ['a rejected melding', { crebo: '99999' }, 422],
  ])('returns %s byte for byte, with its sha256', async (_naam, o, status) => {
    const m = enrol('91ZA', o);
    // odd but valid JSON: indentation, a unicode escape, multi-byte text, a trailing newline
    const raw = `{\n\t"persoon" : ${JSON.stringify({ ...m.persoon, achternaam: 'Çelik', voornamen: 'Ren\\u00e9e' }).replace('Ren\\\\u00e9e', 'Ren\\u00e9e')},\n  "berichtId":"${m.berichtId}", "brin": "91ZA",\n  "inschrijvingen": ${JSON.stringify(m.inschrijvingen, null, 3)}, "periodes":${JSON.stringify(m.periodes)}   }\n`;
    expect((JSON.parse(raw) as { persoon: { voornamen: string } }).persoon.voornamen).toBe('Renée');
    const res = await postMelding(t, raw, za);
    expect(res.statusCode, res.body).toBe(status);
    const meldingId = (res.json() as { meldingId: string }).meldingId;

    const archief = await get(t, `${MELDINGEN}/${meldingId}`, za);
    expect(archief.statusCode).toBe(200);
    const body = archief.json() as {
      bericht: string;
      sha256: string;
      antwoord: { ontvangenOp?: string };
      berichtId: string;
      ontvangenOp: string;
    };
    expect(body.bericht).toBe(raw);
    // the receipt instant is an ISO instant in UTC, the same in the answer and the archive, and about now
    expect(body.ontvangenOp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(Date.parse(body.ontvangenOp) - Date.now())).toBeLessThan(60_000);
    if (status === 200) {
      expect(body.antwoord.ontvangenOp).toBe(body.ontvangenOp);
    }
    expect(body.sha256).toBe(createHash('sha256').update(raw, 'utf8').digest('hex'));
    expect(body.berichtId).toBe(m.berichtId);
    expect(body.antwoord).toEqual(res.json());

    const lijst = (await get(t, `${MELDINGEN}?limit=500`, za)).json() as { meldingen: Samenvatting[] };
    expect(lijst.meldingen.find((x) => x.meldingId === meldingId)?.sha256).toBe(body.sha256);
  });
});
