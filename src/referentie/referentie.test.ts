import { describe, expect, it } from 'vitest';
import {
  assignOnderwijslocatieCodes,
  createInstellingsnaamMatcher,
  deriveOnderwijslocatieCode,
  normaliseInstellingsnaam,
  ONDERWIJSLOCATIE_PATTERN,
  onderwijslocatieKey,
} from './referentie.ts';

describe('normaliseInstellingsnaam', () => {
  it.each([
    ['ROC Albeda College', ['albeda']],
    ['Stichting Regionaal Opleidingencentrum van Twente', ['twente']],
    ['ROC Alfa-college', ['alfa']],
    ["Grafisch Lyceum R'dam", ['grafisch', 'lyceum', 'rotterdam']],
    ['C I B A P', ['cibap']],
    ['ROC Nijmegen e o', ['nijmegen']],
    ['Koning Willem I College', ['koning', 'willem', 'i']],
    ['MBO Utrecht', ['mbo', 'utrecht']],
    ['ROC\u00a0A12', ['a12']],
    ['Coördinatie Zuid', ['coordinatie', 'zuid']],
  ])('%s → %j', (naam, words) => {
    expect(normaliseInstellingsnaam(naam)).toEqual(words);
  });
});

describe('createInstellingsnaamMatcher', () => {
  const match = createInstellingsnaamMatcher(
    [
      { brin: '91ZA', naam: 'Stichting Regionaal Opleidingencentrum Voorbeeldstad' },
      { brin: '91ZA', naam: 'ROC Voorbeeldstad' },
      { brin: '91ZB', naam: 'Vakcollege Denkbeeld' },
      { brin: '91ZB', naam: 'Denkbeeld' },
      { brin: '91ZC', naam: 'Groen Lyceum Proefland' },
      { brin: '91ZE', naam: '' },
      { brin: '91ZF', naam: 'Leerhuis Havendorp' },
    ],
    ['HAVENDORP'],
  );

  it('matches on equal normalised words first, whatever the order and filler words', () => {
    expect(match('ROC Voorbeeldstad e.o.')).toEqual({ kind: 'matched', brin: '91ZA', rule: 'exact' });
    expect(match('Proefland Lyceum Groen')).toEqual({ kind: 'matched', brin: '91ZC', rule: 'exact' });
  });

  it('then on word-set containment, either way', () => {
    expect(match('Vakcollege Denkbeeld Fictiedorp')).toEqual({
      kind: 'matched',
      brin: '91ZB',
      rule: 'bevat',
    });
    expect(match('Proefland')).toEqual({ kind: 'matched', brin: '91ZC', rule: 'bevat' });
  });

  it('then on words that belong to exactly one institution, place names excluded', () => {
    expect(match('Groenlyceum Proefland Zuid')).toEqual({
      kind: 'matched',
      brin: '91ZC',
      rule: 'kenmerkend-woord',
    });
    // "Havendorp" is a place name, so it identifies nothing on its own.
    expect(match('Zeevaartschool Havendorp')).toEqual({ kind: 'unmatched' });
  });

  it('does not guess between equally good institutions', () => {
    expect(match('Denkbeeld Voorbeeldstad')).toEqual({ kind: 'ambiguous', brins: ['91ZA', '91ZB'] });
  });

  it('leaves unknown names and names of only stop words unmatched; an empty candidate matches nothing', () => {
    expect(match('Instituut Nergensland')).toEqual({ kind: 'unmatched' });
    expect(match('ROC')).toEqual({ kind: 'unmatched' });
  });
});

describe('onderwijslocatie codes', () => {
  it('derives an nnnXnnn code, the same for the same input', () => {
    const code = deriveOnderwijslocatieCode(onderwijslocatieKey('91ZA', '9911AA', 'Schoolplein 1'));
    expect(code).toMatch(ONDERWIJSLOCATIE_PATTERN);
    expect(deriveOnderwijslocatieCode(onderwijslocatieKey('91ZA', '9911 aa', ' Schoolplein  1 '))).toBe(code);
    expect(deriveOnderwijslocatieCode(onderwijslocatieKey('91ZB', '9911AA', 'Schoolplein 1'))).not.toBe(code);
  });

  it('assigns unique codes independent of input order', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => onderwijslocatieKey('91ZA', '9911AA', `Straat ${i}`));
    const forward = assignOnderwijslocatieCodes(keys);
    const backward = assignOnderwijslocatieCodes([...keys].reverse());
    expect(new Set(forward.values()).size).toBe(5000);
    expect([...backward].sort()).toEqual([...forward].sort());
    for (const code of forward.values()) {
      expect(code).toMatch(ONDERWIJSLOCATIE_PATTERN);
    }
  });
});
