import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsn, inschrijvingMelding, wijzigMelding } from '../../test/factories.ts';
import {
  type Afgekeurd,
  gelijktijdig,
  get,
  MELDINGEN,
  postMelding,
  tellingen,
} from '../../test/koppelvlak.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import type { Clock } from '../platform/clock.ts';
import type { Melding, MeldingAntwoord } from './melding.schema.ts';

/**
 * The pitfalls of a register like this one, each as a test: dates that shift, keys that change,
 * concurrent re-sends, inclusive end dates, names, rules that changed over time, and history.
 * (The runner runs every test under TZ=Pacific/Kiritimati and TZ=America/Los_Angeles.)
 */

const STANDAARD = '2026-09-15T10:00:00Z';
let nu = STANDAARD;
const clock: Clock = { now: () => new Date(nu) };

let t: TestApp;
let token: string;
/** Enrolments counted on teldata closed by the mutatiestop (rule 38) on the test clock come from the accountant. */
let accountant: string;
let loc: string;

beforeAll(async () => {
  t = await createTestApp({ clock });
  token = await t.token('instelling:91ZA');
  accountant = await t.token('accountant:91ZA');
  loc = t.locatie('91ZA');
});
afterAll(async () => {
  await t?.close();
});

let n = 0;
/** A fresh synthetic person number for each scenario. */
const nieuwBsn = () => bsn(2000 + ++n);
const post = (body: unknown, tok: string = token) => postMelding(t, body, tok);
const alsAccountant = (body: object) => post({ ...body, verantwoordelijke: 'accountant' }, accountant);

async function ok(body: unknown): Promise<MeldingAntwoord> {
  const res = await post(body);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as MeldingAntwoord;
}

function codes(res: { json(): unknown }): string[] {
  const b = res.json() as { bevindingen?: { code: string }[]; signalen?: { code: string }[] };
  return (b.bevindingen ?? b.signalen ?? []).map((x) => x.code).sort();
}

function inschrijvingVersies(nummer: string) {
  return t.database.db
    .selectFrom('inschrijvingVersie as v')
    .innerJoin('inschrijving as i', 'i.id', 'v.inschrijvingId')
    .innerJoin('persoon as p', 'p.id', 'i.persoonId')
    .where('p.bsn', '=', nummer)
    .select([
      'i.id as inschrijvingId',
      'i.inschrijvingsvolgnummer',
      'v.datumInschrijving',
      'v.datumUitschrijvingGepland',
      'v.datumUitschrijvingWerkelijk',
      'v.redenUitschrijving',
      'v.verwijderd',
      'v.mutatie',
      'v.registeredFrom',
      'v.registeredUntil',
    ])
    .orderBy('v.id')
    .execute();
}

function periodeVersies(nummer: string) {
  return t.database.db
    .selectFrom('inschrijvingsperiodeVersie as v')
    .innerJoin('inschrijving as i', 'i.id', 'v.inschrijvingId')
    .innerJoin('persoon as p', 'p.id', 'i.persoonId')
    .where('p.bsn', '=', nummer)
    .select([
      'v.periodeId',
      'v.datumBegin',
      'v.verwijderd',
      'v.mutatie',
      'v.registeredFrom',
      'v.registeredUntil',
    ])
    .orderBy('v.id')
    .execute();
}

function ondersteuningVersies(nummer: string) {
  return t.database.db
    .selectFrom('extraOndersteuningVersie as v')
    .innerJoin('inschrijving as i', 'i.id', 'v.inschrijvingId')
    .innerJoin('persoon as p', 'p.id', 'i.persoonId')
    .where('p.bsn', '=', nummer)
    .select(['v.ondersteuningId', 'v.datumBegin', 'v.datumEinde', 'v.verwijderd', 'v.registeredUntil'])
    .orderBy('v.id')
    .execute();
}

