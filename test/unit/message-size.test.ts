import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contract } from '../../shared/contract.js';
import { jsonBytes, MAX_LIST_BYTES, MAX_MESSAGE_BYTES, messageTooLarge, utf8Bytes } from '../../shared/message-size.js';
import { DownloadRequest, UploadRequest } from '../../shared/schemas/transfer.js';

// The browser-mode host's message limit must hold every call the contract accepts, and no string or
// list may be unbounded (else no limit could). Each channel's largest call is computed from its
// argument schema, as JSON Schema: every string at its longest with every character escaped.

interface JsonSchema {
  type?: string | string[];
  maxLength?: number;
  maxItems?: number;
  format?: string;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  maxJsonBytes?: number;
}

/** The most bytes one UTF-16 unit takes in JSON text (a control character or lone surrogate as `\uXXXX`). */
const WORST_UNIT_BYTES = 6;
/** `-1.2345678901234567e-308` */
const WORST_NUMBER_BYTES = 24;
const UUID_LENGTH = 36;

function largest(schema: JsonSchema, at: string, unbounded: string[]): number {
  const size = largestUncapped(schema, at, unbounded);
  return schema.maxJsonBytes === undefined ? size : Math.min(size, schema.maxJsonBytes);
}

function largestUncapped(schema: JsonSchema, at: string, unbounded: string[]): number {
  const alternatives = schema.anyOf ?? schema.oneOf ?? schema.allOf;
  if (alternatives) return Math.max(...alternatives.map((s, i) => largest(s, `${at}|${i}`, unbounded)));
  if (schema.const !== undefined) return jsonBytes(schema.const);
  if (schema.enum) return Math.max(...schema.enum.map((v) => jsonBytes(v)));
  if (Array.isArray(schema.type)) return Math.max(...schema.type.map((type) => largest({ ...schema, type }, at, unbounded)));
  switch (schema.type) {
    case 'string': {
      const length = schema.maxLength ?? (schema.format === 'uuid' ? UUID_LENGTH : undefined);
      if (length === undefined) unbounded.push(`${at}: a string without a maximum length`);
      return 2 + (length ?? 0) * WORST_UNIT_BYTES;
    }
    case 'number':
    case 'integer':
      return WORST_NUMBER_BYTES;
    case 'boolean':
      return 5;
    case 'null':
      return 4;
    case 'array': {
      if (schema.prefixItems) return 2 + schema.prefixItems.reduce((sum, s, i) => sum + largest(s, `${at}[${i}]`, unbounded) + 1, 0);
      const item = schema.items ? largest(schema.items, `${at}[]`, unbounded) : 0;
      if (schema.maxItems === undefined) unbounded.push(`${at}: a list without a maximum length`);
      return 2 + (schema.maxItems ?? 0) * (item + 1);
    }
    case 'object': {
      if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) unbounded.push(`${at}: an object with any keys`);
      const fields = Object.entries(schema.properties ?? {});
      return 2 + fields.reduce((sum, [key, s]) => sum + jsonBytes(key) + 2 + largest(s, `${at}.${key}`, unbounded), 0);
    }
  }
  unbounded.push(`${at}: a value of any shape`);
  return 0;
}

function largestCall(channel: string, args: z.ZodType): { bytes: number; unbounded: string[] } {
  const unbounded: string[] = [];
  const schema = z.toJSONSchema(args, { io: 'output', unrepresentable: 'any' }) as JsonSchema;
  const argsBytes = largest(schema, channel, unbounded);
  // The envelope the client sends: {"id":<n>,"channel":"<name>","args":<args>}
  const envelope = jsonBytes({ id: Number.MAX_SAFE_INTEGER, channel, args: null }) - jsonBytes(null);
  return { bytes: envelope + argsBytes, unbounded };
}

const calls = Object.entries(contract).map(([channel, { args }]) => ({ channel, ...largestCall(channel, args) }));

describe('the contract bounds every call to fit in one host message', () => {
  it('bounds every string and list in every channel’s arguments', () => {
    expect(calls.flatMap((c) => c.unbounded)).toEqual([]);
  });

  it.each(calls.map((c) => [c.channel, c.bytes] as const))('%s: its largest call fits', (_channel, bytes) => {
    expect(bytes).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
  });

  it('allows calls as large as the limit, and no larger: the limit agrees with the contract', () => {
    const largestOfAll = Math.max(...calls.map((c) => c.bytes));
    expect(largestOfAll).toBeGreaterThan(MAX_LIST_BYTES);
    expect(largestOfAll).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
  });
});

describe('long lists of names', () => {
  const workspaceId = '3f1c1e4a-8a61-4f7e-9a55-0d6a1d2b9c11';
  const names = (count: number, length: number) => Array.from({ length: count }, (_, i) => `${String(i).padStart(8, '0')}-${'n'.repeat(length - 9)}`);

  it('accept a download of 100,000 blob names of 100 characters (10 MB)', () => {
    const request = { workspaceId, container: 'data', blobs: names(100_000, 100), targetFolder: '/tmp/copy' };
    expect(jsonBytes(request)).toBeGreaterThan(4 * 1024 * 1024);
    expect(DownloadRequest.safeParse(request).success).toBe(true);
  });

  it('refuse a download whose names exceed the list budget, saying so', () => {
    const request = { workspaceId, container: 'data', blobs: names(30_000, 1000), targetFolder: '/tmp/copy' };
    const parsed = DownloadRequest.safeParse(request);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message)).toContain('The blob names of one request take at most 24 MiB as text: send them in several requests');
  });

  it('refuse more than 100,000 files in one drop, saying so', () => {
    const files = names(100_001, 20).map((name) => ({ path: `/home/me/${name}`, name }));
    const parsed = UploadRequest.safeParse({ workspaceId, container: 'data', prefix: '', files });
    expect(parsed.error?.issues.map((i) => i.message)).toContain('At most 100,000 files per drop');
  });
});

describe('measuring a call before it is sent', () => {
  it('counts UTF-8 bytes as the socket sends them', () => {
    for (const text of ['', 'plain', 'é', '€uro', '🙂 and 😀', 'lone \ud800 surrogate', '\udc00', 'x\ud83d']) {
      expect(utf8Bytes(text), JSON.stringify(text)).toBe(Buffer.byteLength(text, 'utf8'));
    }
  });

  it('says how large a refused call was and what the host accepts', () => {
    expect(messageTooLarge('transfer.download', 30 * 1024 * 1024)).toEqual({
      code: 'INVALID_ARGUMENT',
      message: 'This transfer.download request is 30 MiB, over the 25 MiB the Stratus host accepts in one message.',
      hint: 'Select fewer items and send them in several requests.',
    });
    expect(messageTooLarge('transfer.upload').message).toBe('This transfer.upload request is larger than the 25 MiB the Stratus host accepts in one message.');
  });
});
