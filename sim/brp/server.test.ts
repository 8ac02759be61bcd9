import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrpClient, isBrpFout } from '../../src/persoon/brp.client.ts';
import { type BrpSimulator, startBrpSimulator } from './server.ts';

describe('BRP simulator (Haal Centraal BRP Personen Bevragen v2)', () => {
  let sim: BrpSimulator;
  beforeAll(async () => {
    sim = await startBrpSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });
  const post = async (body: unknown) => {
    const res = await fetch(`${sim.url}/personen`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      json: (await res.json()) as Record<string, unknown>,
    };
  };

  it('answers RaadpleegMetBurgerservicenummer with only the requested fields, keeping partial dates', async () => {
    const r = await post({
      type: 'RaadpleegMetBurgerservicenummer',
      burgerservicenummer: ['999992806', '999995029', '123456782'],
      fields: ['burgerservicenummer', 'naam', 'geboorte.datum'],
    });
    expect(r.status).toBe(200);
    const personen = r.json.personen as Record<string, unknown>[];
    expect(personen).toHaveLength(2);
    expect(personen[0]).toEqual({
      burgerservicenummer: '999992806',
      naam: expect.objectContaining({ geslachtsnaam: 'Bhutto' }),
      geboorte: { datum: { type: 'JaarDatum', jaar: 1968 } },
    });
    expect(personen[1]?.naam).toMatchObject({
      voorvoegsel: 'van',
      geslachtsnaam: 'Brest naar Kempen',
      adellijkeTitelPredicaat: { code: 'BS', omschrijving: 'barones' },
    });
  });

  it('rejects a missing fields parameter, more than 20 BSNs and a malformed BSN with problem+json invalidParams', async () => {
    const geenFields = await post({
      type: 'RaadpleegMetBurgerservicenummer',
      burgerservicenummer: ['999992806'],
    });
    expect(geenFields.status).toBe(400);
    expect(geenFields.type).toContain('application/problem+json');
    expect(geenFields.json.invalidParams).toEqual([
      expect.objectContaining({ name: 'fields', code: 'required' }),
    ]);
    const teVeel = await post({
      type: 'RaadpleegMetBurgerservicenummer',
      burgerservicenummer: Array.from({ length: 21 }, () => '999992806'),
      fields: ['naam'],
    });
    expect(teVeel.json.invalidParams).toEqual([expect.objectContaining({ code: 'maxItems' })]);
    const fout = await post({
      type: 'RaadpleegMetBurgerservicenummer',
      burgerservicenummer: ['12345'],
      fields: ['naam'],
    });
    expect(fout.status).toBe(400);
  });

  it('searches by geslachtsnaam + geboortedatum and by postcode + huisnummer, leaving out the deceased', async () => {
    const naam = await post({
      type: 'ZoekMetGeslachtsnaamEnGeboortedatum',
      geslachtsnaam: 'kooyman',
      geboortedatum: '2003-03-03',
      fields: ['burgerservicenummer'],
    });
    expect((naam.json.personen as unknown[]).length).toBe(4);
    const adres = await post({
      type: 'ZoekMetPostcodeEnHuisnummer',
      postcode: '2545CC',
      huisnummer: 61,
      fields: ['burgerservicenummer'],
    });
    expect((adres.json.personen as unknown[]).length).toBeGreaterThanOrEqual(3);
    const overleden = await post({
      type: 'ZoekMetGeslachtsnaamEnGeboortedatum',
      geslachtsnaam: 'Burg',
      geboortedatum: '1998-02-27',
      fields: ['burgerservicenummer'],
    });
    expect(overleden.json.personen).toEqual([]);
  });
});

describe('BRP client', () => {
  let sim: BrpSimulator;
  beforeAll(async () => {
    sim = await startBrpSimulator();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('batches concurrent BSN look-ups into calls of at most 20', async () => {
    const client = createBrpClient({ url: sim.url });
    const before = sim.stats.verzoeken;
    const bsns = [...sim.personen.keys()].slice(0, 25);
    const found = await Promise.all([...bsns, '123456782'].map((b) => client.raadpleeg(b)));
    expect(found.filter((p) => p !== null)).toHaveLength(25);
    expect(found.at(-1)).toBeNull();
    expect(sim.stats.verzoeken - before).toBe(2);
  });

  it('turns 400, 5xx and a server that is down into a BrpFout, never into "not found"', async () => {
    const client = createBrpClient({ url: sim.url, retries: 1, retryBaseMs: 1 });
    await expect(client.raadpleeg('12345')).rejects.toSatisfy((e) => isBrpFout(e) && e.status === 400);
    await sim.setModus('storing');
    await expect(client.raadpleeg('999992806')).rejects.toSatisfy((e) => isBrpFout(e) && e.status === 503);
    await sim.setModus('geweigerd');
    await expect(client.raadpleeg('999992806')).rejects.toSatisfy((e) => isBrpFout(e) && e.status === 403);
    await sim.setModus('uit');
    await expect(client.raadpleeg('999992806')).rejects.toSatisfy(
      (e) => isBrpFout(e) && e.brpFout === 'netwerk',
    );
    await sim.setModus('normaal');
    expect(await client.raadpleeg('999992806')).toMatchObject({ geboortedatum: '1968-00-00' });
  });

  it('times out on a slow BRP and opens the circuit after repeated failures', async () => {
    const client = createBrpClient({
      url: sim.url,
      timeoutMs: 50,
      retries: 0,
      failureThreshold: 2,
      openMs: 60_000,
    });
    await sim.setModus('traag', 300);
    await expect(client.raadpleeg('999992806')).rejects.toSatisfy(
      (e) => isBrpFout(e) && e.brpFout === 'timeout',
    );
    await expect(client.raadpleeg('999992806')).rejects.toSatisfy(
      (e) => isBrpFout(e) && e.brpFout === 'timeout',
    );
    expect(client.circuit()).toBe('open');
    await sim.setModus('normaal');
    await expect(client.raadpleeg('999992806')).rejects.toSatisfy(
      (e) => isBrpFout(e) && e.brpFout === 'circuit-open',
    );
  });
});

describe('BRP simulator control', () => {
  it('changes a person over HTTP and can be told to fail', async () => {
    const sim = await startBrpSimulator();
    try {
      const base = sim.url;
      const mut = await fetch(`${base}/_sim/mutaties`, {
        method: 'POST',
        body: JSON.stringify({ burgerservicenummer: '999995145', soort: 'overlijden', datum: '2026-10-01' }),
      });
      expect(await mut.json()).toEqual({ bekend: true, verstuurd: false });
      expect(sim.personen.get('999995145')?.datumOverlijden).toBe('20261001');
      await fetch(`${base}/_sim/modus`, { method: 'POST', body: JSON.stringify({ modus: 'storing' }) });
      const res = await fetch(`${base}/personen`, {
        method: 'POST',
        body: JSON.stringify({
          type: 'RaadpleegMetBurgerservicenummer',
          burgerservicenummer: ['999995145'],
          fields: ['naam'],
        }),
      });
      expect(res.status).toBe(503);
    } finally {
      await sim.close();
    }
  });
});
