/**
 * A BRP simulator speaking Haal Centraal BRP Personen Bevragen v2: `POST /haalcentraal/api/brp/personen`
 * (also `/personen`) with RaadpleegMetBurgerservicenummer (1–20 BSNs), ZoekMetGeslachtsnaamEnGeboortedatum and
 * ZoekMetPostcodeEnHuisnummer, the required `fields` parameter, 200 `{type, personen}` answers and
 * problem+json errors with `invalidParams`. For tests it can be slow, failing (503) or down (not listening).
 * Spontaneous mutations: persons with an afnemersindicatie are pushed to `pushUrl` when changed.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BrpRij, loadBrpTestset, selectFields, toHcPersoon, VELDEN } from './brp-data.ts';

/** normaal; traag (delay); storing (503); geweigerd (403, e.g. an expired authorisation); uit (not listening). */
export type BrpModus = 'normaal' | 'traag' | 'storing' | 'geweigerd' | 'uit';

export type BrpMutatie =
  | { soort: 'overlijden'; datum: string }
  | { soort: 'emigratie'; datum: string; land: string }
  | { soort: 'naam'; geslachtsnaam?: string; voorvoegsel?: string; voornamen?: string }
  | { soort: 'adres'; postcode: string; huisnummer: string; straatnaam?: string; woonplaats?: string }
  | { soort: 'nationaliteit'; code: string };

export type BrpSimulator = {
  url: string;
  port: number;
  personen: Map<string, BrpRij>;
  /** Calls of POST /personen answered (any status) and BSNs asked for, for tests and the benchmark. */
  stats: { verzoeken: number; bsns: number };
  afnemersindicaties: Set<string>;
  setModus(modus: BrpModus, vertragingMs?: number): Promise<void>;
  /** Changes a person and pushes the mutation to the register when it holds an afnemersindicatie. */
  muteer(bsn: string, mutatie: BrpMutatie): Promise<boolean>;
  /** Where spontaneous mutations go (known only once the register listens). */
  setPush(push: { url: string; token: string }): void;
  close(): Promise<void>;
};

const PATHS = new Set(['/haalcentraal/api/brp/personen', '/personen']);

type InvalidParam = { name: string; code: string; reason: string };

function send(res: ServerResponse, status: number, body: unknown, problem = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': problem ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function problem(res: ServerResponse, instance: string, status: number, extra: Record<string, unknown>) {
  const titles: Record<number, string> = {
    400: 'Een of meer parameters zijn niet juist.',
    403: 'U bent niet geautoriseerd voor deze operatie.',
    404: 'Opgevraagde resource bestaat niet.',
    405: 'Methode niet toegestaan.',
    503: 'Bronservice BRP is tijdelijk niet beschikbaar.',
  };
  send(
    res,
    status,
    {
      type: `https://httpstatuses.io/${status}`,
      title: titles[status] ?? 'Fout',
      status,
      instance,
      ...extra,
    },
    true,
  );
}

const BSN = /^[0-9]{9}$/;
const DATUM = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const POSTCODE = /^[1-9][0-9]{3} ?[A-Za-z]{2}$/;

function isoOf(brp: string): string {
  return /^[0-9]{8}$/.test(brp) ? `${brp.slice(0, 4)}-${brp.slice(4, 6)}-${brp.slice(6, 8)}` : '';
}

const lower = (s: unknown) => (typeof s === 'string' ? s.toLocaleLowerCase('nl') : '');

