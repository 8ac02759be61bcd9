import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../app.ts';
import { PROBLEMEN, ProblemSchema, plainJson } from '../platform/problem.schema.ts';
import { AppError } from '../platform/problem.ts';
import { BevindingSchema, MeldingAntwoordSchema, MeldingSchema } from './melding.schema.ts';
import { MELDINGEN_PATH, processMelding } from './melding.service.ts';
import { getMelding, listMeldingen, listSignalen, requireInstelling } from './terugkoppeling.service.ts';

const AfgekeurdSchema = Type.Intersect([
  ProblemSchema,
  Type.Object({
    meldingId: Type.String(),
    berichtId: Type.Union([Type.String(), Type.Null()]),
    meldingStatus: Type.Literal('afgekeurd'),
    bevindingen: Type.Array(BevindingSchema),
  }),
]);

const Paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  cursor: Type.Optional(
    Type.String({ maxLength: 200, description: 'Waarde van "volgende" uit het vorige antwoord' }),
  ),
};

const security = [{ bearer: [] }];

/** Koppelvlak aanleveren (institutions' SIS): meldingen in, terugkoppeling and archive out. */
export function meldingRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post(
    MELDINGEN_PATH,
    {
      schema: {
        tags: ['aanleveren'],
        summary:
          'Lever een melding aan (persoon met inschrijvingen, periodes, extra ondersteuning en resultaten)',
        description:
          'Een melding wordt als geheel goedgekeurd of afgekeurd en direct beantwoord. Een herhaalde zending met ' +
          'hetzelfde berichtId en dezelfde inhoud krijgt het oorspronkelijke antwoord (header Idempotent-Replayed: true) ' +
          'en verandert niets; hetzelfde berichtId met andere inhoud geeft 409.',
        security,
        body: MeldingSchema,
        response: {
          200: MeldingAntwoordSchema,
          422: AfgekeurdSchema,
          400: ProblemSchema,
          401: ProblemSchema,
          403: ProblemSchema,
          409: ProblemSchema,
          413: ProblemSchema,
          415: ProblemSchema,
          500: ProblemSchema,
        },
      },
      // The body is validated by the controles (every problem named, in Dutch, and archived), not by Fastify.
      validatorCompiler: () => () => true,
      // Answers are written as stored; no response serializer may drop or reshape fields.
      serializerCompiler: () => (data) => JSON.stringify(data),
    },
    async (request, reply) => {
      const actor = await ctx.authenticate(request);
      if (request.body === undefined) {
        throw new AppError({
          kind: 'invalid',
          code: 'melding.leeg',
          title: 'Lege melding',
          detail:
            'Het verzoek heeft geen inhoud; lever de melding als JSON-object (Content-Type: application/json).',
        });
      }
      const uitkomst = await processMelding(
        ctx.intake,
        { actor, correlationId: request.id },
        request.rawBody ?? '',
        request.body,
      );
      if (uitkomst.replayed) {
        reply.header('Idempotent-Replayed', 'true');
      }
      reply.code(uitkomst.httpStatus as 200);
      if (uitkomst.httpStatus >= 400) {
        reply.type('application/problem+json; charset=utf-8');
      }
      return uitkomst.body;
    },
  );

  app.get(
    MELDINGEN_PATH,
    {
      schema: {
        tags: ['archivering leveringen'],
        summary: 'Mijn gearchiveerde meldingen, nieuwste eerst',
        security,
        response: PROBLEMEN,
        querystring: Type.Object(
          {
            status: Type.Optional(
              Type.Union([
                Type.Literal('goedgekeurd'),
                Type.Literal('goedgekeurd-met-signalen'),
                Type.Literal('afgekeurd'),
              ]),
            ),
            ...Paging,
          },
          { additionalProperties: false },
        ),
      },
      ...plainJson,
    },
    async (request) => {
      const brin = requireInstelling(await ctx.authenticate(request));
      const q = request.query as { status?: string; limit?: number; cursor?: string };
      const page = await listMeldingen(ctx.intake.database.db, brin, q);
      return { meldingen: page.items, volgende: page.volgende };
    },
  );

  app.get(
    `${MELDINGEN_PATH}/:meldingId`,
    {
      schema: {
        tags: ['archivering leveringen'],
        summary: 'Eén gearchiveerde melding, letterlijk zoals ontvangen, met het antwoord van het register',
        security,
        response: PROBLEMEN,
        params: Type.Object({ meldingId: Type.String({ maxLength: 20 }) }),
      },
      ...plainJson,
    },
    async (request) => {
      const brin = requireInstelling(await ctx.authenticate(request));
      return getMelding(ctx.intake.database.db, brin, (request.params as { meldingId: string }).meldingId);
    },
  );

  app.get(
    '/koppelvlak/v1/signalen',
    {
      schema: {
        tags: ['terugkoppeling'],
        summary: 'Signalen en afkeuringen op mijn leveringen, nieuwste eerst',
        security,
        response: PROBLEMEN,
        querystring: Type.Object(
          {
            code: Type.Optional(Type.String({ pattern: '^[0-9]{3}$' })),
            ernst: Type.Optional(Type.Union([Type.Literal('A'), Type.Literal('S')])),
            vanaf: Type.Optional(Type.String({ format: 'date', description: 'Vanaf deze dag (inclusief)' })),
            tot: Type.Optional(Type.String({ format: 'date', description: 'Tot en met deze dag' })),
            meldingId: Type.Optional(Type.String({ pattern: '^[0-9]{1,18}$' })),
            ...Paging,
          },
          { additionalProperties: false },
        ),
      },
      ...plainJson,
    },
    async (request) => {
      const brin = requireInstelling(await ctx.authenticate(request));
      const page = await listSignalen(
        ctx.intake.database.db,
        brin,
        request.query as Parameters<typeof listSignalen>[2],
      );
      return { signalen: page.items, volgende: page.volgende };
    },
  );
}
