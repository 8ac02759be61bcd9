import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { decodeCursor, encodeCursor, requireInstelling } from '../aanlevering/terugkoppeling.service.ts';
import type { AppContext } from '../app.ts';
import { PROBLEMEN, plainJson } from '../platform/problem.schema.ts';
import type { Referentie } from '../referentie/referentie.ts';
import { explainDiploma, pageDiplomastatussen } from './bekostiging.diploma.ts';
import {
  assertTeldatumParameter,
  type BekostigingDeps,
  bekostigingDeps,
  explainInschrijving,
  normaliseBekendOp,
  pageStatussen,
  totalenVoorTeldata,
} from './bekostiging.service.ts';

const security = [{ bearer: [] }];

const Teldatum = Type.String({
  format: 'date',
  description: 'Teldatum: 1 oktober of 1 februari (JJJJ-10-01 of JJJJ-02-01)',
  examples: ['2026-10-01'],
});
const BekendOp = Type.Optional(
  Type.String({
    format: 'date-time',
    description: 'Het antwoord zoals het register het op dit moment kende (standaard: nu)',
    examples: ['2026-10-15T12:00:00Z'],
  }),
);

const Signaal = Type.Object({
  code: Type.String({ description: 'Stabiele code (B.. inschrijving, D.. diploma; ADR 0008)' }),
  omschrijving: Type.String(),
  gevolg: Type.Union([Type.Literal('telt'), Type.Literal('telt-niet'), Type.Literal('info')]),
  artikel: Type.String(),
  parameters: Type.Array(Type.Object({ naam: Type.String(), waarde: Type.String() })),
});
const Feit = Type.Object({
  soort: Type.String(),
  id: Type.String(),
  versie: Type.Optional(Type.String({ description: 'Id van de geregistreerde versie (de _versie-rij)' })),
});
const PersoonSchema = Type.Object({
  burgerservicenummer: Type.Optional(Type.String()),
  onderwijsnummer: Type.Optional(Type.String()),
  leerlingnummer: Type.Optional(
    Type.String({ description: 'Het leerlingnummer dat de instelling zelf heeft geleverd' }),
  ),
});
const Nullable = <T extends ReturnType<typeof Type.Number>>(t: T) => Type.Union([t, Type.Null()]);

const StatusSchema = Type.Object(
  {
    inschrijvingId: Type.String(),
    bekendOp: Type.Union([Type.String(), Type.Null()]),
    status: Type.Object({
      regelsVersie: Type.String(),
      teldatum: Type.String({ format: 'date' }),
      brin: Type.String(),
      inschrijvingsvolgnummer: Type.String(),
      statusBepaling: Type.Union([Type.Literal('V'), Type.Literal('D')], {
        description: 'V voorlopig, D definitief',
      }),
      indicatieBekostigbaar: Type.Union([Type.Boolean(), Type.Null()], { description: 'De claim' }),
      bekostigbaar: Type.Boolean({ description: 'De beslissing' }),
      inschrijvingVoorCorrectiefactor: Type.Boolean(),
      opleidingcode: Type.Union([Type.String(), Type.Null()]),
      leertraject: Type.Union([Type.String(), Type.Null()]),
      niveau: Nullable(Type.Number()),
      bblBolFactor: Nullable(Type.Number()),
      prijsfactor: Nullable(Type.Number()),
      verblijfsjaar: Nullable(Type.Number()),
      verblijfsjaarfactor: Nullable(Type.Number()),
      bijdrage: Nullable(Type.Number({ description: 'Bijdrage aan de deelnemerswaarde' })),
      bekostigingsrelevanteBpvs: Type.Array(Type.String()),
      signalen: Type.Array(Signaal),
      gebruikteFeiten: Type.Array(Feit),
    }),
  },
  { description: 'De uitgelegde voorlopige bekostigingsstatus van één inschrijving op een teldatum' },
);

const LijstSchema = Type.Object(
  {
    bekendOp: Type.Union([Type.String(), Type.Null()]),
    statussen: Type.Array(
      Type.Object({
        inschrijvingId: Type.String(),
        persoon: PersoonSchema,
        status: StatusSchema.properties.status,
      }),
    ),
    volgende: Type.Union([Type.String(), Type.Null()], { description: 'Cursor voor de volgende pagina' }),
  },
  { description: 'De statussen van de inschrijvingen van mijn instelling op een teldatum, oudste eerst' },
);

