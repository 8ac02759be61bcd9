import { describe, expect, it } from 'vitest';
import { bsn, inschrijvingMelding, onderwijsnummer } from '../../test/factories.ts';
import type { Bevinding } from './bevinding.ts';
import { checkAdres, checkPgn, checkShape } from './melding.controles.ts';
import type { Melding, PersoonInput } from './melding.schema.ts';

/**
 * Shape, person-number and address controles (DOMAIN.md §7 rules 1–4, 6, 10): each flaw gives its
 * own finding naming the field, and every problem of a melding is reported in one answer.
 */

const LOC = '111X111';

function geldig(): Melding {
  return inschrijvingMelding({ bsn: bsn(7), onderwijslocatie: LOC });
}

/** A valid melding as loose JSON, to break at will. */
type Los = {
  [veld: string]: unknown;
  persoon: Record<string, unknown>;
  inschrijvingen: [Record<string, unknown>];
  periodes: [Record<string, unknown>];
};

/** A deep copy of a valid melding with `mutate` applied to it as plain JSON. */
function met(mutate: (m: Los) => void): unknown {
  const m = structuredClone(geldig()) as unknown as Los;
  mutate(m);
  return m;
}

/** All findings of the intake controles on a body: shape (with PGN), or PGN and address when well-formed. */
function controleer(body: unknown): Bevinding[] {
  const shape = checkShape(body);
  if (!shape.melding) {
    return shape.bevindingen;
  }
  return [...checkPgn(shape.melding.persoon), ...checkAdres(shape.melding.persoon)];
}

const brokenBsn = (n: number) => {
  const b = bsn(n);
  return `${b.slice(0, 8)}${(Number(b[8]) + 1) % 10}`;
};

describe('a valid melding', () => {
  it('passes shape, person-number and address controles without findings', () => {
    const shape = checkShape(geldig());
    expect(shape.bevindingen).toEqual([]);
    expect(shape.melding).toBeDefined();
    expect(controleer(geldig())).toEqual([]);
  });

  it.each([
    ['BSN', { burgerservicenummer: bsn(8) }],
    ['onderwijsnummer', { onderwijsnummer: onderwijsnummer(8) }],
    ['DUO test onderwijsnummer 100320254', { onderwijsnummer: '100320254' }],
    ['DUO test onderwijsnummer 100508802', { onderwijsnummer: '100508802' }],
  ])('accepts a person identified by a valid %s', (_naam, pgn) => {
    const p: PersoonInput = { geboortedatum: '2009-04-12', geslacht: 'M', postcode: '9911AA', ...pgn };
    expect(checkPgn(p)).toEqual([]);
  });

  it.each([
    ['postcode', { postcode: '9911AA' }],
    ['land', { land: '5010' }],
  ])('accepts an address with only a %s', (_naam, adres) => {
    expect(
      checkAdres({ burgerservicenummer: bsn(8), geboortedatum: '2009-04-12', geslacht: 'M', ...adres }),
    ).toEqual([]);
  });

  it.each(['2024-02-29', '2000-02-29', '2026-12-31', '2026-01-01'])(
    'accepts the existing date %s',
    (datum) => {
      expect(controleer(met((m) => (m.persoon.geboortedatum = datum)))).toEqual([]);
    },
  );
});

type Case = {
  code: string;
  naam: string;
  body: unknown;
  record: string;
  veld: string;
};

