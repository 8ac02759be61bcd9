/**
 * The SIS simulator: plays MBO institutions' student information systems through one school year
 * and sends their meldingen to the register's koppelvlak over HTTP. It is the demo, the load
 * generator and the benchmark driver.
 *
 *   generateSchooljaar(options) → PersonScript[]   pure and seeded (see schooljaar.ts for the rates)
 *   runSis(options)             → SisSummary       sends them, `concurrency` requests in flight,
 *                                                   strictly one at a time per person, in date order
 */
import type { Melding, PersoonInput } from '../../src/aanlevering/melding.schema.ts';
import { resolveAuthSecret, signToken } from '../../src/platform/auth.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { dutchDate } from '../../src/platform/dates.ts';
import { readReferentie } from '../../src/referentie/referentie.import.ts';
import { buildCatalogus, type SisCatalogus } from './catalogus.ts';
import { schooljaarOf } from './datum.ts';
import { createPoster } from './http.ts';
import {
  countRecords,
  type GenerateOptions,
  generateSchooljaar,
  IDENTITY_FLAWS,
  type PersonScript,
  type SisStep,
} from './schooljaar.ts';
import { type FlawCount, increment, type SisSummary, sortedCounts, summarizeLatencies } from './summary.ts';

export type { SisCatalogus, SisInstelling, SisOpleiding, SisReferentie } from './catalogus.ts';
export { buildCatalogus, selectInstellingen } from './catalogus.ts';
export type { Flaw, GenerateOptions, PersonScript, RecordSoort, SisStep, StepKind } from './schooljaar.ts';
export { FLAWS, generateSchooljaar } from './schooljaar.ts';

import type { SimLeerbedrijf } from '../sbb/leerbedrijven.ts';

export type { FlawCount, LatencySummary, SisSummary } from './summary.ts';
export { formatProgress, formatSummary, percentile } from './summary.ts';

export const MELDINGEN_PATH = '/koppelvlak/v1/meldingen';

/** The school year running on a date (default today, local time): 1 Aug–31 Jul. */
export function currentSchooljaar(today: Date = new Date()): number {
  const iso = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  return schooljaarOf(iso);
}

/** Reads the register's reference data (the same files, so the same location codes) for a school year. */
export async function loadSisCatalogus(schooljaar: number, folder?: string): Promise<SisCatalogus> {
  const referentie = await readReferentie(folder ?? loadConfig().referenceData);
  return buildCatalogus(referentie, `${schooljaar}-08-01`);
}

export type SisProgress = Readonly<{ verstuurd: number; totaal: number; perSec: number; elapsedSec: number }>;

export type RunOptions = Readonly<{
  /** Base URL of the register, e.g. http://127.0.0.1:8080 */
  url: string;
  studenten: number;
  instellingen?: number;
  seed?: number;
  concurrency?: number;
  schooljaar?: number;
  /** The register's today: results dated after it are not delivered (see schooljaar.ts). Default: none held back. */
  vandaag?: string;
  /** Reference data; default: read from the configured folder. */
  catalogus?: SisCatalogus;
  /** Pre-generated scripts (the benchmark generates once, sends many times); default: generated. */
  scripts?: readonly PersonScript[];
  /** Bearer token per BRIN; default: signed with the register's secret (AUTH_SECRET or the local key). */
  token?: (brin: string) => Promise<string>;
  /**
   * 'accountant': every melding carries `verantwoordelijke: 'accountant'` (pair it with `accountant:<brin>` tokens).
   * The simulator delivers a whole school year, with its students' earlier enrolments, at once; against a register
   * clock past 1 June that is a late delivery the mutatiestop (rule 38, code 636) rejects from an institution.
   */
  verantwoordelijke?: 'accountant';
  /**
   * Accountant token per BRIN. When given (the CLI and the benchmark give one), meldingen that change what counts
   * on a teldatum already closed by the mutatiestop — the earlier enrolments of students in their final year,
   * delivered now — go under the accountant's responsibility, as the law requires; the rest as the institution.
   */
  accountantToken?: (brin: string) => Promise<string>;
  onProgress?: (progress: SisProgress) => void;
  /** Per-request time-out in ms (default 60 s). */
  timeoutMs?: number;
  /** Persons of the BRP test set to enrol first (see GenerateOptions.brpPersonen); default: synthetic only. */
  brpPersonen?: readonly PersoonInput[];
  /** SBB (simulator) base URL: its leerbedrijven make the BPV the SIS delivers; without it no BPV. */
  sbbUrl?: string;
  /** Without sbbUrl: find BPV places through the register's white-label search (the CLI does; tests opt in). */
  leerplaatsenViaRegister?: boolean;
}>;

