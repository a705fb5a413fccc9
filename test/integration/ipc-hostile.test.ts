import { beforeEach, describe, expect, it } from 'vitest';
import { createRouter, type Handlers } from '../../electron/ipc/router.js';
import { CHANNELS, type Channel } from '../../shared/contract.js';
import { calls, WORKSPACE_ID, type Baseline } from './ipc-cases/cases.js';
import { metaflowCases } from './ipc-cases/metaflow.js';
import { mlflowTokensCases } from './ipc-cases/mlflow-tokens.js';
import { mlflowPromptsCases } from './ipc-cases/mlflow-prompts.js';
import { mlflowUsageCases } from './ipc-cases/mlflow-usage.js';
import { mlflowCases } from './ipc-cases/mlflow.js';
import { gcCases } from './ipc-cases/gc.js';
import { blobsCases } from './ipc-cases/blobs.js';
import { transferCases } from './ipc-cases/transfer.js';
import { localCases } from './ipc-cases/local.js';
import { usageCases } from './ipc-cases/usage.js';
import { CONNECTION_STRING, ENDPOINT, SYSROOT, workspaceCases } from './ipc-cases/workspace.js';

// Every IPC channel, fed what a compromised renderer or a hostile browser tab could send. The router
// must answer INVALID_ARGUMENT / UNKNOWN_CHANNEL and never run a handler. The handlers here are spies
// (this tests the router, not Azure): they only record that they were called.

type Plain = Record<string, unknown>;

const DOMAINS = [workspaceCases, metaflowCases, blobsCases, gcCases, mlflowTokensCases, mlflowCases, transferCases, localCases, mlflowPromptsCases, mlflowUsageCases, usageCases];

const handlers: Handlers = { ...workspaceCases.spies, ...metaflowCases.spies, ...blobsCases.spies, ...gcCases.spies, ...mlflowTokensCases.spies, ...mlflowUsageCases.spies, ...mlflowPromptsCases.spies, ...mlflowCases.spies, ...transferCases.spies, ...localCases.spies, ...usageCases.spies };

const router = createRouter(handlers);

// A mapped type, so a channel added to the contract fails to compile here until it has baselines.
const BASELINES: { [C in Channel]: Baseline<C>[] } = { ...workspaceCases.baselines, ...metaflowCases.baselines, ...blobsCases.baselines, ...gcCases.baselines, ...mlflowTokensCases.baselines, ...mlflowUsageCases.baselines, ...mlflowPromptsCases.baselines, ...mlflowCases.baselines, ...transferCases.baselines, ...localCases.baselines, ...usageCases.baselines };

const MB = 1 << 20;

const CONTROL = ['\u0000', '\n', '\r\n', '\t', '\u001b[31m', '\u007f'];
const HUGE = 'a'.repeat(MB);
const HUGE_TRAVERSAL = '../'.repeat(Math.ceil(MB / 3));

/** Discriminator values: real kinds of other shapes must not pass as this one's (the valid one is left out). */
const KIND_CONFUSIONS = ['azure', 'local', 'sas', 'Environment', 'AZURE', 'Local', 'token', '__proto__', 'constructor', 'toString'];

