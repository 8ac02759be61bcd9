import { CODES, type CodeNaam } from './codes.ts';

/** One finding of a controle on a melding: stable code, ernst, the record and field, Dutch text. */
export type Bevinding = {
  code: string;
  ernst: 'A' | 'S';
  regel?: number;
  record: string;
  sleutel?: string;
  veld?: string;
  tekst: string;
};

export function bevinding(
  naam: CodeNaam,
  where: { record: string; sleutel?: string | undefined; veld?: string | undefined },
  tekst?: string,
): Bevinding {
  const d = CODES[naam];
  const b: Bevinding = { code: d.code, ernst: d.ernst, record: where.record, tekst: tekst ?? `${d.titel}.` };
  if ('regel' in d) {
    b.regel = d.regel;
  }
  if (where.sleutel !== undefined) {
    b.sleutel = where.sleutel;
  }
  if (where.veld !== undefined) {
    b.veld = where.veld;
  }
  return b;
}

export function isAfkeurend(bevindingen: readonly Bevinding[]): boolean {
  return bevindingen.some((b) => b.ernst === 'A');
}
