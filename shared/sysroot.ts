// Metaflow's Azure sysroot rules (metaflow/plugins/azure/azure_utils.parse_azure_full_path),
// plus Azure's container-name rules, so a typo is caught before any request is made.
// Each rule reports its own message; the UI shows them as the user types and main re-checks.

export interface SysrootParts {
  container: string;
  /** Blob-name prefix inside the container, without a trailing slash; '' when absent. */
  prefix: string;
}

export type SysrootCheck = { ok: true; value: SysrootParts } | { ok: false; errors: string[] };

const CONTAINER_NAME = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/;
export const MAX_SYSROOT_LENGTH = 1024;

export function checkSysroot(input: string): SysrootCheck {
  const errors: string[] = [];
  if (input.trim() === '') return { ok: false, errors: ['Enter a sysroot of the form <container>/<prefix>.'] };
  if (input.length > MAX_SYSROOT_LENGTH) errors.push(`A sysroot is at most ${MAX_SYSROOT_LENGTH} characters.`);
  if (input.startsWith('/')) errors.push('A sysroot must not start with "/".');
  if (input.endsWith('/')) errors.push('A sysroot must not end with "/".');
  if (input.includes('//')) errors.push('A sysroot must not contain "//".');
  const slash = input.indexOf('/');
  const container = slash < 0 ? input : input.slice(0, slash);
  const prefix = slash < 0 ? '' : input.slice(slash + 1);
  if (container === '') errors.push('The container part of the sysroot (before the first "/") must not be empty.');
  else if (!CONTAINER_NAME.test(container)) {
    errors.push(
      `"${container}" is not a valid container name: 3-63 lowercase letters, digits or single hyphens, starting and ending with a letter or digit.`,
    );
  }
  if (prefix.split('/').some((s) => s === '.' || s === '..')) {
    errors.push('A sysroot must not contain "." or ".." path segments.');
  }
  // Control characters can never be part of a blob name Metaflow wrote.
  if (hasControlCharacters(input)) errors.push('A sysroot must not contain control characters.');
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { container, prefix } };
}

export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export function formatSysroot(parts: SysrootParts): string {
  return parts.prefix === '' ? parts.container : `${parts.container}/${parts.prefix}`;
}

/** The blob-name prefix under which the sysroot's children are listed ('' or 'a/b/'). */
export function sysrootBlobPrefix(parts: SysrootParts): string {
  return parts.prefix === '' ? '' : `${parts.prefix}/`;
}
