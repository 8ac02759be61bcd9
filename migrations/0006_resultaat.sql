-- The register of onderwijsresultaten (OR): diplomas (DIP) and sub-results (AMO AMvB-onderdeel/certificaat,
-- GEO generiek examenonderdeel, KZD keuzedeel), attached to a diploma or loose (DOMAIN.md §10a.6).
-- Bitemporal like the inschrijvingen (0002): `resultaat` is the identity (the institution's resultaatvolgnummer,
-- unique per person per BRIN), `resultaat_versie` the recorded versions; a verwijdering is a version too.

create table resultaat (
  id bigserial primary key,
  persoon_id bigint not null references persoon (id),
  brin text not null references instelling (brin),
  resultaatvolgnummer text not null,
  soort text not null check (soort in ('DIP', 'AMO', 'GEO', 'KZD')),
  created_at timestamptz not null default clock_timestamp(),
  unique (persoon_id, brin, resultaatvolgnummer)
);
create index resultaat_brin on resultaat (brin, id);

create table resultaat_versie (
  id bigserial primary key,
  resultaat_id bigint not null references resultaat (id),
  -- the inschrijving the result belongs to (attached sub-results: their diploma's)
  inschrijving_id bigint not null references inschrijving (id),
  -- attached sub-results: the diploma; null for a diploma and for loose sub-results
  diploma_id bigint references resultaat (id),
  opleidingcode text,
  datum_resultaat date,
  indicatie_bekostigbaar boolean,
  code text,
  uitslag text check (uitslag in ('Behaald', 'Niet behaald')),
  certificaat boolean,
  eindcijfer text,
  vrijstelling text,
  cijfer_ie text,
  cijfer_ce text,
  vrijstelling_ie text,
  vrijstelling_ce text,
  verwijderd boolean not null default false,
  mutatie text not null check (mutatie in ('toevoegen', 'wijzigen', 'verwijderen')),
  registered_from timestamptz not null,
  registered_until timestamptz,
  melding_id bigint not null references melding (id),
  check (registered_until is null or registered_until >= registered_from)
);
alter table resultaat_versie add constraint resultaat_versie_huidig
  exclude using btree (resultaat_id with =) where (registered_until is null) deferrable initially deferred;
create index resultaat_versie_inschrijving on resultaat_versie (inschrijving_id) where registered_until is null;
create index resultaat_versie_diploma on resultaat_versie (diploma_id) where registered_until is null;