const TeldatumTotaalSchema = Type.Object({
  teldatum: Type.String({ format: 'date' }),
  inschrijvingen: Type.Integer(),
  bekostigd: Type.Integer(),
  gewogen: Type.Number({ description: 'Gewogen aantal (som van de bekende bijdragen)' }),
  bijdrageOnbekend: Type.Integer(),
  perSignaal: Type.Record(Type.String(), Type.Integer()),
});
const DiplomaTotaalSchema = Type.Object(
  {
    bekostigingsjaar: Type.Integer({ description: 'Bekostigingsjaar T van de gevraagde teldata' }),
    kalenderjaar: Type.Integer({ description: 'Kalenderjaar T-2 waarin de diploma’s zijn behaald' }),
    aantal: Type.Integer({ description: 'Diploma’s van mijn instelling behaald in het kalenderjaar' }),
    bekostigd: Type.Integer({ description: 'Waarvan bekostigbaar' }),
    diplomapunten: Type.Number({
      description:
        'Som van de bijdragen aan de diplomawaarde (DiW − DiE + DS), vóór het gewicht 0,2 van het diplomadeel',
    }),
    perSignaal: Type.Record(Type.String(), Type.Integer()),
  },
  { description: 'Het diplomadeel van een bekostigingsjaar' },
);
const TotalenSchema = Type.Object(
  {
    regelsVersie: Type.String(),
    bekendOp: Type.Union([Type.String(), Type.Null()]),
    teldata: Type.Array(TeldatumTotaalSchema),
    correctiefactor: Type.Optional(
      Type.Object(
        { bekostigingsjaar: Type.Integer(), waarde: Nullable(Type.Number()) },
        { description: 'Alleen als 1 oktober en 1 februari van één bekostigingsjaar zijn gevraagd' },
      ),
    ),
    diplomas: Type.Array(DiplomaTotaalSchema, {
      description:
        'Per bekostigingsjaar T van de gevraagde teldata (1 oktober T-2, 1 februari T-1): aantallen en diplomapunten van de diploma’s behaald in kalenderjaar T-2',
    }),
  },
  { description: 'Aantallen en gewogen totalen per teldatum, en het diplomadeel per bekostigingsjaar' },
);

const DiplomastatusSchema = Type.Object({
  regelsVersie: Type.String(),
  resultaatvolgnummer: Type.String(),
  brin: Type.String(),
  datumBehaald: Type.String({ format: 'date' }),
  statusBepaling: Type.Union([Type.Literal('V'), Type.Literal('D')], {
    description: 'V voorlopig, D definitief',
  }),
  niveau: Type.Union([
    Type.Integer({ description: 'Niveau van de behaalde kwalificatie (1 entree .. 4)' }),
    Type.Null(),
  ]),
  specialist: Type.Boolean({ description: 'Specialistendiploma' }),
  niveauHoogsteEerdereDiploma: Type.Union([Type.Integer(), Type.Null()]),
  specialistHoogsteEerdereDiploma: Type.Boolean(),
  hoogsteEerdereDiploma: Type.Union(
    [
      Type.Object({
        brin: Type.String(),
        resultaatvolgnummer: Type.String(),
        datumBehaald: Type.String({ format: 'date' }),
        feit: Type.Optional(Feit),
      }),
      Type.Null(),
    ],
    {
      description:
        'Het hoogste eerdere diploma van de deelnemer (bij elke instelling) dat als eerder diploma telt (DiE)',
    },
  ),
  bekostigbaar: Type.Boolean({ description: 'De beslissing' }),
  bijdrageDiplomawaarde: Type.Number({
    description: 'Bijdrage aan de diplomawaarde: DiW − DiE (+ DS), nooit negatief; 0 als niet bekostigbaar',
  }),
  signalen: Type.Array(Signaal),
  gebruikteFeiten: Type.Array(Feit),
});
const DiplomaSchema = Type.Object(
  {
    resultaatId: Type.String(),
    bekendOp: Type.Union([Type.String(), Type.Null()]),
    status: DiplomastatusSchema,
  },
  { description: 'De uitgelegde voorlopige bekostigingsstatus van één diploma' },
);
const DiplomaLijstSchema = Type.Object(
  {
    bekendOp: Type.Union([Type.String(), Type.Null()]),
    statussen: Type.Array(
      Type.Object({
        resultaatId: Type.String(),
        persoon: PersoonSchema,
        status: DiplomastatusSchema,
      }),
    ),
    volgende: Type.Union([Type.String(), Type.Null()], { description: 'Cursor voor de volgende pagina' }),
  },
  {
    description:
      'De statussen van de diploma’s van mijn instelling behaald in een kalenderjaar, oudste eerst',
  },
);
const Cursor = Type.Optional(
  Type.String({ maxLength: 200, description: 'Waarde van "volgende" uit het vorige antwoord' }),
);
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 }));
/** A limit like 1e400 arrives as Infinity; anything but a whole number 1..500 falls back to the default. */
const limitVan = (limit: number | undefined) =>
  Number.isSafeInteger(limit) ? Math.min(500, Math.max(1, limit ?? 100)) : 100;

