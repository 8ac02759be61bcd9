import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { jwtVerify, SignJWT } from 'jose';
import { AppError } from './problem.ts';

/**
 * Actors and bearer tokens. A token is a JWT (HS256) whose `sub` names the role:
 * `instelling:<brin>`, `accountant:<brin>`, `beheerder`, `raadpleger`, `afnemer:<id>`, `sbb`, `brp`.
 */
export type Actor =
  | { kind: 'instelling'; brin: string; subject: string }
  | { kind: 'accountant'; brin: string; subject: string }
  | { kind: 'beheerder'; subject: string }
  | { kind: 'raadpleger'; subject: string }
  | { kind: 'afnemer'; afnemerId: string; subject: string }
  | { kind: 'sbb'; subject: string }
  | { kind: 'brp'; subject: string };

const ISSUER = 'mbo-register';
const AUDIENCE = 'mbo-register';
const BRIN = /^[0-9]{2}[A-Z0-9]{2}$/;

/**
 * DUO staff only (role `beheerder`): returns the staff member's subject, or throws 403 saying in Dutch what only
 * staff may do (`wat`, e.g. "dubbele personen beoordelen").
 */
export function requireBeheerder(actor: { kind: string; subject: string }, wat: string): string {
  if (actor.kind !== 'beheerder') {
    throw new AppError({
      kind: 'forbidden',
      code: 'beheer.geen-beheerder',
      title: 'Geen toegang',
      detail: `Alleen medewerkers van DUO (beheerder) kunnen ${wat}.`,
    });
  }
  return actor.subject;
}

/** Parses a role string into an Actor, or undefined when it names no known role. */
export function parseRole(role: string): Actor | undefined {
  const parts = role.split(':');
  if (parts.length > 2) {
    return undefined;
  }
  const [kind, arg] = parts;
  switch (kind) {
    case 'instelling':
    case 'accountant':
      return arg !== undefined && BRIN.test(arg) ? { kind, brin: arg, subject: role } : undefined;
    case 'afnemer':
      return arg !== undefined && /^[a-z0-9-]{1,40}$/.test(arg)
        ? { kind, afnemerId: arg, subject: role }
        : undefined;
    case 'beheerder':
    case 'raadpleger':
    case 'sbb':
    case 'brp':
      return arg === undefined ? { kind, subject: role } : undefined;
    default:
      return undefined;
  }
}

/**
 * The signing secret: AUTH_SECRET when configured, else a development key kept in a local file
 * (created on first use, mode 0600) that `npm start`, `npm run token` and `npm run sis` share.
 */
export function resolveAuthSecret(config: { authSecret: string | undefined; authSecretFile: string }): {
  secret: Uint8Array;
  source: 'AUTH_SECRET' | string;
} {
  if (config.authSecret) {
    return { secret: new TextEncoder().encode(config.authSecret), source: 'AUTH_SECRET' };
  }
  if (!existsSync(config.authSecretFile)) {
    mkdirSync(path.dirname(config.authSecretFile), { recursive: true });
    writeFileSync(config.authSecretFile, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(config.authSecretFile, 0o600);
  return {
    secret: new TextEncoder().encode(readFileSync(config.authSecretFile, 'utf8').trim()),
    source: config.authSecretFile,
  };
}

/** Issues a bearer token for a role (local use: `npm run token -- instelling:00GT`). */
export async function signToken(secret: Uint8Array, role: string, ttlSeconds = 8 * 3600): Promise<string> {
  if (!parseRole(role)) {
    throw new Error(`onbekende rol: ${role}`);
  }
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(role)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(secret);
}

/** Verifies a bearer token and returns its actor; throws AppError(unauthorized) otherwise. */
export async function authenticate(secret: Uint8Array, authorization: string | undefined): Promise<Actor> {
  const match = authorization ? /^Bearer +([A-Za-z0-9._-]+)$/i.exec(authorization.trim()) : null;
  if (!match?.[1]) {
    throw new AppError({
      kind: 'unauthorized',
      code: 'auth.token-ontbreekt',
      title: 'Niet geauthenticeerd',
      detail: 'Stuur een geldig toegangstoken mee in de header Authorization: Bearer <token>.',
    });
  }
  try {
    const { payload } = await jwtVerify(match[1], secret, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
      maxTokenAge: '400d',
    });
    const actor = typeof payload.sub === 'string' ? parseRole(payload.sub) : undefined;
    if (!actor) {
      throw new Error('unknown role');
    }
    return actor;
  } catch {
    throw new AppError({
      kind: 'unauthorized',
      code: 'auth.token-ongeldig',
      title: 'Niet geauthenticeerd',
      detail: 'Het toegangstoken is ongeldig of verlopen.',
    });
  }
}

const MAX_CACHED_TOKENS = 10_000;

/**
 * An authenticator that remembers verified tokens until they expire (a SIS sends thousands of meldingen
 * with one token; verifying the signature once is enough). Tokens that fail are never cached.
 */
export function createAuthenticator(
  secret: Uint8Array,
  now: () => number = Date.now,
): (authorization: string | undefined) => Promise<Actor> {
  const cache = new Map<string, { actor: Actor; expiresAt: number }>();
  return async (authorization) => {
    const hit = authorization === undefined ? undefined : cache.get(authorization);
    if (hit && hit.expiresAt > now()) {
      return hit.actor;
    }
    if (hit) {
      cache.delete(authorization ?? '');
    }
    const actor = await authenticate(secret, authorization);
    const token = authorization?.trim().split(/ +/)[1] ?? '';
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: number;
    };
    if (authorization !== undefined && typeof payload.exp === 'number') {
      if (cache.size >= MAX_CACHED_TOKENS) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) {
          cache.delete(oldest);
        }
      }
      cache.set(authorization, { actor, expiresAt: payload.exp * 1000 });
    }
    return actor;
  };
}
