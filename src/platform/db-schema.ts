import type { ColumnType, Generated } from 'kysely';

/** Kysely table types, kept by hand beside migrations/*.sql (the source of truth). */

/** A PostgreSQL `date` as `YYYY-MM-DD` text: never a JS Date (see platform/db.ts). */
export type DateString = string;
/** `timestamptz` as text, as PostgreSQL prints it. */
export type Timestamp = ColumnType<string, string | undefined, string>;
/** bigserial ids come back as strings (int8 is never squeezed into a JS number). */
export type Id = ColumnType<string, never, never>;
export type Ref = ColumnType<string, string | number | bigint, string | number | bigint>;

export type InstellingTable = {
  brin: string;
  naam: string;
  roepnaam: string | null;
  soort: string | null;
  plaatsnaam: string | null;
  bekostigd: boolean;
  bron: string;
  geimporteerdOp: Generated<string>;
};

export type AanleverpuntTable = { brin: string; nummer: string };

export type OnderwijslocatieTable = {
  code: string;
  brin: string;
  naam: string;
  postcode: string | null;
  plaats: string | null;
  adres: string | null;
};

export type KwalificatieSoort = 'kwalificatie' | 'kwalificatiedossier' | 'opleidingsdomein' | 'opleiding';

export type KwalificatieTable = {
  crebo: string;
  naam: string;
  soort: KwalificatieSoort;
  niveau: number | null;
  soortOpleiding: string | null;
  leerwegen: string[];
  kwalificatiedossier: string | null;
  opleidingsdomein: string | null;
  prijsfactor: string | null;
  structuur: 'hks2015' | 'kd2012' | 'domein' | 'ceda';
  geldigVanaf: DateString | null;
  geldigTot: DateString | null;
  instroomTot: DateString | null;
  /** Ministry setting professional requirements (e.g. `VWS`), from the qualification files; null = none (0009). */
  beroepsvereisten: string | null;
};

export type OpleidingsaanbodTable = {
  brin: string;
  crebo: string;
  leerweg: string;
  niveau: number | null;
  onderwijslocatie: string;
};

export type MeldingStatus = 'goedgekeurd' | 'goedgekeurd-met-signalen' | 'afgekeurd';

export type MeldingTable = {
  id: Generated<string>;
  brin: string;
  berichtId: string | null;
  soort: string;
  afzender: string;
  ontvangenOp: Generated<string>;
  bodySha256: string;
  inhoudSha256: string;
  body: string;
  verantwoordelijke: Generated<string>;
  status: MeldingStatus | null;
  httpStatus: number | null;
  antwoord: ColumnType<unknown, string | null, string | null> | null;
  verwerktOp: string | null;
  correlationId: string | null;
};

export type PersoonTable = {
  id: Generated<string>;
  bsn: string | null;
  onderwijsnummer: string | null;
  createdAt: Generated<string>;
};

export type IdentificatieStatus =
  | 'geidentificeerd'
  | 'niet-in-brp'
  | 'in-behandeling'
  | 'meerdere-kandidaten'
  | 'onderwijsnummer';

export type PersoonIdentificatieTable = {
  id: Generated<string>;
  persoonId: Ref;
  status: IdentificatieStatus;
  bsn: string | null;
  geslachtsnaam: string | null;
  voorvoegsel: string | null;
  voornamen: string | null;
  adellijkeTitelPredicaat: string | null;
  geboortedatum: string | null;
  geboorteland: string | null;
  geslacht: string | null;
  datumOverlijden: string | null;
  nationaliteiten: string[] | null;
  verblijfstitel: string | null;
  datumIngangVerblijfstitel: string | null;
  datumEindeVerblijfstitel: string | null;
  postcode: string | null;
  huisnummer: number | null;
  woonplaats: string | null;
  landVertrek: string | null;
  datumVertrek: string | null;
  datumVestiging: string | null;
  redenOpschorting: string | null;
  zoekgegevens: ColumnType<unknown, string | null, string | null> | null;
  kenmerk: string | null;
  bron: 'melding' | 'job' | 'mutatie' | 'beheer';
  meldingId: Ref | null;
  registeredFrom: string;
  registeredUntil: string | null;
};

export type PersoonMutatieTable = {
  id: Generated<string>;
  brin: string;
  persoonId: Ref;
  soort: string;
  identificatieId: Ref;
  createdAt: Generated<string>;
};

