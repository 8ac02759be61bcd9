import { type Static, Type } from 'typebox';

/**
 * The koppelvlak *aanleveren* melding: one person's records, mutation-typed, shaped as DUO's current
 * ROD records (DOMAIN.md §10a.3–10a.4). One melding is accepted or rejected as a whole.
 *
 * `wijzigen` records carry the key plus the fields that change: an absent field keeps its value,
 * `null` clears an optional one. `toevoegen` records carry every mandatory field.
 */

const Datum = (description: string) =>
  Type.String({ format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const MUTATIES = ['toevoegen', 'wijzigen', 'verwijderen'] as const;
export const Mutatie = Type.Union(
  [Type.Literal('toevoegen'), Type.Literal('wijzigen'), Type.Literal('verwijderen')],
  {
    description: 'toevoegen (T), wijzigen (A) of verwijderen (V)',
  },
);

export const LEERTRAJECTEN = ['BOL', 'BOL_DT', 'BBL', 'OVO', 'EX', 'ODT'] as const;
export const REDENEN_UITSCHRIJVING = ['01', '02', '03', '04', '05', '06', '07', '08'] as const;

const Volgnummer = Type.String({
  pattern: '^[A-Za-z0-9]{1,20}$',
  description:
    'Inschrijvingsvolgnummer: sleutel van de instelling, 1–20 letters en cijfers, uniek per persoon per BRIN',
});

export const PersoonSchema = Type.Object(
  {
    burgerservicenummer: Type.Optional(
      Type.String({ pattern: '^[0-9]{9}$', description: 'BSN, 9 cijfers, elfproef' }),
    ),
    onderwijsnummer: Type.Optional(
      Type.String({ pattern: '^[0-9]{9}$', description: 'Onderwijsnummer, 9 cijfers, begint met 10' }),
    ),
    leerlingnummer: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    geboortedatum: Datum('Geboortedatum (JJJJ-MM-DD)'),
    geslacht: Type.Union([Type.Literal('M'), Type.Literal('V'), Type.Literal('O')]),
    postcode: Type.Optional(
      Type.String({ pattern: '^[1-9][0-9]{3}[A-Z]{2}$', description: 'Postcode 9999AA' }),
    ),
    land: Type.Optional(Type.String({ pattern: '^[0-9]{4}$', description: 'Landcode BRP tabel 34' })),
    achternaam: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    voorvoegsel: Type.Optional(Type.String({ minLength: 1, maxLength: 10 })),
    voornamen: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const InschrijvingRecordSchema = Type.Object(
  {
    mutatie: Mutatie,
    inschrijvingsvolgnummer: Volgnummer,
    datumInschrijving: Type.Optional(Datum('Eerste dag van de inschrijving')),
    datumUitschrijvingGepland: Type.Optional(Datum('Geplande laatste dag (inclusief)')),
    datumUitschrijvingWerkelijk: Type.Optional(Nullable(Datum('Werkelijke laatste dag (inclusief)'))),
    redenUitschrijving: Type.Optional(
      Type.Union(
        [
          Type.Literal('01'),
          Type.Literal('02'),
          Type.Literal('03'),
          Type.Literal('04'),
          Type.Literal('05'),
          Type.Literal('06'),
          Type.Literal('07'),
          Type.Literal('08'),
          Type.Null(),
        ],
        { description: 'Reden uitstroom 01–08 (08 = geen uitval)' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const PeriodeRecordSchema = Type.Object(
  {
    mutatie: Mutatie,
    inschrijvingsvolgnummer: Volgnummer,
    datumBegin: Datum('Sleutel: eerste dag van de periode; loopt tot de volgende periode'),
    nieuweDatumBegin: Type.Optional(Datum('Alleen bij wijzigen: de gecorrigeerde begindatum')),
    opleidingcode: Type.Optional(Type.String({ pattern: '^[0-9]{5}$', description: 'Crebo' })),
    leertraject: Type.Optional(
      Type.Union([
        Type.Literal('BOL'),
        Type.Literal('BOL_DT'),
        Type.Literal('BBL'),
        Type.Literal('OVO'),
        Type.Literal('EX'),
        Type.Literal('ODT'),
      ]),
    ),
    niveau: Type.Optional(
      Type.Union([
        Type.Literal('MBO-1'),
        Type.Literal('MBO-2'),
        Type.Literal('MBO-3'),
        Type.Literal('MBO-4'),
        Type.Null(),
      ]),
    ),
    indicatieBekostigbaar: Type.Optional(Type.Union([Type.Literal('J'), Type.Literal('N')])),
    onderwijslocatie: Type.Optional(Nullable(Type.String({ pattern: '^[0-9]{3}X[0-9]{3}$' }))),
    onderwijsaanbieder: Type.Optional(Nullable(Type.String({ pattern: '^[0-9]{3}A[0-9]{3}$' }))),
    locatiecodeVsv: Type.Optional(Nullable(Type.String({ pattern: '^[0-9]{12}$' }))),
  },
  { additionalProperties: false },
);

export const ExtraOndersteuningRecordSchema = Type.Object(
  {
    mutatie: Mutatie,
    inschrijvingsvolgnummer: Volgnummer,
    datumBegin: Datum('Sleutel: eerste dag van de extra ondersteuning'),
    nieuweDatumBegin: Type.Optional(Datum('Alleen bij wijzigen: de gecorrigeerde begindatum')),
    datumEinde: Type.Optional(Nullable(Datum('Laatste dag (inclusief)'))),
  },
  { additionalProperties: false },
);

const Resultaatvolgnummer = (description: string) =>
  Type.String({ pattern: '^[A-Za-z0-9]{1,20}$', description });

export const RESULTAAT_SOORTEN = ['DIP', 'AMO', 'GEO', 'KZD'] as const;

/**
 * A resultaat (DOMAIN.md §10a.6): a diploma (DIP) or a sub-result (AMO AMvB-onderdeel/certificaat, GEO generiek
 * examenonderdeel, KZD keuzedeel), attached to a diploma (`resultaatvolgnummerDiploma`) or loose. One flat record
 * with a `soort`; fields that do not belong to the soort are rejected (controle 694).
 */
export const ResultaatRecordSchema = Type.Object(
  {
    mutatie: Mutatie,
    resultaatvolgnummer: Resultaatvolgnummer(
      'Resultaatvolgnummer: sleutel van de instelling, 1–20 letters en cijfers, uniek per persoon per BRIN',
    ),
    soort: Type.Union([Type.Literal('DIP'), Type.Literal('AMO'), Type.Literal('GEO'), Type.Literal('KZD')], {
      description:
        'DIP diploma, AMO AMvB-onderdeel (certificaat), GEO generiek examenonderdeel, KZD keuzedeel; niet te wijzigen',
    }),
    inschrijvingsvolgnummer: Type.Optional(Volgnummer),
    resultaatvolgnummerDiploma: Type.Optional(
      Resultaatvolgnummer('Alleen bij een deelresultaat dat bij een diploma hoort: het diploma'),
    ),
    opleidingcode: Type.Optional(
      Type.String({ pattern: '^[0-9]{5}$', description: 'DIP: behaalde kwalificatie (crebo)' }),
    ),
    datumResultaat: Type.Optional(Datum('DIP en losse deelresultaten: datum behaald (zoals op het diploma)')),
    indicatieBekostigbaar: Type.Optional(
      Type.Union([Type.Literal('J'), Type.Literal('N')], { description: 'DIP: claim op diplomabekostiging' }),
    ),
    code: Type.Optional(
      Type.String({
        pattern: '^[A-Z0-9]{4,5}$',
        description: 'AMO (C0004), GEO (3001) of KZD (K0067): code van het deelresultaat',
      }),
    ),
    uitslag: Type.Optional(
      Type.Union([Type.Literal('Behaald'), Type.Literal('Niet behaald')], { description: 'KZD: resultaat' }),
    ),
    certificaat: Type.Optional(
      Type.Union([Type.Literal('J'), Type.Literal('N')], {
        description: 'Los AMO (altijd J) of los KZD: certificaat uitgereikt',
      }),
    ),
    eindcijfer: Type.Optional(
      Nullable(Type.String({ pattern: '^[0-9]{1,2}$', description: 'GEO: eindcijfer' })),
    ),
    vrijstelling: Type.Optional(
      Nullable(Type.String({ pattern: '^[A-Z]{1,4}$', description: 'GEO: vrijstelling' })),
    ),
    cijferIe: Type.Optional(
      Nullable(Type.String({ pattern: '^[0-9]{2,3}$', description: 'GEO: cijfer instellingsexamen' })),
    ),
    cijferCe: Type.Optional(
      Nullable(Type.String({ pattern: '^[0-9]{2,3}$', description: 'GEO: cijfer centraal examen' })),
    ),
    vrijstellingIe: Type.Optional(
      Nullable(Type.String({ pattern: '^[A-Z]{1,3}$', description: 'GEO: vrijstelling IE' })),
    ),
    vrijstellingCe: Type.Optional(
      Nullable(Type.String({ pattern: '^[A-Z]{1,3}$', description: 'GEO: vrijstelling CE' })),
    ),
  },
  { additionalProperties: false },
);

/** A BPV record (DOMAIN.md §3.4, current layout §10a.5): one praktijkovereenkomst within an inschrijving. */
export const BpvRecordSchema = Type.Object(
  {
    mutatie: Mutatie,
    inschrijvingsvolgnummer: Volgnummer,
    bpvVolgnummer: Type.String({
      pattern: '^[A-Za-z0-9]{1,20}$',
      description:
        'Sleutel van de praktijkovereenkomst (POK) binnen de inschrijving, 1–20 letters en cijfers',
    }),
    afsluitdatum: Type.Optional(Datum('Datum waarop de POK is opgesteld')),
    datumBegin: Type.Optional(Datum('Eerste dag van de BPV')),
    datumEindeGepland: Type.Optional(Datum('Geplande laatste dag van de BPV (inclusief)')),
    datumEindeWerkelijk: Type.Optional(Nullable(Datum('Werkelijke laatste dag van de BPV (inclusief)'))),
    omvang: Type.Optional(
      Type.Union([
        Type.Integer({ minimum: 0, maximum: 9999, description: 'Totaal aantal BPV-uren' }),
        Type.Null(),
      ]),
    ),
    leerbedrijfId: Type.Optional(
      Type.String({
        pattern: '^[1-9][0-9]{8}$',
        description: 'Leerbedrijf-ID van SBB, 9 cijfers (100000000–999999999)',
      }),
    ),
    opleidingcode: Type.Optional(
      Nullable(
        Type.String({
          pattern: '^[0-9]{5}$',
          description: 'Crebo waarvoor de BPV is; leeg = die van de inschrijving',
        }),
      ),
    ),
    codeKeuzedeel: Type.Optional(
      Nullable(
        Type.String({ pattern: '^K[0-9]{4}$', description: 'Keuzedeel waarvoor de BPV is (bv. K0914)' }),
      ),
    ),
  },
  { additionalProperties: false },
);

export const MeldingSchema = Type.Object(
  {
    berichtId: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: '^[A-Za-z0-9._:-]+$',
      description:
        'Uniek kenmerk van het bericht bij de afzender; een herhaalde zending met hetzelfde kenmerk verandert niets',
    }),
    brin: Type.String({ pattern: '^[0-9]{2}[A-Z0-9]{2}$', description: 'Instellingscode (BRIN)' }),
    aanleverpunt: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
    verantwoordelijke: Type.Optional(
      Type.Union([Type.Literal('instelling'), Type.Literal('accountant')], {
        description:
          'Onder wiens verantwoordelijkheid de melding wordt geleverd (standaard instelling). Alleen een accountant ' +
          '(rol accountant:<brin>) mag "accountant" opgeven; zo’n melding mag na de mutatiestop bekostigingsgegevens ' +
          'van gesloten teldata wijzigen',
      }),
    ),
    persoon: PersoonSchema,
    inschrijvingen: Type.Optional(Type.Array(InschrijvingRecordSchema, { maxItems: 50 })),
    periodes: Type.Optional(Type.Array(PeriodeRecordSchema, { maxItems: 200 })),
    extraOndersteuning: Type.Optional(Type.Array(ExtraOndersteuningRecordSchema, { maxItems: 200 })),
    resultaten: Type.Optional(Type.Array(ResultaatRecordSchema, { maxItems: 200 })),
    bpv: Type.Optional(Type.Array(BpvRecordSchema, { maxItems: 200 })),
  },
  { additionalProperties: false, $id: 'Melding' },
);

export type Melding = Static<typeof MeldingSchema>;
export type PersoonInput = Static<typeof PersoonSchema>;
export type InschrijvingRecord = Static<typeof InschrijvingRecordSchema>;
export type PeriodeRecord = Static<typeof PeriodeRecordSchema>;
export type ExtraOndersteuningRecord = Static<typeof ExtraOndersteuningRecordSchema>;
export type ResultaatRecord = Static<typeof ResultaatRecordSchema>;
export type BpvRecord = Static<typeof BpvRecordSchema>;

export const BevindingSchema = Type.Object({
  code: Type.String({ description: 'Stabiele code van de controle' }),
  ernst: Type.Union([Type.Literal('A'), Type.Literal('S')], { description: 'A = afkeurend, S = signaal' }),
  regel: Type.Optional(Type.Integer({ description: 'Nummer van de controle in DOMAIN.md §7' })),
  record: Type.String({ description: 'persoon, inschrijving, periode, extraOndersteuning, bpv of melding' }),
  sleutel: Type.Optional(Type.String()),
  veld: Type.Optional(Type.String({ description: 'JSON pointer naar het veld in de melding' })),
  tekst: Type.String({ description: 'Uitleg in het Nederlands' }),
});
export type Bevinding = Static<typeof BevindingSchema>;

export const MeldingAntwoordSchema = Type.Object({
  meldingId: Type.String(),
  berichtId: Type.String(),
  status: Type.Union([Type.Literal('goedgekeurd'), Type.Literal('goedgekeurd-met-signalen')]),
  ontvangenOp: Type.String({ format: 'date-time' }),
  persoon: Type.Object({
    burgerservicenummer: Type.Optional(Type.String()),
    onderwijsnummer: Type.Optional(Type.String()),
  }),
  verwerkt: Type.Record(Type.String(), Type.Integer(), { description: 'Aantal verwerkte records per soort' }),
  signalen: Type.Array(BevindingSchema),
});
export type MeldingAntwoord = Static<typeof MeldingAntwoordSchema>;
