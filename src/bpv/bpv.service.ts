import { type Kysely, sql } from 'kysely';
import { bevinding } from '../aanlevering/bevinding.ts';
import { type Datum, toDutch } from '../platform/dates.ts';
import type { DB } from '../platform/db-schema.ts';
import { enqueueJob, type Job, type JobHandler } from '../platform/jobs.ts';
import { BPV_VERIFICATIE_JOB, type BpvVerificatieJobData, SBB_BPV_LEVERING_JOB } from './bpv.repository.ts';
import { type BpvKwalificatie, isErkend } from './bpv.ts';
import type { SbbClient } from './sbb.client.ts';

/** Job soort: an erkenning mutation pushed by SBB, to be applied to open BPVs. */
export const ERKENNING_MUTATIE_JOB = 'sbb.erkenning-mutatie';

export type ErkenningMutatie = {
  soort: 'ingetrokken' | 'toegekend';
  leerbedrijfId: string;
  crebo: string;
  datum: Datum;
};

export type BpvJobDeps = {
  db: Kysely<DB>;
  sbb: SbbClient;
  kwalificaties: () => ReadonlyMap<string, BpvKwalificatie>;
};

/**
 * The later verification of a BPV whose erkenning could not be verified at delivery (rule 35): asks SBB again
 * (outside any transaction); while SBB is still unavailable the job fails and is retried with backoff. The
 * outcome is a signal on the institution's terugkoppeling, on the melding that delivered the BPV.
 */
export function verifieerBpvLater(deps: BpvJobDeps): JobHandler {
  return async (job: Job) => {
    const d = job.data as BpvVerificatieJobData;
    const uitslag = await deps.sbb.leerbedrijf(d.leerbedrijfId);
    if (uitslag.status === 'niet-beschikbaar') {
      throw new Error(`SBB nog niet beschikbaar: ${uitslag.reden ?? ''}`);
    }
    const where = { record: 'bpv', sleutel: `${d.inschrijvingsvolgnummer}/${d.bpvVolgnummer}` };
    const prefix = `Uitgestelde verificatie van BPV ${d.bpvVolgnummer} (inschrijving ${d.inschrijvingsvolgnummer}): `;
    const b =
      uitslag.status === 'onbekend'
        ? bevinding(
            'bpvVerificatieAlsnog',
            where,
            `${prefix}leerbedrijf ${d.leerbedrijfId} is niet bekend bij SBB. Identificeer het leerbedrijf bij SBB en corrigeer de BPV.`,
          )
        : isErkend(uitslag.erkenningen, d.crebo, d.datumBegin, deps.kwalificaties())
          ? bevinding(
              'bpvVerificatieAlsnog',
              where,
              `${prefix}leerbedrijf ${d.leerbedrijfId} is erkend voor ${d.crebo} op ${toDutch(d.datumBegin)}.`,
            )
          : bevinding(
              'leerbedrijfNietErkend',
              where,
              `${prefix}leerbedrijf ${d.leerbedrijfId} is op ${toDutch(d.datumBegin)} niet erkend door SBB voor opleiding ${d.crebo}.`,
            );
    // Idempotent: a job run twice (at-least-once) leaves one signal.
    await sql`
      insert into signaal (brin, melding_id, persoon_id, code, ernst, regel, record_soort, record_sleutel, tekst)
      select ${d.brin}, ${d.meldingId}, ${d.persoonId}, ${b.code}, ${b.ernst}, ${b.regel ?? null}, ${b.record},
             ${b.sleutel ?? null}, ${b.tekst}
      where not exists (select 1 from signaal where melding_id = ${d.meldingId} and record_sleutel = ${b.sleutel ?? null}
                          and code in ('670', '668') and tekst like ${`${prefix}%`})
    `.execute(deps.db);
  };
}

/** Receives an erkenning mutation from SBB's mutatieservice: durable first, processed by the worker. */
export async function ontvangErkenningMutatie(db: Kysely<DB>, m: ErkenningMutatie): Promise<void> {
  await enqueueJob(db, {
    soort: ERKENNING_MUTATIE_JOB,
    sleutel: `${m.soort}:${m.leerbedrijfId}:${m.crebo}:${m.datum}`,
    data: m,
  });
}

