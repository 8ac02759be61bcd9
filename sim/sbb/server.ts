/**
 * The SBB simulator: SBB's leerbedrijven services as their own HTTP server (DOMAIN.md §3.5).
 *
 *   GET  /leerbedrijven?postcode=&huisnummer=&naam=      identificatie → { leerbedrijven: [...] }
 *   GET  /leerbedrijven/:id                             detailgegevens (404 when unknown)
 *   GET  /verificatie?leerbedrijfId=&crebo=&datum=      verificatie → { erkend, signaalcode, melding, startdatum, einddatum }
 *   GET  /leerplaatsen?crebo=                           zoeken: leerbedrijven erkend for a crebo today (all when no crebo)
 *   POST /abonnementen { url, token? }                  mutatieservice: erkenning mutations are POSTed to url
 *   POST /erkenningen { leerbedrijfId, crebo, soort: 'ingetrokken'|'toegekend', datum }   change + push
 *   POST /bpv                                           BPV data from the register (WOT 24f lid 10)
 *   GET  /leerbedrijven/:id/bezetting                   occupancy: the BPV data received for the company
 *   PUT  /modus { modus: 'normaal'|'down'|'traag', vertragingMs? }   for tests: unavailable or slow
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { erkenningOp, type SimLeerbedrijf } from './leerbedrijven.ts';

export type SbbModus = 'normaal' | 'down' | 'traag';

export type ErkenningMutatie = {
  soort: 'ingetrokken' | 'toegekend';
  leerbedrijfId: string;
  crebo: string;
  datum: string;
};

/** The fields SBB may receive (WOT 24f lid 10); anything else in a BPV delivery is refused. */
export const BPV_VELDEN = new Set([
  'mutatie',
  'brin',
  'crebo',
  'codeKeuzedeel',
  'leerweg',
  'leerbedrijfId',
  'afsluitdatum',
  'datumBegin',
  'datumEindeGepland',
  'datumEindeWerkelijk',
  'omvang',
  'leeftijdBijBegin',
]);

export type SbbSim = {
  server: Server;
  url: string;
  leerbedrijven: Map<string, SimLeerbedrijf>;
  bezetting: Map<string, Record<string, unknown>[]>;
  setModus(modus: SbbModus, vertragingMs?: number): void;
  muteer(m: ErkenningMutatie): Promise<void>;
  close(): Promise<void>;
};

