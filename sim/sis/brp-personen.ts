/**
 * Real input for the SIS simulator: persons of the BRP test set (GBA-V proefomgeving), as an institution would
 * deliver them. Only persons an institution could enrol today: alive, not emigrated or in the RNI, a full birth
 * date, sex M/V and a Dutch postcode. MBO age (16–25 on the peildatum) first, then the others, youngest first.
 */
import type { PersoonInput } from '../../src/aanlevering/melding.schema.ts';
import { type BrpRij, loadBrpTestset } from '../brp/brp-data.ts';

export function sisPersonenUitBrp(rijen: readonly BrpRij[], peildatum: string): PersoonInput[] {
  const leeftijd = (p: BrpRij) => Number(peildatum.slice(0, 4)) - Number(p.geboortedatum.slice(0, 4));
  const bruikbaar = rijen.filter(
    (p) =>
      p.datumOverlijden === '' &&
      p.redenOpschorting === '' &&
      /^[0-9]{4}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$/.test(p.geboortedatum) &&
      (p.geslacht === 'M' || p.geslacht === 'V') &&
      /^[1-9][0-9]{3}[A-Z]{2}$/.test(p.postcode) &&
      p.geslachtsnaam !== '' &&
      p.geslachtsnaam.length <= 200 &&
      p.voorvoegsel.length <= 10 &&
      p.voornamen.length <= 200 &&
      leeftijd(p) >= 15,
  );
  const mboLeeftijd = (p: BrpRij) => leeftijd(p) >= 16 && leeftijd(p) <= 25;
  const gesorteerd = [
    ...bruikbaar.filter(mboLeeftijd),
    ...bruikbaar
      .filter((p) => !mboLeeftijd(p))
      .sort((a, b) => b.geboortedatum.localeCompare(a.geboortedatum)),
  ];
  return gesorteerd.map((p) => ({
    burgerservicenummer: p.burgerservicenummer,
    geboortedatum: `${p.geboortedatum.slice(0, 4)}-${p.geboortedatum.slice(4, 6)}-${p.geboortedatum.slice(6, 8)}`,
    geslacht: p.geslacht as 'M' | 'V',
    postcode: p.postcode,
    achternaam: p.geslachtsnaam,
    ...(p.voorvoegsel === '' ? {} : { voorvoegsel: p.voorvoegsel }),
    ...(p.voornamen === '' ? {} : { voornamen: p.voornamen }),
  }));
}

export function loadSisBrpPersonen(peildatum: string, file?: string): PersoonInput[] {
  return sisPersonenUitBrp(loadBrpTestset(file), peildatum);
}
