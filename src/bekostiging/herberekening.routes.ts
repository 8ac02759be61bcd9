import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { requireInstelling } from '../aanlevering/terugkoppeling.service.ts';
import type { AppContext } from '../app.ts';
import { requireBeheerder } from '../platform/auth.ts';
import { dutchDate } from '../platform/dates.ts';
import { enqueueJob } from '../platform/jobs.ts';
import { PROBLEMEN, plainJson } from '../platform/problem.schema.ts';
import { assertTeldatumParameter, eigenInschrijving } from './bekostiging.service.ts';
import { REGELS_VERSIE } from './bekostiging.ts';
import { HERBEREKENING_JOB, herberekeningSleutel } from './herberekening.ts';

const security = [{ bearer: [] }];

const Versie = Type.Object({
  teldatum: Type.String({ format: 'date' }),
  bekostigbaar: Type.Boolean(),
  bijdrage: Type.Union([Type.Number(), Type.Null()]),
  opleidingcode: Type.Union([Type.String(), Type.Null()]),
  leertraject: Type.Union([Type.String(), Type.Null()]),
  signalen: Type.Array(Type.String(), { description: 'Codes van de bekostigingssignalen (B..)' }),
  regelsVersie: Type.String({ description: 'De versie van de regels waarmee deze status is afgeleid' }),
  geregistreerdVanaf: Type.String({ format: 'date-time' }),
  geregistreerdTot: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'Leeg: dit is wat het register nu zegt',
  }),
});

