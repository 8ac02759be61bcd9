/**
 * `npm run sis -- --url <base url> --studenten <n> [--instellingen <k>] [--seed <s>]
 *                 [--concurrency <c>] [--schooljaar <yyyy>] [--referentie <map>] [--sbb-url <url>] [--json]`
 *
 * Plays a school year of MBO student information systems against the register. Progress goes to
 * stderr; with --json the last line of stdout is the summary as one JSON object, otherwise a Dutch
 * table. Exit code 0 when the run completed (rejections are expected), 1 when the register was
 * unreachable or answered with errors (network, 5xx, refused token), 2 for wrong arguments.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BRP_TESTSET } from '../brp/brp-data.ts';
import { loadSisBrpPersonen } from './brp-personen.ts';
import {
  currentSchooljaar,
  defaultToken,
  formatProgress,
  formatSummary,
  loadSisCatalogus,
  runSis,
  type SisProgress,
} from './sis.ts';

const USAGE = `Gebruik: npm run sis -- --url <basis-url> --studenten <aantal> [--instellingen <k>] [--seed <s>]
                      [--concurrency <c>] [--schooljaar <jjjj>] [--vandaag <jjjj-mm-dd>] [--referentie <map>]
                      [--sbb-url <url>] [--zonder-bpv] [--accountant] [--json]

  --url           basis-URL van het register, bv. http://127.0.0.1:8080
  --studenten     aantal studenten (personen) in het schooljaar
  --instellingen  aantal instellingen (standaard 5)
  --seed          startwaarde: dezelfde seed geeft dezelfde meldingen (standaard 1)
  --concurrency   aantal gelijktijdige verzoeken (standaard 8)
  --schooljaar    eerste kalenderjaar van het schooljaar (standaard het lopende: ${currentSchooljaar()})
  --vandaag       de dag van het register: resultaten met een latere datum worden niet geleverd (standaard vandaag)
  --referentie    map met de referentiebestanden (standaard die van het register)
  --brp           CSV met BRP-testpersonen die als eerste worden ingeschreven
                  (standaard de GBA-V-testset in ../shared/data, als die er is)
  --zonder-brp    alleen synthetische personen (geen BRP-testpersonen)
  --sbb-url       SBB(-simulator) rechtstreeks; zonder deze optie zoekt de SIS leerplaatsen via het register
                  (GET /koppelvlak/v1/leerplaatsen), zoals een SIS dat doet
  --zonder-bpv    geen BPV leveren
  --accountant    lever als de accountant (rol accountant:<brin>) onder diens verantwoordelijkheid: nodig als
                  de meldingen teldata raken waarvoor de mutatiestop al geldt (vanaf 1 juni na 1 februari)
  --json          laatste regel van stdout is de samenvatting als JSON`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function integer(name: string, value: string | undefined, fallback: number | undefined, min: number): number {
  if (value === undefined) {
    if (fallback === undefined) {
      fail(`--${name} is verplicht.`);
    }
    return fallback;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) {
    fail(`--${name} moet een geheel getal van minstens ${min} zijn, niet "${value}".`);
  }
  return n;
}

function parse() {
  try {
    return parseArgs({
      options: {
        url: { type: 'string' },
        studenten: { type: 'string' },
        instellingen: { type: 'string' },
        seed: { type: 'string' },
        concurrency: { type: 'string' },
        schooljaar: { type: 'string' },
        vandaag: { type: 'string' },
        referentie: { type: 'string' },
        brp: { type: 'string' },
        'zonder-brp': { type: 'boolean', default: false },
        'sbb-url': { type: 'string' },
        'zonder-bpv': { type: 'boolean' },
        accountant: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
}
const { values } = parse();
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!values.url) {
  fail('--url is verplicht.');
}
try {
  new URL(values.url);
} catch {
  fail(`--url is geen geldige URL: "${values.url}".`);
}
const studenten = integer('studenten', values.studenten, undefined, 1);
const instellingen = integer('instellingen', values.instellingen, 5, 1);
const seed = integer('seed', values.seed, 1, 0);
const concurrency = integer('concurrency', values.concurrency, 8, 1);
const schooljaar = integer('schooljaar', values.schooljaar, currentSchooljaar(), 2000);
// Results dated after the register's today are held back (it rejects a datum behaald in the future, 682).
const vandaag = values.vandaag ?? new Date().toISOString().slice(0, 10);
if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(vandaag)) {
  fail(`--vandaag is geen datum JJJJ-MM-DD: "${vandaag}".`);
}

const tty = process.stderr.isTTY === true;
let lastDraw = 0;
let lastLine = '';
const onProgress = (p: SisProgress) => {
  const now = performance.now();
  const done = p.verstuurd >= p.totaal;
  if (!done && now - lastDraw < (tty ? 100 : 2000)) {
    return;
  }
  lastDraw = now;
  const line = formatProgress(p.verstuurd, p.totaal, p.perSec);
  if (line === lastLine) {
    return;
  }
  lastLine = line;
  // on a terminal: redraw in place (\r, then clear to the end of the line)
  process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`);
};

const catalogus = await loadSisCatalogus(schooljaar, values.referentie);
const brpBestand = values['zonder-brp']
  ? undefined
  : (values.brp ?? (existsSync(BRP_TESTSET) ? BRP_TESTSET : undefined));
const brpPersonen =
  brpBestand === undefined ? undefined : loadSisBrpPersonen(`${schooljaar}-08-01`, brpBestand);
const summary = await runSis({
  ...(brpPersonen === undefined ? {} : { brpPersonen }),
  url: values.url,
  studenten,
  instellingen,
  seed,
  concurrency,
  schooljaar,
  vandaag,
  catalogus,
  onProgress,
  ...(values['sbb-url'] ? { sbbUrl: values['sbb-url'] } : {}),
  leerplaatsenViaRegister: values['zonder-bpv'] !== true,
  ...(values.accountant
    ? { verantwoordelijke: 'accountant' as const }
    : { accountantToken: defaultToken('accountant') }),
});
if (tty) {
  process.stderr.write('\n');
}
process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
process.exitCode = summary.afgebroken || summary.fouten > 0 ? 1 : 0;
