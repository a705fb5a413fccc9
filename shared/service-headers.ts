// METAFLOW_SERVICE_HEADERS as Metaflow reads it: a JSON object of header name to value, sent with every request to
// the metadata service. Checked the same way in the workspace form and in main before anything is sent: names are
// HTTP tokens, values one line (no CR/LF, which would split a header), both bounded.

const MAX_HEADERS = 32;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
const MAX_VALUE = 8192;

export type ServiceHeadersResult = { ok: true; headers: Record<string, string> } | { ok: false; errors: string[] };

/** The headers of METAFLOW_SERVICE_HEADERS's text; '' is none. */
export function parseServiceHeaders(text: string): ServiceHeadersResult {
  if (text.trim() === '') return { ok: true, headers: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, errors: ['The headers are not valid JSON: write a JSON object, e.g. {"x-api-key": "…"}.'] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { ok: false, errors: ['The headers are a JSON object of header names to values, e.g. {"x-api-key": "…"}.'] };
  }
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length > MAX_HEADERS) return { ok: false, errors: [`At most ${MAX_HEADERS} headers`] };
  const errors: string[] = [];
  for (const [name, value] of entries) {
    // A name is quoted (cut short) to say which; a value never is: it is a secret.
    const which = `"${name.slice(0, 60)}"`;
    if (!HEADER_NAME.test(name)) errors.push(`${which}: A header name is a token: letters, digits and !#$%&'*+.^_\`|~- (at most 128)`);
    if (typeof value !== 'string') errors.push(`${which}: A header value is a string`);
    else if (/[\r\n]/.test(value)) errors.push(`${which}: A header value is one line (no CR or LF)`);
    else if (value.length > MAX_VALUE) errors.push(`${which}: A header value is at most ${MAX_VALUE} characters`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, headers: Object.fromEntries(entries) as Record<string, string> };
}
