import { type Bevinding, bevinding } from '../aanlevering/bevinding.ts';
import {
  bekostigingsrelevanteBpvs,
  isIngeschrevenOp,
  periodeOp,
  toBekostigingBpvs,
  toBekostigingInschrijving,
} from '../bekostiging/bekostiging.ts';
import { type Datum, toDutch } from '../platform/dates.ts';
import type { ResultaatState } from '../resultaat/resultaat.ts';
import type { InschrijvingState } from './inschrijving.ts';

/**
 * The mutatiestop (DOMAIN.md §4.6 step 6, §7 rule 38; Regeling BVE art. 7): from 1 June after the second
 * teldatum of a funding year (1 October Y and 1 February Y+1 → 1 June Y+1), a melding may no longer change what
 * counts for funding on those teldata, unless it is delivered under the accountant's responsibility. Pure: the
 * service passes the inschrijvingen before and after the melding and the register's today.
 *
 * What "counts for funding on T" means here, per inschrijving: enrolled on T or not; the periode in force on T
 * (opleidingcode, leertraject, indicatie bekostigbaar); and for BBL whether a BPV makes it count on T (the
 * bekostiging module's `bekostigingsrelevanteBpvs`, under both the general and the VWS deadline). Changes that
 * leave those facts equal on every closed teldatum (a late uitschrijving, a new periode after the teldata, a
 * corrected onderwijslocatie) pass. Diplomas: `checkDiplomaMutatiestop`.
 */

export type Verantwoordelijke = 'instelling' | 'accountant';

/** First day of the mutatiestop for a teldatum: 1 June after the February teldatum of its funding year. */
export function mutatiestopVanaf(teldatum: Datum): Datum {
  const jaar = Number(teldatum.slice(0, 4));
  return teldatum.slice(5, 7) === '10' ? `${jaar + 1}-06-01` : `${jaar}-06-01`;
}

/** The teldata on or after `van` that are closed by the mutatiestop on `vandaag`, ascending. */
export function geslotenTeldata(van: Datum, vandaag: Datum): Datum[] {
  const result: Datum[] = [];
  for (let jaar = Number(van.slice(0, 4)) - 1; ; jaar++) {
    for (const t of [`${jaar}-02-01`, `${jaar}-10-01`]) {
      if (mutatiestopVanaf(t) > vandaag) {
        return result;
      }
      if (t >= van) {
        result.push(t);
      }
    }
  }
}

type Feiten = {
  ingeschreven: boolean;
  opleidingcode: string | null;
  leertraject: string | null;
  indicatieBekostigbaar: boolean | null;
  bpv: string;
};

const VELDEN: Record<Exclude<keyof Feiten, 'ingeschreven'>, string> = {
  opleidingcode: 'opleidingcode',
  leertraject: 'leertraject',
  indicatieBekostigbaar: 'indicatie bekostigbaar',
  bpv: 'BPV (praktijkovereenkomst)',
};

function feitenOp(state: InschrijvingState | undefined, t: Datum): Feiten {
  const geen: Feiten = {
    ingeschreven: false,
    opleidingcode: null,
    leertraject: null,
    indicatieBekostigbaar: null,
    bpv: '',
  };
  if (!state) {
    return geen;
  }
  const i = toBekostigingInschrijving('', state);
  if (!isIngeschrevenOp(i, t)) {
    return geen;
  }
  const p = periodeOp(i.periodes, t);
  const bpvs = toBekostigingBpvs(state) ?? [];
  const bpv =
    p?.leertraject === 'BBL'
      ? [false, true].map((vws) => bekostigingsrelevanteBpvs(bpvs, t, vws).relevant.length > 0).join('/')
      : '';
  return {
    ingeschreven: true,
    opleidingcode: p?.opleidingcode ?? null,
    leertraject: p?.leertraject ?? null,
    indicatieBekostigbaar: p?.indicatieBekostigbaar ?? null,
    bpv,
  };
}

function verschillen(voor: Feiten, na: Feiten): string[] {
  if (voor.ingeschreven !== na.ingeschreven) {
    return [na.ingeschreven ? 'ingeschreven (nieuw)' : 'ingeschreven (vervalt)'];
  }
  return (Object.keys(VELDEN) as (keyof typeof VELDEN)[])
    .filter((k) => voor[k] !== na[k])
    .map((k) => VELDEN[k]);
}

function vroegsteDatum(s: InschrijvingState | undefined): Datum | undefined {
  if (!s) {
    return undefined;
  }
  return [s.datumInschrijving, ...s.periodes.map((p) => p.datumBegin)].sort()[0];
}

/**
 * Rule 38: one finding per inschrijving whose funding facts on a closed teldatum differ before and after the
 * melding. Returns nothing when the melding is delivered under the accountant's responsibility.
 */
