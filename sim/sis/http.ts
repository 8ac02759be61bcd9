import http from 'node:http';
import https from 'node:https';

/**
 * A lean HTTP POST over keep-alive connections (node:http). The simulator is also the benchmark driver and
 * shares the machine with the register; `fetch` costs it noticeably more CPU per request.
 */
export type HttpAnswer = { status: number; text: string; replayed: boolean };

export function createPoster(baseUrl: string, maxSockets: number) {
  const url = new URL(baseUrl);
  const secure = url.protocol === 'https:';
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets })
    : new http.Agent({ keepAlive: true, maxSockets });
  const request = secure ? https.request : http.request;
  return {
    post(
      path: string,
      headers: Record<string, string>,
      body: string,
      timeoutMs: number,
    ): Promise<HttpAnswer> {
      return new Promise((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path,
            method: 'POST',
            agent,
            headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                text: Buffer.concat(chunks).toString('utf8'),
                replayed: res.headers['idempotent-replayed'] === 'true',
              }),
            );
            res.on('error', reject);
          },
        );
        req.setTimeout(timeoutMs, () => req.destroy(new Error(`geen antwoord binnen ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end(body);
      });
    },
    close(): void {
      agent.destroy();
    },
  };
}
