import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { meldingRoutes } from './aanlevering/melding.routes.ts';
import type { IntakeDeps } from './aanlevering/melding.service.ts';
import { bekostigingRoutes } from './bekostiging/bekostiging.routes.ts';
import { herberekeningRoutes } from './bekostiging/herberekening.routes.ts';
import { leerbedrijfRoutes } from './bpv/leerbedrijf.routes.ts';
import { persoonRoutes } from './persoon/persoon.routes.ts';
import { type Actor, createAuthenticator } from './platform/auth.ts';
import { AppError, problem, STATUS_BY_KIND } from './platform/problem.ts';
import { referentieRoutes } from './referentie/referentie.routes.ts';
import type { Referentie } from './referentie/referentie.ts';
import { resultaatRoutes } from './resultaat/resultaat.routes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
    actor?: Actor;
  }
}

type AjvLike = { instancePath: string; keyword: string; params?: Record<string, unknown>; message?: string };

/** A query or path parameter problem, in Dutch, naming the parameter. */
function parameterFout(v: AjvLike): { veld: string; tekst: string } {
  const p = v.params ?? {};
  const naam =
    v.instancePath.replace(/^\//, '') || String(p.additionalProperty ?? p.missingProperty ?? '(parameter)');
  const teksten: Record<string, string> = {
    additionalProperties: `onbekende parameter '${String(p.additionalProperty)}'`,
    required: `parameter '${String(p.missingProperty)}' ontbreekt`,
    minimum: `moet minstens ${String(p.limit)} zijn`,
    maximum: `mag hoogstens ${String(p.limit)} zijn`,
    type: `moet van het type ${String(p.type)} zijn`,
    format: `heeft niet het formaat ${String(p.format) === 'date' ? 'JJJJ-MM-DD' : String(p.format)}`,
    pattern: 'heeft niet het voorgeschreven formaat',
    maxLength: `is te lang (maximaal ${String(p.limit)} tekens)`,
    enum: `heeft geen toegestane waarde`,
    const: `heeft geen toegestane waarde`,
    anyOf: `heeft geen toegestane waarde`,
  };
  return { veld: naam, tekst: `${naam}: ${teksten[v.keyword] ?? 'ongeldige waarde'}` };
}

export type AppDeps = Omit<IntakeDeps, 'referentie'> & {
  referentie: () => Referentie;
  authSecret: Uint8Array;
  logger?: boolean | { level: string };
  version?: string;
};

/** What route modules receive: the use-case dependencies and an authenticator. */
export type AppContext = {
  intake: IntakeDeps;
  authenticate(request: FastifyRequest): Promise<Actor>;
};

/**
 * Builds the HTTP API (importable by tests; main.ts is the only file with side effects).
 * Every error leaves as RFC 9457 problem+json with a stable code; no stack trace or SQL reaches a client.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    genReqId: () => randomUUID(),
    bodyLimit: 1_048_576,
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array' } },
    // Errors Fastify raises before routing (a malformed URL, an over-long parameter) are problems too.
    frameworkErrors: (error, request, reply) => {
      const instance = (request.url.split('?')[0] ?? '/').slice(0, 200);
      const status = error.statusCode ?? 400;
      reply.raw.statusCode = status;
      reply.type('application/problem+json; charset=utf-8').send(
        problem({
          status,
          code: 'verzoek.ongeldig',
          title: 'Ongeldig verzoek',
          detail: 'Het adres van het verzoek is ongeldig (verkeerde codering of te lange parameter).',
          instance,
        }) as never,
      );
    },
  });

  // Keep the verbatim body: the archive stores exactly what was received.
  // Only JSON is accepted: no text/plain or other parsers (those would archive something else than was sent).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const charset = /charset=([^;]+)/i
      .exec(request.headers['content-type'] ?? '')?.[1]
      ?.trim()
      .toLowerCase();
    const encoding = request.headers['content-encoding'];
    if (
      (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') ||
      (encoding && encoding !== 'identity')
    ) {
      done(
        new AppError({
          kind: 'unsupported-media-type',
          code: 'verzoek.mediatype',
          title: 'Niet-ondersteunde codering',
          detail: 'Lever JSON in UTF-8, zonder compressie (Content-Type: application/json; charset=utf-8).',
        }),
      );
      return;
    }
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const text = bytes.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(bytes)) {
      done(
        new AppError({
          kind: 'invalid',
          code: 'verzoek.geen-utf8',
          title: 'Ongeldige tekens',
          detail: 'De inhoud is geen geldige UTF-8; lever JSON in UTF-8.',
        }),
      );
      return;
    }
    request.rawBody = text;
    if (text.trim().length === 0) {
      done(
        new AppError({
          kind: 'invalid',
          code: 'melding.leeg',
          title: 'Lege melding',
          detail: 'Het verzoek heeft geen inhoud; lever de melding als JSON-object.',
        }),
      );
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      done(
        new AppError({
          kind: 'invalid',
          code: 'melding.geen-json',
          title: 'Ongeldige JSON',
          detail:
            'De inhoud van het verzoek is geen geldige JSON. Controleer aanhalingstekens, komma’s en haakjes.',
        }),
      );
    }
  });

  // Bearer tokens are checked before the body is read: without a valid token a request learns nothing.
  const verify = createAuthenticator(deps.authSecret);
  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/koppelvlak/')) {
      request.actor = await verify(request.headers.authorization);
    }
  });

  app.setErrorHandler((error, request, reply) => {
    const instance = request.url.split('?')[0] ?? request.url;
    if (error instanceof AppError) {
      const status = STATUS_BY_KIND[error.kind];
      reply
        .code(status)
        .type('application/problem+json; charset=utf-8')
        .send(
          problem({
            status,
            code: error.code,
            title: error.title,
            detail: error.detail,
            instance,
            extras: error.extras,
          }),
        );
      return;
    }
    const err = error as {
      validation?: AjvLike[];
      statusCode?: number;
      code?: string;
    };
    if (err.validation) {
      const errors = [
        ...new Map(
          err.validation
            .filter((v) => v.keyword !== 'anyOf' || err.validation?.length === 1)
            .map((v) => parameterFout(v))
            .map((e) => [e.tekst, e]),
        ).values(),
      ];
      reply
        .code(400)
        .type('application/problem+json; charset=utf-8')
        .send(
          problem({
            status: 400,
            code: 'verzoek.ongeldig',
            title: 'Ongeldig verzoek',
            detail: `Het verzoek bevat ${errors.length} ongeldige parameter${errors.length === 1 ? '' : 's'}.`,
            instance,
            extras: { errors },
          }),
        );
      return;
    }
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      const code =
        err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? 'verzoek.te-groot'
          : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
            ? 'verzoek.mediatype'
            : 'verzoek.ongeldig';
      const detail =
        code === 'verzoek.te-groot'
          ? 'Het verzoek is te groot (maximaal 1 MB per melding).'
          : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
            ? 'Gebruik Content-Type: application/json.'
            : 'Het verzoek kan niet worden verwerkt.';
      reply
        .code(err.statusCode)
        .type('application/problem+json; charset=utf-8')
        .send(problem({ status: err.statusCode, code, title: 'Ongeldig verzoek', detail, instance }));
      return;
    }
    request.log.error({ err: error, correlationId: request.id }, 'unexpected error');
    reply
      .code(500)
      .type('application/problem+json; charset=utf-8')
      .send(
        problem({
          status: 500,
          code: 'intern.fout',
          title: 'Interne fout',
          detail: `Er ging iets mis in het register; er is niets half opgeslagen. Vermeld kenmerk ${request.id} als u contact opneemt.`,
          instance,
        }),
      );
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .type('application/problem+json; charset=utf-8')
      .send(
        problem({
          status: 404,
          code: 'route.onbekend',
          title: 'Niet gevonden',
          detail: `Er is geen ${request.method} ${request.url.split('?')[0]}. Zie /docs voor de beschikbare koppelvlakken.`,
          instance: request.url.split('?')[0] ?? '/',
        }),
      );
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'mbo-register — koppelvlak aanleveren',
        version: deps.version ?? '0.1.0',
        description:
          'Het register van deelname aan het mbo. Instellingen leveren per persoon meldingen aan met inschrijvingen, ' +
          'periodes, extra ondersteuning en resultaten, en lezen hun terugkoppeling, archief en resultaten. Fouten zijn RFC 9457 problem+json.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      tags: [
        { name: 'aanleveren', description: 'Meldingen van het studentinformatiesysteem' },
        { name: 'terugkoppeling', description: 'Signalen op leveringen' },
        { name: 'archivering leveringen', description: 'Het archief van eigen leveringen' },
        { name: 'referentie', description: 'Instellingen, onderwijslocaties en opleidingen' },
        { name: 'persoon', description: 'Identificatie en persoonsgegevens uit de BRP' },
        {
          name: 'resultaten',
          description: 'Raadplegen van diploma’s en deelresultaten van eigen deelnemers',
        },
        {
          name: 'leerbedrijven',
          description: 'Identificatie en verificatie van leerbedrijven bij SBB (white label)',
        },
        { name: 'beheer', description: 'Gezondheid en documentatie' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const ctx: AppContext = {
    intake: deps,
    authenticate: async (request) => request.actor ?? verify(request.headers.authorization),
  };

  app.get('/health', { schema: { tags: ['beheer'], summary: 'Het register is klaar' } }, async () => ({
    status: 'ok',
  }));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  meldingRoutes(app, ctx);
  persoonRoutes(app, ctx);
  referentieRoutes(app, ctx, deps.referentie);
  resultaatRoutes(app, ctx);
  leerbedrijfRoutes(app, ctx);
  bekostigingRoutes(app, ctx, deps.referentie);
  herberekeningRoutes(app, ctx);
  return app;
}
