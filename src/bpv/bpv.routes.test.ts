import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimLeerbedrijf } from '../../sim/sbb/leerbedrijven.ts';
import { type SbbSim, startSbbSim } from '../../sim/sbb/server.ts';
import { bpvRecord, bsn, inschrijvingMelding, wijzigMelding } from '../../test/factories.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import type { Melding } from '../aanlevering/melding.schema.ts';
import { startWorker } from '../platform/jobs.ts';
import { bpvJobHandlers } from './bpv.service.ts';
import { createSbbClient } from './sbb.client.ts';

const ERKEND = '111111111';
const NIET_ERKEND = '222222222';
const LEERBEDRIJVEN: SimLeerbedrijf[] = [
  {
    leerbedrijfId: ERKEND,
    naam: 'Bakker Administratie B.V.',
    postcode: '9911AB',
    huisnummer: '12',
    plaats: 'VOORBEELDSTAD',
    erkenningen: [{ crebo: '23068', begindatum: '2020-01-01', einddatum: null }],
  },
  {
    leerbedrijfId: NIET_ERKEND,
    naam: 'Visser Logistiek',
    postcode: '9911AC',
    huisnummer: '3',
    plaats: 'VOORBEELDSTAD',
    erkenningen: [{ crebo: '25150', begindatum: '2018-01-01', einddatum: '2025-12-31' }],
  },
];