/** Hostile strings per field, each invalid for that field whatever else the arguments hold. */
function hostileStrings(field: string, valid: string, nested: boolean): string[] {
  const common = ['', HUGE, HUGE_TRAVERSAL, ...CONTROL.map((c) => `${valid}${c}`), ...CONTROL.map((c) => `${c}${valid}`)];
  const segment = ['.', '..', '../', '../x', `${valid}/..`, `../${valid}`, '/', `${valid}/x`, `x/${valid}`, `${valid}\\x`, '..\\x'];
  switch (field) {
    case 'flow':
    case 'step':
      return [...common, ...segment, ' ', '1abc', 'has space', 'dash-name', 'dotted.name', 'ünïcode'];
    case 'run':
    case 'task':
      return [...common, ...segment, 'x'.repeat(257)];
    case 'workspaceId':
    case 'id':
      return [...common, ...segment, 'not-a-uuid', `${valid}x`, `${valid}/../x`];
    case 'sysroot':
    case 'cardRoot':
      return [
        ...common,
        '.',
        '..',
        '../etc',
        '../../../../etc/passwd',
        `${valid}/..`,
        `${valid}/../x`,
        `${valid}/./x`,
        `/${valid}`,
        `${valid}/`,
        `${valid}//x`,
        'UPPER/ds',
        'ab/ds',
        'under_score/ds',
      ];
    case 'endpoint':
      return [
        ...common,
        'not a url',
        '../x',
        '/devstoreaccount1',
        '127.0.0.1:10000/devstoreaccount1',
        'file:///etc/passwd',
        'javascript:alert(1)',
        'data:text/plain,x',
        'ftp://acct.blob.core.windows.net/',
        'http://user:secret@127.0.0.1:10000/devstoreaccount1',
        `http://127.0.0.1:10000/${'a'.repeat(2100)}`,
      ];
    case 'kind':
      return [...common, ...KIND_CONFUSIONS.filter((k) => k !== valid)];
    case 'auth':
      return [...common, 'Environment', 'sharedKey', 'bearer', 'none', 'azure', 'local', '__proto__', 'constructor', 'toString'];
    case 'path':
      // MLflow artifact paths (ipc-cases/mlflow.ts) are relative; workspace folders absolute.
      if (!/^([A-Za-z]:[\\/]|\/|\\\\)/.test(valid)) return mlflowCases.hostile?.('artifactPath', valid, common) ?? [];
      return [
        ...common,
        'relative',
        'work/.metaflow',
        '.',
        '..',
        './x',
        '../x',
        '~',
        '~/work',
        'C:',
        'C:relative',
        '\\single-backslash',
        'file:///etc/passwd',
        `/${'a'.repeat(4096)}`,
      ];
    case 'name':
      // Workspace names (config.name) allow 100 characters and spaces; artifact names are identifiers of up to 256.
      return [...common, 'x'.repeat(257), ...(nested ? [] : ['has space', '1abc', 'dotted.name', '../x'])];
    case 'stream':
      return [...common, 'STDOUT', 'both', 'stdin', '__proto__'];
    case 'format':
      return [...common, 'JSON', 'pickle-v4', 'xml', '__proto__'];
    case 'file':
      return [...common, ...segment, 'card.htm', 'x.html/..', '../x.html', 'a b.html', `${'x'.repeat(201)}.html`];
    case 'tenantId':
      return [...common, 'has space', 'contoso.onmicrosoft.com/x', '../x', 'a@b', 'tenant?x=1', 'ünïcode', 'x'.repeat(101)];
    case 'connectionString':
    case 'mlflowTrackingUri':
      return [...common, 'x'.repeat(4097)];
    case 'accountKey':
      return [...common, 'x'.repeat(513)];
    case 'sas':
    case 'secret':
      return [...common, 'x'.repeat(8193)];
    default: {
      for (const domain of DOMAINS) {
        const own = domain.hostile?.(field, valid, common);
        if (own) return own;
      }
      throw new Error(`No hostile strings for the field "${field}": add them when the contract gains a field.`);
    }
  }
}

const WRONG_TYPES: [string, unknown][] = [
  ['null', null],
  ['a number', 42],
  ['NaN', Number.NaN],
  ['a boolean', true],
  ['a bigint', 1n],
  ['an empty array', []],
  ['an array of a string', ['x']],
  ['an object', { x: 'y' }],
  ['a function', () => 'x'],
  ['a Date', new Date(0)],
  ['a Symbol', Symbol('x')],
];

interface Case {
  label: string;
  channel: unknown;
  args: unknown;
}

function show(value: unknown): string {
  if (typeof value === 'string') {
    // JSON.stringify leaves DEL as is; escape it so every test name is readable.
    const text = JSON.stringify(value.length > 40 ? value.slice(0, 40) : value).replaceAll('\u007f', '\\u007f');
    return value.length > 40 ? `${text}… (${value.length} chars)` : text;
  }
  if (typeof value === 'bigint' || typeof value === 'symbol' || typeof value === 'function') return String(value);
  return JSON.stringify(value) ?? String(value);
}

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function without(object: Plain, key: string): Plain {
  return Object.fromEntries(Object.entries(object).filter(([k]) => k !== key));
}