/** Leveren bekostigingsstatus: an institution reads the provisional funding status of its own inschrijvingen. */
export function bekostigingRoutes(app: FastifyInstance, ctx: AppContext, referentie: () => Referentie): void {
  const deps = (): BekostigingDeps => bekostigingDeps(ctx.intake.database.db, referentie());

  app.get(
    '/koppelvlak/v1/bekostiging/inschrijvingen/:inschrijvingId',
    {
      schema: {
        tags: ['bekostiging'],
        summary: 'De voorlopige bekostigingsstatus van één inschrijving op een teldatum, met redenen',
        security,
        params: Type.Object({ inschrijvingId: Type.String({ maxLength: 20 }) }),
        querystring: Type.Object({ teldatum: Teldatum, bekendOp: BekendOp }, { additionalProperties: false }),
        response: { 200: StatusSchema, ...PROBLEMEN },
      },
      ...plainJson,
    },
    async (request) => {
      const brin = requireInstelling(await ctx.authenticate(request));
      const q = request.query as { teldatum: string; bekendOp?: string };
      return explainInschrijving(
        deps(),
        brin,
        (request.params as { inschrijvingId: string }).inschrijvingId,
        assertTeldatumParameter(q.teldatum),
        normaliseBekendOp(q.bekendOp),
      );
    },
  );

  app.get(
    '/koppelvlak/v1/bekostiging/inschrijvingen',
    {
      schema: {
        tags: ['bekostiging'],
        summary: 'De voorlopige bekostigingsstatus van elke inschrijving van mijn instelling op een teldatum',
        security,
        querystring: Type.Object(
          {
            teldatum: Teldatum,
            bekendOp: BekendOp,
            limit: Limit,
            cursor: Cursor,
          },
          { additionalProperties: false },
        ),
        response: { 200: LijstSchema, ...PROBLEMEN },
      },
      ...plainJson,
    },
    async (request) => {
      const brin = requireInstelling(await ctx.authenticate(request));
      const q = request.query as { teldatum: string; bekendOp?: string; limit?: number; cursor?: string };
      const bekendOp = normaliseBekendOp(q.bekendOp);
      const na = decodeCursor(q.cursor);
      const page = await pageStatussen(deps(), brin, assertTeldatumParameter(q.teldatum), {
        limit: limitVan(q.limit),
        ...(na !== undefined ? { na } : {}),
        ...(bekendOp !== undefined ? { bekendOp } : {}),
      });
      return {
        bekendOp: bekendOp ?? null,
        statussen: page.statussen.map((s) => ({
          inschrijvingId: s.inschrijvingId,
          persoon: s.persoon,
          status: s.status,
        })),
        volgende: page.volgende === null ? null : encodeCursor(page.volgende),
      };
    },
  );

  app.get(
    '/koppelvlak/v1/bekostiging/totalen',
    {
      schema: {
        tags: ['bekostiging'],
        summary:
          'Aantallen en gewogen totalen van mijn instelling per teldatum; met 1 oktober én 1 februari van één bekostigingsjaar ook de correctiefactor; per bekostigingsjaar het diplomadeel',
        description:
          'Bekostigingsjaar T telt de inschrijvingen op 1 oktober T-2 en 1 februari T-1 en de diploma’s behaald in kalenderjaar T-2. Voor elk bekostigingsjaar van de gevraagde teldata geeft `diplomas` het aantal diploma’s, het aantal bekostigbare en de diplomapunten (som van de bijdragen aan de diplomawaarde).',
        security,
        querystring: Type.Object(
          {
            teldatum: Type.Array(Teldatum, {
              minItems: 1,
              maxItems: 2,
              description: 'Eén of twee teldata (herhaal de parameter)',
            }),
            bekendOp: BekendOp,
          },
          { additionalProperties: false },
        ),
        response: { 200: TotalenSchema, ...PROBLEMEN },
      },
      ...plainJson,
    },
    async (request) => {
      const brin = requireInstelling(await ctx.authenticate(request));
      const q = request.query as { teldatum: string[]; bekendOp?: string };
      return totalenVoorTeldata(
        deps(),
        brin,
        q.teldatum.map(assertTeldatumParameter),
        normaliseBekendOp(q.bekendOp),
      );
    },
  );
  app.get(
    '/koppelvlak/v1/bekostiging/resultaten/:resultaatId',
    {
      schema: {
        tags: ['bekostiging'],
        summary: 'De voorlopige bekostigingsstatus van één diploma van mijn instelling, met redenen',
        description:
          'Bekostigbaar of niet, de bijdrage aan de diplomawaarde (DiW − DiE + DS), het niveau, het hoogste eerdere diploma van de deelnemer (bij elke instelling) dat is gebruikt, de signalen (D..) met parameters en de gebruikte feiten met hun versies. Het diploma van een andere instelling, een deelresultaat of een diploma dat toen niet (meer) bekend was: 404.',
        security,
        params: Type.Object({ resultaatId: Type.String({ maxLength: 20 }) }),
        querystring: Type.Object({ bekendOp: BekendOp }, { additionalProperties: false }),
        response: { 200: DiplomaSchema, ...PROBLEMEN },
      },
      ...plainJson,
    },
    async (request) => {
      const brin = requireInstelling(await ctx.authenticate(request));
      const q = request.query as { bekendOp?: string };
      const d = await explainDiploma(
        deps(),
        brin,
        (request.params as { resultaatId: string }).resultaatId,
        normaliseBekendOp(q.bekendOp),
      );
      return { resultaatId: d.resultaatId, bekendOp: d.bekendOp, status: d.status };
    },
  );

  app.get(
    '/koppelvlak/v1/bekostiging/resultaten',
    {
      schema: {
        tags: ['bekostiging'],
        summary:
          'De voorlopige bekostigingsstatus van elk diploma van mijn instelling behaald in een kalenderjaar',
        security,
        querystring: Type.Object(
          {
            jaar: Type.Integer({
              minimum: 1990,
              maximum: 2999,
              description:
                'Kalenderjaar van de datum behaald (het diplomadeel van bekostigingsjaar jaar + 2)',
              examples: [2026],
            }),
            bekendOp: BekendOp,
            limit: Limit,
            cursor: Cursor,
          },
          { additionalProperties: false },
        ),
        response: { 200: DiplomaLijstSchema, ...PROBLEMEN },
      },
      ...plainJson,
    },
    async (request) => {
      const brin = requireInstelling(await ctx.authenticate(request));
      const q = request.query as { jaar: number; bekendOp?: string; limit?: number; cursor?: string };
      const bekendOp = normaliseBekendOp(q.bekendOp);
      const na = decodeCursor(q.cursor);
      const page = await pageDiplomastatussen(deps(), brin, q.jaar, {
        limit: limitVan(q.limit),
        ...(na !== undefined ? { na } : {}),
        ...(bekendOp !== undefined ? { bekendOp } : {}),
      });
      return {
        bekendOp: bekendOp ?? null,
        statussen: page.statussen.map((s) => ({
          resultaatId: s.resultaatId,
          persoon: s.persoon,
          status: s.status,
        })),
        volgende: page.volgende === null ? null : encodeCursor(page.volgende),
      };
    },
  );
}
