import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { isBsnFormat, isValidBsn, isValidOnderwijsnummer } from '../persoon/pgn.ts';
import { isRegisterDatum } from '../platform/dates.ts';
import { type Bevinding, bevinding } from './bevinding.ts';
import { CODES } from './codes.ts';
import { type Melding, MeldingSchema, type PersoonInput } from './melding.schema.ts';

/**
 * Shape checks on a melding (format, code lists, unknown fields, impossible dates: DOMAIN.md §7
 * rule 10) turned into Dutch findings, every problem at once, plus the person-number checks
 * (rules 1–4, 6) and the institution checks (rules 47, 48).
 */
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(
  new Ajv({ allErrors: true, strict: false, removeAdditional: false, coerceTypes: false }),
);
// Dates: an existing calendar day within the register's range (PostgreSQL has no year 0; no MBO fact lies
// before 1900 or after 2199).
ajv.addFormat('date', isRegisterDatum);
const validateShape = ajv.compile<Melding>(MeldingSchema);

const DATE_FIELDS = /(datum|Datum)[A-Za-z]*$/;

function recordOf(pointer: string): { record: string; sleutel?: string } {
  const m = /^\/(inschrijvingen|periodes|extraOndersteuning|resultaten|bpv|persoon)/.exec(pointer);
  const map: Record<string, string> = {
    inschrijvingen: 'inschrijving',
    periodes: 'periode',
    extraOndersteuning: 'extraOndersteuning',
    resultaten: 'resultaat',
    bpv: 'bpv',
    persoon: 'persoon',
  };
  return { record: m?.[1] ? (map[m[1]] ?? 'melding') : 'melding' };
}

function veldNaam(pointer: string): string {
  return pointer.split('/').filter(Boolean).at(-1) ?? '(melding)';
}

function toBevinding(e: ErrorObject): Bevinding | undefined {
  const ptr = e.instancePath;
  const where = recordOf(ptr);
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String((e.params as { additionalProperty?: string }).additionalProperty);
      return bevinding(
        'onbekendVeld',
        { ...where, veld: `${ptr}/${JSON.stringify(extra).slice(1, -1)}` },
        `Onbekend veld ${JSON.stringify(extra)} in ${ptr || 'de melding'}. Het koppelvlak kent dit veld niet; zie de OpenAPI-beschrijving.`,
      );
    }
    case 'required': {
      const missing = String((e.params as { missingProperty?: string }).missingProperty);
      return bevinding(
        'verplichtVeld',
        { ...where, veld: `${ptr}/${missing}` },
        `Verplicht veld '${missing}' ontbreekt in ${ptr || 'de melding'}.`,
      );
    }
    case 'format':
    case 'pattern': {
      const naam = veldNaam(ptr);
      if (naam === 'burgerservicenummer') {
        return bevinding(
          'bsnFormaat',
          { ...where, veld: ptr },
          'Burgerservicenummer moet uit precies 9 cijfers bestaan.',
        );
      }
      if (DATE_FIELDS.test(naam) || (e.params && (e.params as { format?: string }).format === 'date')) {
        return bevinding(
          'datumOngeldig',
          { ...where, veld: ptr },
          `Veld '${naam}' bevat geen bestaande datum in de vorm JJJJ-MM-DD.`,
        );
      }
      return bevinding(
        'ongeldigeWaarde',
        { ...where, veld: ptr },
        `Veld '${naam}' heeft niet het voorgeschreven formaat.`,
      );
    }
    case 'anyOf':
    case 'oneOf':
      return undefined; // the alternatives' own errors say more
    case 'const':
    case 'enum':
    case 'type':
    case 'maxLength':
    case 'minLength':
    case 'maxItems': {
      const naam = veldNaam(ptr);
      if (e.keyword === 'type' && naam === 'burgerservicenummer') {
        return bevinding(
          'bsnFormaat',
          { ...where, veld: ptr },
          'Burgerservicenummer moet een tekst van precies 9 cijfers zijn (met voorloopnullen), geen getal.',
        );
      }
      const uitleg: Record<string, string> = {
        maxLength: `is te lang (maximaal ${(e.params as { limit?: number }).limit} tekens)`,
        minLength: 'mag niet leeg zijn',
        maxItems: `bevat te veel records (maximaal ${(e.params as { limit?: number }).limit})`,
        type: `heeft het verkeerde type (verwacht: ${(e.params as { type?: string }).type})`,
      };
      return bevinding(
        'ongeldigeWaarde',
        { ...where, veld: ptr },
        `Veld '${naam}' ${uitleg[e.keyword] ?? 'heeft geen toegestane waarde'}.`,
      );
    }
    default:
      return bevinding(
        'ongeldigeWaarde',
        { ...where, veld: ptr },
        `Veld '${veldNaam(ptr)}' is ongeldig (${e.message ?? e.keyword}).`,
      );
  }
}