/** A copy of `root` with the value at `path` replaced (or removed when `remove`). */
function replaceAt(root: unknown, path: string[], value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  if (!isPlain(root)) throw new Error(`not an object at ${path.join('.')}`);
  const [head, ...rest] = path;
  if (rest.length === 0 && remove) return without(root, head);
  return { ...root, [head]: replaceAt(root[head], rest, value, remove) };
}

/** An object with an own "__proto__" key, as JSON.parse makes from text sent over a socket. */
function withOwnProto(object: Plain, proto: unknown): Plain {
  const copy: Plain = { ...object };
  Object.defineProperty(copy, '__proto__', { value: proto, enumerable: true, configurable: true, writable: true });
  return copy;
}

function* objectNodes(value: unknown, path: string[] = []): Generator<{ path: string[]; node: Plain }> {
  if (!isPlain(value)) return;
  yield { path, node: value };
  for (const [key, child] of Object.entries(value)) yield* objectNodes(child, [...path, key]);
}

function* leaves(value: unknown, path: string[] = []): Generator<{ path: string[]; leaf: string | boolean }> {
  if (typeof value === 'string' || typeof value === 'boolean') yield { path, leaf: value };
  else if (isPlain(value)) for (const [key, child] of Object.entries(value)) yield* leaves(child, [...path, key]);
}

/** Everything a boolean flag must refuse: no coercion of strings or numbers. */
const NOT_BOOLEANS: [string, unknown][] = [
  ...WRONG_TYPES.filter(([, value]) => typeof value !== 'boolean'),
  ['the string "true"', 'true'],
  ['the string "false"', 'false'],
  ['an empty string', ''],
  ['1', 1],
  ['0', 0],
];

function hostileCases(channel: Channel, baseline: Baseline<Channel>, index: number): Case[] {
  const base: unknown = baseline.args;
  const optional = new Set(baseline.optional ?? []);
  const out: Case[] = [];
  const add = (what: string, args: unknown) => out.push({ label: `${channel} #${index}: ${what}`, channel, args });

  for (const [name, value] of [...WRONG_TYPES, ['undefined', undefined], ['a huge string', HUGE], ['an array of the valid args', [base]]] as [string, unknown][]) {
    add(`args = ${name}`, value);
  }
  for (const { path, node } of objectNodes(base)) {
    const at = path.length === 0 ? 'args' : path.join('.');
    add(`extra field in ${at}`, replaceAt(base, path, { ...node, extra: 'x' }));
    add(`own "__proto__" key in ${at}`, replaceAt(base, path, withOwnProto(node, { polluted: 'yes', isAdmin: true })));
    add(`"constructor" key in ${at}`, replaceAt(base, path, { ...node, constructor: { prototype: { polluted: 'yes' } } }));
    add(`"prototype" key in ${at}`, replaceAt(base, path, { ...node, prototype: { polluted: 'yes' } }));
    if (path.length > 0) {
      for (const [name, value] of WRONG_TYPES) add(`${at} = ${name}`, replaceAt(base, path, value));
      add(`${at} = an array of itself`, replaceAt(base, path, [node]));
    }
    for (const key of Object.keys(node)) {
      const field = [...path, key].join('.');
      if (optional.has(field)) continue;
      add(`missing ${field}`, replaceAt(base, [...path, key], undefined, true));
      add(`${field} set to undefined`, replaceAt(base, [...path, key], undefined));
      // A required field smuggled in through "__proto__" must not count as present.
      add(`${field} only inside "__proto__"`, replaceAt(base, path, withOwnProto(without(node, key), { [key]: node[key] })));
    }
  }
  for (const { path, leaf } of leaves(base)) {
    const field = path.join('.');
    if (typeof leaf === 'boolean') {
      for (const [name, value] of NOT_BOOLEANS) add(`${field} = ${name}`, replaceAt(base, path, value));
      continue;
    }
    for (const [name, value] of WRONG_TYPES) add(`${field} = ${name}`, replaceAt(base, path, value));
    for (const value of hostileStrings(path[path.length - 1], leaf, path.length > 1)) add(`${field} = ${show(value)}`, replaceAt(base, path, value));
  }
  return out;
}

