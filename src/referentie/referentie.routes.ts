import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { requireInstelling } from '../aanlevering/terugkoppeling.service.ts';
import type { AppContext } from '../app.ts';
import { PROBLEMEN, plainJson } from '../platform/problem.schema.ts';
import { AppError } from '../platform/problem.ts';
import type { Referentie } from './referentie.ts';

const security = [{ bearer: [] }];

/**
 * Reference data for institutions' SIS: their own onderwijslocaties and aanbod, and the CREBO entry of an
 * opleidingcode — so a SIS can fill a melding correctly before it sends it.
 */
export function referentieRoutes(app: FastifyInstance, ctx: AppContext, referentie: () => Referentie): void {
  app.get(
    '/koppelvlak/v1/referentie/onderwijslocaties',
    {
      schema: {
        tags: ['referentie'],
        summary: 'De onderwijslocaties van mijn instelling',
        security,
        response: PROBLEMEN,
      },
      ...plainJson,
    },
    async (request) => {
      const brin = requireInstelling(await ctx.authenticate(request));
      const r = referentie();
      const locaties = [...r.onderwijslocaties.values()]
        .filter((l) => l.brin === brin)
        .map((l) => ({
          code: l.code,
          naam: l.naam,
          opleidingen: [
            ...new Set(r.aanbod.filter((a) => a.onderwijslocatie === l.code).map((a) => a.crebo)),
          ].sort(),
        }));
      return { brin, onderwijslocaties: locaties };
    },
  );

  app.get(
    '/koppelvlak/v1/referentie/opleidingen/:opleidingcode',
    {
      schema: {
        tags: ['referentie'],
        summary: 'Een opleidingcode uit het Centraal register beroepsopleidingen',
        security,
        response: PROBLEMEN,
        params: Type.Object({ opleidingcode: Type.String({ pattern: '^[0-9]{5}$' }) }),
      },
      ...plainJson,
    },
    async (request) => {
      await ctx.authenticate(request);
      const code = (request.params as { opleidingcode: string }).opleidingcode;
      const k = referentie().kwalificaties.get(code);
      if (!k) {
        throw new AppError({
          kind: 'not-found',
          code: 'referentie.opleiding-onbekend',
          title: 'Niet gevonden',
          detail: `Opleidingcode ${code} komt niet voor in het Centraal register beroepsopleidingen.`,
        });
      }
      return k;
    },
  );
}
