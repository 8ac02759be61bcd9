/**
 * Client for Haal Centraal BRP Personen Bevragen v2 (`POST {BRP_URL}/personen`). Production points BRP_URL at
 * the real service; development and tests at the simulator in sim/brp. Timeouts, bounded retries with
 * backoff for 5xx/timeouts/network errors, a circuit breaker, and batching: BSN look-ups made within a few
 * milliseconds of each other go out as one RaadpleegMetBurgerservicenummer call of at most 20 BSNs.
 *
 * An answer is "found" or "not found" only when the BRP answered 200. Every other outcome (400, 403, 5xx,
 * timeout, refused connection, open circuit) is a BrpFout: never "not found" (docs/adr/0005).
 */

/** A BRP date as `YYYY-MM-DD` with `00` for unknown parts (`1995-02-00`, `0000-00-00`), never completed. */
export type BrpDatum = string;

/** The person data the register takes from the BRP. Names exactly as the BRP registers them. */
export type BrpPersoon = {
  burgerservicenummer: string;
  geslachtsnaam: string | null;
  voorvoegsel: string | null;
  voornamen: string | null;
  adellijkeTitelPredicaat: string | null;
  geboortedatum: BrpDatum | null;
  geboorteland: string | null;
  geslacht: 'M' | 'V' | 'O' | null;
  datumOverlijden: BrpDatum | null;
  nationaliteiten: string[];
  verblijfstitel: string | null;
  datumIngangVerblijfstitel: BrpDatum | null;
  datumEindeVerblijfstitel: BrpDatum | null;
  postcode: string | null;
  huisnummer: number | null;
  woonplaats: string | null;
  landVertrek: string | null;
  datumVertrek: BrpDatum | null;
  datumVestiging: BrpDatum | null;
  redenOpschorting: string | null;
};

export type BrpFoutSoort = 'timeout' | 'netwerk' | 'status' | 'circuit-open' | 'antwoord';
export type BrpFout = Error & { brpFout: BrpFoutSoort; status?: number };

export function brpFout(soort: BrpFoutSoort, message: string, status?: number): BrpFout {
  return Object.assign(new Error(message), { brpFout: soort, ...(status === undefined ? {} : { status }) });
}

export function isBrpFout(e: unknown): e is BrpFout {
  return e instanceof Error && 'brpFout' in e;
}

export type BrpClient = {
  /** One person by BSN (batched with concurrent look-ups); null when the BRP answers without that person. */
  raadpleeg(bsn: string): Promise<BrpPersoon | null>;
  zoekMetGeslachtsnaamEnGeboortedatum(q: {
    geslachtsnaam: string;
    geboortedatum: string;
    voorvoegsel?: string;
    geslacht?: string;
  }): Promise<BrpPersoon[]>;
  zoekMetPostcodeEnHuisnummer(q: { postcode: string; huisnummer: number }): Promise<BrpPersoon[]>;
  circuit(): 'gesloten' | 'open' | 'halfopen';
  /**
   * Subscribes persons for spontaneous mutations (afnemersindicatie). The real BRP does this in another service;
   * here `POST {BRP_URL}/afnemersindicaties` of the simulator. Throws a BrpFout when it fails.
   */
  plaatsAfnemersindicaties(bsns: readonly string[]): Promise<void>;
};

export type BrpClientOptions = {
  url: string;
  timeoutMs?: number;
  /** Retries after the first attempt, for 5xx, timeouts and network errors (not for 4xx). */
  retries?: number;
  retryBaseMs?: number;
  /** Consecutive failed calls that open the circuit, and how long it stays open. */
  failureThreshold?: number;
  openMs?: number;
  batchWindowMs?: number;
  headers?: Record<string, string>;
  now?: () => number;
};

const FIELDS = [
  'burgerservicenummer',
  'naam',
  'geslacht',
  'geboorte',
  'overlijden',
  'nationaliteiten',
  'verblijfplaats',
  'immigratie',
  'verblijfstitel',
  'opschortingBijhouding',
];