const METAFLOW_PATH_GAPS: Plain[] = [
  { run: '1' },
  { step: 'start' },
  { task: '1' },
  { flow: 'F', step: 'start' },
  { flow: 'F', task: '1' },
  { flow: 'F', run: '1', task: '1' },
  { run: '1', step: 'start', task: '1' },
];

const AZURE_OPEN = { sysroot: SYSROOT, endpoint: ENDPOINT, credential: { kind: 'environment' } };
const AZURE_CONFIG = { kind: 'azure', name: 'Prod', sysroot: SYSROOT, endpoint: ENDPOINT, auth: 'environment' };
const LOCAL_CONFIG = { kind: 'local', name: 'Laptop', path: '/home/ds/work' };

/** Fields of one shape smuggled into another: the unions must not mix their members. */
const MIXED_SHAPES: [Channel, string, unknown][] = [
  ['workspace.open', 'a local workspace with a sysroot', { kind: 'local', path: '/x', sysroot: SYSROOT }],
  ['workspace.open', 'a local workspace with a credential', { kind: 'local', path: '/x', credential: { kind: 'environment' } }],
  ['workspace.open', 'a local workspace without its kind', { path: '/x' }],
  ['workspace.open', 'an Azure kind with only a path', { kind: 'azure', path: '/x' }],
  ['workspace.open', 'an Azure workspace with a path', { ...AZURE_OPEN, path: '/x' }],
  ['workspace.open', 'an Azure workspace with kind "local"', { ...AZURE_OPEN, kind: 'local' }],
  ['workspace.open', 'both shapes at once', { ...AZURE_OPEN, kind: 'local', path: '/x' }],
  ['workspace.open', 'a connection string credential holding an account key', { ...AZURE_OPEN, credential: { kind: 'connectionString', accountKey: 'a2V5' } }],
  ['workspace.open', 'a SAS credential holding a connection string', { ...AZURE_OPEN, credential: { kind: 'sas', connectionString: CONNECTION_STRING } }],
  ['workspace.open', 'an environment credential carrying a secret', { ...AZURE_OPEN, credential: { kind: 'environment', connectionString: CONNECTION_STRING } }],
  ['workspace.open', 'an identity credential carrying a SAS', { ...AZURE_OPEN, credential: { kind: 'identity', sas: 'sig=x' } }],
  ['workspace.open', 'a credential without a kind', { ...AZURE_OPEN, credential: { connectionString: CONNECTION_STRING } }],
  ['workspace.save', 'a local config with an auth method', { config: { ...LOCAL_CONFIG, auth: 'environment' } }],
  ['workspace.save', 'a local config with a sysroot', { config: { ...LOCAL_CONFIG, sysroot: SYSROOT } }],
  ['workspace.save', 'an Azure config with a path', { config: { ...AZURE_CONFIG, path: '/x' } }],
  ['workspace.save', 'an Azure config with a credential object', { config: { ...AZURE_CONFIG, credential: { kind: 'environment' } } }],
  ['workspace.save', 'a secret inside the config', { config: { ...AZURE_CONFIG, secret: CONNECTION_STRING } }],
  ['workspace.save', 'a config without a kind', { config: { name: 'Prod', sysroot: SYSROOT, endpoint: ENDPOINT, auth: 'environment' } }],
  ['workspace.save', 'a forged hasSecret', { config: AZURE_CONFIG, hasSecret: true }],
  ['workspace.save', 'a workspace-open input in place of a config', { config: AZURE_OPEN }],
  ['workspace.connect', 'a workspace-open input in place of an id', { id: WORKSPACE_ID, ...AZURE_OPEN }],
  ['settings.set', 'no settings at all', {}],
];

const INVALID_ARGUMENT_CASES: Case[] = [
  ...CHANNELS.flatMap((channel) => BASELINES[channel].map((b, i) => hostileCases(channel, b as Baseline<Channel>, i)).flat()),
  ...METAFLOW_PATH_GAPS.map((gap) => ({
    label: `metaflow.list: hierarchy gap ${JSON.stringify(gap)}`,
    channel: 'metaflow.list',
    args: { workspaceId: WORKSPACE_ID, ...gap },
  })),
  ...MIXED_SHAPES.map(([channel, what, args]) => ({ label: `${channel}: ${what}`, channel, args })),
];

