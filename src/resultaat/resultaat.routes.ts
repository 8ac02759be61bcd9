import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { requireInstelling } from '../aanlevering/terugkoppeling.service.ts';
import type { AppContext } from '../app.ts';
import { getResultaatHistorie, listResultaten } from './resultaat.service.ts';

const security = [{ bearer: [] }];

/** Raadplegen resultaten (institutions): the resultaten of their own students and the history of one. */
export function resultaatRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/koppelvlak/v1/resultaten',
    {
      schema: {
        tags: ['resultaten'],
        summary: 'De resultaten (diploma’s en deelresultaten) van mijn deelnemers, oudste eerst',
        security,
        querystring: Type.Object(
          {
            soort: Type.Optional(
              Type.Union([
                Type.Literal('DIP'),
                Type.Literal('AMO'),
                Type.Literal('GEO'),
                Type.Literal('KZD'),
              ]),
            ),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
            cursor: Type.Optional(
              Type.String({ maxLength: 200, description: 'Waarde van "volgende" uit het vorige antwoord' }),
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const brin = requireInstelling(await ctx.authenticate(request));
      const page = await listResultaten(
        ctx.intake.database.db,
        brin,
        request.query as { soort?: string; limit?: number; cursor?: string },
      );
      return { resultaten: page.items, volgende: page.volgende };
    },
  );

  app.get(
    '/koppelvlak/v1/resultaten/:resultaatId/versies',
    {
      schema: {
        tags: ['resultaten'],
        summary: 'Alle geregistreerde versies van één resultaat (ook een verwijdering), oudste eerst',
        security,
        params: Type.Object({ resultaatId: Type.String({ maxLength: 20 }) }),
      },
    },
    async (request) => {
      const brin = requireInstelling(await ctx.authenticate(request));
      return getResultaatHistorie(
        ctx.intake.database.db,
        brin,
        (request.params as { resultaatId: string }).resultaatId,
      );
    },
  );
}
