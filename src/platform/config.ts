import { existsSync } from 'node:fs';
import path from 'node:path';

/** The register's configuration, parsed once from the environment (the only place that reads process.env). */
export type Config = Readonly<{
  port: number;
  host: string;
  /** PostgreSQL connection string; undefined → embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  referenceData: string;
  /** Where the reference data comes from, said at start. */
  referenceDataSource: 'gedeeld' | 'synthetisch' | 'opgegeven';
  /** HMAC secret for bearer tokens; read from AUTH_SECRET or the local development key file. */
  authSecretFile: string;
  authSecret: string | undefined;
  logLevel: string;
  dbPoolSize: number;
  /** Haal Centraal BRP Personen base URL (…/haalcentraal/api/brp); undefined → `npm start` runs the simulator. */
  brpUrl: string | undefined;
  /** Optional API key header value for the BRP (X-API-Key). */
  brpApiKey: string | undefined;
  brpTimeoutMs: number;
  /** SBB's leerbedrijven services; undefined → `npm start` runs the SBB simulator on `sbbSimPort`. */
  sbbUrl: string | undefined;
  sbbTimeoutMs: number;
  sbbSimPort: number;
  /** Whether SBB_SIM_PORT was set (then a taken port is an error, not a reason to pick another). */
  sbbSimPortGekozen: boolean;
}>;

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');
export const SYNTHETIC_REFERENCE_DATA = path.join(PROJECT_ROOT, 'reference', 'synthetic');
const SHARED_REFERENCE_DATA = path.resolve(PROJECT_ROOT, '..', 'shared', 'data');

/** Resolves the reference data folder: REFERENCE_DATA, else ../shared/data when present, else the synthetic set. */
export function resolveReferenceData(
  env: NodeJS.ProcessEnv,
): Pick<Config, 'referenceData' | 'referenceDataSource'> {
  if (env.REFERENCE_DATA) {
    return { referenceData: path.resolve(env.REFERENCE_DATA), referenceDataSource: 'opgegeven' };
  }
  if (existsSync(path.join(SHARED_REFERENCE_DATA, 'duo_open_mbo_instellingen_2026.csv'))) {
    return { referenceData: SHARED_REFERENCE_DATA, referenceDataSource: 'gedeeld' };
  }
  return { referenceData: SYNTHETIC_REFERENCE_DATA, referenceDataSource: 'synthetisch' };
}

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') {
    return fallback;
  }
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer 0..65535, got "${value}"`);
  }
  return port;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return Object.freeze({
    port: parsePort(env.PORT, 8080),
    // Loopback by default: a development register with a development key is not for the network.
    // Production sets HOST=0.0.0.0 (and AUTH_SECRET).
    host: env.HOST ?? '127.0.0.1',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR ?? './data'),
    ...resolveReferenceData(env),
    authSecretFile: path.resolve(env.AUTH_SECRET_FILE ?? path.join(PROJECT_ROOT, '.local', 'auth-secret')),
    authSecret: env.AUTH_SECRET || undefined,
    // warn: errors and warnings only; `info` adds a JSON line per request.
    logLevel: env.LOG_LEVEL ?? 'warn',
    dbPoolSize: parsePort(env.DB_POOL_SIZE, 20),
    brpUrl: env.BRP_URL || undefined,
    brpApiKey: env.BRP_API_KEY || undefined,
    brpTimeoutMs: parsePort(env.BRP_TIMEOUT_MS, 2000),
    sbbUrl: env.SBB_URL || undefined,
    sbbTimeoutMs: parsePort(env.SBB_TIMEOUT_MS, 2000),
    sbbSimPort: parsePort(env.SBB_SIM_PORT, 8091),
    sbbSimPortGekozen: Boolean(env.SBB_SIM_PORT),
  });
}
