import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCatalogus, selectInstellingen } from './catalogus.ts';
import { isValidBsn, isValidOnderwijsnummer } from './persoon.ts';
import { IDENTITY_FLAWS, type PersonScript } from './schooljaar.ts';
import { classifyAnswer, generateSchooljaar, percentile, raaktGeslotenTeldatum, runSis } from './sis.ts';
import { summarizeLatencies } from './summary.ts';
import { FIXTURE_REFERENTIE } from './test-fixture.ts';

const catalogus = buildCatalogus(FIXTURE_REFERENTIE, '2026-08-01');
const generate = (studenten: number, seed = 1, instellingen = 4) =>
  generateSchooljaar({ studenten, seed, schooljaar: 2026, instellingen, catalogus });

describe('generateSchooljaar', () => {
  it('gives identical deliveries for the same seed, and others for another seed', () => {
    expect(JSON.stringify(generate(300, 7))).toBe(JSON.stringify(generate(300, 7)));
    expect(JSON.stringify(generate(300, 8))).not.toBe(JSON.stringify(generate(300, 7)));
  });

  it('keeps a student the same when more students are generated', () => {
    expect(generate(400, 3).slice(0, 100)).toEqual(generate(100, 3));
  });

  it('sends valid BSNs and onderwijsnummers, except in deliberately flawed meldingen', () => {
    let onderwijsnummers = 0;
    for (const step of generate(2000).flatMap((s) => s.steps)) {
      const { burgerservicenummer, onderwijsnummer } = step.melding.persoon;
      const valid =
        burgerservicenummer !== undefined
          ? isValidBsn(burgerservicenummer) && onderwijsnummer === undefined
          : onderwijsnummer !== undefined && isValidOnderwijsnummer(onderwijsnummer);
      expect(valid).toBe(step.flaw === undefined || !IDENTITY_FLAWS.has(step.flaw));
      if (step.correction) {
        const fixed = step.correction.persoon;
        expect(
          fixed.burgerservicenummer !== undefined
            ? isValidBsn(fixed.burgerservicenummer)
            : isValidOnderwijsnummer(fixed.onderwijsnummer ?? ''),
        ).toBe(true);
      }
      if (onderwijsnummer !== undefined && step.flaw === undefined) {
        onderwijsnummers++;
      }
    }
    expect(onderwijsnummers).toBeGreaterThan(0);
  });

  it('flaws about 5% of the meldingen, in many kinds, each with a corrected melding under a new berichtId', () => {
    const steps = generate(3000).flatMap((s) => s.steps);
    const flawed = steps.filter((s) => s.flaw !== undefined);
    expect(flawed.length / steps.length).toBeGreaterThan(0.04);
    expect(flawed.length / steps.length).toBeLessThan(0.06);
    expect(new Set(flawed.map((s) => s.flaw)).size).toBeGreaterThanOrEqual(12);
    for (const step of flawed) {
      expect(step.correction?.berichtId).toBe(`${step.berichtId}-h`);
      expect(JSON.stringify(step.correction)).not.toBe(
        JSON.stringify({ ...step.melding, berichtId: `${step.berichtId}-h` }),
      );
    }
  });

  it('writes a realistic year: enrolments in Aug–Sep, changes later, unique berichtIds, sorted per person', () => {
    const scripts = generate(2000);
    const steps = scripts.flatMap((s) => s.steps);
    const ids = steps.flatMap((s) => [s.berichtId, ...(s.correction ? [s.correction.berichtId] : [])]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const script of scripts) {
      const [first] = script.steps;
      expect(first?.kind).toBe('inschrijving');
      const sent = first?.verzenddatum ?? '';
      expect(sent >= '2026-08-01' && sent <= '2026-09-30').toBe(true);
      const dates = script.steps.map((s) => s.verzenddatum);
      expect(dates).toEqual(dates.toSorted());
    }
    expect([...new Set(steps.map((s) => s.kind))]).toEqual(
      expect.arrayContaining([
        'uitschrijving',
        'diploma',
        'opleidingswissel',
        'extra-ondersteuning',
        'verwijdering',
      ]),
    );
    // every periode and enrolment names a location of its own institution
    const locaties = new Map(FIXTURE_REFERENTIE.onderwijslocaties.map((l) => [l.code, l.brin]));
    for (const step of steps.filter((s) => s.flaw === undefined)) {
      for (const p of step.melding.periodes ?? []) {
        expect(locaties.get(p.onderwijslocatie ?? '')).toBe(step.melding.brin);
        expect(p.opleidingcode?.startsWith('9')).toBe(false);
      }
    }
  });

  it('includes a non-funded institution from 4 institutions on, whose periodes are not bekostigbaar', () => {
    expect(selectInstellingen(catalogus, 3, 1).every((i) => i.bekostigd)).toBe(true);
    const four = selectInstellingen(catalogus, 4, 1);
    expect(four.map((i) => i.bekostigd).filter((b) => !b)).toHaveLength(1);
    const periodes = generate(500)
      .filter((s) => s.brin === '30XA')
      .flatMap((s) => s.steps.flatMap((step) => step.melding.periodes ?? []));
    expect(periodes.length).toBeGreaterThan(0);
    expect(periodes.every((p) => p.indicatieBekostigbaar === 'N')).toBe(true);
  });
});

