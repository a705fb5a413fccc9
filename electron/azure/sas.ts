// A SAS arrives as a whole URL (from the portal's "Generate SAS"), a '?'-prefixed token, or a bare token.

/** The SAS query string without '?', or undefined when it carries no signature. */
export function sasQuery(input: string): string | undefined {
  const text = input.trim();
  let query: string;
  try {
    query = new URL(text).search.slice(1);
  } catch {
    query = text.replace(/^\?/, '');
  }
  return new URLSearchParams(query).has('sig') ? query : undefined;
}

/** 'SAS, permissions rl, expires 2026-12-01T00:00:00Z': what the user may do, never the signature. */
export function describeSas(query: string): string {
  const params = new URLSearchParams(query);
  const parts = ['SAS'];
  const permissions = params.get('sp');
  const expiry = params.get('se');
  if (permissions) parts.push(`permissions ${permissions}`);
  if (expiry) parts.push(`expires ${expiry}`);
  return parts.join(', ');
}

/** The `se` (signed expiry) of a SAS, when it has a readable one. */
export function sasExpiry(query: string): Date | undefined {
  const se = new URLSearchParams(query).get('se');
  const date = se ? new Date(se) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}
