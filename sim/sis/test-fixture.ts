/**
 * A small reference set for the simulator's tests: three funded institutions and one non-funded,
 * a handful of current kwalificaties and old codes, two domains.
 */
import type { SisReferentie } from './catalogus.ts';

const kwalificatie = (
  crebo: string,
  niveau: number,
  leerwegen: string[],
  opleidingsdomein: string,
  structuur = 'hks2015',
) => ({
  crebo,
  soort: 'kwalificatie',
  structuur,
  niveau,
  leerwegen,
  opleidingsdomein,
  geldigTot: null,
  instroomTot: structuur === 'kd2012' ? '2016-07-31' : null,
});

const aanbod = (brin: string, crebo: string, leerweg: string, niveau: number, onderwijslocatie: string) => ({
  brin,
  crebo,
  leerweg,
  niveau,
  onderwijslocatie,
});

export const FIXTURE_REFERENTIE: SisReferentie = {
  instellingen: [
    { brin: '00GT', naam: 'Albeda', bekostigd: true },
    { brin: '25LH', naam: 'ROC Utrecht', bekostigd: true },
    { brin: '01OE', naam: 'Yuverta', bekostigd: true },
    { brin: '99ZZ', naam: 'Zonder aanbod', bekostigd: true },
    { brin: '30XA', naam: 'Particuliere Opleidingen Voorbeeld B.V.', bekostigd: false },
  ],
  onderwijslocaties: [
    { code: '100X001', brin: '00GT', postcode: '3071AL' },
    { code: '100X002', brin: '00GT', postcode: '3011KD' },
    { code: '200X001', brin: '25LH', postcode: '3528BG' },
    { code: '300X001', brin: '01OE', postcode: '3995AX' },
    { code: '400X001', brin: '30XA', postcode: null },
  ],
  kwalificaties: [
    {
      ...kwalificatie('79000', 0, ['BOL'], ''),
      soort: 'opleidingsdomein',
      structuur: 'domein',
      niveau: null,
      opleidingsdomein: null,
    },
    {
      ...kwalificatie('79140', 0, ['BOL'], ''),
      soort: 'opleidingsdomein',
      structuur: 'domein',
      niveau: null,
      opleidingsdomein: null,
    },
    kwalificatie('25078', 3, ['BOL', 'BBL'], '79000'),
    kwalificatie('25080', 2, ['BOL', 'BBL'], '79000'),
    kwalificatie('25081', 4, ['BOL', 'BBL'], '79000'),
    kwalificatie('25090', 1, ['BOL', 'BBL'], '79000'),
    kwalificatie('25480', 3, ['BOL', 'BBL'], '79140'),
    kwalificatie('25481', 4, ['BOL', 'BBL'], '79140'),
    kwalificatie('25487', 4, ['BBL'], '79140'),
    kwalificatie('94040', 3, ['BOL', 'BBL'], '79000', 'kd2012'),
    kwalificatie('93892', 2, ['BOL', 'BBL'], '79000', 'kd2012'),
    kwalificatie('90473', 4, ['BOL', 'BBL'], '79140', 'kd2012'),
  ],
  aanbod: [
    aanbod('00GT', '94040', 'BOL', 3, '100X001'),
    aanbod('00GT', '94040', 'BBL', 3, '100X001'),
    aanbod('00GT', '93892', 'BOL', 2, '100X002'),
    aanbod('00GT', '90473', 'BOL', 4, '100X002'),
    aanbod('25LH', '94040', 'BOL', 3, '200X001'),
    aanbod('25LH', '90473', 'BBL', 4, '200X001'),
    aanbod('25LH', '25090', 'BOL', 1, '200X001'),
    aanbod('01OE', '93892', 'BBL', 2, '300X001'),
    aanbod('01OE', '25480', 'BOL', 3, '300X001'),
    aanbod('30XA', '90473', 'BOL', 4, '400X001'),
    aanbod('30XA', '90473', 'BBL', 4, '400X001'),
  ],
};
