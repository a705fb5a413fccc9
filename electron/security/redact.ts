import type { StratusErrorShape } from '../../shared/errors.js';

// Error texts quote servers (an MLflow error body, Azure's error message), and a hostile or careless
// server may echo the request it received. Before a text crosses IPC or reaches a log, whatever
// looks like a credential is cut out: signatures, keys, authorization headers, tokens, URI passwords,
// and the exact secrets the caller knows.

const REDACTED = '[redacted]';
/** Shorter known secrets would cut ordinary words out of messages. */
const MIN_SECRET_LENGTH = 4;

const PATTERNS: readonly [RegExp, string][] = [
  // A header echoed as `authorization: …`, `"Authorization":"…"` or `cookie=…`.
  [/\b((?:proxy-|x-ms-)?authorization|cookie|x-ms-copy-source-authorization)("?\s*[:=]\s*"?)[^"\r\n]+/gi, `$1$2${REDACTED}`],
  // An authorization value without its header name; the token must hold a digit or a base64 symbol, so prose stays.
  [/\b(Bearer|Basic|SharedKey(?:Lite)?)\s+(?=[^\s"']*[0-9+/=])[A-Za-z0-9._~+/:=-]{6,}/g, `$1 ${REDACTED}`],
  // A SAS signature, in a query or a connection string, raw or percent-encoded.
  [/(?<=^|[^A-Za-z0-9]|%3F|%26)(sig|signature)(=|%3D)(?:[^&\s"'<>;%]|%(?!26)[0-9A-F]{2})+/gi, `$1$2${REDACTED}`],
  [/\b(AccountKey|SharedAccessSignature)=[^;\s"']+/gi, `$1=${REDACTED}`],
  // A JSON web token (an Azure or MLflow bearer token) on its own.
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
  // The password of a URI's user info.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*):[^\s/?#@]+@/gi, `$1:${REDACTED}@`],
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The text with credential-shaped parts and every known secret (as is or percent-encoded) replaced. */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let result = text;
  const known = secrets.filter((s) => s.length >= MIN_SECRET_LENGTH).flatMap((s) => [s, encodeURIComponent(s)]);
  // Longest first, so a secret containing another is replaced whole.
  for (const secret of [...new Set(known)].sort((a, b) => b.length - a.length)) {
    result = result.replace(new RegExp(escapeRegExp(secret), 'g'), REDACTED);
  }
  for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
  return result;
}

export function redactShape(shape: StratusErrorShape, secrets: readonly string[] = []): StratusErrorShape {
  const redacted: StratusErrorShape = { code: shape.code, message: redactSecrets(shape.message, secrets) };
  if (shape.hint !== undefined) redacted.hint = redactSecrets(shape.hint, secrets);
  if (shape.detail !== undefined) redacted.detail = redactSecrets(shape.detail, secrets);
  return redacted;
}