export function checkMutatiestop(
  voor: readonly InschrijvingState[],
  na: readonly InschrijvingState[],
  vandaag: Datum,
  verantwoordelijke: Verantwoordelijke = 'instelling',
): Bevinding[] {
  if (verantwoordelijke === 'accountant') {
    return [];
  }
  const voorPer = new Map(voor.map((s) => [s.inschrijvingsvolgnummer, s]));
  const bevindingen: Bevinding[] = [];
  for (const n of na) {
    const v = voorPer.get(n.inschrijvingsvolgnummer);
    const van = [vroegsteDatum(v), vroegsteDatum(n)].filter((d) => d !== undefined).sort()[0];
    if (van === undefined) {
      continue;
    }
    const geraakt: { teldatum: Datum; velden: string[] }[] = [];
    for (const t of geslotenTeldata(van, vandaag)) {
      const velden = verschillen(feitenOp(v, t), feitenOp(n, t));
      if (velden.length > 0) {
        geraakt.push({ teldatum: t, velden });
      }
    }
    const eerste = geraakt[0];
    if (!eerste) {
      continue;
    }
    const alle = geraakt.map((g) => toDutch(g.teldatum)).join(', ');
    bevindingen.push(
      bevinding(
        'mutatiestop',
        { record: 'inschrijving', sleutel: n.inschrijvingsvolgnummer },
        `Deze melding wijzigt wat voor de bekostiging telt op teldatum ${toDutch(eerste.teldatum)} ` +
          `(${eerste.velden.join(', ')}) van inschrijving ${n.inschrijvingsvolgnummer}` +
          (geraakt.length > 1 ? `; geraakte teldata: ${alle}` : '') +
          `. Sinds ${toDutch(mutatiestopVanaf(eerste.teldatum))} geldt voor die teldatum de mutatiestop: ` +
          'zo’n wijziging kan alleen onder verantwoordelijkheid van de accountant worden geleverd ' +
          '(verantwoordelijke "accountant", met een accountantsverklaring).',
      ),
    );
  }
  return bevindingen;
}

/** What counts for the diploma part of funding of one diploma (DOMAIN.md §8.6): null when it does not exist. */
type DiplomaFeiten = {
  datumResultaat: Datum;
  opleidingcode: string | null;
  indicatieBekostigbaar: boolean | null;
};

function diplomaFeiten(r: ResultaatState | undefined): DiplomaFeiten | null {
  if (!r || r.verwijderd || r.datumResultaat === null) {
    return null;
  }
  return {
    datumResultaat: r.datumResultaat,
    opleidingcode: r.opleidingcode,
    indicatieBekostigbaar: r.indicatieBekostigbaar,
  };
}

/**
 * A diploma behaald in calendar year Y counts for funding year Y+2, whose teldata are 1 October Y and 1 February
 * Y+1 (DOMAIN.md §8.1): its facts are closed from the mutatiestop of those teldata, 1 June Y+1.
 */
export function diplomaMutatiestopVanaf(datumResultaat: Datum): Datum {
  return `${Number(datumResultaat.slice(0, 4)) + 1}-06-01`;
}

/**
 * Rule 38 for diplomas: one finding per diploma (DIP) whose funding facts (existence, datum behaald, opleidingcode,
 * indicatie bekostigbaar) the melding changes while the funding year of its old or new datum behaald is closed.
 * Nothing when delivered under the accountant's responsibility. `na` is the resultaten as the melding leaves them.
 */
export function checkDiplomaMutatiestop(
  voor: readonly ResultaatState[],
  na: readonly ResultaatState[],
  vandaag: Datum,
  verantwoordelijke: Verantwoordelijke = 'instelling',
): Bevinding[] {
  if (verantwoordelijke === 'accountant') {
    return [];
  }
  const voorPer = new Map(voor.map((r) => [r.resultaatvolgnummer, r]));
  const bevindingen: Bevinding[] = [];
  for (const n of na) {
    if (n.soort !== 'DIP' || n.mutatie === undefined) {
      continue;
    }
    const oud = diplomaFeiten(voorPer.get(n.resultaatvolgnummer));
    const nieuw = diplomaFeiten(n);
    const velden =
      oud === null && nieuw === null
        ? []
        : oud === null
          ? ['diploma (nieuw)']
          : nieuw === null
            ? ['diploma (vervalt)']
            : [
                ...(oud.datumResultaat !== nieuw.datumResultaat ? ['datum behaald'] : []),
                ...(oud.opleidingcode !== nieuw.opleidingcode ? ['opleidingcode'] : []),
                ...(oud.indicatieBekostigbaar !== nieuw.indicatieBekostigbaar
                  ? ['indicatie bekostigbaar']
                  : []),
              ];
    const gesloten = [oud?.datumResultaat, nieuw?.datumResultaat]
      .filter((d): d is Datum => d !== undefined)
      .filter((d) => diplomaMutatiestopVanaf(d) <= vandaag)
      .sort()[0];
    if (velden.length === 0 || gesloten === undefined) {
      continue;
    }
    const jaar = Number(gesloten.slice(0, 4));
    bevindingen.push(
      bevinding(
        'mutatiestop',
        { record: 'resultaat', sleutel: n.resultaatvolgnummer },
        `Deze melding wijzigt wat voor de bekostiging telt aan diploma ${n.resultaatvolgnummer} ` +
          `(${velden.join(', ')}), behaald in ${jaar}: dat telt voor bekostigingsjaar ${jaar + 2} ` +
          `(teldata ${toDutch(`${jaar}-10-01`)} en ${toDutch(`${jaar + 1}-02-01`)}). ` +
          `Sinds ${toDutch(diplomaMutatiestopVanaf(gesloten))} geldt daarvoor de mutatiestop: ` +
          'zo’n wijziging kan alleen onder verantwoordelijkheid van de accountant worden geleverd ' +
          '(verantwoordelijke "accountant", met een accountantsverklaring).',
      ),
    );
  }
  return bevindingen;
}
