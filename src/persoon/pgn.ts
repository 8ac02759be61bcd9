/**
 * Persoonsgebonden nummers (PGN): BSN and onderwijsnummer check digits.
 * BSN: 9 digits, 11-proof with weights 9..2 and −1, sum divisible by 11, not all zeros (DOMAIN §7 rule 2).
 * Onderwijsnummer: 9 digits starting with 10, same weights, weighted sum mod 11 = 5 (DOMAIN §3.1; inferred
 * from DUO's test numbers 100320254 and 100508802, which both satisfy it).
 */
const WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2, -1] as const;

function weightedSum(nummer: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    sum += Number(nummer[i]) * (WEIGHTS[i] ?? 0);
  }
  return sum;
}

export function isBsnFormat(value: string): boolean {
  return /^[0-9]{9}$/.test(value);
}

export function isValidBsn(value: string): boolean {
  return isBsnFormat(value) && value !== '000000000' && weightedSum(value) % 11 === 0;
}

export function isValidOnderwijsnummer(value: string): boolean {
  return /^10[0-9]{7}$/.test(value) && ((weightedSum(value) % 11) + 11) % 11 === 5;
}
