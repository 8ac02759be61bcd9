import type { Melding } from '../src/aanlevering/melding.schema.ts';

/** Synthetic test persons and meldingen (never real people). */

const WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2];

/** The n-th synthetic BSN that passes the 11-proof (deterministic). */
export function bsn(n: number): string {
  for (let base = 20_000_000 + n * 7; ; base++) {
    const digits = String(base).padStart(8, '0');
    const sum = [...digits].reduce((s, d, i) => s + Number(d) * (WEIGHTS[i] ?? 0), 0);
    const check = sum % 11;
    if (check < 10) {
      return `${digits}${check}`;
    }
  }
}

/** The n-th synthetic onderwijsnummer (starts with 10; weighted sum mod 11 = 5). */
export function onderwijsnummer(n: number): string {
  for (let base = 1_000_000 + n * 7; ; base++) {
    const digits = `10${String(base).padStart(6, '0').slice(-6)}`;
    const sum = [...digits].reduce((s, d, i) => s + Number(d) * (WEIGHTS[i] ?? 0), 0);
    // sum - check ≡ 5 (mod 11)  →  check ≡ sum - 5
    const check = (((sum - 5) % 11) + 11) % 11;
    if (check < 10) {
      return `${digits}${check}`;
    }
  }
}

let counter = 0;
export function berichtId(prefix = 't'): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}`;
}

export type MeldingOpties = {
  brin?: string;
  bsn?: string;
  volgnummer?: string;
  datumInschrijving?: string;
  datumUitschrijvingGepland?: string;
  crebo?: string;
  leertraject?: 'BOL' | 'BBL' | 'BOL_DT' | 'EX' | 'OVO' | 'ODT';
  onderwijslocatie?: string | null;
  indicatieBekostigbaar?: 'J' | 'N';
  geboortedatum?: string;
};

/** A valid melding that enrols a person: one inschrijving with its first periode. */
export function inschrijvingMelding(o: MeldingOpties & { onderwijslocatie: string | null }): Melding {
  const datum = o.datumInschrijving ?? '2026-09-14';
  const periode: NonNullable<Melding['periodes']>[number] = {
    mutatie: 'toevoegen',
    inschrijvingsvolgnummer: o.volgnummer ?? '1',
    datumBegin: datum,
    opleidingcode: o.crebo ?? '25150',
    leertraject: o.leertraject ?? 'BOL',
    indicatieBekostigbaar: o.indicatieBekostigbaar ?? 'J',
  };
  if (o.onderwijslocatie !== null) {
    periode.onderwijslocatie = o.onderwijslocatie;
  }
  return {
    berichtId: berichtId(),
    brin: o.brin ?? '91ZA',
    persoon: {
      burgerservicenummer: o.bsn ?? bsn(1),
      geboortedatum: o.geboortedatum ?? '2009-04-12',
      geslacht: 'V',
      postcode: '9911AA',
      achternaam: 'Jansen',
      voornamen: 'Eva',
    },
    inschrijvingen: [
      {
        mutatie: 'toevoegen',
        inschrijvingsvolgnummer: o.volgnummer ?? '1',
        datumInschrijving: datum,
        datumUitschrijvingGepland: o.datumUitschrijvingGepland ?? '2028-07-31',
      },
    ],
    periodes: [periode],
  };
}

/** A melding for an existing person carrying only the given records. */
export function wijzigMelding(
  persoon: Melding['persoon'],
  records: Pick<Melding, 'inschrijvingen' | 'periodes' | 'extraOndersteuning' | 'resultaten' | 'bpv'>,
  brin = '91ZA',
): Melding {
  return { berichtId: berichtId(), brin, persoon, ...records };
}

/** A BPV record for toevoegen: a year-long POK at a leerbedrijf, starting on `datumBegin`. */
export function bpvRecord(
  o: Partial<NonNullable<Melding['bpv']>[number]> & { leerbedrijfId: string },
): NonNullable<Melding['bpv']>[number] {
  return {
    mutatie: 'toevoegen',
    inschrijvingsvolgnummer: '1',
    bpvVolgnummer: '1',
    afsluitdatum: '2026-09-01',
    datumBegin: '2026-09-14',
    datumEindeGepland: '2027-07-09',
    omvang: 800,
    ...o,
  };
}