/** Validates a query and finds its persons; invalidParams when the request is wrong. */
export function zoek(
  personen: ReadonlyMap<string, BrpRij>,
  body: Record<string, unknown>,
  synthetisch?: (bsn: string) => BrpRij | undefined,
): { personen: BrpRij[] } | { invalidParams: InvalidParam[] } {
  const invalid: InvalidParam[] = [];
  const str = (name: string, required: boolean, pattern?: RegExp): string | undefined => {
    const v = body[name];
    if (v === undefined) {
      if (required) {
        invalid.push({ name, code: 'required', reason: 'Parameter is verplicht.' });
      }
      return undefined;
    }
    if (typeof v !== 'string' || (pattern && !pattern.test(v))) {
      invalid.push({
        name,
        code: pattern ? 'pattern' : 'string',
        reason: 'Waarde voldoet niet aan het patroon.',
      });
      return undefined;
    }
    return v;
  };
  const fields = body.fields;
  if (fields === undefined) {
    invalid.push({ name: 'fields', code: 'required', reason: 'Parameter is verplicht.' });
  } else if (!Array.isArray(fields) || fields.length === 0 || fields.length > 130) {
    invalid.push({ name: 'fields', code: 'array', reason: 'Parameter moet een niet-lege lijst zijn.' });
  } else {
    fields.forEach((f, i) => {
      if (typeof f !== 'string' || !VELDEN.has(f.split('.')[0] ?? '')) {
        invalid.push({
          name: `fields[${i}]`,
          code: 'fields',
          reason: 'Parameter bevat een niet bestaande veldnaam.',
        });
      }
    });
  }
  const inclusiefOverleden = body.inclusiefOverledenPersonen === true;
  const levend = (p: BrpRij) => inclusiefOverleden || p.datumOverlijden === '';
  let found: BrpRij[] = [];
  switch (body.type) {
    case 'RaadpleegMetBurgerservicenummer': {
      const bsns = body.burgerservicenummer;
      if (!Array.isArray(bsns) || bsns.length === 0) {
        invalid.push({ name: 'burgerservicenummer', code: 'required', reason: 'Parameter is verplicht.' });
      } else if (bsns.length > 20) {
        invalid.push({
          name: 'burgerservicenummer',
          code: 'maxItems',
          reason: 'Array bevat meer dan 20 items.',
        });
      } else {
        bsns.forEach((b, i) => {
          if (typeof b !== 'string' || !BSN.test(b)) {
            invalid.push({
              name: `burgerservicenummer[${i}]`,
              code: 'pattern',
              reason: 'Waarde voldoet niet aan patroon ^[0-9]{9}$.',
            });
          }
        });
        found = [...new Set(bsns as string[])].flatMap((b) => {
          const p = typeof b === 'string' ? (personen.get(b) ?? synthetisch?.(b)) : undefined;
          return p ? [p] : [];
        });
      }
      break;
    }
    case 'ZoekMetGeslachtsnaamEnGeboortedatum': {
      const naam = str('geslachtsnaam', true);
      const datum = str('geboortedatum', true, DATUM);
      const voornamen = str('voornamen', false);
      const voorvoegsel = str('voorvoegsel', false);
      const geslacht = str('geslacht', false, /^[MVOmvo]$/);
      if (naam !== undefined && datum !== undefined) {
        found = [...personen.values()].filter(
          (p) =>
            levend(p) &&
            lower(p.geslachtsnaam) === lower(naam) &&
            isoOf(p.geboortedatum) === datum &&
            (voornamen === undefined || lower(p.voornamen).startsWith(lower(voornamen))) &&
            (voorvoegsel === undefined || lower(p.voorvoegsel) === lower(voorvoegsel)) &&
            (geslacht === undefined || p.geslacht === geslacht.toUpperCase()),
        );
      }
      break;
    }
    case 'ZoekMetPostcodeEnHuisnummer': {
      const postcode = str('postcode', true, POSTCODE);
      const huisnummer = body.huisnummer;
      if (
        typeof huisnummer !== 'number' ||
        !Number.isInteger(huisnummer) ||
        huisnummer < 1 ||
        huisnummer > 99999
      ) {
        invalid.push({
          name: 'huisnummer',
          code: huisnummer === undefined ? 'required' : 'integer',
          reason: 'Parameter is verplicht en een geheel getal van 1 t/m 99999.',
        });
      }
      const huisletter = str('huisletter', false);
      const toevoeging = str('huisnummertoevoeging', false);
      const datum = str('geboortedatum', false, DATUM);
      const naam = str('geslachtsnaam', false);
      if (postcode !== undefined && typeof huisnummer === 'number') {
        const pc = postcode.replace(' ', '').toUpperCase();
        found = [...personen.values()].filter(
          (p) =>
            levend(p) &&
            p.postcode.toUpperCase() === pc &&
            p.huisnummer === String(huisnummer) &&
            (huisletter === undefined || lower(p.huisletter) === lower(huisletter)) &&
            (toevoeging === undefined || lower(p.huisnummertoevoeging) === lower(toevoeging)) &&
            (datum === undefined || isoOf(p.geboortedatum) === datum) &&
            (naam === undefined || lower(p.geslachtsnaam) === lower(naam)),
        );
      }
      break;
    }
    default:
      invalid.push({ name: 'type', code: 'value', reason: 'Waarde is geen geldig zoek type.' });
  }
  return invalid.length > 0 ? { invalidParams: invalid } : { personen: found };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const toBrpDatum = (iso: string) => iso.replaceAll('-', '');

function applyMutatie(p: BrpRij, m: BrpMutatie): void {
  switch (m.soort) {
    case 'overlijden':
      p.datumOverlijden = toBrpDatum(m.datum);
      p.redenOpschorting = 'O';
      p.datumOpschorting = toBrpDatum(m.datum);
      break;
    case 'emigratie':
      p.landVertrek = m.land;
      p.datumVertrek = toBrpDatum(m.datum);
      p.redenOpschorting = 'E';
      p.datumOpschorting = toBrpDatum(m.datum);
      p.postcode = '';
      p.straatnaam = '';
      p.huisnummer = '';
      break;
    case 'naam':
      p.geslachtsnaam = m.geslachtsnaam ?? p.geslachtsnaam;
      p.voorvoegsel = m.voorvoegsel ?? p.voorvoegsel;
      p.voornamen = m.voornamen ?? p.voornamen;
      break;
    case 'adres':
      p.postcode = m.postcode;
      p.huisnummer = m.huisnummer;
      p.straatnaam = m.straatnaam ?? p.straatnaam;
      p.woonplaats = m.woonplaats ?? p.woonplaats;
      break;
    case 'nationaliteit':
      p.nationaliteit = m.code;
      break;
  }
}

export async function startBrpSimulator(
  options: {
    port?: number;
    host?: string;
    file?: string;
    /** Extra (synthetic) persons, e.g. for tests. */
    extra?: readonly BrpRij[];
    /** For tests: a person for a BSN the test set does not hold (undefined → not in the BRP). */
    synthetisch?: (bsn: string) => BrpRij | undefined;
    /** Where spontaneous mutations go (the register's endpoint) and the bearer token for role `brp`. */
    push?: { url: string; token: string };
  } = {},
): Promise<BrpSimulator> {
  const personen = new Map<string, BrpRij>();
  for (const p of [...loadBrpTestset(options.file), ...(options.extra ?? [])]) {
    personen.set(p.burgerservicenummer, { ...p });
  }
  let modus: BrpModus = 'normaal';
  let vertragingMs = 0;
  const stats = { verzoeken: 0, bsns: 0 };
  const afnemersindicaties = new Set<string>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = (req.url ?? '/').split('?')[0] ?? '/';
    if (
      (url === '/afnemersindicaties' || url === '/haalcentraal/api/brp/afnemersindicaties') &&
      req.method === 'POST'
    ) {
      // Simplified afnemersindicatie: the register subscribes BSNs (the real one is another BRP service).
      const body = JSON.parse((await readBody(req)) || '{}') as { burgerservicenummer?: unknown };
      const bsns = Array.isArray(body.burgerservicenummer) ? body.burgerservicenummer : [];
      for (const b of bsns) {
        if (typeof b === 'string' && BSN.test(b)) {
          afnemersindicaties.add(b);
        }
      }
      send(res, 200, { aantal: afnemersindicaties.size });
      return;
    }
    // Simulator control (not part of the BRP API): change a person (pushed as a spontaneous mutation) or the mode.
    if (url.endsWith('/_sim/mutaties') && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}') as { burgerservicenummer?: string } & BrpMutatie;
      const { burgerservicenummer, ...mutatie } = body;
      const bekend = typeof burgerservicenummer === 'string' && personen.has(burgerservicenummer);
      const verstuurd = bekend ? await sim.muteer(burgerservicenummer, mutatie as BrpMutatie) : false;
      send(res, bekend ? 200 : 404, { bekend, verstuurd });
      return;
    }
    if (url.endsWith('/_sim/modus') && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}') as { modus?: BrpModus; vertragingMs?: number };
      send(res, 200, { modus: body.modus ?? modus });
      if (
        body.modus === 'storing' ||
        body.modus === 'traag' ||
        body.modus === 'geweigerd' ||
        body.modus === 'normaal'
      ) {
        await sim.setModus(body.modus, body.vertragingMs ?? 0);
      }
      return;
    }
    if (!PATHS.has(url)) {
      problem(res, url, 404, { code: 'notFound' });
      return;
    }
    if (req.method !== 'POST') {
      problem(res, url, 405, { code: 'methodNotAllowed' });
      return;
    }
    const text = await readBody(req);
    stats.verzoeken++;
    if (modus === 'traag' && vertragingMs > 0) {
      await new Promise((r) => setTimeout(r, vertragingMs));
    }
    if (modus === 'storing') {
      problem(res, url, 503, { code: 'sourceUnavailable' });
      return;
    }
    if (modus === 'geweigerd') {
      problem(res, url, 403, { code: 'unauthorized' });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      problem(res, url, 400, { code: 'paramsValidation', detail: 'De request body is geen geldige JSON.' });
      return;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      problem(res, url, 400, { code: 'paramsValidation', detail: 'De request body moet een object zijn.' });
      return;
    }
    const b = body as Record<string, unknown>;
    const result = zoek(personen, b, options.synthetisch);
    if ('invalidParams' in result) {
      problem(res, url, 400, { code: 'paramsValidation', invalidParams: result.invalidParams });
      return;
    }
    if (b.type === 'RaadpleegMetBurgerservicenummer' && Array.isArray(b.burgerservicenummer)) {
      stats.bsns += b.burgerservicenummer.length;
    }
    const fields = b.fields as string[];
    send(res, 200, {
      type: b.type,
      personen: result.personen.map((p) => selectFields(toHcPersoon(p), fields)),
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) {
        problem(res, req.url ?? '/', 500, { code: 'serverError' });
      }
    });
  });
  server.keepAliveTimeout = 5000;
  const host = options.host ?? '127.0.0.1';
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => resolve());
      server.closeAllConnections();
    });
  const port = await listen(options.port ?? 0);

  let pushTo = options.push;
  const push = async (bsn: string, mutatie: BrpMutatie, persoon: BrpRij) => {
    if (!pushTo || !afnemersindicaties.has(bsn)) {
      return false;
    }
    const res = await fetch(pushTo.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${pushTo.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ burgerservicenummer: bsn, soort: mutatie.soort, persoon: toHcPersoon(persoon) }),
      signal: AbortSignal.timeout(5000),
    });
    await res.arrayBuffer();
    return res.ok;
  };

  const sim: BrpSimulator = {
    url: `http://${host}:${port}/haalcentraal/api/brp`,
    port,
    personen,
    stats,
    afnemersindicaties,
    async setModus(next, ms = 0) {
      if (next === 'uit' && modus !== 'uit') {
        await stop();
      } else if (next !== 'uit' && modus === 'uit') {
        await listen(port);
      }
      modus = next;
      vertragingMs = ms;
    },
    async muteer(bsn, mutatie) {
      const p = personen.get(bsn);
      if (!p) {
        return false;
      }
      applyMutatie(p, mutatie);
      return push(bsn, mutatie, p);
    },
    setPush(next) {
      pushTo = next;
    },
    close: stop,
  };
  return sim;
}
