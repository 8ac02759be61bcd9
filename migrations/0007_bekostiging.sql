-- Bekostiging (issue 6, ADR 0008): the funding status is derived from the facts as known at a moment, so the
-- version tables are read by inschrijving for any registered time, not only the current version (whose partial
-- indexes the "one current version" constraints already give).
create index inschrijving_versie_bekend on inschrijving_versie (inschrijving_id, registered_from);
create index inschrijvingsperiode_versie_bekend on inschrijvingsperiode_versie (inschrijving_id, registered_from);
create index bpv_versie_bekend on bpv_versie (inschrijving_id, registered_from);
