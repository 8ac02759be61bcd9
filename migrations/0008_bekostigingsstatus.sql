-- Stored funding statuses (issue 6, ADR 0009). The rules derive a status from the facts as known at a moment;
-- this table records what the register *said*, under the rules of that moment, so "what did the register say on
-- 15 October about 1 October" is answered even after the rules changed, and a change can be signalled.
-- Bitemporal like the facts: valid time is the teldatum the status is about; registered time is
-- registered_from/until. `berekend_op` is the moment of the facts the status was derived from: a writer only
-- replaces a status derived from older facts (two recomputations racing never leave the stale one current).
create table bekostigingsstatus (
  id bigserial primary key,
  inschrijving_id bigint not null references inschrijving (id),
  teldatum date not null,
  persoon_id bigint not null references persoon (id),
  brin text not null,
  regels_versie text not null,
  bekostigbaar boolean not null,
  -- deelnemerswaarde: bbl/bol factor × prijsfactor (× verblijfsjaarfactor before 2018); null when unknown
  bijdrage double precision,
  opleidingcode text,
  leertraject text,
  signalen text[] not null,
  -- a digest of everything above that matters to the institution; equal digests are the same status
  kenmerk text not null,
  berekend_op timestamptz not null,
  registered_from timestamptz not null,
  registered_until timestamptz,
  check (registered_until is null or registered_until >= registered_from)
);
create unique index bekostigingsstatus_huidig on bekostigingsstatus (inschrijving_id, teldatum)
  where registered_until is null;
create index bekostigingsstatus_bekend on bekostigingsstatus (inschrijving_id, teldatum, registered_from);
create index bekostigingsstatus_brin on bekostigingsstatus (brin, teldatum) where registered_until is null;
create index bekostigingsstatus_persoon on bekostigingsstatus (persoon_id) where registered_until is null;

-- The same for diplomas (resultaat soort DIP): valid time is the calendar year it was obtained.
create table diplomastatus (
  id bigserial primary key,
  resultaat_id bigint not null references resultaat (id),
  persoon_id bigint not null references persoon (id),
  brin text not null,
  jaar integer not null,
  regels_versie text not null,
  bekostigbaar boolean not null,
  -- diploma value before the 0.2 weight (DiW − DiE (+ DS)); null when unknown
  waarde double precision,
  signalen text[] not null,
  kenmerk text not null,
  berekend_op timestamptz not null,
  registered_from timestamptz not null,
  registered_until timestamptz,
  check (registered_until is null or registered_until >= registered_from)
);
create unique index diplomastatus_huidig on diplomastatus (resultaat_id) where registered_until is null;
create index diplomastatus_bekend on diplomastatus (resultaat_id, registered_from);
create index diplomastatus_brin on diplomastatus (brin, jaar) where registered_until is null;
create index diplomastatus_persoon on diplomastatus (persoon_id) where registered_until is null;

-- Full recomputations (a new rules version, a new teldatum coming into view): progress and outcome.
create table bekostiging_herberekening (
  id bigserial primary key,
  sleutel text not null unique,
  regels_versie text not null,
  teldata date[] not null,
  aanleiding text not null,
  personen_totaal integer,
  personen_klaar integer not null default 0,
  statussen integer not null default 0,
  gewijzigd integer not null default 0,
  -- resume point: every person up to and including this one is done
  laatste_persoon_id bigint,
  gestart timestamptz not null default clock_timestamp(),
  klaar timestamptz
);
