import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { requireInstelling } from '../aanlevering/terugkoppeling.service.ts';
import type { AppContext } from '../app.ts';
import { AppError } from '../platform/problem.ts';
import { ontvangErkenningMutatie } from './bpv.service.ts';
import { isSbbNietBeschikbaar, type SbbClient } from './sbb.client.ts';

const security = [{ bearer: [] }];

function sbbOf(ctx: AppContext): SbbClient {
  const sbb = ctx.intake.sbb;
  if (!sbb) {
    throw new AppError({
      kind: 'unavailable',
      code: 'sbb.niet-geconfigureerd',
      title: 'SBB niet beschikbaar',
      detail: 'Dit register is niet verbonden met SBB (SBB_URL).',
    });
  }
  return sbb;
}

async function viaSbb<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isSbbNietBeschikbaar(error)) {
      throw new AppError({
        kind: 'unavailable',
        code: 'sbb.niet-beschikbaar',
        title: 'SBB niet beschikbaar',
        detail: 'SBB is op dit moment niet bereikbaar. Probeer het later opnieuw.',
      });
    }
    throw error;
  }
}

/**
 * White label: a SIS identifies and verifies a leerbedrijf at SBB through the register, before it delivers BPV;
 * and SBB's mutatieservice pushes erkenning changes to the register.
 */
export function leerbedrijfRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(
    '/koppelvlak/v1/leerplaatsen',
    {
      schema: {
        tags: ['leerbedrijven'],
        summary:
          'Zoeken leerplaats bij SBB: leerbedrijven die vandaag erkend zijn voor een opleiding (of alle)',
        security,
        querystring: Type.Object(
          { crebo: Type.Optional(Type.String({ pattern: '^[0-9]{5}$' })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      requireInstelling(await ctx.authenticate(request));
      const { crebo } = request.query as { crebo?: string };
      const sbb = sbbOf(ctx);
      return { leerbedrijven: await viaSbb(() => sbb.zoekLeerplaatsen(crebo)) };
    },
  );

  app.get(
    '/koppelvlak/v1/leerbedrijven',
    {
      schema: {
        tags: ['leerbedrijven'],
        summary:
          'Identificatie leerbedrijf bij SBB (naam, postcode, huisnummer → leerbedrijf-ID en erkenningen)',
        security,
        querystring: Type.Object(
          {
            postcode: Type.String({ pattern: '^[1-9][0-9]{3} ?[A-Za-z]{2}$' }),
            huisnummer: Type.Optional(Type.String({ pattern: '^[0-9]{1,5}$' })),
            naam: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      requireInstelling(await ctx.authenticate(request));
      const q = request.query as { postcode: string; huisnummer?: string; naam?: string };
      const sbb = sbbOf(ctx);
      const leerbedrijven = await viaSbb(() =>
        sbb.identificeer({ ...q, postcode: q.postcode.replace(' ', '').toUpperCase() }),
      );
      return { leerbedrijven };
    },
  );

  app.get(
    '/koppelvlak/v1/leerbedrijven/:leerbedrijfId/verificatie',
    {
      schema: {
        tags: ['leerbedrijven'],
        summary: 'Verificatie erkenning bij SBB (leerbedrijf-ID, crebo, datum → erkend of niet)',
        security,
        params: Type.Object({ leerbedrijfId: Type.String({ pattern: '^[1-9][0-9]{8}$' }) }),
        querystring: Type.Object(
          {
            crebo: Type.String({ pattern: '^[0-9]{5}$' }),
            datum: Type.String({ format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      requireInstelling(await ctx.authenticate(request));
      const { leerbedrijfId } = request.params as { leerbedrijfId: string };
      const { crebo, datum } = request.query as { crebo: string; datum: string };
      const sbb = sbbOf(ctx);
      const v = await viaSbb(() => sbb.verifieer({ leerbedrijfId, crebo, datum }));
      if (!v) {
        throw new AppError({
          kind: 'not-found',
          code: 'sbb.leerbedrijf-onbekend',
          title: 'Leerbedrijf onbekend',
          detail: `Leerbedrijf ${leerbedrijfId} is niet bekend bij SBB.`,
        });
      }
      return v;
    },
  );

  app.post(
    '/koppelvlak/v1/sbb/erkenningen',
    {
      schema: {
        tags: ['leerbedrijven'],
        summary: 'Mutatieservice SBB: een erkenning is toegekend of ingetrokken',
        security,
        body: Type.Object(
          {
            soort: Type.Union([Type.Literal('ingetrokken'), Type.Literal('toegekend')]),
            leerbedrijfId: Type.String({ pattern: '^[1-9][0-9]{8}$' }),
            crebo: Type.String({ pattern: '^[0-9]{5}$' }),
            datum: Type.String({ format: 'date', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const actor = await ctx.authenticate(request);
      if (actor.kind !== 'sbb') {
        throw new AppError({
          kind: 'forbidden',
          code: 'auth.geen-sbb',
          title: 'Geen toegang',
          detail: 'Alleen SBB kan erkenningsmutaties melden.',
        });
      }
      const m = request.body as {
        soort: 'ingetrokken' | 'toegekend';
        leerbedrijfId: string;
        crebo: string;
        datum: string;
      };
      await ontvangErkenningMutatie(ctx.intake.database.db, m);
      reply.code(202);
      return { ontvangen: true };
    },
  );
}
