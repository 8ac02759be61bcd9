/**
 * `npm run token -- <rol> [geldigheid-in-uren]`: issues a bearer token for local use, signed with
 * AUTH_SECRET or the local development key (.local/auth-secret) that `npm start` uses.
 * Example: npm run token -- instelling:00GT
 */
import { parseRole, resolveAuthSecret, signToken } from '../src/platform/auth.ts';
import { loadConfig } from '../src/platform/config.ts';

const [role, hours] = process.argv.slice(2);
if (!role || !parseRole(role)) {
  console.error(
    'Gebruik: npm run token -- <rol> [uren]\n' +
      'Rollen: instelling:<BRIN>, accountant:<BRIN>, beheerder, raadpleger, afnemer:<id>, sbb, brp',
  );
  process.exit(2);
}
const { secret } = resolveAuthSecret(loadConfig());
console.log(await signToken(secret, role, Math.round(Number(hours ?? 8) * 3600)));
