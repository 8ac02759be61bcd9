/**
 * The catalogue of bekostiging signals: why a status is what it is, coded the way DUO's TBG-i file
 * codes them (DOMAIN.md §10a.7: code AN1..3, omschrijving AN1..255, parameters {naam, waarde}).
 *
 * DUO publishes no list of its funding signal codes (DOMAIN.md §11), so these codes are our own:
 * `B..` for an inschrijving on a teldatum, `D..` for a diploma. Codes are stable: never renumber or
 * reuse one; add new ones at the end. `B00`/`D00` state that something counts and carry its factors;
 * every other code names a reason it does not count, or (ernst 'info') a fact worth knowing.
 * The omschrijving is user-facing text and therefore Dutch.
 */

export type BekostigingSignaalDefinitie = Readonly<{
  code: string;
  /** 'telt': the item counts; 'telt-niet': a reason it does not; 'info': neither, but explains a factor. */
  gevolg: 'telt' | 'telt-niet' | 'info';
  omschrijving: string;
  /** The article the rule behind the signal implements (DOMAIN.md §8 cites them). */
  artikel: string;
}>;

export const BEKOSTIGING_SIGNALEN = {
  bekostigbaar: {
    code: 'B00',
    gevolg: 'telt',
    omschrijving: 'De inschrijving telt op de teldatum mee voor de bekostiging.',
    artikel: 'Uitvoeringsbesluit WEB art. 2.2.3',
  },
  nietIngeschreven: {
    code: 'B01',
    gevolg: 'telt-niet',
    omschrijving:
      'De inschrijving is op de teldatum niet geldig: de teldatum ligt buiten de inschrijvingsduur.',
    artikel: 'Uitvoeringsbesluit WEB art. 2.2.3 lid 1 ("op 1 oktober ... ingeschreven")',
  },
  inschrijvingVerwijderd: {
    code: 'B02',
    gevolg: 'telt-niet',
    omschrijving: 'De inschrijving is verwijderd.',
    artikel: 'Uitvoeringsbesluit WEB art. 2.2.3 lid 1',
  },
  geenPeriode: {
    code: 'B03',
    gevolg: 'telt-niet',
    omschrijving: 'Er is geen inschrijvingsperiode die op de teldatum geldt.',
    artikel: 'Regeling BVE 2009 toelichting (indicatie bekostiging per periode)',
  },
  indicatieNietBekostigbaar: {
    code: 'B04',
    gevolg: 'telt-niet',
    omschrijving:
      'De instelling heeft voor de periode die op de teldatum geldt geen bekostiging geclaimd (indicatie N).',
    artikel: 'Regeling BVE 2009 toelichting (indicatie bekostiging inschrijving)',
  },
  instellingNietBekostigd: {
    code: 'B05',
    gevolg: 'telt-niet',
    omschrijving: 'De instelling wordt niet door het Rijk bekostigd (alleen diplomaerkenning).',
    artikel: 'WEB art. 1.4.1',
  },
  leertrajectNietBekostigd: {
    code: 'B06',
    gevolg: 'telt-niet',
    omschrijving: 'Het leertraject telt niet voor de deelnemerswaarde (examendeelnemer of overig onderwijs).',
    artikel: 'Uitvoeringsbesluit WEB art. 2.2.3 lid 1 ("daadwerkelijk die opleiding volgt")',
  },
  bblGeenPraktijkovereenkomst: {
    code: 'B07',
    gevolg: 'telt-niet',
    omschrijving: 'BBL: er is geen praktijkovereenkomst afgesloten op of voor de uiterste datum.',
    artikel: 'Uitvoeringsbesluit WEB art. 2.2.3 lid 1 onder a; WEB art. 7.2.8',
  },
  bblGeenBpv: {
    code: 'B08',
    gevolg: 'telt-niet',
    omschrijving:
      'BBL: de deelnemer volgt de beroepspraktijkvorming niet daadwerkelijk op grond van een tijdig afgesloten praktijkovereenkomst.',
    artikel: 'Uitvoeringsbesluit WEB art. 2.2.3 lid 1 onder b',
  },
  nietInBrpBuitenGebied: {
    code: 'B09',
    gevolg: 'telt-niet',
    omschrijving:
      'De deelnemer staat niet in de BRP en woont niet in Nederland, België, Noordrijn-Westfalen, Nedersaksen of Bremen.',
    artikel: 'WEB art. 2.2.2',
  },
  nietInBrpWoonplaatsOnbekend: {
    code: 'B10',
    gevolg: 'telt-niet',
    omschrijving:
      'De deelnemer staat niet in de BRP en het woonland (bij Duitsland: de deelstaat) is onbekend.',
    artikel: 'WEB art. 2.2.2',
  },
  dubbeleInschrijving: {
    code: 'B11',
    gevolg: 'telt-niet',
    omschrijving:
      'De deelnemer heeft op de teldatum meer inschrijvingen; alleen één ervan telt, en dat is een andere.',
    artikel: 'WEB art. 2.2.2 lid 3',
  },
  kwalificatieOnbekend: {
    code: 'B12',
    gevolg: 'telt-niet',
    omschrijving: 'De opleidingscode van de periode komt niet voor in de referentiegegevens.',
    artikel: 'Uitvoeringsbesluit WEB art. 2.2.3 lid 4 (prijsfactor per opleiding)',
  },
  prijsfactorOnbekend: {
    code: 'B13',
    gevolg: 'info',
    omschrijving: 'De prijsfactor van de opleiding is niet bekend; de bijdrage kan nog niet worden berekend.',
    artikel: 'Uitvoeringsbesluit WEB art. 2.2.3 lid 4',
  },
  verblijfsjaarOnbekend: {
    code: 'B14',
    gevolg: 'info',
    omschrijving:
      'Het verblijfsjaar is niet bekend; voor een teldatum vóór 1 oktober 2018 kan de bijdrage nog niet worden berekend.',
    artikel: 'Uitvoeringsbesluit WEB art. 2.2.3 (tekst tot teldatum 1-10-2018)',
  },
  verblijfsjaarfactorNul: {
    code: 'B15',
    gevolg: 'telt-niet',
    omschrijving: 'Het maximum aantal bekostigde verblijfsjaren is bereikt (verblijfsjaarfactor 0).',
    artikel: 'Uitvoeringsbesluit WEB art. 2.2.3 (tekst tot teldatum 1-10-2018)',
  },
  bpvGegevensOntbreken: {
    code: 'B16',
    gevolg: 'telt-niet',
    omschrijving: 'BBL: de BPV-gegevens van de inschrijving zijn niet beschikbaar; de status is voorlopig.',
    artikel: 'Uitvoeringsbesluit WEB art. 2.2.3 lid 1 onder a en b',
  },
  bblBpvTijdig: {
    code: 'B17',
    gevolg: 'info',
    omschrijving:
      'BBL: een tijdig afgesloten praktijkovereenkomst met gevolgde beroepspraktijkvorming is gevonden.',
    artikel: 'Uitvoeringsbesluit WEB art. 2.2.3 lid 1 onder a en b',
  },
  nietInBrpBinnenGebied: {
    code: 'B18',
    gevolg: 'info',
    omschrijving: 'De deelnemer staat niet in de BRP, maar woont in het toegestane gebied.',
    artikel: 'WEB art. 2.2.2',
  },

  diplomaBekostigbaar: {
    code: 'D00',
    gevolg: 'telt',
    omschrijving: 'Het diploma telt mee voor de bekostiging.',
    artikel: 'Uitvoeringsbesluit WEB art. 2.2.4',
  },
  diplomaEntree: {
    code: 'D01',
    gevolg: 'telt-niet',
    omschrijving: 'Een entreediploma telt niet mee voor de bekostiging.',
    artikel: 'WEB art. 2.2.2',
  },
  diplomaIndicatieNietBekostigbaar: {
    code: 'D02',
    gevolg: 'telt-niet',
    omschrijving: 'De instelling heeft voor het diploma geen bekostiging geclaimd (indicatie N).',
    artikel: 'Regeling BVE 2009 (indicatie bekostiging diploma)',
  },
  diplomaInstellingNietBekostigd: {
    code: 'D03',
    gevolg: 'telt-niet',
    omschrijving: 'De instelling wordt niet door het Rijk bekostigd (alleen diplomaerkenning).',
    artikel: 'WEB art. 1.4.1',
  },
  diplomaNietHoger: {
    code: 'D04',
    gevolg: 'telt-niet',
    omschrijving: 'De deelnemer had al een even hoog of hoger diploma; dit diploma voegt niets toe.',
    artikel: 'Uitvoeringsbesluit WEB art. 2.2.4 (DiE: hoogste eerdere diploma)',
  },
  diplomaZelfdeKalenderjaar: {
    code: 'D05',
    gevolg: 'telt-niet',
    omschrijving:
      'De deelnemer behaalde eerder in hetzelfde kalenderjaar een even hoog of hoger diploma; alleen het eerste telt.',
    artikel: 'WEB art. 2.2.2',
  },
  diplomaExamendeelnemerZonderRecht: {
    code: 'D06',
    gevolg: 'telt-niet',
    omschrijving:
      'Examendeelnemer: het diploma is niet behaald binnen 2 kalenderjaren na het einde zonder diploma van een bekostigde inschrijving.',
    artikel: 'WEB art. 2.2.2',
  },
  diplomaNiveauOnbekend: {
    code: 'D07',
    gevolg: 'telt-niet',
    omschrijving: 'Het niveau van de behaalde kwalificatie is niet bekend.',
    artikel: 'Uitvoeringsbesluit WEB art. 2.2.4',
  },
  diplomaEerdereVervallen: {
    code: 'D08',
    gevolg: 'info',
    omschrijving:
      'Eerdere diploma’s tellen niet als eerder diploma: daarna was de deelnemer 3 jaar op 1 oktober niet ingeschreven.',
    artikel: 'Uitvoeringsbesluit WEB art. 2.2.4',
  },
} as const satisfies Record<string, BekostigingSignaalDefinitie>;

export type BekostigingSignaalNaam = keyof typeof BEKOSTIGING_SIGNALEN;

export type SignaalParameter = { naam: string; waarde: string };

/** One signal on a status, shaped like TBG-i's `Signaal` element. */
export type BekostigingSignaal = {
  code: string;
  omschrijving: string;
  gevolg: BekostigingSignaalDefinitie['gevolg'];
  artikel: string;
  parameters: SignaalParameter[];
};

/** Builds a signal from the catalogue; parameter values are written as strings, as TBG-i does. */
export function signaal(
  naam: BekostigingSignaalNaam,
  parameters: Record<string, string | number | boolean | null> = {},
): BekostigingSignaal {
  const def = BEKOSTIGING_SIGNALEN[naam];
  return {
    code: def.code,
    omschrijving: def.omschrijving,
    gevolg: def.gevolg,
    artikel: def.artikel,
    parameters: Object.entries(parameters).map(([k, v]) => ({
      naam: k,
      waarde: v === null ? '' : String(v),
    })),
  };
}
