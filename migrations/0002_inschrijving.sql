-- The register of onderwijsdeelname (OD): personen, inschrijvingen and their periodes.
-- Bitemporal: every *_versie row carries the valid-time facts (the domain dates) and its recorded
-- time [registered_from, registered_until). A change closes the current version and inserts the
-- next; nothing is updated in place except closing registered_until, nothing is deleted.

-- Archive of deliveries (archivering leveringen): every melding verbatim, before processing.
create table melding (
  id bigserial primary key,
  brin text not null,
  bericht_id text,
  soort text not null,
  afzender text not null,
  ontvangen_op timestamptz not null default clock_timestamp(),
  body_sha256 text not null,
  -- hash of the canonical content (sorted keys, NFC strings): what idempotency compares
  inhoud_sha256 text not null,
  body text not null,
  verantwoordelijke text not null default 'instelling',
  status text check (status in ('goedgekeurd', 'goedgekeurd-met-signalen', 'afgekeurd')),
  http_status integer,
  -- json, not jsonb: a replay answers byte for byte what was answered first
  antwoord json,
  verwerkt_op timestamptz,
  correlation_id text
);
create unique index melding_idempotentie on melding (brin, bericht_id) where bericht_id is not null;
create index melding_brin_id on melding (brin, id desc);

create table persoon (
  id bigserial primary key,
  bsn text unique check (bsn ~ '^[0-9]{9}$'),
  onderwijsnummer text unique check (onderwijsnummer ~ '^10[0-9]{7}$'),
  created_at timestamptz not null default clock_timestamp(),
  check (bsn is not null or onderwijsnummer is not null)
);

-- Person data as delivered by an institution (the BRP's data comes with identification).
create table persoon_gegevens (
  id bigserial primary key,
  persoon_id bigint not null references persoon (id),
  brin text not null,
  geboortedatum date not null,
  geslacht text not null check (geslacht in ('M', 'V', 'O')),
  postcode text,
  land text,
  achternaam text,
  voorvoegsel text,
  voornamen text,
  leerlingnummer text,
  registered_from timestamptz not null,
  registered_until timestamptz,
  melding_id bigint not null references melding (id)
);
-- "one current version" rules are deferred exclusion constraints: a melding closes a version and inserts the
-- next in one statement, and the rule is checked at commit.
alter table persoon_gegevens add constraint persoon_gegevens_huidig
  exclude using btree (persoon_id with =, brin with =) where (registered_until is null) deferrable initially deferred;

create table inschrijving (
  id bigserial primary key,
  persoon_id bigint not null references persoon (id),
  brin text not null references instelling (brin),
  inschrijvingsvolgnummer text not null,
  created_at timestamptz not null default clock_timestamp(),
  unique (persoon_id, brin, inschrijvingsvolgnummer)
);
create index inschrijving_brin on inschrijving (brin);

create table inschrijving_versie (
  id bigserial primary key,
  inschrijving_id bigint not null references inschrijving (id),
  datum_inschrijving date not null,
  datum_uitschrijving_gepland date not null,
  datum_uitschrijving_werkelijk date,
  reden_uitschrijving text,
  verwijderd boolean not null default false,
  mutatie text not null check (mutatie in ('toevoegen', 'wijzigen', 'verwijderen')),
  registered_from timestamptz not null,
  registered_until timestamptz,
  melding_id bigint not null references melding (id),
  check (registered_until is null or registered_until >= registered_from)
);
alter table inschrijving_versie add constraint inschrijving_versie_huidig
  exclude using btree (inschrijving_id with =) where (registered_until is null) deferrable initially deferred;

-- Inschrijvingsperiode (ISP): from datum_begin until the next periode of the same inschrijving.
create table inschrijvingsperiode (
  id bigserial primary key,
  inschrijving_id bigint not null references inschrijving (id),
  created_at timestamptz not null default clock_timestamp()
);
create index inschrijvingsperiode_inschrijving on inschrijvingsperiode (inschrijving_id);

create table inschrijvingsperiode_versie (
  id bigserial primary key,
  periode_id bigint not null references inschrijvingsperiode (id),
  inschrijving_id bigint not null references inschrijving (id),
  datum_begin date not null,
  opleidingcode text not null,
  leertraject text not null,
  niveau text,
  indicatie_bekostigbaar boolean not null,
  onderwijslocatie text,
  onderwijsaanbieder text,
  locatiecode_vsv text,
  verwijderd boolean not null default false,
  mutatie text not null check (mutatie in ('toevoegen', 'wijzigen', 'verwijderen')),
  registered_from timestamptz not null,
  registered_until timestamptz,
  melding_id bigint not null references melding (id)
);
alter table inschrijvingsperiode_versie add constraint inschrijvingsperiode_versie_huidig
  exclude using btree (periode_id with =) where (registered_until is null) deferrable initially deferred;
alter table inschrijvingsperiode_versie add constraint inschrijvingsperiode_begin_uniek
  exclude using btree (inschrijving_id with =, datum_begin with =) where (registered_until is null and not verwijderd)
  deferrable initially deferred;

-- Periodes indicatie extra ondersteuning (ISE), inclusive dates.
create table extra_ondersteuning (
  id bigserial primary key,
  inschrijving_id bigint not null references inschrijving (id),
  created_at timestamptz not null default clock_timestamp()
);
create index extra_ondersteuning_inschrijving on extra_ondersteuning (inschrijving_id);

create table extra_ondersteuning_versie (
  id bigserial primary key,
  ondersteuning_id bigint not null references extra_ondersteuning (id),
  inschrijving_id bigint not null references inschrijving (id),
  datum_begin date not null,
  datum_einde date,
  verwijderd boolean not null default false,
  mutatie text not null check (mutatie in ('toevoegen', 'wijzigen', 'verwijderen')),
  registered_from timestamptz not null,
  registered_until timestamptz,
  melding_id bigint not null references melding (id)
);
alter table extra_ondersteuning_versie add constraint extra_ondersteuning_versie_huidig
  exclude using btree (ondersteuning_id with =) where (registered_until is null) deferrable initially deferred;
alter table extra_ondersteuning_versie add constraint extra_ondersteuning_begin_uniek
  exclude using btree (inschrijving_id with =, datum_begin with =) where (registered_until is null and not verwijderd)
  deferrable initially deferred;

-- Terugkoppeling: every finding on a delivery (ernst A afkeurend, S signaal), newest first.
create table signaal (
  id bigserial primary key,
  brin text not null,
  melding_id bigint references melding (id),
  persoon_id bigint references persoon (id),
  code text not null,
  ernst text not null check (ernst in ('A', 'S')),
  regel smallint,
  record_soort text,
  record_sleutel text,
  veld text,
  tekst text not null,
  created_at timestamptz not null default clock_timestamp()
);
create index signaal_brin_id on signaal (brin, id desc);

-- Transactional outbox: events others must hear about (bekostiging, afnemers), written in the
-- same transaction as the change. CloudEvents-shaped.
create table outbox_event (
  id bigserial primary key,
  type text not null,
  source text not null,
  subject text,
  data jsonb not null,
  created_at timestamptz not null default clock_timestamp(),
  processed_at timestamptz
);
create index outbox_event_unprocessed on outbox_event (id) where processed_at is null;

-- Who did what (audit), apart from the processing log of personal data.
create table audit_log (
  id bigserial primary key,
  actor text not null,
  action text not null,
  subject_type text not null,
  subject_id text,
  correlation_id text,
  details jsonb,
  created_at timestamptz not null default clock_timestamp()
);
