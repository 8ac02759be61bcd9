import { type Kysely, sql, type Transaction } from 'kysely';
import type { WritePart } from '../inschrijving/inschrijving.repository.ts';
import { type InschrijvingState, teldata } from '../inschrijving/inschrijving.ts';
import { persoonVanMelding } from '../persoon/persoon.lookup.ts';
import { ageOn } from '../platform/dates.ts';
import type { DB } from '../platform/db-schema.ts';
import { bpvCrebo, type TeVerifieren } from './bpv.ts';

/** The leerbedrijf-IDs the register holds for the given BPVs of a person at an institution (no lock, no transaction). */
export async function huidigeLeerbedrijven(
  db: Kysely<DB>,
  pgn: { bsn: string | null; onderwijsnummer: string | null; leerlingnummer?: string | null },
  brin: string,
  keys: readonly { inschrijvingsvolgnummer: string; bpvVolgnummer: string }[],
): Promise<string[]> {
  if (keys.length === 0) {
    return [];
  }
  const { rows } = await sql<{ leerbedrijfId: string }>`
    with p as (
      ${persoonVanMelding(pgn, brin)}
    )
    select distinct bv.leerbedrijf_id
    from inschrijving i
    join bpv b on b.inschrijving_id = i.id
    join bpv_versie bv on bv.bpv_id = b.id and bv.registered_until is null and not bv.verwijderd
    where i.persoon_id = (select id from p) and i.brin = ${brin}
      and (i.inschrijvingsvolgnummer || '/' || b.bpv_volgnummer) in (${sql.join(
        keys.map((k) => `${k.inschrijvingsvolgnummer}/${k.bpvVolgnummer}`),
      )})
  `.execute(db);
  return rows.map((r) => r.leerbedrijfId);
}

/** Job soort: verify a BPV's erkenning at SBB later (SBB was unavailable at delivery). */
export const BPV_VERIFICATIE_JOB = 'bpv.verificatie';

export type BpvVerificatieJobData = TeVerifieren & { brin: string; persoonId: string; meldingId: string };

/** One durable job per unverified BPV, written in the melding's write statement (transactional outbox). */
export function bpvVerificatieJobs(
  trx: Transaction<DB>,
  args: { brin: string; persoonId: string; meldingId: string; items: readonly TeVerifieren[] },
): WritePart[] {
  if (args.items.length === 0) {
    return [];
  }
  return [
    trx
      .insertInto('job')
      .values(
        args.items.map((item) => {
          const data: BpvVerificatieJobData = {
            ...item,
            brin: args.brin,
            persoonId: args.persoonId,
            meldingId: args.meldingId,
          };
          return {
            soort: BPV_VERIFICATIE_JOB,
            sleutel: `${args.brin}:${args.persoonId}:${item.inschrijvingsvolgnummer}:${item.bpvVolgnummer}:${args.meldingId}`,
            data: JSON.stringify(data),
          };
        }),
      )
      .onConflict((oc) =>
        oc
          .columns(['soort', 'sleutel'])
          .where('sleutel', 'is not', null)
          .where('status', 'in', ['wachtend', 'bezig'])
          .doNothing(),
      ),
  ];
}

/** Job soort: deliver one BPV change's data to SBB (WOT 24f lid 10), durable and retried. */
export const SBB_BPV_LEVERING_JOB = 'sbb.bpv-levering';

/** Event type: a BPV changed (for bekostiging, and the source of SBB's occupancy data). */
export { BPV_GEWIJZIGD } from '../platform/events.ts';

import { BPV_GEWIJZIGD } from '../platform/events.ts';

/**
 * One outbox event per changed BPV, carrying exactly what WOT art. 24f lid 10 lets SBB receive: crebo, leerweg,
 * the BPV data, the institution's number and the student's age at the start of the BPV. No person number, no
 * name, no birth date: a consumer that feeds SBB forwards `sbb` as is. `bekostiging` holds what funding needs.
 */
export function bpvOutboxEvents(
  trx: Transaction<DB>,
  args: { brin: string; geboortedatum: string; meldingId: string; nieuw: readonly InschrijvingState[] },
): WritePart[] {
  const events: { type: string; source: string; subject: string; data: string }[] = [];
  for (const s of args.nieuw) {
    for (const b of (s.bpv ?? []).filter((x) => x.mutatie && !(x.mutatie === 'toevoegen' && x.verwijderd))) {
      const periode = s.periodes
        .filter((p) => !p.verwijderd && p.datumBegin <= b.datumBegin)
        .sort((x, y) => (x.datumBegin < y.datumBegin ? 1 : -1))[0];
      const leertraject = periode?.leertraject ?? s.periodes.find((p) => !p.verwijderd)?.leertraject ?? null;
      events.push({
        type: BPV_GEWIJZIGD,
        source: '/koppelvlak/v1/meldingen',
        subject: `leerbedrijf/${b.leerbedrijfId}`,
        data: JSON.stringify({
          meldingId: args.meldingId,
          mutatie: b.verwijderd ? 'verwijderen' : b.mutatie,
          sbb: {
            mutatie: b.verwijderd ? 'verwijderen' : b.mutatie,
            brin: args.brin,
            crebo: bpvCrebo(s, b) ?? null,
            codeKeuzedeel: b.codeKeuzedeel,
            leerweg: leertraject === 'BBL' ? 'BBL' : 'BOL',
            leerbedrijfId: b.leerbedrijfId,
            afsluitdatum: b.afsluitdatum,
            datumBegin: b.datumBegin,
            datumEindeGepland: b.datumEindeGepland,
            datumEindeWerkelijk: b.datumEindeWerkelijk,
            omvang: b.omvang,
            leeftijdBijBegin: ageOn(args.geboortedatum, b.datumBegin),
          },
          bekostiging: {
            inschrijvingId: s.inschrijvingId ?? null,
            inschrijvingsvolgnummer: s.inschrijvingsvolgnummer,
            leertraject,
            afsluitdatum: b.afsluitdatum,
            datumBegin: b.datumBegin,
            einde: b.datumEindeWerkelijk ?? b.datumEindeGepland,
            // the teldata (1 October, 1 February) this BPV runs on
            teldata: b.verwijderd ? [] : teldata(b.datumBegin, b.datumEindeWerkelijk ?? b.datumEindeGepland),
            // rule 37: a BBL enrolment counts on 1 October when a BPV runs that day and its POK is concluded by
            // 31 December (the delivery date is the melding's)
            bbl1Oktober:
              leertraject === 'BBL' && !b.verwijderd
                ? teldata(b.datumBegin, b.datumEindeWerkelijk ?? b.datumEindeGepland)
                    .filter((t) => t.endsWith('-10-01'))
                    .map((t) => ({
                      teldatum: t,
                      afgeslotenUiterlijk31December: b.afsluitdatum <= `${t.slice(0, 4)}-12-31`,
                    }))
                : [],
          },
        }),
      });
    }
  }
  if (events.length === 0) {
    return [];
  }
  // The SBB part of every event is also a delivery job for SBB (bezetting stageplekken).
  const leveringen = events.map((e) => ({
    soort: SBB_BPV_LEVERING_JOB,
    sleutel: null,
    data: JSON.stringify((JSON.parse(e.data) as { sbb: unknown }).sbb),
  }));
  return [trx.insertInto('outboxEvent').values(events), trx.insertInto('job').values(leveringen)];
}