const CASES: Case[] = [
  {
    code: '742',
    naam: 'BSN of 8 digits',
    body: met((m) => (m.persoon.burgerservicenummer = '12345678')),
    record: 'persoon',
    veld: '/persoon/burgerservicenummer',
  },
  {
    code: '742',
    naam: 'BSN of 10 digits',
    body: met((m) => (m.persoon.burgerservicenummer = '1234567890')),
    record: 'persoon',
    veld: '/persoon/burgerservicenummer',
  },
  {
    code: '742',
    naam: 'BSN with letters',
    body: met((m) => (m.persoon.burgerservicenummer = '12345678A')),
    record: 'persoon',
    veld: '/persoon/burgerservicenummer',
  },
  {
    code: '601',
    naam: 'BSN failing the 11-proof',
    body: met((m) => (m.persoon.burgerservicenummer = brokenBsn(7))),
    record: 'persoon',
    veld: '/persoon/burgerservicenummer',
  },
  {
    code: '601',
    naam: 'BSN 000000000',
    body: met((m) => (m.persoon.burgerservicenummer = '000000000')),
    record: 'persoon',
    veld: '/persoon/burgerservicenummer',
  },
  {
    code: '602',
    naam: 'onderwijsnummer failing its check',
    body: met((m) => {
      delete m.persoon.burgerservicenummer;
      m.persoon.onderwijsnummer = '100320255';
    }),
    record: 'persoon',
    veld: '/persoon/onderwijsnummer',
  },
  {
    code: '602',
    naam: 'a BSN delivered as onderwijsnummer (does not start with 10)',
    body: met((m) => {
      delete m.persoon.burgerservicenummer;
      m.persoon.onderwijsnummer = bsn(7);
    }),
    record: 'persoon',
    veld: '/persoon/onderwijsnummer',
  },
  {
    code: '603',
    naam: 'no PGN and no name to identify the person by',
    body: met((m) => {
      delete m.persoon.burgerservicenummer;
      delete m.persoon.achternaam;
    }),
    record: 'persoon',
    veld: '/persoon',
  },
  {
    code: '604',
    naam: 'both BSN and onderwijsnummer',
    body: met((m) => (m.persoon.onderwijsnummer = onderwijsnummer(7))),
    record: 'persoon',
    veld: '/persoon/onderwijsnummer',
  },
  {
    code: '605',
    naam: 'no PGN but name, birth date, sex and address',
    body: met((m) => delete m.persoon.burgerservicenummer),
    record: 'persoon',
    veld: '/persoon',
  },
  {
    code: '790',
    naam: 'both postcode and land',
    body: met((m) => (m.persoon.land = '5010')),
    record: 'persoon',
    veld: '/persoon/land',
  },
  {
    code: '790',
    naam: 'neither postcode nor land',
    body: met((m) => delete m.persoon.postcode),
    record: 'persoon',
    veld: '/persoon/postcode',
  },
  {
    code: '606',
    naam: 'geboortedatum 2026-02-30',
    body: met((m) => (m.persoon.geboortedatum = '2026-02-30')),
    record: 'persoon',
    veld: '/persoon/geboortedatum',
  },
  {
    code: '606',
    naam: 'geboortedatum 2025-02-29 (no leap year)',
    body: met((m) => (m.persoon.geboortedatum = '2025-02-29')),
    record: 'persoon',
    veld: '/persoon/geboortedatum',
  },
  {
    code: '606',
    naam: 'geboortedatum 1900-02-29 (no leap year)',
    body: met((m) => (m.persoon.geboortedatum = '1900-02-29')),
    record: 'persoon',
    veld: '/persoon/geboortedatum',
  },
  {
    code: '606',
    naam: 'geboortedatum in month 13',
    body: met((m) => (m.persoon.geboortedatum = '2009-13-01')),
    record: 'persoon',
    veld: '/persoon/geboortedatum',
  },
  {
    code: '606',
    naam: 'geboortedatum without leading zeros',
    body: met((m) => (m.persoon.geboortedatum = '2009-4-1')),
    record: 'persoon',
    veld: '/persoon/geboortedatum',
  },
  {
    code: '606',
    naam: 'geboortedatum in BRON format EEJJMMDD',
    body: met((m) => (m.persoon.geboortedatum = '20090412')),
    record: 'persoon',
    veld: '/persoon/geboortedatum',
  },
  {
    code: '606',
    naam: 'geboortedatum with a time',
    body: met((m) => (m.persoon.geboortedatum = '2009-04-12T00:00:00Z')),
    record: 'persoon',
    veld: '/persoon/geboortedatum',
  },
  {
    code: '606',
    naam: 'datumInschrijving 2026-02-30',
    body: met((m) => (m.inschrijvingen[0].datumInschrijving = '2026-02-30')),
    record: 'inschrijving',
    veld: '/inschrijvingen/0/datumInschrijving',
  },
  {
    code: '606',
    naam: 'periode datumBegin 2025-02-29',
    body: met((m) => (m.periodes[0].datumBegin = '2025-02-29')),
    record: 'periode',
    veld: '/periodes/0/datumBegin',
  },
  {
    code: '630',
    naam: 'unknown field on the melding',
    body: met((m) => (m.cohort = '2026')),
    record: 'melding',
    veld: '/cohort',
  },
  {
    code: '630',
    naam: 'unknown field on the person',
    body: met((m) => (m.persoon.tussenvoegsel = 'van')),
    record: 'persoon',
    veld: '/persoon/tussenvoegsel',
  },
  {
    code: '630',
    naam: 'unknown field on a periode',
    body: met((m) => (m.periodes[0].leerweg = 'BOL')),
    record: 'periode',
    veld: '/periodes/0/leerweg',
  },
  {
    code: '631',
    naam: 'geslacht outside M/V/O',
    body: met((m) => (m.persoon.geslacht = 'X')),
    record: 'persoon',
    veld: '/persoon/geslacht',
  },
  {
    code: '631',
    naam: 'unknown leertraject',
    body: met((m) => (m.periodes[0].leertraject = 'CBL')),
    record: 'periode',
    veld: '/periodes/0/leertraject',
  },
  {
    code: '631',
    naam: 'unknown mutatie',
    body: met((m) => (m.inschrijvingen[0].mutatie = 'T')),
    record: 'inschrijving',
    veld: '/inschrijvingen/0/mutatie',
  },
  {
    code: '631',
    naam: 'reden uitschrijving 09',
    body: met((m) => (m.inschrijvingen[0].redenUitschrijving = '09')),
    record: 'inschrijving',
    veld: '/inschrijvingen/0/redenUitschrijving',
  },
  {
    code: '631',
    naam: 'crebo of 4 digits',
    body: met((m) => (m.periodes[0].opleidingcode = '2515')),
    record: 'periode',
    veld: '/periodes/0/opleidingcode',
  },
  {
    code: '631',
    naam: 'achternaam of 201 characters',
    body: met((m) => (m.persoon.achternaam = 'a'.repeat(201))),
    record: 'persoon',
    veld: '/persoon/achternaam',
  },
  {
    code: '631',
    naam: 'empty achternaam',
    body: met((m) => (m.persoon.achternaam = '')),
    record: 'persoon',
    veld: '/persoon/achternaam',
  },
  {
    code: '631',
    naam: 'indicatieBekostigbaar as a boolean',
    body: met((m) => (m.periodes[0].indicatieBekostigbaar = true)),
    record: 'periode',
    veld: '/periodes/0/indicatieBekostigbaar',
  },
  {
    code: '626',
    naam: 'no geboortedatum',
    body: met((m) => delete m.persoon.geboortedatum),
    record: 'persoon',
    veld: '/persoon/geboortedatum',
  },
  {
    code: '626',
    naam: 'no brin',
    body: met((m) => delete m.brin),
    record: 'melding',
    veld: '/brin',
  },
  {
    code: '626',
    naam: 'a periode without datumBegin',
    body: met((m) => delete m.periodes[0].datumBegin),
    record: 'periode',
    veld: '/periodes/0/datumBegin',
  },
];

