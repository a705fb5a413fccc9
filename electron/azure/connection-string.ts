// Azure connection strings are `Key=Value;` pairs whose values may themselves contain '='
// (account keys are base64). The SDK parses them internally but does not export the parser.

export interface ConnectionStringParts {
  accountName?: string;
  accountKey?: string;
  blobEndpoint?: string;
  sharedAccessSignature?: string;
  protocol?: string;
  endpointSuffix?: string;
}

export function parseConnectionString(text: string): ConnectionStringParts {
  const fields = new Map<string, string>();
  for (const pair of text.split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    fields.set(pair.slice(0, eq).trim().toLowerCase(), pair.slice(eq + 1).trim());
  }
  return {
    accountName: fields.get('accountname'),
    accountKey: fields.get('accountkey'),
    blobEndpoint: fields.get('blobendpoint'),
    sharedAccessSignature: fields.get('sharedaccesssignature'),
    protocol: fields.get('defaultendpointsprotocol'),
    endpointSuffix: fields.get('endpointsuffix'),
  };
}

/** The blob endpoint a connection string names, explicitly or through account + suffix. */
export function connectionStringEndpoint(parts: ConnectionStringParts): string | undefined {
  if (parts.blobEndpoint) return parts.blobEndpoint;
  if (!parts.accountName) return undefined;
  return `${parts.protocol ?? 'https'}://${parts.accountName}.blob.${parts.endpointSuffix ?? 'core.windows.net'}`;
}

/**
 * The account name an endpoint addresses: the first host label for `<account>.blob.<suffix>`,
 * the first path segment for path-style endpoints such as Azurite's `http://127.0.0.1:10000/devstoreaccount1`.
 */
export function accountNameFromEndpoint(endpoint: string): string | undefined {
  const url = new URL(endpoint);
  const labels = url.hostname.split('.');
  if (labels.length > 2 && labels[1] === 'blob') return labels[0];
  const first = url.pathname.split('/').find((s) => s !== '');
  return first;
}
