/**
 * Identificatie persoon (DOMAIN.md §4.2, §7 rules 5, 7–9, 45): pure rules. The BRP look-up itself happens
 * before the melding's transaction (identificatie.service.ts); never an HTTP call inside a transaction.
 */
import type { BrpPersoon } from './brp.client.ts';

/** What the BRP look-up found for a melding's person, decided before the transaction. */
export type Identificatie =
  /** Identified: a delivered BSN that matches the BRP, or (gevonden) a BSN the BRP search found. */
  | { soort: 'brp'; bsn: string; brp: BrpPersoon; gevonden: boolean }
  /** A delivered BSN whose birth date / sex / postcode differ from the BRP (rejects: 753). */
  | { soort: 'afwijkend'; bsn: string; velden: string[]; brp: BrpPersoon }
  /** The BRP answered, without a person for the delivered BSN (a signal for the institution, 650). */
  | { soort: 'niet-in-brp'; bsn: string }
  /** The BRP did not answer (error, timeout, open circuit): accept, retry in a job (652). */
  | { soort: 'in-behandeling'; bsn: string | null; fout: string }
  /** No number delivered and no BRP match: an onderwijsnummer is issued (756). */
  | { soort: 'geen-match' }
  /** No number delivered and several BRP candidates: DUO staff decide (651). */
  | { soort: 'meerdere'; aantal: number }
  /** An onderwijsnummer was delivered: nothing to look up. */
  | { soort: 'onderwijsnummer' };

export type GeleverdePersoon = {
  burgerservicenummer?: string | undefined;
  onderwijsnummer?: string | undefined;
  geboortedatum: string;
  geslacht: 'M' | 'V' | 'O';
  postcode?: string | undefined;
  land?: string | undefined;
  achternaam?: string | undefined;
  voorvoegsel?: string | undefined;
};

/**
 * Rule 5 (BRON 753): which of birth date, sex and postcode differ from the BRP. A BRP birth date with unknown
 * parts (`00`) is compared on its known parts only (never completed to a 1st of January); sex `O`
 * (vastgesteld onbekend) on either side and a postcode the BRP does not hold (abroad, RNI) are not compared.
 */
export function afwijkingen(p: GeleverdePersoon, brp: BrpPersoon): string[] {
  const out: string[] = [];
  if (brp.geboortedatum !== null && !datumPast(p.geboortedatum, brp.geboortedatum)) {
    out.push('geboortedatum');
  }
  if (brp.geslacht !== null && brp.geslacht !== 'O' && p.geslacht !== 'O' && brp.geslacht !== p.geslacht) {
    out.push('geslacht');
  }
  if (
    p.postcode !== undefined &&
    brp.postcode !== null &&
    normPostcode(p.postcode) !== normPostcode(brp.postcode)
  ) {
    out.push('postcode');
  }
  return out;
}

/** A full delivered date against a BRP date whose year, month or day may be `0000`/`00` (unknown). */
export function datumPast(geleverd: string, brp: string): boolean {
  const [gj, gm, gd] = geleverd.split('-');
  const [bj, bm, bd] = brp.split('-');
  const deel = (g: string | undefined, b: string | undefined) => b === undefined || /^0+$/.test(b) || g === b;
  return deel(gj, bj) && deel(gm, bm) && deel(gd, bd);
}

function normPostcode(pc: string): string {
  return pc.replace(/\s+/g, '').toUpperCase();
}

const WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2] as const;

/**
 * The onderwijsnummer for a sequence value (0–999999): `10`, six digits, and the check digit that makes the
 * weighted sum mod 11 equal 5 (src/persoon/pgn.ts). Undefined when no check digit 0–9 does: that value is
 * skipped, never reused.
 */
export function onderwijsnummerVan(volgnummer: number): string | undefined {
  const first8 = `10${String(volgnummer).padStart(6, '0')}`;
  if (first8.length !== 8) {
    return undefined;
  }
  const sum = [...first8].reduce((s, d, i) => s + Number(d) * (WEIGHTS[i] ?? 0), 0);
  const check = (((sum - 5) % 11) + 11) % 11;
  return check <= 9 ? `${first8}${check}` : undefined;
}
