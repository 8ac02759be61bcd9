/**
 * Date-only values are `YYYY-MM-DD` strings end to end: compared as strings (ISO order is
 * chronological), never turned into a JS Date at local midnight, so no date ever moves.
 */
export type Datum = string;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for an existing calendar date in YYYY-MM-DD form (leap years included). */
export function isValidDatum(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) {
    return false;
  }
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) {
    return false;
  }
  return d <= daysInMonth(y, mo);
}

/** The range of dates the register accepts: no MBO fact lies before 1900 or after 2199. */
export const DATUM_MIN = '1900-01-01';
export const DATUM_MAX = '2199-12-31';

/** A valid date within [DATUM_MIN, DATUM_MAX]. */
export function isRegisterDatum(value: string): boolean {
  return isValidDatum(value) && value >= DATUM_MIN && value <= DATUM_MAX;
}

export function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** Days since 1970-01-01 for a valid date (pure arithmetic, no time zone involved). */
export function dayNumber(datum: Datum): number {
  const [y, m, d] = datum.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / 86_400_000;
}

export function addDays(datum: Datum, days: number): Datum {
  return new Date((dayNumber(datum) + days) * 86_400_000).toISOString().slice(0, 10);
}

const DUTCH_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Amsterdam',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The date in the Netherlands (Europe/Amsterdam) at instant `now`, whatever the process zone. */
export function dutchDate(now: Date): Datum {
  return DUTCH_DAY.format(now);
}

/** Whole years between a birth date and a date (the age on that date). */
export function ageOn(geboortedatum: Datum, datum: Datum): number {
  const [by, bm, bd] = geboortedatum.split('-').map(Number) as [number, number, number];
  const [y, m, d] = datum.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** Inclusive ranges [a1, a2] and [b1, b2] overlap (an end date is the last valid day). */
export function overlaps(a1: Datum, a2: Datum | null, b1: Datum, b2: Datum | null): boolean {
  return a1 <= (b2 ?? '9999-12-31') && b1 <= (a2 ?? '9999-12-31');
}

/** Formats a date for Dutch text: 2026-08-01 → 1-8-2026. */
export function toDutch(datum: Datum): string {
  const [y, m, d] = datum.split('-').map(Number);
  return `${d}-${m}-${y}`;
}
