import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { holderOf, lockDataDir } from './datadir-lock.ts';

describe('one process per embedded data folder', () => {
  it('refuses a folder held by a live process, naming it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lock-'));
    writeFileSync(path.join(dir, 'mbo-register.pid'), String(process.ppid));
    expect(holderOf(dir)).toBe(process.ppid);
    expect(() => lockDataDir(dir)).toThrow(String(process.ppid));
  });

  it('takes a free folder or one left by a dead process, and gives it back', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lock-'));
    writeFileSync(path.join(dir, 'mbo-register.pid'), '999999999');
    const release = lockDataDir(dir);
    expect(readFileSync(path.join(dir, 'mbo-register.pid'), 'utf8')).toBe(String(process.pid));
    release();
    expect(holderOf(dir)).toBeUndefined();
    expect(() => readFileSync(path.join(dir, 'mbo-register.pid'))).toThrow();
  });
});
