import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalogus } from '../sim/sis/catalogus.ts';
import { loadFeitenVoorPersonen } from '../src/bekostiging/bekostiging.repository.ts';
import { bekostigingDeps, deriveStatussen } from '../src/bekostiging/bekostiging.service.ts';
import { isValidBsn, isValidOnderwijsnummer } from '../src/persoon/pgn.ts';
import { SYNTHETIC_REFERENCE_DATA } from '../src/platform/config.ts';
import { importReferentie, readReferentie } from '../src/referentie/referentie.import.ts';
import { loadReferentie } from '../src/referentie/referentie.service.ts';
import { createTestDatabase, postgresTestUrl, TEST_ENGINE, type TestDatabase } from '../test/test-db.ts';
import { genereer } from './bekostiging.ts';

// The bulk generator writes with its own pg clients (PostgreSQL only); the schema's constraints check every row.
describe.skipIf(TEST_ENGINE !== 'postgres')('bench/bekostiging: bulk-generated register', () => {
  const N = 3000;
  const VANDAAG = '2026-12-03';
  let database: TestDatabase;
  let data: Awaited<ReturnType<typeof readReferentie>>;
  let generatie: Awaited<ReturnType<typeof genereer>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    data = await readReferentie(SYNTHETIC_REFERENCE_DATA);
    await importReferentie(database.db, data);
    generatie = await genereer({
      url: postgresTestUrl(database.name),
      data,
      inschrijvingen: N,
      seed: 7,
      vandaag: VANDAAG,
      say: () => {},
    });
  }, 120_000);
  afterAll(async () => {
    await database?.close();
  });

  const rows = async <T>(text: string) => (await sql.raw<T>(text).execute(database.db)).rows;

  it('writes N inschrijvingen for N − N/21 persons, every one with a valid BSN or onderwijsnummer', async () => {
    expect(generatie.inschrijvingen).toBe(N);
    expect(generatie.personen).toBe(N - Math.floor(N / 21));
    const personen = await rows<{ bsn: string | null; onderwijsnummer: string | null }>(
      'select bsn, onderwijsnummer from persoon',
    );
    expect(personen).toHaveLength(generatie.personen);
    for (const p of personen) {
      expect((p.bsn === null) !== (p.onderwijsnummer === null)).toBe(true);
      expect(p.bsn === null ? isValidOnderwijsnummer(p.onderwijsnummer ?? '') : isValidBsn(p.bsn)).toBe(true);
    }
    const onr = personen.filter((p) => p.bsn === null).length / personen.length;
    expect(onr).toBeGreaterThan(0.005);
    expect(onr).toBeLessThan(0.05);
  });

  it("enrols on the institution's own offering, about a quarter BBL, BBL with a BPV", async () => {
    const catalogus = buildCatalogus(data, '2024-08-01');
    const aanbod = new Set(
      catalogus.instellingen.flatMap((i) =>
        i.opleidingen.map((o) => `${i.brin}/${o.crebo}/${o.leertraject}`),
      ),
    );
    const periodes = await rows<{ brin: string; opleidingcode: string; leertraject: string; bpv: boolean }>(
      `select i.brin, v.opleidingcode, v.leertraject,
              exists (select 1 from bpv b where b.inschrijving_id = i.id) as bpv
       from inschrijvingsperiode_versie v join inschrijving i on i.id = v.inschrijving_id`,
    );
    for (const p of periodes) {
      expect(aanbod.has(`${p.brin}/${p.opleidingcode}/${p.leertraject}`)).toBe(true);
    }
    const bbl = periodes.filter((p) => p.leertraject === 'BBL');
    expect(bbl.length / periodes.length).toBeGreaterThan(0.15);
    expect(bbl.length / periodes.length).toBeLessThan(0.4);
    expect(bbl.filter((p) => p.bpv).length / bbl.length).toBeGreaterThan(0.9);
    const second = await rows<{ n: number }>(
      "select count(*)::int as n from inschrijving where inschrijvingsvolgnummer = '2'",
    );
    expect(second[0]?.n).toBe(Math.floor(N / 21));
  });

  it('records history as the register does: one current version each, nothing registered after today', async () => {
    const [x] = await rows<{ zonder: number; dubbel: number; toekomst: number; uit: number; dip: number }>(
      `select
         (select count(*)::int from inschrijving i where not exists (
            select 1 from inschrijving_versie v where v.inschrijving_id = i.id and v.registered_until is null)) as zonder,
         (select count(*)::int from (select inschrijving_id from inschrijving_versie where registered_until is null
            group by 1 having count(*) > 1) d) as dubbel,
         (select count(*)::int from (
            select registered_from from inschrijving_versie union all select registered_from from bpv_versie
            union all select registered_from from inschrijvingsperiode_versie
            union all select registered_from from resultaat_versie) r
          where registered_from >= '${VANDAAG}'::date) as toekomst,
         (select count(*)::int from inschrijving_versie where registered_until is null
            and datum_uitschrijving_werkelijk is not null) as uit,
         (select count(*)::int from resultaat where soort = 'DIP') as dip`,
    );
    expect(x).toMatchObject({ zonder: 0, dubbel: 0, toekomst: 0 });
    expect(x?.uit).toBeGreaterThan(0);
    expect(x?.dip).toBe(generatie.diplomas);
    expect(generatie.diplomas).toBeGreaterThan(0);
  });

  it('gives the funding rules both outcomes on a teldatum', async () => {
    const deps = bekostigingDeps(database.db, await loadReferentie(database.db));
    const ids = (await rows<{ id: string }>('select id::text as id from persoon order by id limit 1000')).map(
      (r) => r.id,
    );
    const statussen = deriveStatussen(deps, await loadFeitenVoorPersonen(database.db, ids), '2026-10-01');
    const bekostigbaar = statussen.filter((s) => s.status.bekostigbaar).length;
    expect(bekostigbaar).toBeGreaterThan(0);
    expect(bekostigbaar).toBeLessThan(statussen.length);
  });
});
