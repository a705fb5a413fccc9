// A URI's user info (`alice:secret@`) is a credential: it is kept in the secret vault, and the URI
// is stored and shown without it. The authority ends at the first '/', '?', '#' or '\', and its
// last '@' ends the user info, as URL parsers read it.

const USER_INFO = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#\\]*)@/;

/** The URI without its user info, and the user info (undefined when it has none). */
export function splitUserInfo(uri: string): { uri: string; userInfo?: string } {
  const match = USER_INFO.exec(uri);
  if (!match) return { uri };
  return { uri: match[1] + uri.slice(match[0].length), userInfo: match[2] };
}

/** The URI with the user info put back where splitUserInfo took it from. */
export function joinUserInfo(uri: string, userInfo: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(uri)?.[0];
  return scheme === undefined ? uri : `${scheme}${userInfo}@${uri.slice(scheme.length)}`;
}