const Herberekening = Type.Object({
  sleutel: Type.String(),
  regelsVersie: Type.String(),
  teldata: Type.Array(Type.String({ format: 'date' })),
  aanleiding: Type.String(),
  personenTotaal: Type.Union([Type.Integer(), Type.Null()]),
  personenKlaar: Type.Integer(),
  procent: Type.Union([Type.Number(), Type.Null()]),
  statussen: Type.Integer(),
  gewijzigd: Type.Integer(),
  gestart: Type.String({ format: 'date-time' }),
  klaar: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const iso = (ts: string) => new Date(ts).toISOString();

/**
 * What the register said: the stored funding status versions of one inschrijving (for the institution), and the
 * full recomputations with their progress (for DUO staff, who can also start one).
 */
export function herberekeningRoutes(app: FastifyInstance, ctx: AppContext): void {
  const db = () => ctx.intake.database.db;

  app.get(
    '/koppelvlak/v1/bekostiging/inschrijvingen/:inschrijvingId/historie',
    {
      schema: {
        tags: ['bekostiging'],
        summary:
          'Wat het register over de bekostiging van een inschrijving heeft gezegd, per teldatum en wanneer',
        description:
          'Elke opgeslagen versie van de voorlopige bekostigingsstatus: welke uitkomst het register gaf, onder welke ' +
          'versie van de regels, van wanneer tot wanneer. Een wijziging van de uitkomst is ook als signaal 640 ' +
          'gemeld. De uitleg met redenen en gebruikte feiten geeft /koppelvlak/v1/bekostiging/inschrijvingen/{id}.',
        security,
        params: Type.Object({ inschrijvingId: Type.String({ maxLength: 20 }) }),
        querystring: Type.Object(
          {
            teldatum: Type.Optional(
              Type.String({ format: 'date', description: 'Alleen deze teldatum (1 oktober of 1 februari)' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ inschrijvingId: Type.String(), versies: Type.Array(Versie) }),
          ...PROBLEMEN,
        },
      },
      ...plainJson,
    },
    async (request) => {
      const brin = requireInstelling(await ctx.authenticate(request));
      const { inschrijvingId } = request.params as { inschrijvingId: string };
      const query = request.query as { teldatum?: string };
      const teldatum = query.teldatum === undefined ? undefined : assertTeldatumParameter(query.teldatum);
      await eigenInschrijving(db(), brin, inschrijvingId);
      let q = db()
        .selectFrom('bekostigingsstatus')
        .select([
          'teldatum',
          'bekostigbaar',
          'bijdrage',
          'opleidingcode',
          'leertraject',
          'signalen',
          'regelsVersie',
          'registeredFrom',
          'registeredUntil',
        ])
        .where('inschrijvingId', '=', inschrijvingId);
      if (teldatum !== undefined) {
        q = q.where('teldatum', '=', teldatum);
      }
      const rows = await q.orderBy('teldatum').orderBy('registeredFrom').orderBy('id').execute();
      return {
        inschrijvingId,
        versies: rows.map(({ registeredFrom, registeredUntil, ...r }) => ({
          ...r,
          geregistreerdVanaf: iso(registeredFrom),
          geregistreerdTot: registeredUntil === null ? null : iso(registeredUntil),
        })),
      };
    },
  );

  app.get(
    '/beheer/v1/bekostiging/herberekeningen',
    {
      schema: {
        tags: ['bekostiging'],
        summary: 'Volledige herberekeningen van de bekostigingsstatussen, met voortgang (DUO)',
        security,
        querystring: Type.Object({}, { additionalProperties: false }),
        response: { 200: Type.Object({ herberekeningen: Type.Array(Herberekening) }), ...PROBLEMEN },
      },
      ...plainJson,
    },
    async (request) => {
      requireBeheerder(
        await ctx.authenticate(request),
        'herberekeningen van de bekostiging inzien en starten',
      );
      const rows = await db()
        .selectFrom('bekostigingHerberekening')
        .select([
          'sleutel',
          'regelsVersie',
          'aanleiding',
          'personenTotaal',
          'personenKlaar',
          'statussen',
          'gewijzigd',
          'gestart',
          'klaar',
        ])
        .select(sql<string>`teldata::text`.as('teldata'))
        .orderBy('id', 'desc')
        .limit(50)
        .execute();
      return {
        herberekeningen: rows.map((r) => ({
          ...r,
          teldata: r.teldata.replace(/[{}]/g, '').split(',').filter(Boolean),
          procent:
            r.personenTotaal === null || r.personenTotaal === 0
              ? null
              : Math.min(100, Math.round((r.personenKlaar / r.personenTotaal) * 1000) / 10),
          gestart: iso(r.gestart),
          klaar: r.klaar === null ? null : iso(r.klaar),
        })),
      };
    },
  );

  app.post(
    '/beheer/v1/bekostiging/herberekeningen',
    {
      schema: {
        tags: ['bekostiging'],
        summary: 'Start een volledige herberekening van alle bekostigingsstatussen (DUO)',
        description:
          'Plant een herberekening in; de voortgang staat in GET /beheer/v1/bekostiging/herberekeningen. ' +
          'Een herberekening die al loopt of wacht wordt niet dubbel ingepland. Er is geen body.',
        security,
        querystring: Type.Object({}, { additionalProperties: false }),
        response: {
          202: Type.Object({ sleutel: Type.String(), regelsVersie: Type.String() }),
          ...PROBLEMEN,
        },
      },
      ...plainJson,
    },
    async (request, reply) => {
      const door = requireBeheerder(
        await ctx.authenticate(request),
        'herberekeningen van de bekostiging inzien en starten',
      );
      const vandaag = dutchDate(ctx.intake.clock.now());
      const open = await db()
        .selectFrom('job')
        .select('sleutel')
        .where('soort', '=', HERBEREKENING_JOB)
        .where('status', 'in', ['wachtend', 'bezig'])
        .executeTakeFirst();
      const sleutel =
        open?.sleutel ?? `${herberekeningSleutel(vandaag)}/${ctx.intake.clock.now().toISOString()}`;
      if (!open) {
        await enqueueJob(db(), {
          soort: HERBEREKENING_JOB,
          sleutel,
          data: { vandaag, aanleiding: `gestart door ${door}` },
        });
      }
      reply.code(202);
      return { sleutel, regelsVersie: REGELS_VERSIE };
    },
  );
}
