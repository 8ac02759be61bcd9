-- Bekostiging "as known at" reads (ADR 0008, 0009) of person facts and diplomas for any registered time: the
-- "one current version" constraints index only the current versions.
create index persoon_identificatie_bekend on persoon_identificatie (persoon_id, registered_from);
create index persoon_gegevens_bekend on persoon_gegevens (persoon_id, registered_from);
create index resultaat_versie_bekend on resultaat_versie (resultaat_id, registered_from);