export type PersoonDubbelTable = {
  id: Generated<string>;
  persoonA: Ref;
  persoonB: Ref;
  reden: string;
  createdAt: Generated<string>;
};

export type PersoonKoppelingTable = {
  id: Generated<string>;
  dubbelId: Ref;
  persoonId: Ref;
  gekoppeldAan: Ref;
  door: string;
  registeredFrom: Generated<string>;
  registeredUntil: string | null;
  ontkoppeldDoor: string | null;
};

export type PersoonGegevensTable = {
  id: Generated<string>;
  persoonId: Ref;
  brin: string;
  geboortedatum: DateString;
  geslacht: 'M' | 'V' | 'O';
  postcode: string | null;
  land: string | null;
  achternaam: string | null;
  voorvoegsel: string | null;
  voornamen: string | null;
  leerlingnummer: string | null;
  registeredFrom: string;
  registeredUntil: string | null;
  meldingId: Ref;
};

export type Mutatie = 'toevoegen' | 'wijzigen' | 'verwijderen';

export type InschrijvingTable = {
  id: Generated<string>;
  persoonId: Ref;
  brin: string;
  inschrijvingsvolgnummer: string;
  createdAt: Generated<string>;
};

export type InschrijvingVersieTable = {
  id: Generated<string>;
  inschrijvingId: Ref;
  datumInschrijving: DateString;
  datumUitschrijvingGepland: DateString;
  datumUitschrijvingWerkelijk: DateString | null;
  redenUitschrijving: string | null;
  verwijderd: boolean;
  mutatie: Mutatie;
  registeredFrom: string;
  registeredUntil: string | null;
  meldingId: Ref;
};

export type InschrijvingsperiodeTable = {
  id: Generated<string>;
  inschrijvingId: Ref;
  createdAt: Generated<string>;
};

export type InschrijvingsperiodeVersieTable = {
  id: Generated<string>;
  periodeId: Ref;
  inschrijvingId: Ref;
  datumBegin: DateString;
  opleidingcode: string;
  leertraject: string;
  niveau: string | null;
  indicatieBekostigbaar: boolean;
  onderwijslocatie: string | null;
  onderwijsaanbieder: string | null;
  locatiecodeVsv: string | null;
  verwijderd: boolean;
  mutatie: Mutatie;
  registeredFrom: string;
  registeredUntil: string | null;
  meldingId: Ref;
};

export type ExtraOndersteuningTable = {
  id: Generated<string>;
  inschrijvingId: Ref;
  createdAt: Generated<string>;
};

export type ExtraOndersteuningVersieTable = {
  id: Generated<string>;
  ondersteuningId: Ref;
  inschrijvingId: Ref;
  datumBegin: DateString;
  datumEinde: DateString | null;
  verwijderd: boolean;
  mutatie: Mutatie;
  registeredFrom: string;
  registeredUntil: string | null;
  meldingId: Ref;
};

export type ResultaatTable = {
  id: Generated<string>;
  persoonId: Ref;
  brin: string;
  resultaatvolgnummer: string;
  soort: 'DIP' | 'AMO' | 'GEO' | 'KZD';
  createdAt: Generated<string>;
};

export type ResultaatVersieTable = {
  id: Generated<string>;
  resultaatId: Ref;
  inschrijvingId: Ref;
  diplomaId: Ref | null;
  opleidingcode: string | null;
  datumResultaat: DateString | null;
  indicatieBekostigbaar: boolean | null;
  code: string | null;
  uitslag: 'Behaald' | 'Niet behaald' | null;
  certificaat: boolean | null;
  eindcijfer: string | null;
  vrijstelling: string | null;
  cijferIe: string | null;
  cijferCe: string | null;
  vrijstellingIe: string | null;
  vrijstellingCe: string | null;
  verwijderd: boolean;
  mutatie: Mutatie;
  registeredFrom: string;
  registeredUntil: string | null;
  meldingId: Ref;
};

export type BpvTable = {
  id: Generated<string>;
  inschrijvingId: Ref;
  bpvVolgnummer: string;
  createdAt: Generated<string>;
};

export type BpvErkenning = 'erkend' | 'niet-erkend' | 'onbekend';

export type BpvVersieTable = {
  id: Generated<string>;
  bpvId: Ref;
  inschrijvingId: Ref;
  afsluitdatum: DateString;
  datumBegin: DateString;
  datumEindeGepland: DateString;
  datumEindeWerkelijk: DateString | null;
  omvang: number | null;
  leerbedrijfId: string;
  opleidingcode: string | null;
  codeKeuzedeel: string | null;
  erkenning: BpvErkenning | null;
  verwijderd: boolean;
  mutatie: Mutatie;
  registeredFrom: string;
  registeredUntil: string | null;
  meldingId: Ref;
};

