import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsn, inschrijvingMelding, wijzigMelding } from '../../test/factories.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import type { Melding } from '../aanlevering/melding.schema.ts';
import { claimJobs, completeJob, enqueueJob } from '../platform/jobs.ts';
import { type BekostigingDeps, bekostigingDeps } from './bekostiging.service.ts';
import {
  HERBEREKENING_JOB,
  herberekenAlles,
  herberekenPersonen,
  PERSOON_HERBEREKENING_JOB,
  STATUS_GEWIJZIGD_CODE,
  teldataVenster,
  verwerkBekostigingEvents,
} from './herberekening.ts';

describe('teldataVenster', () => {
  it.each([
    ['2026-12-03', ['2025-10-01', '2026-02-01', '2026-10-01', '2027-02-01']],
    ['2026-09-15', ['2025-10-01', '2026-02-01', '2026-10-01']],
    ['2026-10-01', ['2025-10-01', '2026-02-01', '2026-10-01', '2027-02-01']],
    ['2027-02-01', ['2025-10-01', '2026-02-01', '2026-10-01', '2027-02-01', '2027-10-01']],
    ['2027-07-31', ['2025-10-01', '2026-02-01', '2026-10-01', '2027-02-01', '2027-10-01']],
    ['2027-08-01', ['2026-10-01', '2027-02-01', '2027-10-01']],
  ])('on %s keeps %j', (vandaag, teldata) => {
    expect(teldataVenster(vandaag)).toEqual(teldata);
  });
});

