import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { requireInstelling } from '../aanlevering/terugkoppeling.service.ts';
import type { AppContext } from '../app.ts';
import { requireBeheerder } from '../platform/auth.ts';
import { dutchDate } from '../platform/dates.ts';
import { AppError } from '../platform/problem.ts';
import { toBrpPersoon } from './brp.client.ts';
import { detecteerDubbelen, koppel, listDubbelen, ontkoppel } from './dubbel.service.ts';
import { enqueueHeridentificatie } from './identificatie.service.ts';
import { listPersoonsmutaties, verwerkBrpMutatie } from './mutatie.service.ts';

const security = [{ bearer: [] }];

const DubbelParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,19}$' }) });

/** Spontaneous BRP mutations in (role brp) and the institutions' feed of changed person data out. */
export function persoonRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post(
    '/brp/v1/mutaties',
    {
      schema: {
        tags: ['persoon'],
        summary: 'Spontane mutatie uit de BRP (alleen voor de BRP)',
        security,
        body: Type.Object(
          {
            burgerservicenummer: Type.String({ pattern: '^[0-9]{9}$' }),
            soort: Type.String({ minLength: 1, maxLength: 40 }),
            persoon: Type.Object(
              {},
              { additionalProperties: true, description: 'Persoon zoals BRP Personen v2' },
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const actor = await ctx.authenticate(request);
      if (actor.kind !== 'brp') {
        throw new AppError({
          kind: 'forbidden',
          code: 'brp.geen-brp',
          title: 'Geen toegang',
          detail: 'Alleen de BRP kan spontane mutaties leveren.',
        });
      }
      const body = request.body as {
        burgerservicenummer: string;
        soort: string;
        persoon: Record<string, unknown>;
      };
      const persoon = toBrpPersoon({ ...body.persoon, burgerservicenummer: body.burgerservicenummer });
      return verwerkBrpMutatie(ctx.intake.database.db, () => dutchDate(ctx.intake.clock.now()), {
        burgerservicenummer: body.burgerservicenummer,
        soort: body.soort,
        persoon,
      });
    },
  );

  app.get(
    '/koppelvlak/v1/persoonsmutaties',
    {
      schema: {
        tags: ['persoon'],
        summary: 'Gewijzigde persoonsgegevens (BRP) van mijn ingeschreven deelnemers, oudste eerst',
        security,
        querystring: Type.Object(
          {
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
      const page = await listPersoonsmutaties(
        ctx.intake.database.db,
        brin,
        request.query as { limit?: number; cursor?: string },
      );
      return { mutaties: page.items, volgende: page.volgende };
    },
  );

  app.post(
    '/beheer/v1/dubbele-personen/detecteren',
    { schema: { tags: ['persoon'], summary: 'Zoek waarschijnlijk dubbele personen (DUO)', security } },
    async (request) => {
      requireBeheerder(await ctx.authenticate(request), 'dubbele personen beoordelen');
      return { nieuw: await detecteerDubbelen(ctx.intake.database.db) };
    },
  );

  app.get(
    '/beheer/v1/dubbele-personen',
    { schema: { tags: ['persoon'], summary: 'Gevallen van dubbele personen (DUO)', security } },
    async (request) => {
      requireBeheerder(await ctx.authenticate(request), 'dubbele personen beoordelen');
      return { gevallen: await listDubbelen(ctx.intake.database.db) };
    },
  );

  app.post(
    '/beheer/v1/dubbele-personen/:id/koppelen',
    {
      schema: {
        tags: ['persoon'],
        summary: 'Koppel de twee personen van een geval',
        security,
        params: DubbelParams,
      },
    },
    async (request) => {
      const door = requireBeheerder(await ctx.authenticate(request), 'dubbele personen beoordelen');
      await koppel(ctx.intake.database.db, (request.params as { id: string }).id, door);
      return { gekoppeld: true };
    },
  );

  app.post(
    '/beheer/v1/dubbele-personen/:id/ontkoppelen',
    { schema: { tags: ['persoon'], summary: 'Maak een koppeling ongedaan', security, params: DubbelParams } },
    async (request) => {
      const door = requireBeheerder(await ctx.authenticate(request), 'dubbele personen beoordelen');
      await ontkoppel(ctx.intake.database.db, (request.params as { id: string }).id, door);
      return { gekoppeld: false };
    },
  );

  app.post(
    '/beheer/v1/heridentificeren',
    {
      schema: {
        tags: ['persoon'],
        summary: 'Zoek in de BRP opnieuw naar het BSN van deelnemers met een onderwijsnummer (DUO)',
        security,
      },
    },
    async (request) => {
      requireBeheerder(await ctx.authenticate(request), 'dubbele personen beoordelen');
      return { ingepland: await enqueueHeridentificatie(ctx.intake.database.db) };
    },
  );
}