function persoonGegevens(nummer: string) {
  return t.database.db
    .selectFrom('persoonGegevens as g')
    .innerJoin('persoon as p', 'p.id', 'g.persoonId')
    .where('p.bsn', '=', nummer)
    .select(['g.achternaam', 'g.voorvoegsel', 'g.voornamen', 'g.geboortedatum', 'g.registeredUntil'])
    .orderBy('g.id')
    .execute();
}

function periode(datumBegin: string, o: Partial<NonNullable<Melding['periodes']>[number]> = {}) {
  return {
    mutatie: 'toevoegen' as const,
    inschrijvingsvolgnummer: '1',
    datumBegin,
    opleidingcode: '25150',
    leertraject: 'BOL' as const,
    indicatieBekostigbaar: 'J' as const,
    onderwijslocatie: loc,
    ...o,
  };
}

describe('date-only values never shift', () => {
  it('2024-02-29, 2026-08-01 and 2026-12-31 come back unchanged from the archive and the register', async () => {
    const nummer = nieuwBsn();
    const m = inschrijvingMelding({
      bsn: nummer,
      onderwijslocatie: loc,
      datumInschrijving: '2024-02-29',
      datumUitschrijvingGepland: '2026-12-31',
      geboortedatum: '2008-02-29',
    });
    m.periodes?.push(periode('2026-08-01', { opleidingcode: '25152' }));
    m.extraOndersteuning = [
      {
        mutatie: 'toevoegen',
        inschrijvingsvolgnummer: '1',
        datumBegin: '2026-08-01',
        datumEinde: '2026-12-31',
      },
    ];
    const raw = JSON.stringify({ ...m, verantwoordelijke: 'accountant' });
    const res = await post(raw, accountant);
    expect(res.statusCode, res.body).toBe(200);
    const antwoord = res.json() as MeldingAntwoord;
    // delivered late: the signal names the day in Dutch notation, unshifted
    expect(antwoord.signalen).toContainEqual(expect.objectContaining({ code: '620' }));
    expect(antwoord.signalen.find((s) => s.code === '620')?.tekst).toContain('29-2-2024');

    const archief = await get(t, `${MELDINGEN}/${antwoord.meldingId}`, token);
    expect(archief.statusCode).toBe(200);
    expect((archief.json() as { bericht: string }).bericht).toBe(raw);

    expect(await inschrijvingVersies(nummer)).toEqual([
      expect.objectContaining({ datumInschrijving: '2024-02-29', datumUitschrijvingGepland: '2026-12-31' }),
    ]);
    expect((await periodeVersies(nummer)).map((p) => p.datumBegin).sort()).toEqual([
      '2024-02-29',
      '2026-08-01',
    ]);
    expect(await ondersteuningVersies(nummer)).toEqual([
      expect.objectContaining({ datumBegin: '2026-08-01', datumEinde: '2026-12-31' }),
    ]);
    expect(await persoonGegevens(nummer)).toEqual([expect.objectContaining({ geboortedatum: '2008-02-29' })]);

    // and as the database itself holds them (text, no driver in between)
    const { rows } = await sql<{ d: string; g: string; e: string }>`
      select v.datum_inschrijving::text as d, v.datum_uitschrijving_gepland::text as g, o.datum_einde::text as e
      from inschrijving_versie v
      join inschrijving i on i.id = v.inschrijving_id
      join persoon p on p.id = i.persoon_id
      join extra_ondersteuning_versie o on o.inschrijving_id = i.id
      where p.bsn = ${nummer}`.execute(t.database.db);
    expect(rows).toEqual([{ d: '2024-02-29', g: '2026-12-31', e: '2026-12-31' }]);
  });

  it('"today" is the Dutch calendar day, whatever the zone of the process or of UTC', async () => {
    try {
      // 2026-09-14 22:30 UTC is 15 September 00:30 in Amsterdam (still the 14th in UTC and Los Angeles):
      // an enrolment of 7 September is then 8 days old, too late.
      nu = '2026-09-14T22:30:00Z';
      const laat = await post(
        inschrijvingMelding({ bsn: nieuwBsn(), onderwijslocatie: loc, datumInschrijving: '2026-09-07' }),
      );
      expect(laat.statusCode, laat.body).toBe(200);
      expect(codes(laat)).toEqual(['620']);
      // 2026-09-15 21:30 UTC is 15 September 23:30 in Amsterdam (already the 16th on Kiritimati):
      // an enrolment of 8 September is then 7 days old, in time.
      nu = '2026-09-15T21:30:00Z';
      const opTijd = await post(
        inschrijvingMelding({ bsn: nieuwBsn(), onderwijslocatie: loc, datumInschrijving: '2026-09-08' }),
      );
      expect(opTijd.statusCode, opTijd.body).toBe(200);
      expect((opTijd.json() as MeldingAntwoord).status).toBe('goedgekeurd');
    } finally {
      nu = STANDAARD;
    }
  });
});