/** The koppeling tussen registers en bekostiging on the real app and database (clock 2026-09-15). */
describe('stored bekostigingsstatus follows the register', () => {
  let t: TestApp;
  let token: string;
  let deps: BekostigingDeps;
  let n = 900;
  const VANDAAG = '2026-09-15';
  beforeAll(async () => {
    t = await createTestApp();
    token = await t.token('instelling:91ZA');
    deps = bekostigingDeps(t.database.db, t.referentie);
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
  async function student(): Promise<{ persoon: Melding['persoon']; id: string; persoonId: string }> {
    const m = inschrijvingMelding({
      bsn: bsn(n++),
      onderwijslocatie: t.locatie('91ZA'),
      geboortedatum: '2004-03-01',
    });
    await post(m);
    const row = await t.database.db
      .selectFrom('inschrijving as i')
      .innerJoin('persoon as p', 'p.id', 'i.persoonId')
      .select(['i.id', 'i.persoonId'])
      .where('p.bsn', '=', m.persoon.burgerservicenummer ?? '')
      .executeTakeFirstOrThrow();
    return { persoon: m.persoon, id: row.id, persoonId: row.persoonId };
  }
  /** The student's periode becomes indicatie N from its start: on every teldatum niet bekostigbaar (B04). */
  const indicatieN = (persoon: Melding['persoon']) =>
    post(
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
  const versies = (inschrijvingId: string) =>
    t.database.db
      .selectFrom('bekostigingsstatus')
      .select([
        'teldatum',
        'bekostigbaar',
        'bijdrage',
        'signalen',
        'registeredFrom',
        'registeredUntil',
        'regelsVersie',
      ])
      .where('inschrijvingId', '=', inschrijvingId)
      .orderBy('teldatum')
      .orderBy('id')
      .execute();
  /** Processes every pending bekostiging event. */
  const koppel = async () => {
    let totaal = 0;
    for (;;) {
      const r = await verwerkBekostigingEvents(deps, VANDAAG);
      if (r.events === 0) {
        return totaal;
      }
      totaal += r.events;
    }
  };

  it('stores a status per teldatum the inschrijving runs on, after the melding event, once', async () => {
    const s = await student();
    expect(await koppel()).toBeGreaterThan(0);
    const v = await versies(s.id);
    // enrolled from 2026-09-14 (factories): of the window 2025-10-01 … 2026-10-01 only 1 October 2026 runs
    expect(v.map((x) => [x.teldatum, x.bekostigbaar, x.bijdrage, x.registeredUntil])).toEqual([
      ['2026-10-01', true, 1, null],
    ]);
    expect(v[0]?.signalen).toContain('B00');
    // the events are processed: a second round finds nothing, and the status is not written twice
    expect(await koppel()).toBe(0);
    expect(await versies(s.id)).toHaveLength(1);
  });

  it('records a changed status as a new version, keeps the old one, and signals the institution (640)', async () => {
    const s = await student();
    await koppel();
    await indicatieN(s.persoon);
    await koppel();
    const v = await versies(s.id);
    expect(v.map((x) => [x.teldatum, x.bekostigbaar, x.registeredUntil === null])).toEqual([
      ['2026-10-01', true, false],
      ['2026-10-01', false, true],
    ]);
    expect(v[1]?.signalen).toContain('B04');
    expect(v[0]?.registeredUntil).toBe(v[1]?.registeredFrom);

    // the institution reads the signal on its terugkoppeling
    const res = await t.app.inject({
      method: 'GET',
      url: `/koppelvlak/v1/signalen?code=${STATUS_GEWIJZIGD_CODE}`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { signalen: { code: string; tekst: string; persoon?: unknown }[] };
    // the signal carries no meldingId (the koppeling sent it), so it names the student itself: without that, every
    // "inschrijving 1" of the institution looks the same
    const mijn = body.signalen.filter(
      (x) =>
        x.tekst.includes('1-10-2026') &&
        (x.persoon as { burgerservicenummer?: string } | undefined)?.burgerservicenummer ===
          s.persoon.burgerservicenummer,
    );
    expect(mijn.length, res.body).toBe(1);
    expect(mijn[0]?.tekst).toMatch(/was bekostigbaar .*is nu niet bekostigbaar/);
  });

  it('never lets a status derived from older facts replace one derived from newer facts', async () => {
    const s = await student();
    await koppel();
    const [huidig] = await versies(s.id);
    // a racing writer that read the facts before the stored status was derived: its result is not written
    await sql`update bekostigingsstatus set berekend_op = clock_timestamp() + interval '1 hour'
      where inschrijving_id = ${s.id} and registered_until is null`.execute(t.database.db);
    await indicatieN(s.persoon);
    await koppel();
    const v = await versies(s.id);
    expect(v).toHaveLength(1);
    expect(v[0]?.bekostigbaar).toBe(huidig?.bekostigbaar);
  });

  it('recomputes everyone with progress, writes nothing when nothing changed, and resumes an interrupted run', async () => {
    await student();
    await koppel();
    const personen = Number(
      (
        await sql<{ n: string }>`select count(distinct persoon_id)::text as n from inschrijving`.execute(
          t.database.db,
        )
      ).rows[0]?.n,
    );
    const voortgang: number[] = [];
    const eerste = await herberekenAlles(deps, {
      vandaag: VANDAAG,
      sleutel: 'test/1',
      pagina: 2,
      opVoortgang: (v) => voortgang.push(v.personen),
    });
    expect(eerste.personen).toBe(personen);
    // everything was already current through the koppeling
    expect(eerste.gewijzigd).toBe(0);
    expect(voortgang.at(-1)).toBe(personen);
    expect(voortgang.length).toBe(Math.ceil(personen / 2));

    // the statuses are removed behind the register's back: a full recompute restores them all
    const voor = await sql<{ n: string }>`select count(*)::text as n from bekostigingsstatus
      where registered_until is null`.execute(t.database.db);
    await sql`delete from bekostigingsstatus`.execute(t.database.db);
    const tweede = await herberekenAlles(deps, {
      vandaag: VANDAAG,
      sleutel: 'test/2',
      gelijktijdig: 2,
      pagina: 3,
    });
    expect(tweede.gewijzigd).toBe(Number(voor.rows[0]?.n));
    const run = await t.database.db
      .selectFrom('bekostigingHerberekening')
      .selectAll()
      .where('sleutel', '=', 'test/2')
      .executeTakeFirstOrThrow();
    expect(run.klaar).not.toBeNull();
    expect(run.personenKlaar).toBe(personen);

    // a finished run is not done again under its key
    expect((await herberekenAlles(deps, { vandaag: VANDAAG, sleutel: 'test/2' })).seconden).toBe(0);

    // an interrupted run resumes after the last finished person
    const ids = (
      await t.database.db
        .selectFrom('inschrijving')
        .select('persoonId')
        .distinct()
        .orderBy('persoonId')
        .execute()
    ).map((r) => r.persoonId);
    const midden = ids[Math.floor(ids.length / 2)] as string;
    await sql`insert into bekostiging_herberekening (sleutel, regels_versie, teldata, aanleiding, laatste_persoon_id)
      values ('test/3', 'x', '{2026-10-01}', 'test', ${midden})`.execute(t.database.db);
    const hervat = await herberekenAlles(deps, { vandaag: VANDAAG, sleutel: 'test/3' });
    expect(hervat.personen).toBe(ids.filter((id) => Number(id) > Number(midden)).length);
  });

  it('parks an event it cannot process as a retrying job and goes on with the others', async () => {
    await student();
    await t.database.db
      .insertInto('outboxEvent')
      .values({
        type: 'nl.mbo-register.persoon.gewijzigd',
        source: 'test',
        subject: 'persoon/kapot',
        data: JSON.stringify({ persoonId: 'geen-nummer' }),
      })
      .execute();
    const na = await student();
    await koppel();
    // the event after the broken one was processed
    expect((await versies(na.id)).length).toBe(1);
    const open = await sql<{ n: string }>`select count(*)::text as n from outbox_event
      where processed_at is null`.execute(t.database.db);
    expect(open.rows[0]?.n).toBe('0');
    const job = await t.database.db
      .selectFrom('job')
      .select(['status', 'data'])
      .where('soort', '=', PERSOON_HERBEREKENING_JOB)
      .executeTakeFirstOrThrow();
    expect(job.status).toBe('wachtend');
    expect((job.data as { fout: string; data: { persoonId: string } }).data.persoonId).toBe('geen-nummer');
  });

  it('renews the lease of the job running a full recomputation with every page', async () => {
    await student();
    await enqueueJob(t.database.db, {
      soort: HERBEREKENING_JOB,
      sleutel: 'test/lease',
      data: { vandaag: VANDAAG },
    });
    const [job] = await claimJobs(t.database.db, [HERBEREKENING_JOB], 1, 1000);
    expect(job?.sleutel).toBe('test/lease');
    await herberekenAlles(deps, {
      vandaag: VANDAAG,
      sleutel: 'test/lease',
      pagina: 2,
      job: { id: job?.id as string, leaseMs: 600_000 },
    });
    const r = await sql<{
      over: boolean;
    }>`select locked_until > clock_timestamp() + interval '5 minutes' as over
      from job where id = ${job?.id}`.execute(t.database.db);
    expect(r.rows[0]?.over).toBe(true);
    await completeJob(t.database.db, job?.id as string);
  });

  it('gives a person with no inschrijving left a niet-bekostigbaar version instead of dropping its status', async () => {
    const s = await student();
    await koppel();
    await post(
      wijzigMelding(s.persoon, {
        inschrijvingen: [{ mutatie: 'verwijderen', inschrijvingsvolgnummer: '1' }],
      } as never),
    );
    await t.database.db
      .transaction()
      .execute((trx) => herberekenPersonen(deps, trx, [s.persoonId], ['2026-10-01']));
    const v = await versies(s.id);
    expect(v.at(-1)).toMatchObject({ teldatum: '2026-10-01', bekostigbaar: false, registeredUntil: null });
  });

  it('shows the institution what the register said, version by version, and only for its own inschrijving', async () => {
    const s = await student();
    await koppel();
    await indicatieN(s.persoon);
    await koppel();
    const get = (url: string, tok = token) =>
      t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${tok}` } });
    const res = await get(`/koppelvlak/v1/bekostiging/inschrijvingen/${s.id}/historie?teldatum=2026-10-01`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as {
      versies: {
        bekostigbaar: boolean;
        regelsVersie: string;
        geregistreerdVanaf: string;
        geregistreerdTot: string | null;
      }[];
    };
    expect(body.versies.map((v) => [v.bekostigbaar, v.geregistreerdTot === null])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(body.versies[0]?.geregistreerdTot).toBe(body.versies[1]?.geregistreerdVanaf);
    expect(body.versies[0]?.regelsVersie).toMatch(/^[0-9]{4}\.[0-9]+$/);
    const ander = await get(
      `/koppelvlak/v1/bekostiging/inschrijvingen/${s.id}/historie`,
      await t.token('instelling:91ZB'),
    );
    expect(ander.statusCode).toBe(404);
    // an id with a control character is not found, and not echoed back
    const nul = await get('/koppelvlak/v1/bekostiging/inschrijvingen/13%00/historie');
    expect(nul.statusCode).toBe(404);
    expect(nul.body).not.toContain('\\u0000');
    expect((nul.json() as { detail: string }).detail).toContain('(ongeldig id)');
    // an id beyond bigint is simply not found (no 500)
    expect(
      (await get('/koppelvlak/v1/bekostiging/inschrijvingen/99999999999999999999/historie')).statusCode,
    ).toBe(404);
  });

  it('lets DUO staff start a full recomputation once and follow its progress; institutions may not', async () => {
    const beheer = await t.token('beheerder');
    const start = (tok: string) =>
      t.app.inject({
        method: 'POST',
        url: '/beheer/v1/bekostiging/herberekeningen',
        headers: { authorization: `Bearer ${tok}` },
      });
    expect((await start(token)).statusCode).toBe(403);
    const eerste = await start(beheer);
    expect(eerste.statusCode, eerste.body).toBe(202);
    const tweede = await start(beheer);
    // a second request while one waits is the same recomputation
    expect((tweede.json() as { sleutel: string }).sleutel).toBe(
      (eerste.json() as { sleutel: string }).sleutel,
    );
    const { sleutel } = eerste.json() as { sleutel: string };
    const job = await t.database.db
      .selectFrom('job')
      .select(['soort', 'data', 'sleutel'])
      .where('sleutel', '=', sleutel)
      .executeTakeFirstOrThrow();
    await herberekenAlles(deps, { vandaag: VANDAAG, sleutel, aanleiding: 'test' });
    const lijst = await t.app.inject({
      method: 'GET',
      url: '/beheer/v1/bekostiging/herberekeningen',
      headers: { authorization: `Bearer ${beheer}` },
    });
    expect(lijst.statusCode, lijst.body).toBe(200);
    const run = (
      lijst.json() as { herberekeningen: { sleutel: string; procent: number | null; klaar: string | null }[] }
    ).herberekeningen.find((h) => h.sleutel === sleutel);
    expect(job.soort).toBe('bekostiging.herberekenen');
    expect(run).toMatchObject({ procent: 100, klaar: expect.any(String) });
    // the list takes no parameters: an unknown one is a 400, not silently ignored
    const onbekend = await t.app.inject({
      method: 'GET',
      url: '/beheer/v1/bekostiging/herberekeningen?limit=abc',
      headers: { authorization: `Bearer ${beheer}` },
    });
    expect(onbekend.statusCode).toBe(400);
  });
});