describe('each flaw gives exactly its own finding', () => {
  it.each(CASES)('$code $naam', (c) => {
    const bevindingen = controleer(c.body);
    expect(bevindingen.map((b) => b.code)).toEqual([c.code]);
    expect(bevindingen[0]).toMatchObject({ code: c.code, ernst: 'A', record: c.record, veld: c.veld });
    expect(bevindingen[0]?.tekst.length).toBeGreaterThan(10);
  });
});

describe('lengths are counted in characters', () => {
  it.each([
    ['ASCII', 'a'],
    ['two UTF-8 bytes', 'é'],
    ['three UTF-8 bytes', 'ễ'],
    ['four UTF-8 bytes, a surrogate pair in JavaScript', '𝒜'],
  ])('200 characters of %s are accepted, 201 are not', (_naam, teken) => {
    expect(controleer(met((m) => (m.persoon.achternaam = teken.repeat(200))))).toEqual([]);
    expect(controleer(met((m) => (m.persoon.achternaam = teken.repeat(201)))).map((b) => b.code)).toEqual([
      '631',
    ]);
  });
});

describe('every problem of a melding is reported together', () => {
  it('shape, date, code list, person number and address findings in one answer', () => {
    const body = met((m) => {
      m.onbekend = true; // 630
      delete m.berichtId; // 626
      m.persoon.burgerservicenummer = brokenBsn(7); // 601
      m.persoon.land = '5010'; // 790 (postcode too)
      m.persoon.geboortedatum = '2025-02-29'; // 606
      m.persoon.geslacht = 'X'; // 631
      m.inschrijvingen[0].datumUitschrijvingGepland = '2026-02-30'; // 606
      m.periodes[0].leertraject = 'XYZ'; // 631
    });
    const bevindingen = controleer(body);
    const paren = bevindingen.map((b) => `${b.code} ${b.veld}`).sort();
    expect(paren).toEqual(
      [
        '626 /berichtId',
        '630 /onbekend',
        '601 /persoon/burgerservicenummer',
        '790 /persoon/land',
        '606 /persoon/geboortedatum',
        '631 /persoon/geslacht',
        '606 /inschrijvingen/0/datumUitschrijvingGepland',
        '631 /periodes/0/leertraject',
      ].sort(),
    );
    expect(bevindingen.every((b) => b.ernst === 'A')).toBe(true);
  });

  it('a melding that is not an object is one finding, not a crash', () => {
    for (const body of [null, [], 'melding', 42]) {
      const r = checkShape(body);
      expect(r.melding).toBeUndefined();
      expect(r.bevindingen.length).toBeGreaterThan(0);
      expect(r.bevindingen.every((b) => b.ernst === 'A')).toBe(true);
    }
  });
});