type HcDatum = { type?: string; datum?: string; jaar?: number; maand?: number };

/** Haal Centraal date → `YYYY-MM-DD` with `00` for unknown parts. */
export function brpDatum(d: unknown): BrpDatum | null {
  if (d === null || typeof d !== 'object') {
    return null;
  }
  const x = d as HcDatum;
  const pad = (n: number | undefined, len: number) => String(n ?? 0).padStart(len, '0');
  switch (x.type) {
    case 'Datum':
      return typeof x.datum === 'string' ? x.datum : null;
    case 'JaarMaandDatum':
      return `${pad(x.jaar, 4)}-${pad(x.maand, 2)}-00`;
    case 'JaarDatum':
      return `${pad(x.jaar, 4)}-00-00`;
    case 'DatumOnbekend':
      return '0000-00-00';
    default:
      return null;
  }
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function toBrpPersoon(p: Json): BrpPersoon {
  const naam = obj(p.naam);
  const geboorte = obj(p.geboorte);
  const vp = obj(p.verblijfplaats);
  const adres = obj(vp.verblijfadres);
  const buitenland = vp.type === 'VerblijfplaatsBuitenland';
  const vt = obj(p.verblijfstitel);
  const immigratie = obj(p.immigratie);
  const geslacht = str(obj(p.geslacht).code);
  return {
    burgerservicenummer: String(p.burgerservicenummer ?? ''),
    geslachtsnaam: str(naam.geslachtsnaam),
    voorvoegsel: str(naam.voorvoegsel),
    voornamen: str(naam.voornamen),
    adellijkeTitelPredicaat: str(obj(naam.adellijkeTitelPredicaat).code),
    geboortedatum: brpDatum(geboorte.datum),
    geboorteland: str(obj(geboorte.land).code),
    geslacht: geslacht === 'M' || geslacht === 'V' || geslacht === 'O' ? geslacht : null,
    datumOverlijden: brpDatum(obj(p.overlijden).datum),
    nationaliteiten: (Array.isArray(p.nationaliteiten) ? p.nationaliteiten : []).flatMap((n) => {
      const c = str(obj(obj(n).nationaliteit).code);
      return c ? [c] : [];
    }),
    verblijfstitel: str(obj(vt.aanduiding).code),
    datumIngangVerblijfstitel: brpDatum(vt.datumIngang),
    datumEindeVerblijfstitel: brpDatum(vt.datumEinde),
    postcode: buitenland ? null : str(adres.postcode),
    huisnummer: !buitenland && typeof adres.huisnummer === 'number' ? adres.huisnummer : null,
    woonplaats: buitenland ? null : str(adres.woonplaats),
    landVertrek: buitenland ? str(obj(adres.land).code) : null,
    datumVertrek: buitenland ? brpDatum(vp.datumVan) : null,
    datumVestiging: brpDatum(immigratie.datumVestigingInNederland),
    redenOpschorting: str(obj(obj(p.opschortingBijhouding).reden).code),
  };
}

export function createBrpClient(options: BrpClientOptions): BrpClient {
  const endpoint = `${options.url.replace(/\/+$/, '')}/personen`;
  const timeoutMs = options.timeoutMs ?? 2000;
  const retries = options.retries ?? 2;
  const retryBaseMs = options.retryBaseMs ?? 100;
  const threshold = options.failureThreshold ?? 5;
  const openMs = options.openMs ?? 5000;
  const windowMs = options.batchWindowMs ?? 2;
  const now = options.now ?? Date.now;

  let failures = 0;
  let openUntil = 0;
  let trial = false;

  const circuit = (): 'gesloten' | 'open' | 'halfopen' =>
    failures < threshold ? 'gesloten' : now() < openUntil ? 'open' : 'halfopen';

  async function once(body: Json): Promise<Json[]> {
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
        body: JSON.stringify({ ...body, fields: FIELDS }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const name = e instanceof Error ? e.name : '';
      throw name === 'TimeoutError' || name === 'AbortError'
        ? brpFout('timeout', `BRP antwoordde niet binnen ${timeoutMs} ms`)
        : brpFout(
            'netwerk',
            `BRP niet bereikbaar: ${e instanceof Error ? (e.cause ?? e.message) : String(e)}`,
          );
    }
    const text = await res.text().catch(() => '');
    if (res.status !== 200) {
      throw brpFout('status', `BRP antwoordde ${res.status}`, res.status);
    }
    try {
      const parsed = obj(JSON.parse(text));
      if (!Array.isArray(parsed.personen)) {
        throw new Error('geen personen');
      }
      return parsed.personen.map(obj);
    } catch {
      throw brpFout('antwoord', 'BRP gaf een onleesbaar antwoord');
    }
  }

  /** One logical call: circuit breaker around bounded retries with exponential backoff and jitter. */
  async function call(body: Json): Promise<BrpPersoon[]> {
    const state = circuit();
    if (state === 'open' || (state === 'halfopen' && trial)) {
      throw brpFout('circuit-open', 'BRP-verbinding tijdelijk onderbroken na herhaalde fouten');
    }
    trial = state === 'halfopen';
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const personen = await once(body);
          failures = 0;
          return personen.map(toBrpPersoon);
        } catch (e) {
          const retryable =
            isBrpFout(e) && (e.brpFout !== 'status' || (e.status !== undefined && e.status >= 500));
          if (!retryable || attempt >= retries || trial) {
            throw e;
          }
          await new Promise((r) => setTimeout(r, retryBaseMs * 2 ** attempt * (0.8 + 0.4 * Math.random())));
        }
      }
    } catch (e) {
      // 4xx other than these is our own mistake, not the BRP's health; still counted: it is not an answer.
      failures++;
      if (failures >= threshold) {
        openUntil = now() + openMs;
      }
      throw e;
    } finally {
      trial = false;
    }
  }

  type Pending = { bsn: string; resolve: (p: BrpPersoon | null) => void; reject: (e: unknown) => void };
  const queue: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    timer = undefined;
    while (queue.length > 0) {
      const batch = queue.splice(0, 20);
      const bsns = [...new Set(batch.map((b) => b.bsn))];
      call({ type: 'RaadpleegMetBurgerservicenummer', burgerservicenummer: bsns }).then(
        (personen) => {
          const byBsn = new Map(personen.map((p) => [p.burgerservicenummer, p]));
          for (const b of batch) {
            b.resolve(byBsn.get(b.bsn) ?? null);
          }
        },
        (e: unknown) => {
          for (const b of batch) {
            b.reject(e);
          }
        },
      );
    }
  };

  return {
    raadpleeg(bsn) {
      return new Promise((resolve, reject) => {
        queue.push({ bsn, resolve, reject });
        if (queue.length >= 20) {
          if (timer) {
            clearTimeout(timer);
          }
          flush();
        } else if (!timer) {
          timer = setTimeout(flush, windowMs);
        }
      });
    },
    zoekMetGeslachtsnaamEnGeboortedatum(q) {
      return call({ type: 'ZoekMetGeslachtsnaamEnGeboortedatum', ...q });
    },
    zoekMetPostcodeEnHuisnummer(q) {
      return call({ type: 'ZoekMetPostcodeEnHuisnummer', ...q });
    },
    circuit,
    async plaatsAfnemersindicaties(bsns) {
      let res: Response;
      try {
        res = await fetch(`${options.url.replace(/\/+$/, '')}/afnemersindicaties`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers },
          body: JSON.stringify({ burgerservicenummer: bsns }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        throw brpFout('netwerk', `BRP niet bereikbaar: ${e instanceof Error ? e.message : String(e)}`);
      }
      await res.arrayBuffer();
      if (!res.ok) {
        throw brpFout('status', `BRP antwoordde ${res.status}`, res.status);
      }
    },
  };
}
