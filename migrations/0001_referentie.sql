-- Reference data: instellingen, aanleverpunten, onderwijslocaties, kwalificaties (CREBO), opleidingsaanbod.
-- Reference data is replaced by the import command as a whole; it is not a register fact.

create table instelling (
  brin text primary key check (brin ~ '^[0-9]{2}[A-Z0-9]{2}$'),
  naam text not null,
  roepnaam text,
  soort text,
  plaatsnaam text,
  bekostigd boolean not null,
  bron text not null,
  geimporteerd_op timestamptz not null default now()
);

create table aanleverpunt (
  brin text not null references instelling (brin),
  nummer text not null check (nummer ~ '^[0-9]{2}$'),
  primary key (brin, nummer)
);

-- RIO-style onderwijslocatie codes (nnnXnnn). Real RIO codes are not in the public data set; the
-- importer derives stable codes from the offering addresses (see docs/adr/0004).
create table onderwijslocatie (
  code text primary key check (code ~ '^[0-9]{3}X[0-9]{3}$'),
  brin text not null references instelling (brin),
  naam text not null,
  postcode text,
  plaats text,
  adres text
);
create index onderwijslocatie_brin on onderwijslocatie (brin);

-- soort: kwalificatie | kwalificatiedossier | opleidingsdomein | opleiding (code+name only)
create table kwalificatie (
  crebo text primary key check (crebo ~ '^[0-9]{5}$'),
  naam text not null,
  soort text not null check (soort in ('kwalificatie', 'kwalificatiedossier', 'opleidingsdomein', 'opleiding')),
  niveau smallint check (niveau between 1 and 4),
  soort_opleiding text,
  leerwegen text[] not null default '{}',
  kwalificatiedossier text,
  opleidingsdomein text,
  prijsfactor numeric(4, 2),
  structuur text not null check (structuur in ('hks2015', 'kd2012', 'domein', 'ceda')),
  geldig_vanaf date,
  geldig_tot date,
  -- last date a new first-year enrolment may start on this code (old structures), inclusive
  instroom_tot date
);

create table opleidingsaanbod (
  brin text not null references instelling (brin),
  crebo text not null,
  leerweg text not null,
  niveau smallint,
  onderwijslocatie text not null references onderwijslocatie (code),
  primary key (brin, crebo, leerweg, onderwijslocatie)
);