describe('BPV over HTTP, with the SBB simulator', () => {
  let t: TestApp;
  let sbb: SbbSim;
  let token: string;
  let loc: string;
  let n = 300;
  beforeAll(async () => {
    sbb = await startSbbSim({ leerbedrijven: LEERBEDRIJVEN, vandaag: () => '2026-09-15' });
    t = await createTestApp({ sbbUrl: sbb.url });
    token = await t.token('instelling:91ZA');
    accountant = await t.token('accountant:91ZA');
    accountants.add(accountant);
    loc = t.locatie('91ZA');
  });
  afterAll(async () => {
    await t.close();
    await sbb.close();
  });

  // The enrolments here count on 1 October 2025, closed by the mutatiestop (rule 38) on the test clock
  // (2026-09-15): they are delivered by the institution's accountant, under the accountant's responsibility.
  let accountant: string;
  const accountants = new Set<string>();
  const post = (body: unknown, tok = accountant) =>
    t.app.inject({
      method: 'POST',
      url: '/koppelvlak/v1/meldingen',
      headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' },
      payload: JSON.stringify(
        accountants.has(tok) ? { ...(body as object), verantwoordelijke: 'accountant' } : body,
      ),
    });
  const get = async (url: string, tok = token) =>
    t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tok}` } });
  const worker = () =>
    startWorker({
      db: t.database.db,
      handlers: bpvJobHandlers({
        db: t.database.db,
        sbb: createSbbClient({ baseUrl: sbb.url, timeoutMs: 1000 }),
        kwalificaties: () => t.referentie.kwalificaties,
      }),
      autostart: false,
    });
  /** A BBL enrolment with one BPV in the same melding. */
  const bblMetBpv = (bpv: Partial<NonNullable<Melding['bpv']>[number]> & { leerbedrijfId: string }) => {
    const m = inschrijvingMelding({
      bsn: bsn(n++),
      onderwijslocatie: loc,
      leertraject: 'BBL',
      geboortedatum: '2004-03-01',
    });
    return { ...m, bpv: [bpvRecord(bpv)] };
  };
  const codes = (res: { json(): unknown }) => {
    const b = res.json() as { signalen?: { code: string }[]; bevindingen?: { code: string }[] };
    return (b.signalen ?? b.bevindingen ?? []).map((x) => x.code);
  };

  it('accepts a BBL student’s BPV at an erkend leerbedrijf and stores it', async () => {
    const res = await post(bblMetBpv({ leerbedrijfId: ERKEND }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'goedgekeurd', verwerkt: { bpv: 1 } });
    const rows = await t.database.db
      .selectFrom('bpvVersie')
      .where('leerbedrijfId', '=', ERKEND)
      .select(['erkenning', 'omvang', 'mutatie'])
      .execute();
    expect(rows).toEqual([{ erkenning: 'erkend', omvang: 800, mutatie: 'toevoegen' }]);
    // the event for bekostiging and SBB
    const events = await t.database.db
      .selectFrom('outboxEvent')
      .where('type', '=', 'nl.mbo-register.bpv.gewijzigd')
      .where('subject', '=', `leerbedrijf/${ERKEND}`)
      .select('data')
      .execute();
    expect(events[0]?.data).toMatchObject({
      sbb: { leerweg: 'BBL', leerbedrijfId: ERKEND, crebo: '25150', leeftijdBijBegin: 22 },
      bekostiging: {
        leertraject: 'BBL',
        bbl1Oktober: [{ teldatum: '2026-10-01', afgeslotenUiterlijk31December: true }],
      },
    });
  });

  it('signals a BPV at a leerbedrijf that is not erkend on the start date (668), and stores it', async () => {
    const res = await post(bblMetBpv({ leerbedrijfId: NIET_ERKEND }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'goedgekeurd-met-signalen' });
    expect(codes(res)).toEqual(['668']);
  });

  it('re-verifies a BPV whose start moves, also when the wijzigen does not name the leerbedrijf', async () => {
    const m = inschrijvingMelding({
      bsn: bsn(n++),
      onderwijslocatie: loc,
      leertraject: 'BBL',
      geboortedatum: '2004-03-01',
      datumInschrijving: '2025-08-01',
    });
    const bpv = bpvRecord({
      leerbedrijfId: NIET_ERKEND,
      afsluitdatum: '2025-08-01',
      datumBegin: '2025-09-01',
    });
    const eerst = await post({ ...m, bpv: [bpv] });
    expect(eerst.statusCode, eerst.body).toBe(200);
    expect(codes(eerst)).not.toContain('668');
    const later = await post(
      wijzigMelding(m.persoon, {
        bpv: [
          { mutatie: 'wijzigen', inschrijvingsvolgnummer: '1', bpvVolgnummer: '1', datumBegin: '2026-01-05' },
        ],
      }),
    );
    expect(later.statusCode, later.body).toBe(200);
    expect(codes(later)).toContain('668');
  });

  it('re-verifies a moved BPV of a person delivered without a number (found by leerlingnummer)', async () => {
    const met = inschrijvingMelding({
      onderwijslocatie: loc,
      leertraject: 'BBL',
      geboortedatum: '2004-03-01',
      datumInschrijving: '2025-08-01',
    });
    const { burgerservicenummer: _bsn, ...zonderNummer } = met.persoon;
    const persoon = { ...zonderNummer, achternaam: 'Zondernummer', leerlingnummer: `ll-bpv-${n++}` };
    const bpv = bpvRecord({
      leerbedrijfId: NIET_ERKEND,
      afsluitdatum: '2025-08-01',
      datumBegin: '2025-09-01',
    });
    const eerst = await post({ ...met, persoon, bpv: [bpv] });
    expect(eerst.statusCode, eerst.body).toBe(200);
    expect(codes(eerst)).toContain('756');
    expect(codes(eerst)).not.toContain('668');
    const later = await post(
      wijzigMelding(persoon, {
        bpv: [
          { mutatie: 'wijzigen', inschrijvingsvolgnummer: '1', bpvVolgnummer: '1', datumBegin: '2026-01-05' },
        ],
      }),
    );
    expect(later.statusCode, later.body).toBe(200);
    expect(codes(later)).toContain('668');
  });

  it('rejects a leerbedrijf SBB does not know (667)', async () => {
    const res = await post(bblMetBpv({ leerbedrijfId: '999999999' }));
    expect(res.statusCode).toBe(422);
    expect(codes(res)).toEqual(['667']);
  });

  it.each([
    ['660', { datumEindeGepland: '2026-09-01' }],
    ['661', { datumEindeGepland: '2028-12-31' }],
    ['664', { omvang: 0 }],
    ['665', { afsluitdatum: '2026-10-01' }],
    ['669', { opleidingcode: '25151' }],
    ['672', { opleidingcode: '12345' }],
    ['673', { opleidingcode: '25150', codeKeuzedeel: 'K0914' }],
    ['805', { inschrijvingsvolgnummer: '9' }],
  ] as const)('controle %s over HTTP', async (code, velden) => {
    const res = await post(bblMetBpv({ leerbedrijfId: ERKEND, ...velden }));
    expect(codes(res)).toContain(code);
  });

  it('662, 663 and 619: duplicate volgnummer, unknown BPV, verwijderen of an inschrijving with BPV', async () => {
    const m = bblMetBpv({ leerbedrijfId: ERKEND });
    expect((await post(m)).statusCode).toBe(200);
    expect(
      codes(await post(wijzigMelding(m.persoon, { bpv: [bpvRecord({ leerbedrijfId: ERKEND })] }))),
    ).toEqual(['662']);
    const onbekend = {
      mutatie: 'wijzigen' as const,
      inschrijvingsvolgnummer: '1',
      bpvVolgnummer: '7',
      omvang: 5,
    };
    expect(codes(await post(wijzigMelding(m.persoon, { bpv: [onbekend] })))).toEqual(['663']);
    const weg = { mutatie: 'verwijderen' as const, inschrijvingsvolgnummer: '1' };
    expect(codes(await post(wijzigMelding(m.persoon, { inschrijvingen: [weg] })))).toEqual(['619']);
    // remove the BPV, add it again (same identity), then change it
    const bpvWeg = { mutatie: 'verwijderen' as const, inschrijvingsvolgnummer: '1', bpvVolgnummer: '1' };
    const r1 = await post(wijzigMelding(m.persoon, { bpv: [bpvWeg] }));
    expect(r1.statusCode, r1.body).toBe(200);
    expect(
      (await post(wijzigMelding(m.persoon, { bpv: [bpvRecord({ leerbedrijfId: ERKEND })] }))).statusCode,
    ).toBe(200);
    const r3 = await post(
      wijzigMelding(m.persoon, {
        bpv: [
          {
            mutatie: 'wijzigen',
            inschrijvingsvolgnummer: '1',
            bpvVolgnummer: '1',
            datumEindeWerkelijk: '2027-01-31',
          },
        ],
      }),
    );
    expect(r3.statusCode, r3.body).toBe(200);
    const versies = await t.database.db
      .selectFrom('bpvVersie as v')
      .innerJoin('bpv as b', 'b.id', 'v.bpvId')
      .innerJoin('inschrijving as i', 'i.id', 'b.inschrijvingId')
      .innerJoin('persoon as p', 'p.id', 'i.persoonId')
      .where('p.bsn', '=', m.persoon.burgerservicenummer ?? '')
      .select(['v.mutatie', 'v.registeredUntil', 'v.bpvId'])
      .orderBy('v.id')
      .execute();
    expect(versies.map((v) => v.mutatie)).toEqual(['toevoegen', 'verwijderen', 'toevoegen', 'wijzigen']);
    expect(new Set(versies.map((v) => v.bpvId)).size).toBe(1);
    expect(versies.filter((v) => v.registeredUntil === null)).toHaveLength(1);
  });

  it('666: a BBL enrolment without a BPV on 1 October is signalled; removing it with its BPV is allowed', async () => {
    const m = inschrijvingMelding({
      bsn: bsn(n++),
      onderwijslocatie: loc,
      leertraject: 'BBL',
      geboortedatum: '2004-03-01',
      datumInschrijving: '2025-08-01',
    });
    const res = await post(m);
    expect(res.statusCode, res.body).toBe(200);
    expect(codes(res)).toContain('666');
    // the same enrolment with a BPV running on 1 October 2025
    const metBpv = {
      ...m,
      berichtId: `${m.berichtId}-bpv`,
      persoon: { ...m.persoon, burgerservicenummer: bsn(n++) },
      bpv: [bpvRecord({ leerbedrijfId: ERKEND, afsluitdatum: '2025-08-01', datumBegin: '2025-09-01' })],
    };
    const ok = await post(metBpv);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(codes(ok)).not.toContain('666');
    const weg = await post(
      wijzigMelding(metBpv.persoon, {
        inschrijvingen: [{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1' }],
        bpv: [{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1', bpvVolgnummer: '1' }],
      }),
    );
    expect(weg.statusCode, weg.body).toBe(200);
  });

  it('SBB down: accepts with 936, verifies later by a job and signals the outcome on the terugkoppeling', async () => {
    sbb.setModus('down');
    const m = bblMetBpv({ leerbedrijfId: NIET_ERKEND });
    const res = await post(m);
    sbb.setModus('normaal');
    expect(res.statusCode, res.body).toBe(200);
    expect(codes(res)).toEqual(['936']);
    const meldingId = (res.json() as { meldingId: string }).meldingId;
    const w = worker();
    expect(await w.runOnce()).toBeGreaterThan(0);
    await w.stop();
    const signalen = (await get('/koppelvlak/v1/signalen')).json() as {
      signalen: { code: string; meldingId: string; tekst: string }[];
    };
    const later = signalen.signalen.filter((s) => s.meldingId === meldingId && s.code !== '936');
    expect(later).toMatchObject([{ code: '668' }]);
    expect(later[0]?.tekst).toContain('Uitgestelde verificatie');
  });

  it('SBB down, then erkend: the later verification reports 670 on the terugkoppeling', async () => {
    sbb.setModus('down');
    const res = await post(bblMetBpv({ leerbedrijfId: ERKEND }));
    sbb.setModus('normaal');
    expect(codes(res)).toEqual(['936']);
    const meldingId = (res.json() as { meldingId: string }).meldingId;
    const w = worker();
    await w.runOnce();
    await w.stop();
    const signalen = (await get('/koppelvlak/v1/signalen')).json() as {
      signalen: { code: string; meldingId: string; tekst: string }[];
    };
    expect(signalen.signalen.filter((s) => s.meldingId === meldingId && s.code !== '936')).toMatchObject([
      { code: '670' },
    ]);
  });

  it('niet-bekostigd onderwijs: BPV at a non-funded provider is accepted, without the BBL funding signal', async () => {
    const tok = await t.token('accountant:30XA');
    accountants.add(tok);
    const m = inschrijvingMelding({
      brin: '30XA',
      bsn: bsn(n++),
      onderwijslocatie: t.locatie('30XA'),
      indicatieBekostigbaar: 'N',
      leertraject: 'BBL',
      datumInschrijving: '2025-08-01',
      geboortedatum: '2004-03-01',
    });
    // the BPV starts after 1 October: a funded BBL enrolment would get 666, a non-funded one not
    const res = await post(
      {
        ...m,
        bpv: [bpvRecord({ leerbedrijfId: ERKEND, afsluitdatum: '2025-10-15', datumBegin: '2025-11-01' })],
      },
      tok,
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(codes(res)).not.toContain('666');
    expect((res.json() as { verwerkt: { bpv: number } }).verwerkt.bpv).toBe(1);
  });

  it('SBB receives the WOT 24f lid 10 data of every BPV change, and nothing more', async () => {
    const w = worker();
    while ((await w.runOnce()) > 0) {
      // drain
    }
    await w.stop();
    const ontvangen = sbb.bezetting.get(ERKEND) ?? [];
    expect(ontvangen.length).toBeGreaterThan(0);
    for (const b of ontvangen) {
      expect(Object.keys(b).sort()).toEqual(
        [
          'afsluitdatum',
          'brin',
          'codeKeuzedeel',
          'crebo',
          'datumBegin',
          'datumEindeGepland',
          'datumEindeWerkelijk',
          'leeftijdBijBegin',
          'leerbedrijfId',
          'leerweg',
          'mutatie',
          'omvang',
        ].sort(),
      );
      expect(JSON.stringify(b)).not.toMatch(/[0-9]{9}(?<!111111111)"/);
    }
    const bez = (await fetch(`${sbb.url}/leerbedrijven/${ERKEND}/bezetting`).then((r) => r.json())) as {
      bpv: unknown[];
    };
    expect(bez.bpv.length).toBe(ontvangen.length);
  });

  it('a withdrawal pushed by SBB reaches the institution with an open BPV there', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await createSbbClient({ baseUrl: sbb.url }).abonneer(
      `http://127.0.0.1:${port}/koppelvlak/v1/sbb/erkenningen`,
      await t.token('sbb'),
    );
    await sbb.muteer({ soort: 'ingetrokken', leerbedrijfId: ERKEND, crebo: '23068', datum: '2026-10-01' });
    const w = worker();
    while ((await w.runOnce()) > 0) {
      // drain
    }
    await w.stop();
    const signalen = (await get('/koppelvlak/v1/signalen')).json() as {
      signalen: { code: string; tekst: string; meldingId: string | null }[];
    };
    const ingetrokken = signalen.signalen.filter((s) => s.code === '671');
    expect(ingetrokken.length).toBeGreaterThan(0);
    // only BPVs at the leerbedrijf whose erkenning was withdrawn
    expect(ingetrokken.every((s) => s.tekst.includes(ERKEND) && !s.tekst.includes(NIET_ERKEND))).toBe(true);
    // the melding that delivered the BPV, so the institution finds the student in its archive
    expect(ingetrokken.every((s) => s.meldingId !== null)).toBe(true);
  });

  it('the push route is for SBB only', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/koppelvlak/v1/sbb/erkenningen',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({
        soort: 'ingetrokken',
        leerbedrijfId: ERKEND,
        crebo: '23068',
        datum: '2026-10-01',
      }),
    });
    expect(res.statusCode).toBe(403);
  });

  it('white label: a SIS identifies and verifies a leerbedrijf through the register', async () => {
    const id = await get('/koppelvlak/v1/leerbedrijven?postcode=9911AB&huisnummer=12');
    expect(id.statusCode, id.body).toBe(200);
    expect(id.json()).toMatchObject({
      leerbedrijven: [{ leerbedrijfId: ERKEND, naam: 'Bakker Administratie B.V.' }],
    });
    const v = await get(
      `/koppelvlak/v1/leerbedrijven/${NIET_ERKEND}/verificatie?crebo=25150&datum=2024-09-01`,
    );
    expect(v.json()).toMatchObject({ erkend: true, startdatum: '2018-01-01' });
    const nee = await get(
      `/koppelvlak/v1/leerbedrijven/${NIET_ERKEND}/verificatie?crebo=25150&datum=2026-09-01`,
    );
    expect(nee.json()).toMatchObject({ erkend: false });
    expect(
      (await get('/koppelvlak/v1/leerbedrijven/999999999/verificatie?crebo=25150&datum=2026-09-01'))
        .statusCode,
    ).toBe(404);
    sbb.setModus('down');
    const down = await get('/koppelvlak/v1/leerbedrijven?postcode=9911AB');
    sbb.setModus('normaal');
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ code: 'sbb.niet-beschikbaar' });
  });

  it('white label: a SIS searches leerplaatsen at SBB through the register', async () => {
    const alle = await get('/koppelvlak/v1/leerplaatsen');
    expect(alle.statusCode, alle.body).toBe(200);
    const ids = (alle.json() as { leerbedrijven: { leerbedrijfId: string }[] }).leerbedrijven.map(
      (l) => l.leerbedrijfId,
    );
    expect(ids).toEqual(expect.arrayContaining([ERKEND, NIET_ERKEND]));
    const perCrebo = await get('/koppelvlak/v1/leerplaatsen?crebo=25150');
    expect(perCrebo.statusCode).toBe(200);
    expect((perCrebo.json() as { leerbedrijven: unknown[] }).leerbedrijven.length).toBeLessThanOrEqual(
      ids.length,
    );
    expect((await get('/koppelvlak/v1/leerplaatsen?crebo=abc')).statusCode).toBe(400);
    sbb.setModus('down');
    const down = await get('/koppelvlak/v1/leerplaatsen');
    sbb.setModus('normaal');
    expect(down.statusCode).toBe(503);
  });

  it('SBB slow: the client times out and the melding is still accepted with 936', async () => {
    sbb.setModus('traag', 1500);
    const res = await post(bblMetBpv({ leerbedrijfId: ERKEND }));
    sbb.setModus('normaal');
    expect(res.statusCode).toBe(200);
    expect(codes(res)).toEqual(['936']);
  });
});