/** The leerbedrijven of the SBB simulator (`GET /leerplaatsen`): what the SIS chooses BPV places from. */
export async function fetchLeerbedrijven(sbbUrl: string): Promise<SimLeerbedrijf[]> {
  const res = await fetch(new URL('/leerplaatsen', sbbUrl), { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) {
    throw new Error(`SBB-simulator antwoordde ${res.status} op /leerplaatsen`);
  }
  const body = (await res.json()) as { leerbedrijven: SimLeerbedrijf[] };
  return body.leerbedrijven.sort((a, b) => (a.leerbedrijfId < b.leerbedrijfId ? -1 : 1));
}

/**
 * The leerplaatsen through the register's white-label route (`GET /koppelvlak/v1/leerplaatsen`), as an
 * institution's SIS finds them. Undefined (no BPV) when the register has no SBB connection.
 */
export async function fetchLeerplaatsenViaRegister(
  url: string,
  token: string,
): Promise<SimLeerbedrijf[] | undefined> {
  try {
    const res = await fetch(new URL('/koppelvlak/v1/leerplaatsen', url), {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(20_000),
    });
    if (!res.ok) {
      await res.body?.cancel();
      return undefined;
    }
    const body = (await res.json()) as { leerbedrijven: SimLeerbedrijf[] };
    return body.leerbedrijven.sort((a, b) => (a.leerbedrijfId < b.leerbedrijfId ? -1 : 1));
  } catch {
    return undefined;
  }
}

/**
 * Does a melding touch a teldatum the mutatiestop has closed (DOMAIN §4.6: from 1 June after the second teldatum)?
 * True when it adds an enrolment, a periode or a BPV that starts on or before the last closed teldatum, or carries a
 * diploma of a calendar year whose funding year is closed.
 */
export function raaktGeslotenTeldatum(melding: Melding, vandaag: string): boolean {
  const jaar = Number(vandaag.slice(0, 4));
  const laatsteGesloten = `${vandaag >= `${jaar}-06-01` ? jaar : jaar - 1}-02-01`;
  return (
    (melding.inschrijvingen ?? []).some(
      (r) =>
        r.mutatie === 'toevoegen' &&
        r.datumInschrijving !== undefined &&
        r.datumInschrijving <= laatsteGesloten,
    ) ||
    // an uitschrijving, a moved datum inschrijving or a removal changes who was enrolled on the teldata before it
    (melding.inschrijvingen ?? []).some(
      (r) =>
        (r.mutatie === 'wijzigen' &&
          ((r.datumUitschrijvingWerkelijk != null && r.datumUitschrijvingWerkelijk < laatsteGesloten) ||
            (r.datumInschrijving !== undefined && r.datumInschrijving <= laatsteGesloten))) ||
        r.mutatie === 'verwijderen',
    ) ||
    (melding.periodes ?? []).some((r) => r.datumBegin <= laatsteGesloten) ||
    (melding.bpv ?? []).some((r) => r.datumBegin !== undefined && r.datumBegin <= laatsteGesloten) ||
    // a diploma of calendar year Y counts for the teldata of 1 Oct Y / 1 Feb Y+1: closed from 1 June Y+1
    (melding.resultaten ?? []).some(
      (r) =>
        r.soort === 'DIP' &&
        typeof r.datumResultaat === 'string' &&
        `${Number(r.datumResultaat.slice(0, 4)) + 1}-06-01` <= vandaag,
    )
  );
}

/** What one POST came back with. */
type Answer = Readonly<{
  kind: 'goedgekeurd' | 'goedgekeurd-met-signalen' | 'afgekeurd' | 'conflict' | 'fout';
  httpStatus: number | undefined;
  meldingId: string | undefined;
  /** Codes of bevindingen and signalen, in answer order. */
  codes: readonly string[];
  detail?: string;
}>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function codesOf(list: unknown): string[] {
  return Array.isArray(list)
    ? list.flatMap((item) => (isRecord(item) && typeof item.code === 'string' ? [item.code] : []))
    : [];
}

/** Classifies the register's answer (see the koppelvlak: 200, 422 problem+json, 409, …). */
export function classifyAnswer(httpStatus: number, body: unknown): Answer {
  const record = isRecord(body) ? body : {};
  const meldingId = typeof record.meldingId === 'string' ? record.meldingId : undefined;
  if (httpStatus >= 200 && httpStatus < 300) {
    const codes = [...codesOf(record.signalen), ...codesOf(record.bevindingen)];
    const kind =
      record.status === 'goedgekeurd-met-signalen' || (record.status !== 'goedgekeurd' && codes.length > 0)
        ? 'goedgekeurd-met-signalen'
        : 'goedgekeurd';
    return { kind, httpStatus, meldingId, codes };
  }
  if (httpStatus === 409) {
    return { kind: 'conflict', httpStatus, meldingId, codes: [] };
  }
  if (httpStatus === 422 || httpStatus === 400) {
    const codes = [...codesOf(record.bevindingen), ...codesOf(record.errors)];
    if (codes.length === 0 && typeof record.code === 'string') {
      codes.push(record.code);
    }
    return { kind: 'afgekeurd', httpStatus, meldingId, codes };
  }
  const detail =
    typeof record.detail === 'string' ? record.detail : typeof record.title === 'string' ? record.title : '';
  return { kind: 'fout', httpStatus, meldingId, codes: [], detail: `HTTP ${httpStatus} ${detail}`.trim() };
}

function sameAnswer(a: Answer, b: Answer): boolean {
  return (
    a.httpStatus === b.httpStatus &&
    a.meldingId === b.meldingId &&
    [...a.codes].sort().join(',') === [...b.codes].sort().join(',')
  );
}

/** A binary min-heap on [verzenddatum, person, step]: the next melding to send, in date order. */
type QueueItem = { datum: string; person: number; step: number };

function before(a: QueueItem, b: QueueItem): boolean {
  return a.datum !== b.datum
    ? a.datum < b.datum
    : a.person !== b.person
      ? a.person < b.person
      : a.step < b.step;
}

function heapPush(heap: QueueItem[], item: QueueItem): void {
  heap.push(item);
  let i = heap.length - 1;
  for (;;) {
    const parent = (i - 1) >> 1;
    const p = heap[parent];
    const c = heap[i];
    if (i === 0 || p === undefined || c === undefined || !before(c, p)) {
      return;
    }
    heap[parent] = c;
    heap[i] = p;
    i = parent;
  }
}

function heapPop(heap: QueueItem[]): QueueItem | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (top === undefined || last === undefined || heap.length === 0) {
    return top;
  }
  heap[0] = last;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let smallest = i;
    const s0 = heap[smallest];
    const lv = heap[l];
    if (lv !== undefined && s0 !== undefined && before(lv, s0)) {
      smallest = l;
    }
    const s1 = heap[smallest];
    const rv = heap[r];
    if (rv !== undefined && s1 !== undefined && before(rv, s1)) {
      smallest = r;
    }
    if (smallest === i) {
      return top;
    }
    const a = heap[i];
    const b = heap[smallest];
    if (a === undefined || b === undefined) {
      return top;
    }
    heap[i] = b;
    heap[smallest] = a;
    i = smallest;
  }
}

