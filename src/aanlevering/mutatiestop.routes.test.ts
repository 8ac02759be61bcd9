import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bsn, inschrijvingMelding, wijzigMelding } from '../../test/factories.ts';
import { type Afgekeurd, get, MELDINGEN, postMelding, tellingen } from '../../test/koppelvlak.ts';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import type { Melding, MeldingAntwoord } from './melding.schema.ts';

/**
 * The mutatiestop over HTTP (DOMAIN.md §7 rule 38). The test clock stands on 2026-09-15: the teldata of 2025/26
 * (1 October 2025, 1 February 2026) are closed since 1 June 2026.
 */
describe('mutatiestop (rule 38) over HTTP', () => {
  let t: TestApp;
  let instelling: string;
  let accountant: string;
  let loc: string;
  let n = 900;
  beforeAll(async () => {
    t = await createTestApp();
    instelling = await t.token('instelling:91ZA');
    accountant = await t.token('accountant:91ZA');
    loc = t.locatie('91ZA');
  });
  afterAll(async () => {
    await t?.close();
  });

  const onderAccountant = (m: Melding) => ({ ...m, verantwoordelijke: 'accountant' });

  /** An enrolment from 15 August 2025 (counted on 1 October 2025), delivered by the accountant. */
  async function ingeschreven(): Promise<Melding> {
    const m = inschrijvingMelding({ bsn: bsn(n++), onderwijslocatie: loc, datumInschrijving: '2025-08-15' });
    const res = await postMelding(t, onderAccountant(m), accountant);
    expect(res.statusCode, res.body).toBe(200);
    return m;
  }

  const indicatieN = (m: Melding) =>
    wijzigMelding(m.persoon, {
      periodes: [
        {
          ...(m.periodes?.[0] as NonNullable<Melding['periodes']>[number]),
          mutatie: 'wijzigen',
          indicatieBekostigbaar: 'N',
        },
      ],
    });

  it('rejects an institution’s change of the indicatie in force on 1 October 2025 with 636, storing nothing', async () => {
    const m = await ingeschreven();
    const voor = await tellingen(t.database.db);
    const res = await postMelding(t, indicatieN(m), instelling);
    expect(res.statusCode, res.body).toBe(422);
    const b = (res.json() as Afgekeurd).bevindingen.find((x) => x.code === '636');
    expect(b).toMatchObject({ code: '636', ernst: 'A', regel: 38, record: 'inschrijving', sleutel: '1' });
    expect(b?.tekst).toContain('1-10-2025');
    expect(b?.tekst).toContain('indicatie bekostigbaar');
    expect(b?.tekst).toContain('accountant');
    const na = await tellingen(t.database.db);
    expect(na).toEqual(voor);
  });

  it('accepts the same change from the accountant and archives it under the accountant’s responsibility', async () => {
    const m = await ingeschreven();
    const res = await postMelding(t, onderAccountant(indicatieN(m)), accountant);
    expect(res.statusCode, res.body).toBe(200);
    const { meldingId } = res.json() as MeldingAntwoord;
    const rij = await t.database.db
      .selectFrom('melding')
      .select(['verantwoordelijke', 'afzender'])
      .where('id', '=', meldingId)
      .executeTakeFirstOrThrow();
    expect(rij).toEqual({ verantwoordelijke: 'accountant', afzender: 'accountant:91ZA' });
    const archief = await get(t, `${MELDINGEN}/${meldingId}`, instelling);
    expect(archief.json()).toMatchObject({ verantwoordelijke: 'accountant' });
  });

  it('an accountant delivering without the flag is held to the mutatiestop like the institution', async () => {
    const m = await ingeschreven();
    const res = await postMelding(t, indicatieN(m), accountant);
    expect(res.statusCode, res.body).toBe(422);
    expect((res.json() as Afgekeurd).bevindingen.map((b) => b.code)).toContain('636');
  });

  it('refuses (403) an institution token that sets verantwoordelijke accountant, storing nothing', async () => {
    const m = await ingeschreven();
    const voor = await tellingen(t.database.db);
    const res = await postMelding(t, onderAccountant(indicatieN(m)), instelling);
    expect(res.statusCode, res.body).toBe(403);
    expect(res.json()).toMatchObject({ code: 'melding.verantwoordelijke-accountant' });
    expect(await tellingen(t.database.db)).toEqual(voor);
  });

  it('refuses (403) an accountant of another institution', async () => {
    const m = await ingeschreven();
    const res = await postMelding(t, onderAccountant(indicatieN(m)), await t.token('accountant:91ZB'));
    expect(res.statusCode, res.body).toBe(403);
  });

  it('accepts an institution’s change that leaves the closed teldata alone: an uitschrijving now', async () => {
    const m = await ingeschreven();
    const res = await postMelding(
      t,
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
      instelling,
    );
    expect(res.statusCode, res.body).toBe(200);
  });
});