/** Validates the shape; returns the melding when it is well-formed, and every finding otherwise. */
export function checkShape(
  body: unknown,
): { melding: Melding; bevindingen: [] } | { melding: undefined; bevindingen: Bevinding[] } {
  const tekens = checkTekens(body);
  if (tekens.length === 0 && validateShape(body)) {
    return { melding: body, bevindingen: [] };
  }
  if (tekens.some((b) => b.code === CODES.teDiep.code)) {
    return { melding: undefined, bevindingen: tekens };
  }
  if (tekens.length > 0 && validateShape(body)) {
    return { melding: undefined, bevindingen: tekens };
  }
  const seen = new Set<string>(tekens.map((b) => `${b.code}|${b.veld ?? ''}`));
  const bevindingen: Bevinding[] = [...tekens];
  // When a union (e.g. a literal list) fails, Ajv reports each branch; one finding per field is enough.
  for (const e of validateShape.errors ?? []) {
    const b = toBevinding(e);
    if (!b) {
      continue;
    }
    const key = `${b.code}|${b.veld ?? ''}`;
    if (!seen.has(key)) {
      seen.add(key);
      bevindingen.push(b);
    }
  }
  // The person-number and address rules are judged here too, so a malformed melding still gets every
  // finding in one answer (the service only runs them itself on a well-formed melding).
  const persoon = (body as { persoon?: unknown } | null)?.persoon;
  if (persoon && typeof persoon === 'object') {
    const p = persoon as Partial<PersoonInput>;
    bevindingen.push(
      ...[...checkPgn(p), ...checkAdres(p)].filter((b) => !seen.has(`${b.code}|${b.veld ?? ''}`)),
    );
  }
  if (bevindingen.length === 0) {
    bevindingen.push(
      bevinding('ongeldigeWaarde', { record: 'melding' }, 'De melding heeft niet de voorgeschreven vorm.'),
    );
  }
  return { melding: undefined, bevindingen };
}

/** Rules 1–4: the persoonsgebonden nummer (BSN 11-proof, onderwijsnummer check, exactly one). */
export function checkPgn(p: Partial<PersoonInput>): Bevinding[] {
  const out: Bevinding[] = [];
  const where = { record: 'persoon' };
  const bsn = typeof p.burgerservicenummer === 'string' ? p.burgerservicenummer : undefined;
  const onr = typeof p.onderwijsnummer === 'string' ? p.onderwijsnummer : undefined;
  if (bsn !== undefined && onr !== undefined) {
    out.push(
      bevinding(
        'tweePgn',
        { ...where, veld: '/persoon/onderwijsnummer' },
        'Lever óf een burgerservicenummer óf een onderwijsnummer, niet beide. Heeft de deelnemer inmiddels een BSN, lever dan alleen het BSN.',
      ),
    );
  }
  if (bsn !== undefined && isBsnFormat(bsn) && !isValidBsn(bsn)) {
    out.push(
      bevinding(
        'bsnElfproef',
        { ...where, veld: '/persoon/burgerservicenummer' },
        'Het burgerservicenummer voldoet niet aan de elfproef; controleer het nummer op het identiteitsbewijs.',
      ),
    );
  }
  if (onr !== undefined && !isValidOnderwijsnummer(onr)) {
    out.push(
      bevinding(
        'onderwijsnummerOngeldig',
        { ...where, veld: '/persoon/onderwijsnummer' },
        'Onderwijsnummer is ongeldig: het moet uit 9 cijfers bestaan, met 10 beginnen en aan de controle op het controlecijfer voldoen.',
      ),
    );
  }
  // A number sent in the wrong type (say a JSON number) is reported by the shape check, not as "missing".
  const aanwezig = p.burgerservicenummer !== undefined || p.onderwijsnummer !== undefined;
  if (bsn === undefined && onr === undefined && !aanwezig) {
    const genoeg = Boolean(p.achternaam && p.geboortedatum && p.geslacht && (p.postcode || p.land));
    out.push(
      genoeg
        ? bevinding(
            'identificatieZonderPgn',
            { ...where, veld: '/persoon' },
            'Deze versie van het register identificeert nog geen personen zonder burgerservicenummer of onderwijsnummer. Lever het BSN of onderwijsnummer.',
          )
        : bevinding(
            'geenPgn',
            { ...where, veld: '/persoon' },
            'Er is geen burgerservicenummer of onderwijsnummer geleverd, en te weinig gegevens om de persoon te identificeren (achternaam, geboortedatum, geslacht en adres).',
          ),
    );
  }
  return out;
}

