/**
 * Date-only arithmetic on ISO strings (YYYY-MM-DD), in UTC day numbers so no time zone can shift a
 * date (the tests run under UTC+14 and UTC−8).
 */

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 for an ISO date. */
export function toDayNumber(datum: string): number {
  const [y, m, d] = datum.split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) {
    throw new Error(`geen datum: ${datum}`);
  }
  return Math.round(Date.UTC(y, m - 1, d) / DAY_MS);
}

export function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(datum: string, days: number): string {
  return fromDayNumber(toDayNumber(datum) + days);
}

export function daysBetween(from: string, to: string): number {
  return toDayNumber(to) - toDayNumber(from);
}

export function maxDatum(a: string, b: string): string {
  return a >= b ? a : b;
}

export function minDatum(a: string, b: string): string {
  return a <= b ? a : b;
}

/** First day of the month after the given date. */
export function firstOfNextMonth(datum: string): string {
  const [y, m] = datum.split('-').map(Number);
  if (y === undefined || m === undefined) {
    throw new Error(`geen datum: ${datum}`);
  }
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/** The school year (1 August–31 July) running on a date: 2026 for 2026-08-01 … 2027-07-31. */
export function schooljaarOf(datum: string): number {
  const y = Number(datum.slice(0, 4));
  return datum.slice(5) >= '08-01' ? y : y - 1;
}