export async function startSbbSim(args: {
  leerbedrijven: readonly SimLeerbedrijf[];
  port?: number;
  host?: string;
  vandaag?: () => string;
}): Promise<SbbSim> {
  const leerbedrijven = new Map(args.leerbedrijven.map((l) => [l.leerbedrijfId, structuredClone(l)]));
  const abonnees = new Map<string, string | undefined>();
  const bezetting = new Map<string, Record<string, unknown>[]>();
  let modus: SbbModus = 'normaal';
  let vertragingMs = 3000;
  const vandaag = args.vandaag ?? (() => new Date().toISOString().slice(0, 10));

  const send = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage): Promise<unknown> => {
    const chunks: Buffer[] = [];
    for await (const c of req) {
      chunks.push(c as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    return text ? (JSON.parse(text) as unknown) : {};
  };

  const muteer = async (m: ErkenningMutatie) => {
    const lb = leerbedrijven.get(m.leerbedrijfId);
    if (!lb) {
      throw new Error(`onbekend leerbedrijf ${m.leerbedrijfId}`);
    }
    if (m.soort === 'ingetrokken') {
      for (const e of lb.erkenningen.filter(
        (x) => x.crebo === m.crebo && (x.einddatum === null || x.einddatum > m.datum),
      )) {
        e.einddatum = m.datum;
      }
    } else {
      lb.erkenningen.push({ crebo: m.crebo, begindatum: m.datum, einddatum: null });
    }
    await Promise.all(
      [...abonnees].map(([url, token]) =>
        fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          },
          body: JSON.stringify(m),
          signal: AbortSignal.timeout(5000),
        })
          .then((r) => r.body?.cancel())
          .catch(() => undefined),
      ),
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sbb');
    const path = url.pathname;
    if (req.method === 'PUT' && path === '/modus') {
      const b = (await readBody(req)) as { modus?: SbbModus; vertragingMs?: number };
      modus = b.modus ?? 'normaal';
      vertragingMs = b.vertragingMs ?? vertragingMs;
      return send(res, 200, { modus, vertragingMs });
    }
    if (modus === 'down') {
      return send(res, 503, { fout: 'SBB tijdelijk niet beschikbaar' });
    }
    if (modus === 'traag') {
      await new Promise((r) => setTimeout(r, vertragingMs));
    }
    if (req.method === 'GET' && path === '/leerbedrijven') {
      const postcode = (url.searchParams.get('postcode') ?? '').replace(/\s+/g, '').toUpperCase();
      const huisnummer = url.searchParams.get('huisnummer');
      const naam = url.searchParams.get('naam')?.toLowerCase();
      const hits = [...leerbedrijven.values()].filter(
        (l) =>
          l.postcode === postcode &&
          (huisnummer === null || l.huisnummer === huisnummer) &&
          (naam === undefined || l.naam.toLowerCase().includes(naam)),
      );
      return send(res, 200, { leerbedrijven: hits });
    }
    const detail = /^\/leerbedrijven\/([0-9]{9})(\/bezetting)?$/.exec(path);
    if (req.method === 'GET' && detail?.[1]) {
      const lb = leerbedrijven.get(detail[1]);
      if (!lb) {
        return send(res, 404, { fout: `leerbedrijf ${detail[1]} onbekend` });
      }
      return detail[2]
        ? send(res, 200, { leerbedrijfId: lb.leerbedrijfId, bpv: bezetting.get(lb.leerbedrijfId) ?? [] })
        : send(res, 200, lb);
    }
    if (req.method === 'GET' && path === '/verificatie') {
      const id = url.searchParams.get('leerbedrijfId') ?? '';
      const crebo = url.searchParams.get('crebo') ?? '';
      const datum = url.searchParams.get('datum') ?? vandaag();
      const lb = leerbedrijven.get(id);
      if (!lb) {
        return send(res, 404, { fout: `leerbedrijf ${id} onbekend` });
      }
      const e = erkenningOp(lb, crebo, datum);
      return send(res, 200, {
        leerbedrijfId: id,
        crebo,
        datum,
        erkend: e !== undefined,
        signaalcode: e ? '0' : '1',
        melding: e
          ? 'Leerbedrijf is erkend'
          : 'Leerbedrijf is op deze datum niet erkend voor deze kwalificatie',
        startdatum: e?.begindatum ?? null,
        einddatum: e?.einddatum ?? null,
      });
    }
    if (req.method === 'GET' && path === '/leerplaatsen') {
      const crebo = url.searchParams.get('crebo');
      const d = vandaag();
      const hits = [...leerbedrijven.values()].filter((l) => crebo === null || erkenningOp(l, crebo, d));
      return send(res, 200, { leerbedrijven: hits });
    }
    if (req.method === 'POST' && path === '/abonnementen') {
      const b = (await readBody(req)) as { url?: string; token?: string };
      if (!b.url) {
        return send(res, 400, { fout: 'url ontbreekt' });
      }
      abonnees.set(b.url, b.token);
      return send(res, 201, { url: b.url });
    }
    if (req.method === 'POST' && path === '/erkenningen') {
      const m = (await readBody(req)) as ErkenningMutatie;
      if (!leerbedrijven.has(m.leerbedrijfId)) {
        return send(res, 404, { fout: 'leerbedrijf onbekend' });
      }
      await muteer(m);
      return send(res, 202, m);
    }
    if (req.method === 'POST' && path === '/bpv') {
      const b = (await readBody(req)) as Record<string, unknown>;
      const extra = Object.keys(b).filter((k) => !BPV_VELDEN.has(k));
      if (extra.length > 0) {
        return send(res, 400, { fout: `velden die SBB niet mag ontvangen: ${extra.join(', ')}` });
      }
      const id = String(b.leerbedrijfId);
      const list = bezetting.get(id) ?? [];
      list.push(b);
      bezetting.set(id, list);
      return send(res, 202, { ontvangen: true });
    }
    return send(res, 404, { fout: `onbekend: ${req.method} ${path}` });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { fout: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(args.port ?? 0, args.host ?? '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    leerbedrijven,
    bezetting,
    setModus(m, ms) {
      modus = m;
      if (ms !== undefined) {
        vertragingMs = ms;
      }
    },
    muteer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
