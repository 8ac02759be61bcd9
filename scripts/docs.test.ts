import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/platform/config.ts';
import { renderControles, renderOpenapi } from './docs.ts';

describe('generated documents are up to date (run `npm run docs` after changing codes or routes)', () => {
  it('docs/controles.md matches the code catalogue', () => {
    expect(readFileSync(path.join(PROJECT_ROOT, 'docs', 'controles.md'), 'utf8')).toBe(renderControles());
  });

  it('openapi/koppelvlak.json matches the route schemas and is OpenAPI 3.1', async () => {
    const doc = await renderOpenapi();
    expect(JSON.parse(doc).openapi).toBe('3.1.0');
    expect(readFileSync(path.join(PROJECT_ROOT, 'openapi', 'koppelvlak.json'), 'utf8')).toBe(doc);
  });
});
