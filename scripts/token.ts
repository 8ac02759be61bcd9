/**
 * `npm run token -- <rol> [geldigheid-in-uren]`: issues a bearer token for local use, signed with
 * AUTH_SECRET or the local development key (.local/auth-secret) that `npm start` uses.
 * Example: npm run token -- instelling:00GT
 */
import { parseRole, resolveAuthSecret, signToken } from '../src/platform/auth.ts';
import { loadConfig } from '../src/platform/config.ts';

const [role, hours] = process.argv.slice(2);
const GEBRUIK =
  'Gebruik: npm run token -- <rol> [uren, standaard 8]\n' +
  'Rollen: instelling:<BRIN>, accountant:<BRIN>, beheerder, raadpleger, afnemer:<id>, sbb, brp\n' +
  'Een BRIN is 2 cijfers en 2 hoofdletters of cijfers, bijvoorbeeld 25LH.';
if (!role) {
  console.error(GEBRUIK);
  process.exit(2);
}
if (!parseRole(role)) {
  console.error(`Onbekende of ongeldige rol '${role}'.\n${GEBRUIK}`);
  process.exit(2);
}
const uren = Number(hours ?? 8);
if (!Number.isFinite(uren) || uren <= 0 || uren > 24 * 365) {
  console.error(`Ongeldige geldigheid '${hours}': geef een aantal uren groter dan 0 (hoogstens een jaar).`);
  process.exit(2);
}
const { secret } = resolveAuthSecret(loadConfig());
console.log(await signToken(secret, role, Math.round(uren * 3600)));