/** Consecutive network failures, without any answer at all, after which the run stops. */
const UNREACHABLE_AFTER = 10;

/**
 * Generates (unless given) and sends a school year of meldingen. Per person strictly sequential;
 * overall in date order with `concurrency` requests in flight. A flawed melding that is rejected is
 * fixed and sent again under a new berichtId; a melding marked for replay is sent a second time,
 * verbatim, and its answer compared with the first.
 */
function countIdentificatie(
  telling: SisSummary['identificatie'],
  melding: Melding,
  parsed: unknown,
  codes: readonly string[],
): void {
  const persoon =
    parsed !== null && typeof parsed === 'object' && 'persoon' in parsed
      ? (parsed as { persoon?: { identificatie?: string } }).persoon
      : undefined;
  if (melding.persoon.burgerservicenummer !== undefined && persoon?.identificatie === 'geidentificeerd') {
    telling.metBsn++;
  }
  telling.bsnGevonden += codes.filter((c) => c === '755').length;
  telling.onderwijsnummer += codes.filter((c) => c === '756').length;
  telling.inBehandeling += codes.filter((c) => c === '652').length;
  telling.afgekeurd += codes.includes('753') ? 1 : 0;
}

export async function runSis(options: RunOptions): Promise<SisSummary> {
  const seed = options.seed ?? 1;
  const schooljaar = options.schooljaar ?? currentSchooljaar();
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const token = options.token ?? defaultToken(options.verantwoordelijke ?? 'instelling');
  const catalogus = options.catalogus ?? (options.scripts ? undefined : await loadSisCatalogus(schooljaar));
  // BPV places: from SBB directly (--sbb-url), or through the register's white-label search, as a SIS would.
  const leerbedrijven =
    options.sbbUrl !== undefined
      ? await fetchLeerbedrijven(options.sbbUrl)
      : options.leerplaatsenViaRegister && catalogus?.instellingen[0]
        ? await fetchLeerplaatsenViaRegister(options.url, await token(catalogus.instellingen[0].brin))
        : undefined;
  const scripts =
    options.scripts ??
    generateSchooljaar({
      studenten: options.studenten,
      instellingen: options.instellingen ?? 5,
      seed,
      schooljaar,
      catalogus: catalogus ?? (await loadSisCatalogus(schooljaar)),
      ...(options.brpPersonen === undefined ? {} : { brpPersonen: options.brpPersonen }),
      ...(options.vandaag === undefined ? {} : { vandaag: options.vandaag }),
      ...(leerbedrijven === undefined ? {} : { leerbedrijven }),
    } satisfies GenerateOptions);
  const endpoint = new URL(MELDINGEN_PATH, options.url);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const poster = createPoster(options.url, Math.max(1, options.concurrency ?? 8));

  const brins = [...new Set(scripts.map((s) => s.brin))].sort();
  const tokens = new Map(await Promise.all(brins.map(async (brin) => [brin, await token(brin)] as const)));
  const accountantToken = options.accountantToken;
  const accountantTokens = accountantToken
    ? new Map(await Promise.all(brins.map(async (brin) => [brin, await accountantToken(brin)] as const)))
    : undefined;
  const vandaagSis = options.vandaag ?? dutchDate(new Date());

  const summary: SisSummary = {
    meldingen: 0,
    goedgekeurd: 0,
    goedgekeurdMetSignalen: 0,
    afgekeurd: 0,
    conflicten: 0,
    fouten: 0,
    herhaald: 0,
    alOntvangen: 0,
    herhaaldAfwijkend: 0,
    hersteld: 0,
    foutief: 0,
    perCode: {},
    perSoort: { inschrijving: 0, periode: 0, extraOndersteuning: 0, resultaat: 0, bpv: 0 },
    perFout: {},
    perHttpStatus: {},
    meldingenPerSec: 0,
    latencyMs: { p50: 0, p90: 0, p99: 0, max: 0, mean: 0 },
    duurSec: 0,
    studenten: scripts.length,
    instellingen: brins,
    seed,
    schooljaar,
    concurrency,
    afgebroken: false,
    foutmeldingen: [],
    identificatie: { metBsn: 0, bsnGevonden: 0, onderwijsnummer: 0, inBehandeling: 0, afgekeurd: 0 },
  };
  const latencies: number[] = [];
  const totaal = scripts.reduce(
    (n, s) => n + s.steps.reduce((m, step) => m + 1 + (step.replay ? 1 : 0) + (step.flaw ? 1 : 0), 0),
    0,
  );
  const started = performance.now();
  let consecutiveNetworkErrors = 0;
  let anyAnswer = false;

  const report = () => {
    const elapsedSec = (performance.now() - started) / 1000;
    options.onProgress?.({
      verstuurd: summary.meldingen,
      totaal: Math.max(totaal, summary.meldingen),
      perSec: elapsedSec > 0 ? summary.meldingen / elapsedSec : 0,
      elapsedSec,
    });
  };

  const noteError = (message: string) => {
    if (summary.foutmeldingen.length < 10) {
      summary.foutmeldingen.push(message);
    }
  };

  const post = async (
    melding: Melding,
    body: string,
    herhaling = false,
    accountant = false,
  ): Promise<Answer> => {
    const t0 = performance.now();
    for (const [soort, n] of Object.entries(countRecords(melding))) {
      increment(summary.perSoort, soort, n);
    }
    let answer: Answer;
    try {
      const response = await poster.post(
        endpoint.pathname,
        {
          'content-type': 'application/json',
          accept: 'application/json, application/problem+json',
          authorization: `Bearer ${(accountant ? accountantTokens : tokens)?.get(melding.brin) ?? ''}`,
        },
        body,
        timeoutMs,
      );
      const { text } = response;
      latencies.push(performance.now() - t0);
      if (response.replayed && !herhaling) {
        summary.alOntvangen++;
      }
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      answer = classifyAnswer(response.status, parsed);
      countIdentificatie(summary.identificatie, melding, parsed, answer.codes);
      increment(summary.perHttpStatus, String(response.status));
      consecutiveNetworkErrors = 0;
      anyAnswer = true;
    } catch (error) {
      consecutiveNetworkErrors++;
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      answer = {
        kind: 'fout',
        httpStatus: undefined,
        meldingId: undefined,
        codes: [],
        detail: `${error instanceof Error ? error.message : String(error)}${cause}`,
      };
      increment(summary.perHttpStatus, 'netwerk');
      if (!anyAnswer && consecutiveNetworkErrors >= UNREACHABLE_AFTER) {
        summary.afgebroken = true;
      }
    }
    summary.meldingen++;
    switch (answer.kind) {
      case 'goedgekeurd':
        summary.goedgekeurd++;
        break;
      case 'goedgekeurd-met-signalen':
        summary.goedgekeurd++;
        summary.goedgekeurdMetSignalen++;
        break;
      case 'afgekeurd':
        summary.afgekeurd++;
        break;
      case 'conflict':
        summary.conflicten++;
        break;
      case 'fout':
        summary.fouten++;
        noteError(`${melding.berichtId}: ${answer.detail ?? 'fout'}`);
        break;
    }
    for (const code of answer.codes) {
      increment(summary.perCode, code);
    }
    report();
    return answer;
  };

  /** Whether this melding goes under the accountant's responsibility (see RunOptions.accountantToken). */
  const alsAccountant = (melding: Melding): boolean =>
    accountantTokens !== undefined && raaktGeslotenTeldatum(melding, vandaagSis);
  const bodyOf = (melding: Melding): string =>
    JSON.stringify(
      options.verantwoordelijke
        ? { ...melding, verantwoordelijke: options.verantwoordelijke }
        : alsAccountant(melding)
          ? { ...melding, verantwoordelijke: 'accountant' }
          : melding,
    );

  const sendStep = async (step: SisStep): Promise<void> => {
    const body = bodyOf(step.melding);
    const first = await post(step.melding, body, false, alsAccountant(step.melding));
    if (step.replay && first.kind !== 'fout') {
      summary.herhaald++;
      const again = await post(step.melding, body, true, alsAccountant(step.melding));
      if (!sameAnswer(first, again)) {
        summary.herhaaldAfwijkend++;
        noteError(
          `${step.berichtId}: herhaling gaf een ander antwoord (${first.httpStatus} → ${again.httpStatus})`,
        );
      }
    }
    if (step.flaw === undefined || step.correction === undefined) {
      return;
    }
    summary.foutief++;
    const count: FlawCount = summary.perFout[step.flaw] ?? {
      verstuurd: 0,
      afgekeurd: 0,
      nietAfgekeurd: 0,
      codes: {},
    };
    summary.perFout[step.flaw] = count;
    count.verstuurd++;
    for (const code of first.codes) {
      increment(count.codes, code);
    }
    if (first.kind === 'afgekeurd') {
      count.afgekeurd++;
    } else if (first.kind === 'goedgekeurd' || first.kind === 'goedgekeurd-met-signalen') {
      count.nietAfgekeurd++;
    }
    // Fix and resend: after a rejection, and always when the person block was wrong (then the
    // register stored the melding, if at all, under another person).
    if (first.kind === 'afgekeurd' || (first.kind !== 'fout' && IDENTITY_FLAWS.has(step.flaw))) {
      summary.hersteld++;
      await post(step.correction, bodyOf(step.correction), false, alsAccountant(step.correction));
    }
  };

  // Scheduling: each person's next step waits in a heap ordered by send date; a person is in the
  // heap at most once, so never two of their meldingen are in flight.
  const heap: QueueItem[] = [];
  scripts.forEach((script, person) => {
    const step = script.steps[0];
    if (step) {
      heapPush(heap, { datum: step.verzenddatum, person, step: 0 });
    }
  });
  let active = 0;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const w = waiters;
    waiters = [];
    for (const resolve of w) {
      resolve();
    }
  };
  const worker = async (): Promise<void> => {
    for (;;) {
      if (summary.afgebroken) {
        return;
      }
      const item = heapPop(heap);
      if (item === undefined) {
        if (active === 0) {
          return;
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
        continue;
      }
      const script = scripts[item.person];
      const step = script?.steps[item.step];
      if (script === undefined || step === undefined) {
        continue;
      }
      active++;
      try {
        await sendStep(step);
      } finally {
        active--;
        const next = script.steps[item.step + 1];
        if (next) {
          heapPush(heap, { datum: next.verzenddatum, person: item.person, step: item.step + 1 });
        }
        wake();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  poster.close();

  summary.duurSec = (performance.now() - started) / 1000;
  summary.meldingenPerSec =
    summary.duurSec > 0 ? Math.round((10 * summary.meldingen) / summary.duurSec) / 10 : 0;
  summary.latencyMs = summarizeLatencies(latencies);
  summary.perCode = sortedCounts(summary.perCode);
  summary.perHttpStatus = sortedCounts(summary.perHttpStatus);
  summary.duurSec = Math.round(summary.duurSec * 100) / 100;
  report();
  return summary;
}

export function defaultToken(
  rol: 'instelling' | 'accountant' = 'instelling',
): (brin: string) => Promise<string> {
  const { secret } = resolveAuthSecret(loadConfig());
  return (brin) => signToken(secret, `${rol}:${brin}`);
}
