/**
 * The catalogue of controle codes on the aanlever-koppelvlak. Codes are stable: never renumber,
 * never reuse. The 7xx and 8xx codes are BRON's own (DOMAIN.md §7, observed in DUO feedback files);
 * 6xx codes are this register's, for checks DOMAIN.md lists without a known DUO code.
 * `regel` is the rule number in DOMAIN.md §7. docs/controles.md is generated from this list.
 */
export type Ernst = 'A' | 'S';

export type CodeDefinitie = { code: string; ernst: Ernst; regel?: number; titel: string };

function def(code: string, ernst: Ernst, regel: number | undefined, titel: string): CodeDefinitie {
  return regel === undefined ? { code, ernst, titel } : { code, ernst, regel, titel };
}

export const CODES = {
  bsnFormaat: def('742', 'A', 1, 'Burgerservicenummer heeft niet het voorgeschreven formaat (9 cijfers)'),
  bsnElfproef: def('601', 'A', 2, 'Burgerservicenummer voldoet niet aan de elfproef'),
  onderwijsnummerOngeldig: def('602', 'A', 3, 'Onderwijsnummer is geen geldig onderwijsnummer'),
  geenPgn: def(
    '603',
    'A',
    4,
    'Geen persoonsgebonden nummer en onvoldoende gegevens om de persoon te identificeren',
  ),
  tweePgn: def('604', 'A', undefined, 'Zowel burgerservicenummer als onderwijsnummer opgegeven'),
  identificatieZonderPgn: def(
    '605',
    'A',
    4,
    'Identificatie zonder persoonsgebonden nummer is nog niet beschikbaar',
  ),
  postcodeLand: def('790', 'A', 6, 'Precies één van postcode en land moet gevuld zijn'),
  datumOngeldig: def('606', 'A', 10, 'Geen bestaande datum of verkeerd formaat'),
  creboOnbekend: def(
    '607',
    'A',
    11,
    'Opleidingcode komt niet voor in het Centraal register beroepsopleidingen',
  ),
  creboNietGeldig: def('608', 'A', 11, 'Opleidingcode is niet geldig op de begindatum'),
  creboInstroomVoorbij: def('609', 'A', 12, 'Op deze opleidingcode is geen nieuwe instroom meer toegestaan'),
  leertrajectOntbreekt: def('830', 'A', 13, 'Leertraject is verplicht'),
  domeinLeertraject: def(
    '610',
    'A',
    15,
    'Inschrijving op een opleidingsdomein alleen in de BOL op niveau 2 tot en met 4',
  ),
  niveauOntbreekt: def('611', 'A', 16, 'Niveau is verplicht bij een opleidingsdomein of kwalificatiedossier'),
  niveauAfwijkend: def('612', 'S', 16, 'Opgegeven niveau wijkt af van het niveau van de kwalificatie'),
  leertrajectNietToegestaan: def('613', 'A', 17, 'Leerweg is voor deze kwalificatie niet toegestaan'),
  volgnummerBestaat: def(
    '811',
    'A',
    18,
    'Inschrijvingsvolgnummer bestaat al voor deze deelnemer bij deze instelling',
  ),
  volgnummerOnbekend: def('805', 'A', 19, 'Geen inschrijving bekend onder dit inschrijvingsvolgnummer'),
  periodeBestaat: def('804', 'A', 20, 'Er bestaat al een periode met deze begindatum'),
  uitschrijfdatumVoorInschrijving: def('614', 'A', 21, 'Datum uitschrijving ligt vóór de datum inschrijving'),
  alUitgeschreven: def(
    '615',
    'A',
    22,
    'De inschrijving is al uitgeschreven; de uitschrijfdatum kan zo niet worden gewijzigd',
  ),
  redenUitschrijving: def(
    '616',
    'A',
    23,
    'Reden uitschrijving en werkelijke datum uitschrijving horen bij elkaar',
  ),
  dubbeleInschrijving: def(
    '617',
    'S',
    29,
    'Overlappende inschrijvingen op dezelfde opleiding bij deze instelling',
  ),
  andereInstelling: def(
    '618',
    'S',
    30,
    'Deelnemer is op een teldatum ook bij een andere instelling ingeschreven',
  ),
  verwijderenMetAfhankelijken: def(
    '619',
    'A',
    39,
    'Inschrijving met BPV of resultaten kan niet worden verwijderd',
  ),
  teLaat: def('620', 'S', 42, 'Te late levering: later dan 7 dagen na de gebeurtenis'),
  aanleverpuntOnbekend: def('621', 'A', 47, 'Aanleverpunt is niet geregistreerd voor deze instelling'),
  leeftijdOnwaarschijnlijk: def('622', 'S', 49, 'Onwaarschijnlijke leeftijd bij inschrijving'),
  bblLeerplichtig: def('623', 'S', 50, 'BBL voor een deelnemer die nog volledig leerplichtig is'),
  periodeBuitenInschrijving: def('624', 'A', undefined, 'Periode ligt buiten de inschrijving'),
  geenPeriode: def('625', 'A', undefined, 'Een inschrijving heeft ten minste één periode nodig'),
  verplichtVeld: def('626', 'A', undefined, 'Verplicht veld ontbreekt'),
  locatieOntbreekt: def(
    '627',
    'A',
    undefined,
    'Onderwijslocatie is verplicht voor inschrijvingen vanaf 1-8-2019',
  ),
  locatieOnbekend: def(
    '628',
    'A',
    undefined,
    'Onderwijslocatie is niet bekend als locatie van deze instelling',
  ),
  nietBekostigdeInstelling: def(
    '629',
    'A',
    undefined,
    'Een niet-bekostigde instelling kan geen bekostiging claimen',
  ),
  onbekendVeld: def('630', 'A', 10, 'Onbekend veld in de melding'),
  ongeldigTeken: def('645', 'A', 10, 'Stuurteken of ongeldige Unicode in een veld'),
  teDiep: def('646', 'A', 10, 'De melding is te diep genest'),
  teveelBevindingen: def('647', 'A', undefined, 'Meer bevindingen dan één antwoord toont'),
  ongeldigeWaarde: def('631', 'A', 10, 'Ongeldige waarde'),
  sleutelOnbekend: def('632', 'A', 19, 'Geen record bekend met deze sleutel'),
  ondersteuningDatums: def('633', 'A', 21, 'Datum einde extra ondersteuning ligt vóór de begindatum'),
  ondersteuningBuitenInschrijving: def(
    '634',
    'A',
    undefined,
    'Extra ondersteuning ligt buiten de inschrijving',
  ),
  verwijderenGevolgd: def(
    '635',
    'S',
    undefined,
    'Verwijderen is bedoeld voor een inschrijving die nooit is gevolgd',
  ),
  instellingOnbekend: def('637', 'A', 48, 'Instelling is niet bekend in het register'),
  geboortedatum: def('638', 'A', undefined, 'Geboortedatum ligt in de toekomst of na de datum inschrijving'),
  leertrajectNietMeer: def('642', 'A', undefined, 'Leertraject was op de begindatum niet (meer) toegestaan'),
  eerstePeriode: def('643', 'A', undefined, 'De eerste periode moet beginnen op de datum inschrijving'),
  periodeMeeverplaatst: def(
    '644',
    'S',
    undefined,
    'Begindatum van de eerste periode is meeverplaatst met de datum inschrijving',
  ),
  bpvDatums: def('660', 'A', 31, 'Einddatum van de BPV ligt vóór de begindatum'),
  bpvBuitenInschrijving: def('661', 'A', 31, 'BPV ligt (deels) buiten de inschrijving'),
  bpvVolgnummerBestaat: def('662', 'A', undefined, 'BPV-volgnummer bestaat al binnen deze inschrijving'),
  bpvOnbekend: def('663', 'A', 19, 'Geen BPV bekend onder dit BPV-volgnummer'),
  bpvOmvang: def('664', 'S', undefined, 'Omvang van de BPV (uren) is onwaarschijnlijk'),
  bpvAfsluitdatum: def('665', 'S', 32, 'Afsluitdatum van de POK ligt na de begindatum van de BPV'),
  bblZonderBpv: def('666', 'S', 37, 'BBL-inschrijving zonder BPV-overeenkomst'),
  leerbedrijfOnbekend: def('667', 'A', 33, 'Leerbedrijf is niet bekend bij SBB'),
  leerbedrijfNietErkend: def(
    '668',
    'S',
    34,
    'Leerbedrijf is niet erkend voor deze opleiding op de begindatum van de BPV',
  ),
  bpvCreboNietInOpleiding: def(
    '669',
    'S',
    undefined,
    'De opleiding van de BPV hoort niet bij de opleiding van de inschrijving',
  ),
  bpvVerificatieAlsnog: def('670', 'S', 35, 'Uitgestelde verificatie leerbedrijf: uitkomst'),
  erkenningIngetrokken: def(
    '671',
    'S',
    34,
    'Erkenning van het leerbedrijf is ingetrokken terwijl de BPV loopt',
  ),
  bpvCreboOnbekend: def('672', 'A', 11, 'Opleidingcode van de BPV komt niet voor in CREBO'),
  bpvOpleidingEnKeuzedeel: def(
    '673',
    'A',
    undefined,
    'Een BPV is voor een opleiding óf een keuzedeel, niet beide',
  ),
  verificatieNietMogelijk: def(
    '936',
    'S',
    35,
    'Verificatie leerbedrijf bij SBB niet mogelijk; wordt later herhaald',
  ),
} as const satisfies Record<string, CodeDefinitie>;

export type CodeNaam = keyof typeof CODES;