/** Names that exist on every object's prototype chain, or look like a channel but are not one. */
const UNKNOWN_CHANNELS: [string, unknown][] = [
  ...['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__', 'prototype'].map(
    (name): [string, unknown] => [JSON.stringify(name), name],
  ),
  ...[
    '',
    ' ',
    'workspace',
    'workspace.',
    'workspace.open ',
    ' workspace.open',
    'Workspace.Open',
    'WORKSPACE.OPEN',
    'workspace.open\u0000',
    'workspace/open',
    'metaflow.list/../workspace.open',
    'workspace.open.constructor',
    'settings',
    'settings.set\n',
    'Settings.Set',
    'workspace.save.secret',
    'workspace.secrets',
    'workspace.list/../settings.set',
  ].map(
    (name): [string, unknown] => [JSON.stringify(name), name],
  ),
  ['a 1 MB name', HUGE],
  ['null', null],
  ['undefined', undefined],
  ['a number', 1],
  ['a boolean', true],
  ['an array holding a channel', ['workspace.open']],
  ['a Symbol', Symbol('workspace.open')],
  ['an object with a toString that returns a channel', { toString: () => 'workspace.open' }],
  // Over the browser-mode WebSocket this arrives from JSON.parse as {"toString": 1}: no callable toString.
  ['an object whose toString is not a function', { toString: 1 }],
  ['an object without a prototype', Object.create(null) as unknown],
];

const UNKNOWN_CHANNEL_CASES: Case[] = UNKNOWN_CHANNELS.flatMap(([name, channel]) =>
  CHANNELS.map((real) => ({ label: `channel ${name} with valid ${real} args`, channel, args: BASELINES[real][0].args })),
);

/** Returned errors stay small even when the input was 1 MB, so nothing hostile is echoed back in bulk. */
const MAX_REPLY_CHARS = 10_000;

describe('IPC router against hostile input', () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it('has hostile cases for every channel in the contract', () => {
    for (const channel of CHANNELS) {
      expect(INVALID_ARGUMENT_CASES.filter((c) => c.channel === channel).length, channel).toBeGreaterThan(10);
    }
  });

  // The control group: without it, a router that rejected everything would pass the cases below.
  it.each(CHANNELS.flatMap((channel) => BASELINES[channel].map((b): [Channel, unknown] => [channel, b.args])))(
    'runs the %s handler exactly once for valid args',
    async (channel, args) => {
      const reply = await router.dispatch(channel, args);
      expect(reply.ok, JSON.stringify(reply)).toBe(true);
      expect(calls).toEqual([{ channel, args }]);
    },
  );

  it.each(INVALID_ARGUMENT_CASES.map((c): [string, Case] => [c.label, c]))('rejects %s', async (_label, c) => {
    const reply = await router.dispatch(c.channel, c.args);
    expect(calls, 'a handler ran').toEqual([]);
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.code).toBe('INVALID_ARGUMENT');
      expect(reply.error.message.length).toBeGreaterThan(0);
    }
    expect(JSON.stringify(reply).length).toBeLessThan(MAX_REPLY_CHARS);
  });

  it.each(UNKNOWN_CHANNEL_CASES.map((c): [string, Case] => [c.label, c]))('refuses %s', async (_label, c) => {
    let reply: Awaited<ReturnType<typeof router.dispatch>> | undefined;
    let thrown: unknown;
    try {
      reply = await router.dispatch(c.channel, c.args);
    } catch (err) {
      thrown = err;
    }
    expect(calls, 'a handler ran').toEqual([]);
    // dispatch must answer, not throw: callers (the WebSocket host) await it without a catch.
    expect(thrown, 'dispatch threw instead of answering').toBeUndefined();
    expect(reply).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(JSON.stringify(reply).length).toBeLessThan(MAX_REPLY_CHARS);
  });

  it('leaves Object.prototype unpolluted after all of the above', () => {
    const probe: Plain = {};
    expect(probe.polluted).toBeUndefined();
    expect(probe.isAdmin).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.prototype).not.toHaveProperty('isAdmin');
  });
});
