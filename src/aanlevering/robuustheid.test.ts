import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsn, inschrijvingMelding, wijzigMelding } from '../../test/factories.ts';
import { get, MELDINGEN, postMelding } from '../../test/koppelvlak.ts';
import { createTestApp, TEST_SECRET, type TestApp } from '../../test/test-app.ts';

/** Bad input found by trying to break the koppelvlak: each answers a clear problem, never a 500. */
describe('robustness of the koppelvlak', () => {
  let t: TestApp;
  let token: string;
  let loc: string;
  let n = 9000;
  beforeAll(async () => {
    t = await createTestApp();
    token = await t.token('instelling:91ZA');
    loc = t.locatie('91ZA');
  });
  afterAll(async () => {
    await t.close();
  });

  const raw = (payload: string, headers: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url: MELDINGEN,
      headers: { authorization: `Bearer ${token}`, ...headers },
      payload,
    });

  it('an empty body is a 400 "lege melding", with or without a content type', async () => {
    for (const headers of [{ 'content-type': 'application/json' }, {}] as Record<string, string>[]) {
      const res = await raw('', headers);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'melding.leeg' });
    }
  });

  it('only JSON in UTF-8 is accepted: text/plain, another charset or compression is 415', async () => {
    const body = JSON.stringify(inschrijvingMelding({ bsn: bsn(n++), onderwijslocatie: loc }));
    expect((await raw(body, { 'content-type': 'text/plain' })).statusCode).toBe(415);
    expect((await raw(body, { 'content-type': 'application/json; charset=iso-8859-1' })).statusCode).toBe(
      415,
    );
    expect(
      (await raw(body, { 'content-type': 'application/json', 'content-encoding': 'gzip' })).statusCode,
    ).toBe(415);
    const ok = await raw(body, { 'content-type': 'application/json; charset=UTF-8' });
    expect(ok.statusCode).toBe(200);
  });

  it('dates outside 1900–2199 (PostgreSQL has no year 0) are finding 606, not a crash', async () => {
    const res = await postMelding(
      t,
      inschrijvingMelding({ bsn: bsn(n++), onderwijslocatie: loc, geboortedatum: '0000-01-01' }),
      token,
    );
    expect(res.statusCode).toBe(422);
    expect(res.json().bevindingen.map((b: { code: string }) => b.code)).toContain('606');
    const q = await get(t, '/koppelvlak/v1/signalen?vanaf=0000-01-01', token);
    expect(q.statusCode).toBe(400);
    expect(q.json().detail).toContain('vanaf');
  });

  it('ids beyond the bigint range are simply not found', async () => {
    expect((await get(t, `${MELDINGEN}/9999999999999999999`, token)).statusCode).toBe(404);
    expect((await get(t, '/koppelvlak/v1/resultaten/9223372036854775808/versies', token)).statusCode).toBe(
      404,
    );
    const lijst = await get(
      t,
      '/koppelvlak/v1/bekostiging/inschrijvingen?teldatum=2026-10-01&limit=1e400',
      token,
    );
    expect(lijst.statusCode).not.toBe(500);
    const cursor = Buffer.from('id:9999999999999999999').toString('base64url');
    expect((await get(t, `${MELDINGEN}?cursor=${cursor}`, token)).statusCode).toBe(400);
    expect((await get(t, '/koppelvlak/v1/signalen?meldingId=9999999999999999999', token)).statusCode).toBe(
      400,
    );
  });

  it('query parameter problems are Dutch and name the parameter', async () => {
    const res = await get(t, '/koppelvlak/v1/signalen?limit=0&foo=bar', token);
    expect(res.statusCode).toBe(400);
    const teksten = (res.json().errors as { tekst: string }[]).map((e) => e.tekst).join(' | ');
    expect(teksten).toContain('foo');
    expect(teksten).toMatch(/onbekende parameter|minstens/);
    expect(teksten).not.toMatch(/must/);
  });

  it('a rejected melding reveals nothing about other institutions (no 618)', async () => {
    const persoon = bsn(n++);
    const elders = inschrijvingMelding({ brin: '91ZB', bsn: persoon, onderwijslocatie: t.locatie('91ZB') });
    expect((await postMelding(t, elders, await t.token('instelling:91ZB'))).statusCode).toBe(200);
    const probe = inschrijvingMelding({ bsn: persoon, onderwijslocatie: '999X999' });
    const res = await postMelding(t, probe, token);
    expect(res.statusCode).toBe(422);
    const codes = res.json().bevindingen.map((b: { code: string }) => b.code);
    expect(codes).toContain('628');
    expect(codes).not.toContain('618');
    // an accepted enrolment (stored, audited) is told, as rule 30 says
    const echt = await postMelding(t, inschrijvingMelding({ bsn: persoon, onderwijslocatie: loc }), token);
    expect(echt.json().signalen.map((b: { code: string }) => b.code)).toContain('618');
  });

  it('a wijzigen that changes nothing writes no new version', async () => {
    const m = inschrijvingMelding({ bsn: bsn(n++), onderwijslocatie: loc });
    expect((await postMelding(t, m, token)).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) {
      const res = await postMelding(
        t,
        wijzigMelding(m.persoon, { inschrijvingen: [{ mutatie: 'wijzigen', inschrijvingsvolgnummer: '1' }] }),
        token,
      );
      expect(res.statusCode).toBe(200);
    }
    const versies = await t.database.db
      .selectFrom('inschrijvingVersie as v')
      .innerJoin('inschrijving as i', 'i.id', 'v.inschrijvingId')
      .innerJoin('persoon as p', 'p.id', 'i.persoonId')
      .where('p.bsn', '=', m.persoon.burgerservicenummer ?? '')
      .select('v.id')
      .execute();
    expect(versies).toHaveLength(1);
  });

  it('a replay answers byte for byte what was answered first', async () => {
    const m = inschrijvingMelding({ bsn: bsn(n++), onderwijslocatie: loc });
    const first = await postMelding(t, m, token);
    const again = await postMelding(t, m, token);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
  });

  describe('tokens', () => {
    const sign = (claims: Record<string, unknown>, sub: string) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(sub)
        .setIssuer('mbo-register')
        .setAudience('mbo-register')
        .setIssuedAt()
        .sign(TEST_SECRET);

    it('a token without an expiry is refused', async () => {
      const res = await get(t, MELDINGEN, await sign({}, 'instelling:91ZA'));
      expect(res.statusCode).toBe(401);
    });

    it('a subject with more than one colon is refused', async () => {
      const exp = Math.floor(Date.now() / 1000) + 600;
      expect((await get(t, MELDINGEN, await sign({ exp }, 'instelling:91ZA:extra'))).statusCode).toBe(401);
      expect((await get(t, MELDINGEN, await sign({ exp }, 'instelling:91ZA'))).statusCode).toBe(200);
    });

    it('the Bearer scheme is case-insensitive, and a token is checked before the body is read', async () => {
      const res = await t.app.inject({
        method: 'GET',
        url: MELDINGEN,
        headers: { authorization: `bearer ${token}` },
      });
      expect(res.statusCode).toBe(200);
      const noToken = await t.app.inject({
        method: 'POST',
        url: MELDINGEN,
        headers: { 'content-type': 'application/json' },
        payload: '{not json',
      });
      expect(noToken.statusCode).toBe(401);
    });
  });
});
