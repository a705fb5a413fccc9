// Who a bearer token speaks for, read from its JWT claims (not verified: only shown to the user).

export function principalFromToken(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const pick = (...names: string[]) => names.map((n) => claims[n]).find((v): v is string => typeof v === 'string' && v !== '');
    const user = pick('upn', 'preferred_username', 'unique_name', 'email');
    if (user) return user;
    const app = pick('app_displayname', 'appid', 'azp');
    if (app) return `application ${app}`;
    const oid = pick('oid', 'sub');
    return oid ? `object ${oid}` : undefined;
  } catch {
    return undefined;
  }
}