describe('summary', () => {
  it('computes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([], 50)).toBe(0);
    expect(percentile([7], 99)).toBe(7);
    expect(summarizeLatencies([5, 1, 4, 2, 3, 10, 6, 8, 7, 9])).toEqual({
      p50: 5,
      p90: 9,
      p99: 10,
      max: 10,
      mean: 5.5,
    });
  });

  it('classifies the register answers', () => {
    expect(classifyAnswer(200, { meldingId: 'm1', status: 'goedgekeurd', signalen: [] }).kind).toBe(
      'goedgekeurd',
    );
    const signalen = classifyAnswer(200, {
      meldingId: 'm2',
      status: 'goedgekeurd-met-signalen',
      signalen: [{ code: '620', ernst: 'S' }],
    });
    expect(signalen).toMatchObject({ kind: 'goedgekeurd-met-signalen', codes: ['620'] });
    expect(
      classifyAnswer(422, {
        meldingStatus: 'afgekeurd',
        bevindingen: [
          { code: '601', ernst: 'A' },
          { code: '622', ernst: 'S' },
        ],
      }),
    ).toMatchObject({ kind: 'afgekeurd', codes: ['601', '622'] });
    expect(classifyAnswer(409, {}).kind).toBe('conflict');
    expect(classifyAnswer(503, { title: 'Niet beschikbaar' }).kind).toBe('fout');
    expect(classifyAnswer(401, {}).kind).toBe('fout');
  });
});

/** A stand-in register: rejects the deliberately flawed meldingen, replays identical re-sends. */
type FakeRegister = {
  url: string;
  arrivals: { berichtId: string; persoon: string }[];
  maxInFlight: number;
  overlapPerPerson: number;
  server: Server;
};

