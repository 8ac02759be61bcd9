import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * PGlite has one connection and no lock of its own: two processes on one data folder corrupt or lose
 * each other's writes. The register holds `<DATA_DIR>/mbo-register.pid` while it runs; commands that open
 * the same folder refuse while a live process holds it.
 */
const LOCK = 'mbo-register.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of the live process that holds the folder, if any. */
export function holderOf(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(path.join(dataDir, LOCK), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the folder for this process, or throws with a Dutch explanation when another process has it. */
export function lockDataDir(dataDir: string): () => void {
  const holder = holderOf(dataDir);
  if (holder !== undefined) {
    throw new Error(
      `De datamap ${dataDir} is in gebruik door proces ${holder} (een draaiend register). ` +
        'Stop dat eerst, of kies een andere DATA_DIR. De ingebouwde database kan maar door één proces tegelijk worden gebruikt.',
    );
  }
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK);
  writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (readFileSync(file, 'utf8').trim() === String(process.pid)) {
        rmSync(file);
      }
    } catch {
      // already gone
    }
  };
}
