import { type Bevinding, bevinding } from '../aanlevering/bevinding.ts';
import {
  bekostigingsrelevanteBpvs,
  isIngeschrevenOp,
  periodeOp,
  toBekostigingBpvs,
  toBekostigingInschrijving,
} from '../bekostiging/bekostiging.ts';
import { type Datum, toDutch } from '../platform/dates.ts';
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
 * corrected onderwijslocatie) pass. Diploma facts (§3.3) are not covered yet.
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
