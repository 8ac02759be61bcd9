/**
 * Counting what the register answered, and presenting it: the JSON summary (the benchmark's
 * contract), a Dutch table for people, and a progress line.
 */

import { CODES } from '../../src/aanlevering/codes.ts';
import { FLAWS, type Flaw, type RecordSoort } from './schooljaar.ts';

/** Code → title, to say in the summary what each code means. */
const CODE_TITELS = new Map(Object.values(CODES).map((d) => [d.code, d.titel]));

export type LatencySummary = { p50: number; p90: number; p99: number; max: number; mean: number };

export type FlawCount = {
  /** Flawed meldingen sent. */
  verstuurd: number;
  /** Rejected by the register, as they should be. */
  afgekeurd: number;
  /** Accepted all the same: a controle the register does not (yet) perform. */
  nietAfgekeurd: number;
  /** Codes the register answered with, for these meldingen. */
  codes: Record<string, number>;
};

export type SisSummary = {
  /** Every POST sent: originals, corrections and verbatim re-sends. */
  meldingen: number;
  /** Accepted, with or without signals (goedgekeurd + goedgekeurd-met-signalen). */
  goedgekeurd: number;
  /** The part of `goedgekeurd` that came with signals. */
  goedgekeurdMetSignalen: number;
  afgekeurd: number;
  /** 409: a berichtId re-used with another body. */
  conflicten: number;
  /** Network errors, time-outs, 5xx and unexpected statuses (401, 403, 404 …). */
  fouten: number;
  /** Verbatim re-sends with the same berichtId. */
  herhaald: number;
  /** Meldingen the register had already received before this run (same seed again): answered as replays. */
  alOntvangen: number;
  /** Re-sends whose answer differed from the first one (should stay 0). */
  herhaaldAfwijkend: number;
  /** Corrected meldingen sent (new berichtId) after a flawed one. */
  hersteld: number;
  /** Meldingen sent with a deliberate flaw. */
  foutief: number;
  /** Count per code: every A-finding of a rejection and every S-signal. */
  perCode: Record<string, number>;
  /** Records sent per kind, over all POSTs. */
  perSoort: Record<RecordSoort, number>;
  perFout: Partial<Record<Flaw, FlawCount>>;
  perHttpStatus: Record<string, number>;
  meldingenPerSec: number;
  latencyMs: LatencySummary;
  duurSec: number;
  studenten: number;
  instellingen: string[];
  seed: number;
  schooljaar: number;
  concurrency: number;
  /** True when the run stopped early because the register was unreachable. */
  afgebroken: boolean;
  /** First few error descriptions, for the operator. */
  foutmeldingen: string[];
};

/** Nearest-rank percentile of an ascending list (p in 0..100); 0 for an empty list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) {
    return 0;
  }
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

export function summarizeLatencies(latencies: readonly number[]): LatencySummary {
  const sorted = latencies.toSorted((a, b) => a - b);
  const mean = sorted.length === 0 ? 0 : sorted.reduce((s, x) => s + x, 0) / sorted.length;
  return {
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? 0),
    mean: round(mean),
  };
}

export function increment(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

/** Sorts a count map by key, for stable output. */
export function sortedCounts(map: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(map).toSorted(([a], [b]) => a.localeCompare(b)));
}

const nl = new Intl.NumberFormat('nl-NL');

function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}

/** The readable Dutch summary printed at the end of a run without --json. */
export function formatSummary(s: SisSummary): string {
  const pct = (n: number) => (s.meldingen === 0 ? '' : ` (${round((100 * n) / s.meldingen)}%)`);
  const parts = [
    `SIS-simulatie schooljaar ${s.schooljaar}/${s.schooljaar + 1}: ${nl.format(s.studenten)} studenten bij ${s.instellingen.length} instellingen (${s.instellingen.join(', ')}), seed ${s.seed}`,
    '',
    table([
      ['Meldingen verstuurd', nl.format(s.meldingen)],
      ['Goedgekeurd', `${nl.format(s.goedgekeurd)}${pct(s.goedgekeurd)}`],
      ['  waarvan met signalen', nl.format(s.goedgekeurdMetSignalen)],
      ['Afgekeurd', `${nl.format(s.afgekeurd)}${pct(s.afgekeurd)}`],
      ['Conflicten (409)', nl.format(s.conflicten)],
      ['Fouten (netwerk/5xx)', nl.format(s.fouten)],
      ['Bewust foutief verstuurd', nl.format(s.foutief)],
      ['Hersteld en opnieuw verstuurd', nl.format(s.hersteld)],
      [
        'Herhaald (zelfde berichtId)',
        `${nl.format(s.herhaald)}, afwijkend antwoord: ${nl.format(s.herhaaldAfwijkend)}`,
      ],
      ['Al eerder ontvangen', nl.format(s.alOntvangen)],
      ['Records inschrijving', nl.format(s.perSoort.inschrijving)],
      ['Records periode', nl.format(s.perSoort.periode)],
      ['Records extra ondersteuning', nl.format(s.perSoort.extraOndersteuning)],
      ['Records resultaat', nl.format(s.perSoort.resultaat)],
      ['Records BPV', nl.format(s.perSoort.bpv)],
      ['Duur', `${round(s.duurSec)} s`],
      ['Doorvoer', `${round(s.meldingenPerSec)} meldingen/s (gelijktijdig ${s.concurrency})`],
      [
        'Antwoordtijd',
        `p50 ${s.latencyMs.p50} ms, p90 ${s.latencyMs.p90} ms, p99 ${s.latencyMs.p99} ms, max ${s.latencyMs.max} ms`,
      ],
    ]),
  ];
  const codes = Object.entries(s.perCode).toSorted(([, a], [, b]) => b - a);
  if (codes.length > 0) {
    parts.push(
      '',
      'Bevindingen en signalen per code:',
      table(codes.map(([code, n]) => [code, `${nl.format(n).padStart(6)}  ${CODE_TITELS.get(code) ?? ''}`])),
    );
  }
  const fouten = FLAWS.flatMap((flaw) => {
    const c = s.perFout[flaw];
    return c
      ? [
          [
            flaw,
            `${c.verstuurd} verstuurd, ${c.afgekeurd} afgekeurd${c.nietAfgekeurd > 0 ? `, ${c.nietAfgekeurd} NIET afgekeurd` : ''}; codes ${Object.keys(c.codes).join(', ') || '-'}`,
          ] as const,
        ]
      : [];
  });
  if (fouten.length > 0) {
    parts.push('', 'Bewuste fouten en wat het register ervan vond:', table(fouten));
  }
  if (s.foutmeldingen.length > 0) {
    parts.push('', 'Fouten:', ...s.foutmeldingen.map((m) => `  ${m}`));
  }
  if (s.afgebroken) {
    parts.push('', 'De simulatie is afgebroken: het register was niet bereikbaar.');
  }
  if (s.alOntvangen > 0 && s.alOntvangen >= s.meldingen / 2) {
    parts.push(
      '',
      `Let op: ${nl.format(s.alOntvangen)} meldingen had het register al eerder ontvangen (zelfde seed); ` +
        'ze veranderden niets. Kies een andere --seed voor nieuwe leveringen.',
    );
  }
  return parts.join('\n');
}

/** `[#####.....] 1234/5000 meldingen 812/s` */
export function formatProgress(done: number, total: number, perSec: number, width = 30): string {
  const fraction = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} meldingen ${Math.round(perSec)}/s`;
}