/** Rule 6 (BRON 790): exactly one of postcode and land. */
export function checkAdres(p: Partial<PersoonInput>): Bevinding[] {
  const beide = p.postcode !== undefined && p.land !== undefined;
  const geen = p.postcode === undefined && p.land === undefined;
  if (!beide && !geen) {
    return [];
  }
  return [
    bevinding(
      'postcodeLand',
      { record: 'persoon', veld: beide ? '/persoon/land' : '/persoon/postcode' },
      beide
        ? 'Lever óf een postcode (woonadres in Nederland) óf een land (woonadres in het buitenland), niet beide.'
        : 'Lever een postcode (woonadres in Nederland) of een land (woonadres in het buitenland).',
    ),
  ];
}

/** How deep a melding may nest (it needs 4 levels; more is never a melding). */
export const MAX_DIEPTE = 16;

/** A control character (C0 or DEL) or broken Unicode (a lone UTF-16 surrogate). */
function ongeldigeTekst(text: string): boolean {
  if (!text.isWellFormed()) {
    return true;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      return true;
    }
  }
  return false;
}

function escapePointer(key: string): string {
  return JSON.stringify(key).slice(1, -1).replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * Walks the whole body (iteratively) for what no field may hold: control characters (NUL, tabs, escape
 * sequences, …) and broken Unicode (lone surrogates) in any key or text, and nesting beyond MAX_DIEPTE.
 * Names are stored exactly as delivered, so what cannot be stored faithfully is refused here.
 */
export function checkTekens(body: unknown): Bevinding[] {
  const out: Bevinding[] = [];
  const stack: { value: unknown; ptr: string; depth: number }[] = [{ value: body, ptr: '', depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) {
      break;
    }
    const { value, ptr, depth } = item;
    if (depth > MAX_DIEPTE) {
      return [
        bevinding(
          'teDiep',
          { record: 'melding', veld: ptr.split('/').slice(0, 4).join('/') },
          `De melding is dieper genest dan ${MAX_DIEPTE} niveaus; zo ziet een melding er niet uit.`,
        ),
      ];
    }
    if (typeof value === 'string') {
      if (ongeldigeTekst(value)) {
        out.push(
          bevinding(
            'ongeldigTeken',
            { record: recordOf(ptr).record, veld: ptr },
            `Veld '${veldNaam(ptr)}' bevat een stuurteken of ongeldige Unicode (bijvoorbeeld NUL, tab of een losse surrogaat); zulke tekens kan het register niet ongewijzigd bewaren.`,
          ),
        );
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => {
        stack.push({ value: v, ptr: `${ptr}/${i}`, depth: depth + 1 });
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const childPtr = `${ptr}/${escapePointer(k)}`;
        if (ongeldigeTekst(k)) {
          out.push(
            bevinding(
              'ongeldigTeken',
              { record: recordOf(ptr).record, veld: childPtr },
              `Een veldnaam in ${ptr || 'de melding'} bevat een stuurteken of ongeldige Unicode.`,
            ),
          );
        }
        stack.push({ value: v, ptr: childPtr, depth: depth + 1 });
      }
    }
  }
  return out;
}
