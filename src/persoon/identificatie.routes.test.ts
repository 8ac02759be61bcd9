import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inschrijvingMelding } from '../../test/factories.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import type { Melding } from '../aanlevering/melding.schema.ts';
import { isValidOnderwijsnummer } from './pgn.ts';

describe('Identificatie persoon in de melding (BRP)', () => {
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

  const melding = (persoon: Melding['persoon']): Melding => ({
    ...inschrijvingMelding({ onderwijslocatie: loc, geboortedatum: persoon.geboortedatum }),
    persoon,
  });
  const post = async (body: unknown) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/koppelvlak/v1/meldingen',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    return {
      status: res.statusCode,
      body: res.json() as Record<string, unknown> & {
        signalen?: { code: string; tekst: string }[];
        bevindingen?: { code: string }[];
        persoon?: Record<string, string>;
      },
    };
  };
  const identificatie = async (nummer: string) => {
    const { rows } = await sql<Record<string, unknown>>`
      select pi.* from persoon_identificatie pi join persoon p on p.id = pi.persoon_id
      where (p.bsn = ${nummer} or p.onderwijsnummer = ${nummer}) and pi.registered_until is null`.execute(
      t.database.db,
    );
    return rows[0];
  };

  it('identifies a BSN of the BRP test set and stores the BRP data with the person', async () => {
    const r = await post(
      melding({
        burgerservicenummer: '999995145',
        geboortedatum: '2007-07-26',
        geslacht: 'V',
        postcode: '2572NR',
        achternaam: 'Janssen',
      }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      status: 'goedgekeurd',
      persoon: { burgerservicenummer: '999995145', identificatie: 'geidentificeerd' },
    });
    expect(await identificatie('999995145')).toMatchObject({
      status: 'geidentificeerd',
      geslachtsnaam: 'Janssen',
      voornamen: 'Roos',
      geboortedatum: '2007-07-26',
      postcode: '2572NR',
      bron: 'melding',
    });
  });

  it('rejects a BSN whose birth date, sex or postcode differ from the BRP (753)', async () => {
    const r = await post(
      melding({
        burgerservicenummer: '999990408',
        geboortedatum: '2009-01-02',
        geslacht: 'M',
        postcode: '2564CJ',
      }),
    );
    expect(r.status).toBe(422);
    expect(r.body.bevindingen?.map((b) => b.code)).toEqual(['753']);
    const sekse = await post(
      melding({
        burgerservicenummer: '999990408',
        geboortedatum: '2009-01-01',
        geslacht: 'V',
        postcode: '2564CJ',
      }),
    );
    expect(sekse.body.bevindingen?.map((b) => b.code)).toEqual(['753']);
  });

  it('keeps a BRP birth date with unknown parts as it is and compares only the known parts', async () => {
    const r = await post(
      melding({
        burgerservicenummer: '999992806',
        geboortedatum: '1968-05-14',
        geslacht: 'V',
        postcode: '2593CC',
      }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await identificatie('999992806'))?.geboortedatum).toBe('1968-00-00');
    const anderJaar = await post(
      melding({
        burgerservicenummer: '999992806',
        geboortedatum: '1969-05-14',
        geslacht: 'V',
        postcode: '2593CC',
      }),
    );
    expect(anderJaar.status).toBe(422);
  });

  it('keeps voorvoegsel and adellijke titel exactly as the BRP registers them', async () => {
    const r = await post(
      melding({
        burgerservicenummer: '999995029',
        geboortedatum: '1988-04-25',
        geslacht: 'V',
        postcode: '2563SB',
        achternaam: 'BREST',
      }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await identificatie('999995029')).toMatchObject({
      voorvoegsel: 'van',
      geslachtsnaam: 'Brest naar Kempen',
      adellijkeTitelPredicaat: 'BS',
      voornamen: 'Petronella',
    });
  });

  it('accepts a valid BSN the BRP does not know, with signal 650 (never an onderwijsnummer)', async () => {
    const r = await post(
      melding({
        burgerservicenummer: '300000005',
        geboortedatum: '2008-01-01',
        geslacht: 'M',
        postcode: '9911AA',
      }),
    );
    expect(r.status).toBe(200);
    expect(r.body.signalen?.map((s) => s.code)).toContain('650');
    expect(r.body.persoon).toEqual({ burgerservicenummer: '300000005', identificatie: 'niet-in-brp' });
  });

  it('without a number: one BRP match returns the BSN (755)', async () => {
    const r = await post(
      melding({
        leerlingnummer: 'L1',
        geboortedatum: '2006-01-24',
        geslacht: 'M',
        postcode: '3224TT',
        achternaam: 'Bultenaar',
      }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.persoon).toEqual({ burgerservicenummer: '999995261', identificatie: 'geidentificeerd' });
    expect(r.body.signalen?.map((s) => s.code)).toEqual(['755']);
  });

  it('without a number: no BRP match issues a new valid onderwijsnummer (756), the same one on the next melding', async () => {
    const persoon = {
      leerlingnummer: 'L2',
      geboortedatum: '2008-02-03',
      geslacht: 'V' as const,
      postcode: '9911AA',
      achternaam: 'Nergensbekend',
    };
    const r = await post(melding(persoon));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const onr = r.body.persoon?.onderwijsnummer ?? '';
    expect(onr.startsWith('10')).toBe(true);
    expect(isValidOnderwijsnummer(onr)).toBe(true);
    expect(r.body.signalen?.find((s) => s.code === '756')?.tekst).toContain(onr);
    const again = await post({ ...melding(persoon), inschrijvingen: [], periodes: [] });
    expect(again.body.persoon?.onderwijsnummer).toBe(onr);
    const ander = await post(melding({ ...persoon, leerlingnummer: 'L3', achternaam: 'Ookonbekend' }));
    expect(ander.body.persoon?.onderwijsnummer).not.toBe(onr);
  });

  it('opnieuw identificeren: a BSN delivered later for a person known by onderwijsnummer joins the same person', async () => {
    const eerst = await post(
      melding({
        leerlingnummer: 'L7',
        geboortedatum: '2010-02-25',
        geslacht: 'M',
        postcode: '3011KD',
        achternaam: 'Meyden',
      }),
    );
    const onr = eerst.body.persoon?.onderwijsnummer ?? '';
    expect(isValidOnderwijsnummer(onr)).toBe(true);
    const persoon = {
      burgerservicenummer: '999992119',
      leerlingnummer: 'L7',
      geboortedatum: '2010-02-25',
      geslacht: 'M' as const,
      postcode: '3011KD',
      achternaam: 'Meijden',
    };
    const later = await post({ ...melding(persoon), inschrijvingen: [], periodes: [] });
    expect(later.status, JSON.stringify(later.body)).toBe(200);
    expect(later.body.signalen?.map((s) => s.code)).toEqual(['656']);
    expect(later.body.persoon).toEqual({
      burgerservicenummer: '999992119',
      identificatie: 'geidentificeerd',
    });
    // the enrolment delivered under the onderwijsnummer is this person's: its volgnummer 1 exists
    const nogmaals = await post(melding(persoon));
    expect(nogmaals.body.bevindingen?.map((b) => b.code)).toContain('811');
    // and the onderwijsnummer still finds the person
    const viaOnr = await post({
      ...melding({ onderwijsnummer: onr, geboortedatum: '2010-02-25', geslacht: 'M', postcode: '3011KD' }),
      inschrijvingen: [],
      periodes: [],
    });
    expect(viaOnr.body.persoon).toMatchObject({ burgerservicenummer: '999992119' });
    const historie = await sql<{ status: string; huidig: boolean }>`
      select pi.status, pi.registered_until is null as huidig from persoon_identificatie pi
      join persoon p on p.id = pi.persoon_id where p.onderwijsnummer = ${onr} order by pi.id`.execute(
      t.database.db,
    );
    expect(historie.rows).toEqual([
      { status: 'onderwijsnummer', huidig: false },
      { status: 'geidentificeerd', huidig: true },
    ]);
    const personen = await sql<{ n: number }>`
      select count(*)::int as n from persoon where bsn = '999992119' or onderwijsnummer = ${onr}`.execute(
      t.database.db,
    );
    expect(personen.rows[0]?.n).toBe(1);
  });

  it('DUO finds the BSN itself on a later search and signals it (755); the onderwijsnummer stays with the person', async () => {
    const r = await post(
      melding({
        leerlingnummer: 'L9',
        geboortedatum: '2009-09-09',
        geslacht: 'V',
        postcode: '1234AB',
        achternaam: 'Laatgevonden',
      }),
    );
    const onr = r.body.persoon?.onderwijsnummer ?? '';
    expect(isValidOnderwijsnummer(onr)).toBe(true);
    // the person appears in the BRP later (e.g. registered after immigration)
    const voorbeeld = t.brp.personen.get('999995145');
    if (!voorbeeld) {
      throw new Error('test person missing');
    }
    t.brp.personen.set('999990007', {
      ...voorbeeld,
      burgerservicenummer: '999990007',
      geslachtsnaam: 'Laatgevonden',
      voornamen: 'Lena',
      geboortedatum: '20090909',
      postcode: '1234AB',
    });
    const beheer = await t.token('beheerder');
    const her = await t.app.inject({
      method: 'POST',
      url: '/beheer/v1/heridentificeren',
      headers: { authorization: `Bearer ${beheer}` },
    });
    expect(her.json()).toMatchObject({ ingepland: expect.any(Number) });
    while ((await t.worker.runOnce()) > 0) {
      // run the searches
    }
    const persoon = await t.database.db
      .selectFrom('persoon')
      .select(['bsn', 'onderwijsnummer'])
      .where('onderwijsnummer', '=', onr)
      .executeTakeFirst();
    expect(persoon).toEqual({ bsn: '999990007', onderwijsnummer: onr });
    const signaal = await t.database.db
      .selectFrom('signaal')
      .select(['code', 'tekst'])
      .where('brin', '=', '91ZA')
      .where('code', '=', '755')
      .where('tekst', 'like', '%999990007%')
      .execute();
    expect(signaal).toHaveLength(1);
    expect((await identificatie(onr))?.status).toBe('geidentificeerd');
  });

  it('without a number: several BRP candidates wait for DUO staff (651), the institution is told', async () => {
    const r = await post(
      melding({
        leerlingnummer: 'L4',
        geboortedatum: '2003-03-03',
        geslacht: 'V',
        postcode: '2545CC',
        achternaam: 'Kooyman',
      }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.persoon).toEqual({ identificatie: 'meerdere-kandidaten' });
    expect(r.body.signalen?.map((s) => s.code)).toEqual(['651']);
  });

  it('a BRP refusal (403) is never "not found": accepted, in behandeling, no onderwijsnummer', async () => {
    await t.brp.setModus('geweigerd');
    try {
      const metBsn = await post(
        melding({
          burgerservicenummer: '999994918',
          geboortedatum: '2003-11-07',
          geslacht: 'V',
          postcode: '2551JV',
        }),
      );
      const zonder = await post(
        melding({
          leerlingnummer: 'L8',
          geboortedatum: '2008-02-03',
          geslacht: 'M',
          postcode: '9911AA',
          achternaam: 'Weigering',
        }),
      );
      for (const r of [metBsn, zonder]) {
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        expect(r.body.persoon?.identificatie).toBe('in-behandeling');
        expect(r.body.persoon?.onderwijsnummer).toBeUndefined();
        expect(r.body.signalen?.map((s) => s.code)).toEqual(['652']);
      }
    } finally {
      await t.brp.setModus('normaal');
    }
  });

  it('BRP down or failing: accepted, in behandeling, and a job completes the identification and signals the institution', async () => {
    while ((await t.worker.runOnce()) > 0) {
      // earlier tests' jobs (afnemersindicaties) first
    }
    await t.brp.setModus('uit');
    const r = await post(
      melding({
        burgerservicenummer: '999995200',
        geboortedatum: '2003-05-05',
        geslacht: 'M',
        postcode: '3225TD',
      }),
    );
    await t.brp.setModus('storing');
    const zonder = await post(
      melding({
        leerlingnummer: 'L5',
        geboortedatum: '2005-01-23',
        geslacht: 'M',
        postcode: '2554EJ',
        achternaam: 'Bultenaar',
      }),
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.persoon).toEqual({ burgerservicenummer: '999995200', identificatie: 'in-behandeling' });
    expect(r.body.signalen?.map((s) => s.code)).toEqual(['652']);
    expect(zonder.status).toBe(200);
    expect(zonder.body.persoon).toEqual({ identificatie: 'in-behandeling' });

    // Still failing: the job stays and is retried, nothing is decided.
    expect(await t.worker.runOnce()).toBe(2);
    expect((await identificatie('999995200'))?.status).toBe('in-behandeling');
    await sql`update job set volgende_poging = clock_timestamp()`.execute(t.database.db);

    await t.brp.setModus('normaal');
    expect(await t.worker.runOnce()).toBe(2);
    expect(await identificatie('999995200')).toMatchObject({
      status: 'geidentificeerd',
      geslachtsnaam: 'Thursen',
      bron: 'job',
    });
    expect((await identificatie('999991577'))?.status).toBe('geidentificeerd');
    const signalen = await t.database.db
      .selectFrom('signaal')
      .select(['code', 'meldingId'])
      .where('brin', '=', '91ZA')
      .where('meldingId', 'in', [String(r.body.meldingId), String(zonder.body.meldingId)])
      .orderBy('id')
      .execute();
    expect(signalen.map((s) => s.code).toSorted()).toEqual(['652', '652', '653', '653', '755']);
    while ((await t.worker.runOnce()) > 0) {
      // the afnemersindicaties the completed identifications asked for
    }
    const open = await t.database.db
      .selectFrom('job')
      .select('soort')
      .where('status', '<>', 'klaar')
      .execute();
    expect(open).toEqual([]);
  });
});