async function startFakeRegister(flawed: ReadonlySet<string>, delayMs = 3): Promise<FakeRegister> {
  const answers = new Map<string, { body: string; status: number; answer: string }>();
  const inFlightPerPerson = new Map<string, number>();
  const fake: FakeRegister = {
    url: '',
    arrivals: [],
    maxInFlight: 0,
    overlapPerPerson: 0,
    server: createServer(),
  };
  let inFlight = 0;
  fake.server.on('request', async (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    for await (const chunk of req) {
      body += String(chunk);
    }
    const melding = JSON.parse(body) as {
      berichtId: string;
      brin: string;
      persoon: { leerlingnummer: string };
    };
    const persoon = `${melding.brin}/${melding.persoon.leerlingnummer}`;
    fake.arrivals.push({ berichtId: melding.berichtId, persoon });
    inFlight++;
    fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
    const n = (inFlightPerPerson.get(persoon) ?? 0) + 1;
    inFlightPerPerson.set(persoon, n);
    if (n > 1) {
      fake.overlapPerPerson++;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * delayMs)));
    const previous = answers.get(melding.berichtId);
    let status: number;
    let answer: string;
    if (previous) {
      status = previous.body === body ? previous.status : 409;
      answer = previous.body === body ? previous.answer : '{"code":"conflict"}';
    } else if (flawed.has(melding.berichtId)) {
      status = 422;
      answer = JSON.stringify({ meldingStatus: 'afgekeurd', bevindingen: [{ code: '601', ernst: 'A' }] });
    } else {
      status = 200;
      answer = JSON.stringify({
        meldingId: `m-${answers.size}`,
        berichtId: melding.berichtId,
        status: 'goedgekeurd-met-signalen',
        signalen: [{ code: '620', ernst: 'S' }],
      });
    }
    if (!previous) {
      answers.set(melding.berichtId, { body, status, answer });
    }
    inFlight--;
    inFlightPerPerson.set(persoon, (inFlightPerPerson.get(persoon) ?? 1) - 1);
    res.writeHead(status, {
      'content-type': status === 200 ? 'application/json' : 'application/problem+json',
    });
    res.end(answer);
  });
  await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  return fake;
}

function expectedOrder(script: PersonScript): string[] {
  return script.steps.flatMap((s) => [
    s.berichtId,
    ...(s.replay ? [s.berichtId] : []),
    ...(s.correction ? [s.correction.berichtId] : []),
  ]);
}

describe('runSis', () => {
  let fake: FakeRegister | undefined;
  afterEach(async () => {
    const server = fake?.server;
    fake = undefined;
    if (server) {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('keeps each person strictly sequential and in order under concurrency, and counts the answers', async () => {
    const scripts = generate(400, 5);
    const flawed = new Set(scripts.flatMap((s) => s.steps.filter((x) => x.flaw).map((x) => x.berichtId)));
    fake = await startFakeRegister(flawed);
    const summary = await runSis({
      url: fake.url,
      studenten: scripts.length,
      scripts,
      concurrency: 16,
      schooljaar: 2026,
      token: async (brin) => `token-${brin}`,
    });
    expect(fake.overlapPerPerson).toBe(0);
    expect(fake.maxInFlight).toBeGreaterThan(1);
    const perPersoon = new Map<string, string[]>();
    for (const a of fake.arrivals) {
      perPersoon.set(a.persoon, [...(perPersoon.get(a.persoon) ?? []), a.berichtId]);
    }
    for (const script of scripts) {
      expect(perPersoon.get(`${script.brin}/${100_000 + script.index}`)).toEqual(expectedOrder(script));
    }
    const steps = scripts.flatMap((s) => s.steps);
    const replays = steps.filter((s) => s.replay).length;
    expect(summary.meldingen).toBe(fake.arrivals.length);
    expect(summary.afgekeurd).toBe(flawed.size + steps.filter((s) => s.replay && s.flaw).length);
    expect(summary.hersteld).toBe(flawed.size);
    expect(summary.herhaald).toBe(replays);
    expect(summary.herhaaldAfwijkend).toBe(0);
    expect(summary.fouten).toBe(0);
    expect(summary.goedgekeurd + summary.afgekeurd + summary.conflicten + summary.fouten).toBe(
      summary.meldingen,
    );
    expect(summary.goedgekeurdMetSignalen).toBe(summary.goedgekeurd);
    expect(summary.perCode['601']).toBe(summary.afgekeurd);
    expect(summary.perCode['620']).toBe(summary.goedgekeurd);
    expect(summary.perSoort.inschrijving).toBeGreaterThan(0);
    expect(summary.latencyMs.p99).toBeGreaterThanOrEqual(summary.latencyMs.p50);
  });

  it('stops and reports when the register is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const summary = await runSis({
      url: `http://127.0.0.1:${port}`,
      studenten: 50,
      scripts: generate(50),
      concurrency: 2,
      token: async () => 't',
    });
    expect(summary.afgebroken).toBe(true);
    expect(summary.fouten).toBeGreaterThan(0);
    expect(summary.meldingen).toBeLessThan(50);
  });
});

