-- Beroepspraktijkvorming (BPV, DOMAIN.md §3.4 and §10a.5): one praktijkovereenkomst (POK) per
-- (inschrijving, bpv_volgnummer). Bitemporal like inschrijvingen: bpv is the identity, bpv_versie
-- holds the valid-time facts with their recorded time; a change closes the current version.
create table bpv (
  id bigserial primary key,
  inschrijving_id bigint not null references inschrijving (id),
  bpv_volgnummer text not null,
  created_at timestamptz not null default clock_timestamp(),
  unique (inschrijving_id, bpv_volgnummer)
);

create table bpv_versie (
  id bigserial primary key,
  bpv_id bigint not null references bpv (id),
  inschrijving_id bigint not null references inschrijving (id),
  afsluitdatum date not null,
  datum_begin date not null,
  datum_einde_gepland date not null,
  datum_einde_werkelijk date,
  omvang integer check (omvang between 0 and 9999),
  -- SBB leerbedrijf-ID, N9 100000000-999999999
  leerbedrijf_id text not null check (leerbedrijf_id ~ '^[1-9][0-9]{8}$'),
  opleidingcode text,
  code_keuzedeel text,
  -- outcome of the erkenning check at delivery: erkend, niet-erkend, onbekend (SBB unavailable, verified later)
  erkenning text check (erkenning in ('erkend', 'niet-erkend', 'onbekend')),
  verwijderd boolean not null default false,
  mutatie text not null check (mutatie in ('toevoegen', 'wijzigen', 'verwijderen')),
  registered_from timestamptz not null,
  registered_until timestamptz,
  melding_id bigint not null references melding (id),
  check (registered_until is null or registered_until >= registered_from)
);
alter table bpv_versie add constraint bpv_versie_huidig
  exclude using btree (bpv_id with =) where (registered_until is null) deferrable initially deferred;
create index bpv_versie_inschrijving on bpv_versie (inschrijving_id) where registered_until is null;
-- Status erkenning: which current, open BPVs a withdrawn erkenning touches.
create index bpv_versie_leerbedrijf on bpv_versie (leerbedrijf_id) where registered_until is null and not verwijderd;