export type SignaalTable = {
  id: Generated<string>;
  brin: string;
  meldingId: Ref | null;
  persoonId: Ref | null;
  code: string;
  ernst: 'A' | 'S';
  regel: number | null;
  recordSoort: string | null;
  recordSleutel: string | null;
  veld: string | null;
  tekst: string;
  createdAt: Generated<string>;
};

export type OutboxEventTable = {
  id: Generated<string>;
  type: string;
  source: string;
  subject: string | null;
  data: ColumnType<unknown, string, string>;
  createdAt: Generated<string>;
  processedAt: string | null;
};

export type AuditLogTable = {
  id: Generated<string>;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  correlationId: string | null;
  details: ColumnType<unknown, string | null, string | null> | null;
  createdAt: Generated<string>;
};

export type BekostigingsstatusTable = {
  id: Generated<string>;
  inschrijvingId: Ref;
  teldatum: DateString;
  persoonId: Ref;
  brin: string;
  regelsVersie: string;
  bekostigbaar: boolean;
  bijdrage: number | null;
  opleidingcode: string | null;
  leertraject: string | null;
  signalen: string[];
  kenmerk: string;
  berekendOp: string;
  registeredFrom: string;
  registeredUntil: string | null;
};

export type DiplomastatusTable = {
  id: Generated<string>;
  resultaatId: Ref;
  persoonId: Ref;
  brin: string;
  jaar: number;
  regelsVersie: string;
  bekostigbaar: boolean;
  waarde: number | null;
  signalen: string[];
  kenmerk: string;
  berekendOp: string;
  registeredFrom: string;
  registeredUntil: string | null;
};

export type BekostigingHerberekeningTable = {
  id: Generated<string>;
  sleutel: string;
  regelsVersie: string;
  teldata: string[];
  aanleiding: string;
  personenTotaal: number | null;
  personenKlaar: Generated<number>;
  statussen: Generated<number>;
  gewijzigd: Generated<number>;
  laatstePersoonId: Ref | null;
  gestart: Generated<string>;
  klaar: string | null;
};

export type JobStatus = 'wachtend' | 'bezig' | 'klaar' | 'mislukt';

export type JobTable = {
  id: Generated<string>;
  soort: string;
  sleutel: string | null;
  data: ColumnType<unknown, string | undefined, string>;
  status: ColumnType<JobStatus, JobStatus | undefined, JobStatus>;
  pogingen: Generated<number>;
  maxPogingen: Generated<number>;
  volgendePoging: Generated<string>;
  lockedUntil: string | null;
  laatsteFout: string | null;
  createdAt: Generated<string>;
  updatedAt: Generated<string>;
};

export type DB = {
  job: JobTable;
  instelling: InstellingTable;
  aanleverpunt: AanleverpuntTable;
  onderwijslocatie: OnderwijslocatieTable;
  kwalificatie: KwalificatieTable;
  opleidingsaanbod: OpleidingsaanbodTable;
  melding: MeldingTable;
  persoon: PersoonTable;
  persoonGegevens: PersoonGegevensTable;
  persoonIdentificatie: PersoonIdentificatieTable;
  persoonMutatie: PersoonMutatieTable;
  persoonDubbel: PersoonDubbelTable;
  persoonKoppeling: PersoonKoppelingTable;
  inschrijving: InschrijvingTable;
  inschrijvingVersie: InschrijvingVersieTable;
  inschrijvingsperiode: InschrijvingsperiodeTable;
  inschrijvingsperiodeVersie: InschrijvingsperiodeVersieTable;
  extraOndersteuning: ExtraOndersteuningTable;
  extraOndersteuningVersie: ExtraOndersteuningVersieTable;
  resultaat: ResultaatTable;
  resultaatVersie: ResultaatVersieTable;
  bpv: BpvTable;
  bpvVersie: BpvVersieTable;
  signaal: SignaalTable;
  outboxEvent: OutboxEventTable;
  auditLog: AuditLogTable;
  bekostigingsstatus: BekostigingsstatusTable;
  diplomastatus: DiplomastatusTable;
  bekostigingHerberekening: BekostigingHerberekeningTable;
};