describe('cli', () => {
  let fake: FakeRegister | undefined;
  afterEach(async () => {
    const server = fake?.server;
    fake = undefined;
    if (server) {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('prints the JSON summary as the last line of stdout with --json', async () => {
    fake = await startFakeRegister(new Set());
    const cli = path.join(import.meta.dirname, 'cli.ts');
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [cli, '--url', fake?.url ?? '', '--studenten', '25', '--zonder-bpv', '--json'],
        {
          env: { ...process.env, AUTH_SECRET: 'test-secret-for-the-sis-cli' },
        },
      );
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += String(chunk);
      });
      child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out }));
    });
    expect(code).toBe(0);
    const last = stdout.trimEnd().split('\n').at(-1) ?? '';
    const summary = JSON.parse(last);
    expect(summary).toMatchObject({ studenten: 25, seed: 1, fouten: 0 });
    for (const key of [
      'meldingen',
      'goedgekeurd',
      'afgekeurd',
      'perCode',
      'meldingenPerSec',
      'latencyMs',
      'perSoort',
    ]) {
      expect(summary).toHaveProperty(key);
    }
    expect(summary.latencyMs).toHaveProperty('p50');
    expect(summary.latencyMs).toHaveProperty('p99');
    expect(summary.meldingen).toBe(fake.arrivals.length);
  });
});

describe('which meldingen go under the accountant (mutatiestop)', () => {
  const base = {
    berichtId: 'x',
    brin: '91ZA',
    persoon: {
      burgerservicenummer: '123456782',
      geboortedatum: '2008-01-01',
      geslacht: 'V' as const,
      postcode: '9911AA',
    },
  };
  it('an enrolment starting on or before the last closed teldatum does', () => {
    const m = {
      ...base,
      inschrijvingen: [
        {
          mutatie: 'toevoegen' as const,
          inschrijvingsvolgnummer: '1',
          datumInschrijving: '2025-09-01',
          datumUitschrijvingGepland: '2028-07-31',
        },
      ],
    };
    expect(raaktGeslotenTeldatum(m, '2026-12-03')).toBe(true);
    expect(raaktGeslotenTeldatum(m, '2026-05-31')).toBe(false);
  });
  it('this year’s enrolment or an uitschrijving does not', () => {
    const nieuw = {
      ...base,
      inschrijvingen: [
        {
          mutatie: 'toevoegen' as const,
          inschrijvingsvolgnummer: '1',
          datumInschrijving: '2026-09-01',
          datumUitschrijvingGepland: '2028-07-31',
        },
      ],
    };
    const uit = {
      ...base,
      inschrijvingen: [
        {
          mutatie: 'wijzigen' as const,
          inschrijvingsvolgnummer: '1',
          datumUitschrijvingWerkelijk: '2027-06-30',
          redenUitschrijving: '08' as const,
        },
      ],
    };
    expect(raaktGeslotenTeldatum(nieuw, '2026-12-03')).toBe(false);
    expect(raaktGeslotenTeldatum(uit, '2026-12-03')).toBe(false);
  });
  it('an uitschrijving dated before the last closed teldatum does (it ends the enrolment on that teldatum)', () => {
    const uit = {
      ...base,
      inschrijvingen: [
        {
          mutatie: 'wijzigen' as const,
          inschrijvingsvolgnummer: '1',
          datumUitschrijvingWerkelijk: '2025-12-21',
          redenUitschrijving: '08' as const,
        },
      ],
    };
    expect(raaktGeslotenTeldatum(uit, '2026-12-03')).toBe(true);
    // before 1 June 2026 the last closed teldatum is 1 February 2025
    expect(raaktGeslotenTeldatum(uit, '2026-05-31')).toBe(false);
  });
});
