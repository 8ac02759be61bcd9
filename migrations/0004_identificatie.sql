-- Identificatie persoon (BRP): the identification state of a person and the person data the BRP holds,
-- bitemporal like every register fact (a change closes the current version and inserts the next).

-- A person may exist before it has a number: BRP did not answer, or several BRP candidates wait for DUO staff.
alter table persoon drop constraint persoon_check;

-- Onderwijsnummers are issued from a sequence: unique and never reused (the check digit is added in code;
-- a sequence value without a valid check digit is skipped). Starts well away from DUO's test numbers.
create sequence onderwijsnummer_seq start with 500000 maxvalue 999999 no cycle;

create table persoon_identificatie (
  id bigserial primary key,
  persoon_id bigint not null references persoon (id),
  -- geidentificeerd: BRP data held; niet-in-brp: BSN unknown to BRP; in-behandeling: BRP did not answer, a job
  -- retries; meerdere-kandidaten: waits for DUO staff; onderwijsnummer: no BRP match, onderwijsnummer issued
  status text not null check (status in ('geidentificeerd', 'niet-in-brp', 'in-behandeling', 'meerdere-kandidaten', 'onderwijsnummer')),
  bsn text,
  -- BRP person data exactly as the BRP returned it (names never re-cased; dates keep 00 parts)
  geslachtsnaam text,
  voorvoegsel text,
  voornamen text,
  adellijke_titel_predicaat text,
  geboortedatum text check (geboortedatum ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  geboorteland text,
  geslacht text,
  datum_overlijden text,
  nationaliteiten text[],
  verblijfstitel text,
  datum_ingang_verblijfstitel text,
  datum_einde_verblijfstitel text,
  postcode text,
  huisnummer integer,
  woonplaats text,
  land_vertrek text,
  datum_vertrek text,
  datum_vestiging text,
  reden_opschorting text,
  -- what the register searched with when identifying without a number (for retries and DUO staff)
  zoekgegevens jsonb,
  -- sha256 of status + BRP data: a look-up that finds nothing new writes no new version
  kenmerk text,
  bron text not null check (bron in ('melding', 'job', 'mutatie', 'beheer')),
  melding_id bigint references melding (id),
  registered_from timestamptz not null,
  registered_until timestamptz
);
alter table persoon_identificatie add constraint persoon_identificatie_huidig
  exclude using btree (persoon_id with =) where (registered_until is null) deferrable initially deferred;
create index persoon_identificatie_status on persoon_identificatie (status) where registered_until is null;

-- Spontane mutaties → leveren persoonsgegevens: one row per institution with an active inschrijving for the
-- person a BRP mutation changed; the institution reads them as a cursor-paged feed (ascending id).
create table persoon_mutatie (
  id bigserial primary key,
  brin text not null,
  persoon_id bigint not null references persoon (id),
  soort text not null,
  identificatie_id bigint not null references persoon_identificatie (id),
  created_at timestamptz not null default clock_timestamp()
);
create index persoon_mutatie_brin_id on persoon_mutatie (brin, id);

-- Dubbele personen: likely the same person under a BSN and an onderwijsnummer, or under two onderwijsnummers.
-- A case for DUO staff; linking is a koppeling version (registered_from), unlinking closes it: reversible, kept.
create table persoon_dubbel (
  id bigserial primary key,
  persoon_a bigint not null references persoon (id),
  persoon_b bigint not null references persoon (id),
  reden text not null,
  created_at timestamptz not null default clock_timestamp(),
  check (persoon_a < persoon_b),
  unique (persoon_a, persoon_b)
);

create table persoon_koppeling (
  id bigserial primary key,
  dubbel_id bigint not null references persoon_dubbel (id),
  -- the person whose data is now reached through the other one
  persoon_id bigint not null references persoon (id),
  gekoppeld_aan bigint not null references persoon (id),
  door text not null,
  registered_from timestamptz not null default clock_timestamp(),
  registered_until timestamptz,
  ontkoppeld_door text
);
alter table persoon_koppeling add constraint persoon_koppeling_huidig
  exclude using btree (persoon_id with =) where (registered_until is null) deferrable initially deferred;