describe('a BSN sent as a JSON number', () => {
  it('is a format finding (742), not a missing person number', () => {
    const codes = controleer(
      met((m) => {
        (m.persoon as Record<string, unknown>).burgerservicenummer = 123456782;
      }),
    ).map((b) => b.code);
    expect(codes).toContain('742');
    expect(codes).not.toContain('605');
    expect(codes).not.toContain('603');
  });
});

describe('what no field may hold (645, 646)', () => {
  it.each([
    ['a NUL', 'Te\u0000st'],
    ['a tab', 'van\tder Berg'],
    ['an escape sequence', '\u001b[31m'],
    ['a lone surrogate', 'ab\ud800cd'],
  ])('%s in a name is 645 with its pointer', (_naam, achternaam) => {
    const b = controleer(
      met((m) => {
        m.persoon.achternaam = achternaam;
      }),
    );
    expect(b.find((x) => x.code === '645')).toMatchObject({ ernst: 'A', veld: '/persoon/achternaam' });
  });

  it('a well-formed surrogate pair (an emoji, a rare letter) is fine', () => {
    const b = controleer(
      met((m) => {
        m.persoon.achternaam = 'Jansen 😀 𝔘';
      }),
    );
    expect(b).toEqual([]);
  });

  it('a control character in a key is 645, and the key is escaped in the text', () => {
    const b = controleer({ ...geldig(), 'a\u0000b': 1 });
    expect(b.map((x) => x.code)).toEqual(expect.arrayContaining(['645', '630']));
    expect(b.every((x) => !x.tekst.includes('\u0000'))).toBe(true);
  });
});
