/**
 * The CloudEvents types the register writes to its transactional outbox (table `outbox_event`), in one place so
 * that producers and consumers (the bekostiging koppeling, later the afnemers) agree on them.
 */
export const INSCHRIJVING_GEWIJZIGD = 'nl.mbo-register.inschrijving.gewijzigd';
export const RESULTAAT_GEWIJZIGD = 'nl.mbo-register.resultaat.gewijzigd';
export const BPV_GEWIJZIGD = 'nl.mbo-register.bpv.gewijzigd';
/** A person's identification or BRP facts changed (identified after an outage, a BSN linked, a BRP mutation). */
export const PERSOON_GEWIJZIGD = 'nl.mbo-register.persoon.gewijzigd';

/** The outbox row of a person event, for a write part in the transaction of the change. */
export function persoonGewijzigdEvent(
  persoonId: string,
  bron: string,
): {
  type: string;
  source: string;
  subject: string;
  data: string;
} {
  return {
    type: PERSOON_GEWIJZIGD,
    source: bron,
    subject: `persoon/${persoonId}`,
    data: JSON.stringify({ persoonId }),
  };
}
