/**
 * The register as a child process, as `npm start` runs it, for the benchmarks (bench/run.ts and the stages it
 * calls): a free port, its own SBB simulator port, quiet logs, and the peak RSS read from /proc.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/platform/config.ts';

export type Server = {
  url: string;
  /** The SBB simulator the server started (its leerbedrijven make the SIS's BPV). */
  sbbUrl: string;
  child: ChildProcess;
  peakRssMb(): number;
  stop(): Promise<void>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** Peak resident set size (VmHWM) of a process in MB; 0 when it is gone. */
export function peakRssMbOf(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

/** Starts `src/main.ts` with `env` and the bench's `authSecret`, and waits until /health answers (≤ 120 s). */
export async function startServer(env: NodeJS.ProcessEnv, authSecret: string): Promise<Server> {
  const port = await freePort();
  const sbbPort = await freePort();
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'src', 'main.ts')], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      SBB_SIM_PORT: String(sbbPort),
      SBB_URL: '',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      AUTH_SECRET: authSecret,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`server exited with ${child.exitCode}`);
    }
    try {
      if ((await fetch(`${url}/health`)).ok) {
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 120_000) {
      child.kill('SIGKILL');
      throw new Error('server not ready within 120 s');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    sbbUrl: `http://127.0.0.1:${sbbPort}`,
    child,
    peakRssMb: () => peakRssMbOf(child.pid),
    async stop() {
      if (child.exitCode !== null) {
        return;
      }
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) {
        child.kill('SIGKILL');
      }
    },
  };
}