describe('a change to a key-like field changes the existing inschrijving', () => {
  it('a corrected datumInschrijving gives one current version, closes the old one, and moves the first periode', async () => {
    const nummer = nieuwBsn();
    const m = inschrijvingMelding({ bsn: nummer, onderwijslocatie: loc, datumInschrijving: '2026-09-14' });
    await ok(m);
    const res = await post(
      wijzigMelding(m.persoon, {
        inschrijvingen: [
          { mutatie: 'wijzigen', inschrijvingsvolgnummer: '1', datumInschrijving: '2026-09-10' },
        ],
      }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(codes(res)).toEqual(['644']);

    const versies = await inschrijvingVersies(nummer);
    expect(versies).toHaveLength(2);
    const [oud, huidig] = versies;
    expect(oud?.inschrijvingId).toBe(huidig?.inschrijvingId);
    expect(oud).toMatchObject({ datumInschrijving: '2026-09-14', mutatie: 'toevoegen' });
    expect(oud?.registeredUntil).not.toBeNull();
    expect(huidig).toMatchObject({
      datumInschrijving: '2026-09-10',
      mutatie: 'wijzigen',
      registeredUntil: null,
    });
    expect(oud?.registeredUntil).toBe(huidig?.registeredFrom);
    expect(versies.filter((v) => v.registeredUntil === null)).toHaveLength(1);

    const periodes = await periodeVersies(nummer);
    expect(periodes).toHaveLength(2);
    expect(periodes[0]?.periodeId).toBe(periodes[1]?.periodeId);
    expect(periodes.filter((p) => p.registeredUntil === null)).toEqual([
      expect.objectContaining({ datumBegin: '2026-09-10', verwijderd: false }),
    ]);

    // toevoegen under the same volgnummer still finds the one enrolment
    const dubbel = await post(
      inschrijvingMelding({ bsn: nummer, onderwijslocatie: loc, datumInschrijving: '2026-09-10' }),
    );
    expect(dubbel.statusCode).toBe(422);
    expect(codes(dubbel)).toContain('811');
    const identiteiten = await t.database.db
      .selectFrom('inschrijving as i')
      .innerJoin('persoon as p', 'p.id', 'i.persoonId')
      .where('p.bsn', '=', nummer)
      .select('i.id')
      .execute();
    expect(identiteiten).toHaveLength(1);
  });
});

describe('concurrent re-sends are processed once', () => {
  it('twenty identical meldingen with one berichtId at the same moment: one melding, one version, twenty equal answers', async () => {
    const nummer = nieuwBsn();
    const m = inschrijvingMelding({ bsn: nummer, onderwijslocatie: loc });
    const raw = JSON.stringify(m);
    const voor = await tellingen(t.database.db);
    // on PostgreSQL: ten at a time in the database (its pool), all waiting on the first one's transaction
    const antwoorden = await gelijktijdig(t, () => Array.from({ length: 20 }, () => post(raw)), 10);

    expect(antwoorden.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    const eerste = antwoorden[0]?.json();
    for (const r of antwoorden) {
      expect(r.json()).toEqual(eerste);
    }
    const replays = antwoorden.filter((r) => r.headers['idempotent-replayed'] === 'true');
    expect(replays).toHaveLength(19);

    const meldingen = await t.database.db
      .selectFrom('melding')
      .select('id')
      .where('berichtId', '=', m.berichtId)
      .execute();
    expect(meldingen).toHaveLength(1);
    expect(await inschrijvingVersies(nummer)).toHaveLength(1);
    const na = await tellingen(t.database.db);
    expect(na.persoon - voor.persoon).toBe(1);
    expect(na.inschrijving_versie - voor.inschrijving_versie).toBe(1);
    expect(na.outbox_event - voor.outbox_event).toBe(1);
  });

  it('twenty identical rejected meldingen: twenty equal 422 answers, one archived melding', async () => {
    const m = inschrijvingMelding({ bsn: nieuwBsn(), onderwijslocatie: loc, crebo: '99999' });
    const antwoorden = await Promise.all(Array.from({ length: 20 }, () => post(m)));
    expect(antwoorden.map((r) => r.statusCode)).toEqual(Array(20).fill(422));
    const eerste = antwoorden[0]?.json();
    for (const r of antwoorden) {
      expect(r.json()).toEqual(eerste);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const rows = await t.database.db
      .selectFrom('melding')
      .select('id')
      .where('berichtId', '=', m.berichtId)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('different meldingen for one new person at the same moment: one person, each enrolment once', async () => {
    const nummer = nieuwBsn();
    const crebos = ['25150', '25151', '25152', '25407', '25408', '25399'];
    const antwoorden = await gelijktijdig(
      t,
      () =>
        crebos.map((crebo, i) =>
          post(inschrijvingMelding({ bsn: nummer, onderwijslocatie: loc, volgnummer: String(i + 1), crebo })),
        ),
      crebos.length,
    );
    expect(antwoorden.map((r) => r.statusCode)).toEqual(crebos.map(() => 200));
    const personen = await t.database.db
      .selectFrom('persoon')
      .select('id')
      .where('bsn', '=', nummer)
      .execute();
    expect(personen).toHaveLength(1);
    const versies = await inschrijvingVersies(nummer);
    expect(versies.map((v) => v.inschrijvingsvolgnummer).sort()).toEqual(
      crebos.map((_, i) => String(i + 1)).sort(),
    );
    expect(await persoonGegevens(nummer)).toHaveLength(1);
  });

  it('competing toevoegen of one volgnummer at the same moment: one wins, the others get 811', async () => {
    const nummer = nieuwBsn();
    const antwoorden = await gelijktijdig(
      t,
      () =>
        ['25150', '25151', '25152', '25407', '25408'].map((crebo) =>
          post(inschrijvingMelding({ bsn: nummer, onderwijslocatie: loc, crebo })),
        ),
      5,
    );
    expect(antwoorden.map((r) => r.statusCode).sort()).toEqual([200, 422, 422, 422, 422]);
    for (const r of antwoorden.filter((x) => x.statusCode === 422)) {
      expect(codes(r)).toContain('811');
    }
    expect(await inschrijvingVersies(nummer)).toHaveLength(1);
  });

  it('the same berichtId with another body is a conflict (409) and changes nothing', async () => {
    const nummer = nieuwBsn();
    const m = inschrijvingMelding({ bsn: nummer, onderwijslocatie: loc });
    const eerste = await ok(m);
    const voor = await tellingen(t.database.db);
    const anders = {
      ...m,
      inschrijvingen: [{ ...m.inschrijvingen?.[0], datumUitschrijvingGepland: '2029-07-31' }],
    };
    const res = await post(anders);
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      status: 409,
      code: 'melding.bericht-id-hergebruikt',
      meldingId: eerste.meldingId,
    });
    expect(await tellingen(t.database.db)).toEqual(voor);
    expect(await inschrijvingVersies(nummer)).toEqual([
      expect.objectContaining({ datumUitschrijvingGepland: '2028-07-31' }),
    ]);
  });
});

describe('end dates are inclusive', () => {
  const eerste = (nummer: string) =>
    inschrijvingMelding({
      bsn: nummer,
      onderwijslocatie: loc,
      datumInschrijving: '2025-09-01',
      datumUitschrijvingGepland: '2026-09-14',
    });

  it('an enrolment starting on the (planned) last day of another on the same crebo overlaps (617)', async () => {
    const nummer = nieuwBsn();
    expect((await alsAccountant(eerste(nummer))).statusCode).toBe(200);
    const res = await post(
      inschrijvingMelding({
        bsn: nummer,
        onderwijslocatie: loc,
        volgnummer: '2',
        datumInschrijving: '2026-09-14',
      }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(codes(res)).toEqual(['617']);
  });

  it('an enrolment starting on the actual last day of another overlaps too', async () => {
    const nummer = nieuwBsn();
    const m = inschrijvingMelding({ bsn: nummer, onderwijslocatie: loc, datumInschrijving: '2025-09-01' });
    expect((await alsAccountant(m)).statusCode).toBe(200);
    await ok(
      wijzigMelding(m.persoon, {
        inschrijvingen: [
          {
            mutatie: 'wijzigen',
            inschrijvingsvolgnummer: '1',
            datumUitschrijvingWerkelijk: '2026-09-14',
            redenUitschrijving: '04',
          },
        ],
      }),
    );
    const res = await post(
      inschrijvingMelding({
        bsn: nummer,
        onderwijslocatie: loc,
        volgnummer: '2',
        datumInschrijving: '2026-09-14',
      }),
    );
    expect(codes(res)).toEqual(['617']);
  });

  it('an enrolment starting the next day does not overlap', async () => {
    const nummer = nieuwBsn();
    expect((await alsAccountant(eerste(nummer))).statusCode).toBe(200);
    const res = await post(
      inschrijvingMelding({
        bsn: nummer,
        onderwijslocatie: loc,
        volgnummer: '2',
        datumInschrijving: '2026-09-15',
      }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as MeldingAntwoord).status).toBe('goedgekeurd');
  });
});

describe('names', () => {
  it.each([
    ['Çelik', undefined, 'Ayşe'],
    ['Nguyễn', undefined, 'Thị Minh'],
    ['Berg', 'van der', 'Jan'],
    ['van der Berg', undefined, 'Jan'],
    ["O'Brien-Ó Súilleabháin", undefined, 'Siobhán'],
    ['ễ'.repeat(200), undefined, '𝒜'.repeat(200)],
  ])('%s is stored exactly as delivered', async (achternaam, voorvoegsel, voornamen) => {
    const nummer = nieuwBsn();
    const m = inschrijvingMelding({ bsn: nummer, onderwijslocatie: loc });
    m.persoon.achternaam = achternaam;
    m.persoon.voornamen = voornamen;
    if (voorvoegsel !== undefined) {
      m.persoon.voorvoegsel = voorvoegsel;
    }
    await ok(m);
    expect(await persoonGegevens(nummer)).toEqual([
      expect.objectContaining({ achternaam, voornamen, voorvoegsel: voorvoegsel ?? null }),
    ]);
  });

  it('a name of 201 characters is rejected (631) and nothing is stored', async () => {
    const nummer = nieuwBsn();
    const m = inschrijvingMelding({ bsn: nummer, onderwijslocatie: loc });
    m.persoon.achternaam = 'ễ'.repeat(201);
    const voor = await tellingen(t.database.db);
    const res = await post(m);
    expect(res.statusCode).toBe(422);
    expect((res.json() as Afgekeurd).bevindingen).toEqual([
      expect.objectContaining({ code: '631', veld: '/persoon/achternaam' }),
    ]);
    expect(await tellingen(t.database.db)).toEqual(voor);
  });

  it('a decomposed name is stored as delivered; a re-send differing only in normalisation is a replay', async () => {
    const nummer = nieuwBsn();
    const nfd = 'Rene\u0301e';
    const nfc = 'Ren\u00e9e';
    expect(nfd).not.toBe(nfc);
    expect(nfd.normalize('NFC')).toBe(nfc);
    const m = inschrijvingMelding({ bsn: nummer, onderwijslocatie: loc });
    m.persoon.voornamen = nfd;
    const eerste = await ok(m);
    expect(await persoonGegevens(nummer)).toEqual([expect.objectContaining({ voornamen: nfd })]);

    const res = await post({ ...m, persoon: { ...m.persoon, voornamen: nfc } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['idempotent-replayed']).toBe('true');
    expect(res.json()).toEqual(eerste);
    const rows = await t.database.db
      .selectFrom('melding')
      .select('id')
      .where('berichtId', '=', m.berichtId)
      .execute();
    expect(rows).toHaveLength(1);

    // a new melding whose person differs only in normalisation keeps the person data version
    await ok(
      wijzigMelding(
        { ...m.persoon, voornamen: nfc },
        {
          inschrijvingen: [
            { mutatie: 'wijzigen', inschrijvingsvolgnummer: '1', datumUitschrijvingGepland: '2028-06-30' },
          ],
        },
      ),
    );
    expect(await persoonGegevens(nummer)).toEqual([
      expect.objectContaining({ voornamen: nfd, registeredUntil: null }),
    ]);
  });
});

describe('person numbers', () => {
  it('a BSN with a leading zero keeps it, in the answer and in the register', async () => {
    const nummer = '010000008'; // 0·9 + 1·8 + … + 8·(−1) = 0: passes the 11-proof
    const res = await post(inschrijvingMelding({ bsn: nummer, onderwijslocatie: loc }));
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as MeldingAntwoord).persoon).toEqual({
      burgerservicenummer: nummer,
      identificatie: 'geidentificeerd',
    });
    expect(await inschrijvingVersies(nummer)).toHaveLength(1);
  });
});

describe('a late delivery is judged by the rules that held then', () => {
  const HIST = '1990-01-01';
  it.each([
    ['2018-09-01', null, 'BOL', '25150', 200, undefined],
    ['2019-07-31', null, 'BOL', '25150', 200, undefined],
    ['2019-08-01', null, 'BOL', '25150', 422, '627'],
    ['2019-09-01', null, 'BOL', '25150', 422, '627'],
    ['2022-09-01', 'loc', 'BOL_DT', '25150', 200, undefined],
    ['2023-07-31', 'loc', 'BOL_DT', '25150', 200, undefined],
    ['2023-08-01', 'loc', 'BOL_DT', '25150', 422, '642'],
    ['2023-09-01', 'loc', 'BOL_DT', '25150', 422, '642'],
    ['2015-09-01', 'loc', 'BOL', '94001', 200, undefined],
    ['2016-07-31', 'loc', 'BOL', '94001', 200, undefined],
    ['2016-08-01', 'loc', 'BOL', '94001', 422, '609'],
    ['2017-09-01', 'loc', 'BOL', '94001', 422, '609'],
    ['2012-07-31', null, 'BOL', '10001', 200, undefined],
    ['2012-08-01', null, 'BOL', '10001', 422, '609'],
  ] as const)(
    'enrolment starting %s, locatie %s, %s on %s → %i %s',
    async (datum, locatie, leertraject, crebo, status, code) => {
      const nummer = nieuwBsn();
      // long past the mutatiestop of its teldata: only the accountant can still deliver it
      const res = await alsAccountant(
        inschrijvingMelding({
          bsn: nummer,
          geboortedatum: HIST,
          datumInschrijving: datum,
          onderwijslocatie: locatie === null ? null : loc,
          leertraject,
          crebo,
        }),
      );
      expect(res.statusCode, res.body).toBe(status);
      if (code === undefined) {
        // accepted: at most the signal that it is late
        expect(codes(res)).toEqual(['620']);
        expect(await inschrijvingVersies(nummer)).toHaveLength(1);
      } else {
        expect(codes(res)).toContain(code);
        expect(await inschrijvingVersies(nummer)).toHaveLength(0);
      }
    },
  );
});

describe('bitemporal history', () => {
  it('verwijderen keeps history: versions with verwijderd, also of its periodes and ondersteuning; nothing deleted', async () => {
    const nummer = nieuwBsn();
    const m = inschrijvingMelding({ bsn: nummer, onderwijslocatie: loc });
    m.extraOndersteuning = [{ mutatie: 'toevoegen', inschrijvingsvolgnummer: '1', datumBegin: '2026-09-14' }];
    await ok(m);
    const voor = await tellingen(t.database.db);

    const res = await post(
      wijzigMelding(m.persoon, {
        inschrijvingen: [{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1' }],
      }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(codes(res)).toEqual(['635']);

    const na = await tellingen(t.database.db);
    expect(na.inschrijving).toBe(voor.inschrijving);
    expect(na.inschrijving_versie).toBe(voor.inschrijving_versie + 1);
    expect(na.inschrijvingsperiode_versie).toBe(voor.inschrijvingsperiode_versie + 1);
    expect(na.extra_ondersteuning_versie).toBe(voor.extra_ondersteuning_versie + 1);

    const versies = await inschrijvingVersies(nummer);
    expect(versies).toEqual([
      expect.objectContaining({
        verwijderd: false,
        mutatie: 'toevoegen',
        registeredUntil: versies[1]?.registeredFrom,
      }),
      expect.objectContaining({ verwijderd: true, mutatie: 'verwijderen', registeredUntil: null }),
    ]);
    expect(await periodeVersies(nummer)).toEqual([
      expect.objectContaining({ verwijderd: false, datumBegin: '2026-09-14' }),
      expect.objectContaining({ verwijderd: true, mutatie: 'verwijderen', registeredUntil: null }),
    ]);
    expect(await ondersteuningVersies(nummer)).toEqual([
      expect.objectContaining({ verwijderd: false }),
      expect.objectContaining({ verwijderd: true, registeredUntil: null }),
    ]);

    // a removed enrolment is unknown to wijzigen, and can be added again under its own identity
    const wijzigen = await post(
      wijzigMelding(m.persoon, {
        inschrijvingen: [
          { mutatie: 'wijzigen', inschrijvingsvolgnummer: '1', datumUitschrijvingGepland: '2028-06-30' },
        ],
      }),
    );
    expect(codes(wijzigen)).toEqual(['805']);
    await ok(inschrijvingMelding({ bsn: nummer, onderwijslocatie: loc, datumInschrijving: '2026-09-15' }));
    const opnieuw = await inschrijvingVersies(nummer);
    expect(opnieuw).toHaveLength(3);
    expect(new Set(opnieuw.map((v) => v.inschrijvingId)).size).toBe(1);
    expect(opnieuw.filter((v) => v.registeredUntil === null)).toEqual([
      expect.objectContaining({ verwijderd: false, datumInschrijving: '2026-09-15', mutatie: 'toevoegen' }),
    ]);
  });

  it('an uitschrijving closes the current version and writes the next', async () => {
    const nummer = nieuwBsn();
    const m = inschrijvingMelding({ bsn: nummer, onderwijslocatie: loc });
    await ok(m);
    await ok(
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
    const versies = await inschrijvingVersies(nummer);
    expect(versies).toEqual([
      expect.objectContaining({
        datumUitschrijvingWerkelijk: null,
        redenUitschrijving: null,
        mutatie: 'toevoegen',
        registeredUntil: versies[1]?.registeredFrom,
      }),
      expect.objectContaining({
        datumInschrijving: '2026-09-14',
        datumUitschrijvingWerkelijk: '2026-09-15',
        redenUitschrijving: '04',
        mutatie: 'wijzigen',
        registeredUntil: null,
      }),
    ]);
    // the periode did not change, so it has one version
    expect(await periodeVersies(nummer)).toHaveLength(1);
  });
});
