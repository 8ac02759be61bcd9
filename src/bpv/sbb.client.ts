import type { Datum } from '../platform/dates.ts';
import type { Erkenning, SbbUitslag } from './bpv.ts';

/**
 * Client for SBB's leerbedrijven services (DOMAIN.md §3.5): identificatie, verificatie and detailgegevens, as
 * spoken by the SBB simulator (`sim/sbb/`). Every call has a timeout; the register never calls SBB inside a
 * database transaction.
 */

export type Leerbedrijf = {
  leerbedrijfId: string;
  naam: string;
  postcode: string;
  huisnummer: string;
  plaats: string;
  erkenningen: Erkenning[];
};

export type Verificatie = {
  leerbedrijfId: string;
  crebo: string;
  datum: Datum;
  erkend: boolean;
  signaalcode: string;
  melding: string;
  startdatum: Datum | null;
  einddatum: Datum | null;
};

export type SbbClient = {
  baseUrl: string;
  /** Detailgegevens of one leerbedrijf; never throws: an unreachable SBB is `niet-beschikbaar`. */
  leerbedrijf(leerbedrijfId: string): Promise<SbbUitslag>;
  /** Identificatie: name + postcode (+ huisnummer) → matching leerbedrijven. Throws sbbNietBeschikbaar. */
  identificeer(q: { naam?: string; postcode: string; huisnummer?: string }): Promise<Leerbedrijf[]>;
  /** Verificatie: leerbedrijf-ID + crebo + date → erkend or not; undefined when SBB does not know the leerbedrijf. */
  verifieer(q: { leerbedrijfId: string; crebo: string; datum: Datum }): Promise<Verificatie | undefined>;
  /** Leveren BPV-gegevens: one BPV change with exactly the fields WOT 24f lid 10 allows. Throws when not accepted. */
  leverBpv(data: Record<string, unknown>): Promise<void>;
  /** Zoeken leerplaats: leerbedrijven erkend for a crebo today (all when no crebo). Throws sbbNietBeschikbaar. */
  zoekLeerplaatsen(crebo?: string): Promise<Leerbedrijf[]>;
  /** Mutatieservice: subscribe `url` (with a bearer token) to erkenning mutations. */
  abonneer(url: string, token?: string): Promise<void>;
};

const NIET_BESCHIKBAAR = 'SbbNietBeschikbaar';

/** The error every SBB call throws when SBB cannot answer (unreachable, time-out, 5xx). */
export function sbbNietBeschikbaar(message: string): Error {
  const error = new Error(message);
  error.name = NIET_BESCHIKBAAR;
  return error;
}

export function isSbbNietBeschikbaar(error: unknown): boolean {
  return error instanceof Error && error.name === NIET_BESCHIKBAAR;
}

/**
 * `pauseMs`: after SBB failed a look-up, further look-ups answer `niet-beschikbaar` at once for this long, so an
 * unreachable or slow SBB costs the intake one time-out per pause rather than one per melding (0 = never pause).
 */
export function createSbbClient(opts: {
  baseUrl: string;
  timeoutMs?: number;
  pauseMs?: number;
  now?: () => number;
}): SbbClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 2000;
  const pauseMs = opts.pauseMs ?? 5000;
  const now = opts.now ?? Date.now;
  let pauseUntil = 0;

  async function get(path: string): Promise<{ status: number; body: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: 'application/json' },
      });
    } catch (error) {
      throw sbbNietBeschikbaar(`SBB niet bereikbaar: ${String(error)}`);
    }
    if (res.status >= 500) {
      await res.body?.cancel();
      throw sbbNietBeschikbaar(`SBB antwoordde ${res.status}`);
    }
    const text = await res.text();
    return { status: res.status, body: text.length > 0 ? (JSON.parse(text) as unknown) : undefined };
  }

  /** A search returns many leerbedrijven: give it more time than a single look-up. */
  async function getLang(path: string): Promise<{ status: number; body: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        signal: AbortSignal.timeout(Math.max(timeoutMs, 30_000)),
        headers: { accept: 'application/json' },
      });
    } catch (error) {
      throw sbbNietBeschikbaar(`SBB niet bereikbaar: ${String(error)}`);
    }
    const text = await res.text();
    return { status: res.status, body: text.length > 0 ? (JSON.parse(text) as unknown) : undefined };
  }

  async function post(path: string, body: unknown): Promise<void> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method: 'POST',
        signal: AbortSignal.timeout(timeoutMs),
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (error) {
      throw sbbNietBeschikbaar(`SBB niet bereikbaar: ${String(error)}`);
    }
    const text = await res.text();
    if (res.status >= 300) {
      throw sbbNietBeschikbaar(`SBB antwoordde ${res.status}: ${text.slice(0, 200)}`);
    }
  }

  return {
    baseUrl: base,
    async leerbedrijf(leerbedrijfId) {
      if (now() < pauseUntil) {
        return { status: 'niet-beschikbaar', reden: 'SBB faalde kort geleden; even niet gevraagd' };
      }
      try {
        const { status, body } = await get(`/leerbedrijven/${encodeURIComponent(leerbedrijfId)}`);
        if (status === 404) {
          return { status: 'onbekend' };
        }
        if (status !== 200) {
          return { status: 'niet-beschikbaar', reden: `SBB antwoordde ${status}` };
        }
        const lb = body as Leerbedrijf;
        return { status: 'bekend', naam: lb.naam, erkenningen: lb.erkenningen };
      } catch (error) {
        pauseUntil = now() + pauseMs;
        return { status: 'niet-beschikbaar', reden: String(error) };
      }
    },
    async zoekLeerplaatsen(crebo) {
      const { status, body } = await getLang(
        `/leerplaatsen${crebo ? `?crebo=${encodeURIComponent(crebo)}` : ''}`,
      );
      if (status !== 200) {
        throw sbbNietBeschikbaar(`SBB antwoordde ${status}`);
      }
      return (body as { leerbedrijven: Leerbedrijf[] }).leerbedrijven;
    },
    async identificeer(q) {
      const params = new URLSearchParams({ postcode: q.postcode });
      if (q.naam) {
        params.set('naam', q.naam);
      }
      if (q.huisnummer) {
        params.set('huisnummer', q.huisnummer);
      }
      const { status, body } = await get(`/leerbedrijven?${params}`);
      if (status !== 200) {
        throw sbbNietBeschikbaar(`SBB antwoordde ${status}`);
      }
      return (body as { leerbedrijven: Leerbedrijf[] }).leerbedrijven;
    },
    async verifieer(q) {
      const params = new URLSearchParams({ leerbedrijfId: q.leerbedrijfId, crebo: q.crebo, datum: q.datum });
      const { status, body } = await get(`/verificatie?${params}`);
      if (status === 404) {
        return undefined;
      }
      if (status !== 200) {
        throw sbbNietBeschikbaar(`SBB antwoordde ${status}`);
      }
      return body as Verificatie;
    },
    async leverBpv(data) {
      await post('/bpv', data);
    },
    async abonneer(url, token) {
      await post('/abonnementen', token === undefined ? { url } : { url, token });
    },
  };
}

/** Asks SBB about every leerbedrijf, in parallel (before the transaction). */
export async function lookupLeerbedrijven(
  sbb: SbbClient | undefined,
  ids: readonly string[],
): Promise<Map<string, SbbUitslag>> {
  if (!sbb || ids.length === 0) {
    return new Map();
  }
  const uitslagen = await Promise.all(ids.map(async (id) => [id, await sbb.leerbedrijf(id)] as const));
  return new Map(uitslagen);
}
