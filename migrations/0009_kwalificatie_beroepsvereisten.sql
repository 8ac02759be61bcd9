-- Beroepsvereisten per kwalificatie (issue 6): the ministry that sets professional requirements for the
-- qualification, as the qualification regulations list it (`VWS`, `SZW`, `EZ`, `I&M`, `V&J`, `Financiën`); null
-- when none. The funding rules read `VWS` as a VWS-regulated qualification: for BBL its BPV may start until
-- 1 June of the next year (Uitvoeringsbesluit WEB art. 2.2.3; the mapping is an inference, docs/adr/0008).
alter table kwalificatie add column beroepsvereisten text;

comment on column kwalificatie.beroepsvereisten is
  'Ministry setting professional requirements (beroepsvereisten) per the qualification regulation, e.g. VWS; null = none. Dossiers carry a value only when all their kwalificaties in the file agree.';