/**
 * Status erkenning (spontaneous): a withdrawn erkenning reaches every institution with an open BPV at that
 * leerbedrijf for that crebo (or its kwalificatiedossier) running on or after the withdrawal date, as a signal.
 */
export function verwerkErkenningMutatie(deps: Pick<BpvJobDeps, 'db' | 'kwalificaties'>): JobHandler {
  return async (job: Job) => {
    const m = job.data as ErkenningMutatie;
    if (m.soort !== 'ingetrokken') {
      return;
    }
    const k = deps.kwalificaties();
    const { rows } = await sql<{
      brin: string;
      persoonId: string;
      inschrijvingsvolgnummer: string;
      bpvVolgnummer: string;
      opleidingcode: string | null;
      periodecodes: string[];
      einde: string;
      meldingId: string;
      leerlingnummer: string | null;
    }>`
      select i.brin, i.persoon_id::text as persoon_id, i.inschrijvingsvolgnummer, b.bpv_volgnummer, bv.opleidingcode,
             bv.melding_id::text as melding_id,
             (select g.leerlingnummer from persoon_gegevens g
              where g.persoon_id = i.persoon_id and g.brin = i.brin and g.registered_until is null) as leerlingnummer,
             coalesce(bv.datum_einde_werkelijk, bv.datum_einde_gepland)::text as einde,
             array(select distinct pv.opleidingcode from inschrijvingsperiode_versie pv
                   where pv.inschrijving_id = i.id and pv.registered_until is null and not pv.verwijderd) as periodecodes
      from bpv_versie bv
      join bpv b on b.id = bv.bpv_id
      join inschrijving i on i.id = bv.inschrijving_id
      where bv.leerbedrijf_id = ${m.leerbedrijfId} and bv.registered_until is null and not bv.verwijderd
        and coalesce(bv.datum_einde_werkelijk, bv.datum_einde_gepland) >= ${m.datum}
    `.execute(deps.db);
    const hit = (code: string) => code === m.crebo || k.get(code)?.kwalificatiedossier === m.crebo;
    const getroffen = rows.filter((r) =>
      r.opleidingcode !== null ? hit(r.opleidingcode) : r.periodecodes.some(hit),
    );
    for (const r of getroffen) {
      const b = bevinding(
        'erkenningIngetrokken',
        { record: 'bpv', sleutel: `${r.inschrijvingsvolgnummer}/${r.bpvVolgnummer}` },
        `SBB heeft de erkenning van leerbedrijf ${m.leerbedrijfId} voor ${m.crebo} ingetrokken per ${toDutch(m.datum)}. ` +
          `BPV ${r.bpvVolgnummer} van inschrijving ${r.inschrijvingsvolgnummer}` +
          `${r.leerlingnummer ? ` (leerlingnummer ${r.leerlingnummer})` : ''} loopt tot ${toDutch(r.einde)}; ` +
          'zoek met de deelnemer een ander, erkend leerbedrijf.',
      );
      await sql`
        insert into signaal (brin, melding_id, persoon_id, code, ernst, regel, record_soort, record_sleutel, tekst)
        select ${r.brin}, ${r.meldingId}, ${r.persoonId}, ${b.code}, ${b.ernst}, ${b.regel ?? null}, ${b.record}, ${b.sleutel ?? null}, ${b.tekst}
        where not exists (select 1 from signaal where brin = ${r.brin} and persoon_id = ${r.persoonId}
                            and code = ${b.code} and tekst = ${b.tekst})
      `.execute(deps.db);
    }
  };
}

/** Delivers one BPV change's WOT 24f lid 10 data to SBB (bezetting stageplekken). */
export function leverBpvAanSbb(deps: Pick<BpvJobDeps, 'sbb'>): JobHandler {
  return async (job: Job) => {
    await deps.sbb.leverBpv(job.data as Record<string, unknown>);
  };
}

/** Every BPV job handler, for the one worker `npm start` runs. */
export function bpvJobHandlers(deps: BpvJobDeps): Record<string, JobHandler> {
  return {
    [BPV_VERIFICATIE_JOB]: verifieerBpvLater(deps),
    [ERKENNING_MUTATIE_JOB]: verwerkErkenningMutatie(deps),
    [SBB_BPV_LEVERING_JOB]: leverBpvAanSbb(deps),
  };
}
