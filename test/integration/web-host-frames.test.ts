import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_MESSAGE_BYTES } from '../../shared/message-size.js';
import { startWebHost, type WebHostProcess } from '../e2e/web-host-process.js';
import { repoRoot } from '../harness/repo.js';

// The browser-mode host, run as its own process (`npm run build` first), against WebSocket frames
// that break RFC 6455, sent by a client holding the token (a buggy renderer, or a page that got
// it). Each must close that client's socket with the matching close code, and the host must keep
// serving everyone else; an unheard socket 'error' used to end the whole process.

let host: WebHostProcess;
let base: URL;
let userDataDir: string;

beforeAll(async () => {
  userDataDir = await mkdtemp(path.join(tmpdir(), 'stratus-frames-'));
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  // The download below names the user-data folder, which this host is started allowed to write into.
  host = await startWebHost(repoRoot, { ...env, STRATUS_USER_DATA: userDataDir, STRATUS_ALLOWED_FOLDERS: userDataDir });
  base = new URL(host.url);
}, 60_000);

afterAll(async () => {
  await host?.stop();
  if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
});

const OPCODE = { continuation: 0x0, text: 0x1, binary: 0x2, reserved: 0x3, close: 0x8, ping: 0x9 } as const;

interface FrameSpec {
  opcode: number;
  payload?: Buffer;
  fin?: boolean;
  /** RSV1..3 as the three bits under FIN. */
  rsv?: number;
  masked?: boolean;
  /** The length the header declares, when it is not the payload's. */
  declaredLength?: bigint;
}

function frame({ opcode, payload = Buffer.alloc(0), fin = true, rsv = 0, masked = true, declaredLength }: FrameSpec): Buffer {
  const length = declaredLength ?? BigInt(payload.length);
  let header: Buffer;
  if (length < 126n) header = Buffer.from([0, Number(length)]);
  else if (length < 65536n) {
    header = Buffer.alloc(4);
    header[1] = 126;
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[1] = 127;
    header.writeBigUInt64BE(length, 2);
  }
  header[0] = (fin ? 0x80 : 0) | (rsv << 4) | opcode;
  if (!masked) return Buffer.concat([header, payload]);
  header[1] |= 0x80;
  const key = randomBytes(4);
  const body = Buffer.from(payload.map((byte, i) => byte ^ key[i % 4]));
  return Buffer.concat([header, key, body]);
}

const text = (s: string | Buffer) => ({ opcode: OPCODE.text, payload: Buffer.from(s) });

/** A WebSocket handshake sent by hand to `target`; resolves once the host's answer to it has arrived. */
async function handshake(target: string): Promise<{ socket: Socket; status: string; received: () => Buffer }> {
  const socket = connect(Number(base.port), '127.0.0.1');
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => (buffer = Buffer.concat([buffer, chunk])));
  socket.on('error', () => undefined);
  socket.write(
    `GET ${target} HTTP/1.1\r\nHost: ${base.host}\r\nOrigin: ${base.origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const end = await waitFor(() => {
    const at = buffer.indexOf('\r\n\r\n');
    return at === -1 ? undefined : at + 4;
  }, 'the handshake');
  const status = buffer.subarray(0, 12).toString();
  buffer = buffer.subarray(end);
  return { socket, status, received: () => buffer };
}

/** A WebSocket opened by hand, so that any bytes at all can follow the handshake. */
async function rawSocket(): Promise<{ socket: Socket; received: () => Buffer }> {
  const opened = await handshake(`${base.pathname}ws`);
  expect(opened.status).toBe('HTTP/1.1 101');
  return opened;
}

async function waitFor<T>(check: () => T | undefined, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The close code of the first close frame the host sent (an unmasked frame: server to client). */
function closeCode(bytes: Buffer): number | undefined {
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at] & 0x0f;
    let length = bytes[at + 1] & 0x7f;
    let start = at + 2;
    if (length === 126) {
      if (bytes.length < at + 4) return undefined;
      length = bytes.readUInt16BE(at + 2);
      start = at + 4;
    } else if (length === 127) {
      if (bytes.length < at + 10) return undefined;
      length = Number(bytes.readBigUInt64BE(at + 2));
      start = at + 10;
    }
    if (bytes.length < start + length) return undefined;
    if (opcode === OPCODE.close) return length >= 2 ? bytes.readUInt16BE(start) : 1005;
    at = start + length;
  }
  return undefined;
}

/** A well-behaved client: the app's own socket, which must keep working throughout. */
function openClient(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${base.host}${base.pathname}ws`, { headers: { origin: base.origin } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

let nextId = 1;
function callOver(ws: WebSocket, channel = 'workspace.list', args: unknown = {}): Promise<unknown> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const fail = (why: string) => () => {
      done();
      reject(new Error(why));
    };
    const timer = setTimeout(fail('no reply from the host'), 10_000);
    const onClose = fail('the socket closed');
    const onMessage = (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { id?: number; reply?: unknown };
      if (message.id !== id) return;
      done();
      resolve(message.reply);
    };
    function done() {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
    }
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.send(JSON.stringify({ id, channel, args }));
  });
}

const HOSTILE: [string, Buffer, number[]][] = [
  ['a 5 MiB text message', frame(text('x'.repeat(5 * 1024 * 1024))), [1008]],
  ['a message one byte over the limit', frame({ opcode: OPCODE.text, declaredLength: BigInt(MAX_MESSAGE_BYTES + 1), payload: Buffer.from('{"id":1') }), [1009]],
  ['a frame with a reserved opcode', frame({ opcode: OPCODE.reserved, payload: Buffer.from('x') }), [1002]],
  ['a frame with RSV bits set', frame({ ...text('{}'), rsv: 0b111 }), [1002]],
  ['an unmasked frame', frame({ ...text('{}'), masked: false }), [1002]],
  ['text that is not UTF-8', frame(text(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))), [1007]],
  ['a length of 2^62', frame({ opcode: OPCODE.text, declaredLength: 2n ** 62n, payload: Buffer.from('{') }), [1009]],
  ['a ping longer than 125 bytes', frame({ opcode: OPCODE.ping, payload: Buffer.alloc(200, 1) }), [1002]],
  ['a fragmented ping', frame({ opcode: OPCODE.ping, fin: false, payload: Buffer.from('p') }), [1002]],
  ['a continuation with nothing to continue', frame({ opcode: OPCODE.continuation, payload: Buffer.from('x') }), [1002]],
  ['a close frame with an invalid code', frame({ opcode: OPCODE.close, payload: Buffer.from([0x03, 0xe7]) }), [1002]],
  ['a binary message', frame({ opcode: OPCODE.binary, payload: Buffer.from('{}') }), [1003, 1008]],
];

describe('hostile WebSocket frames', () => {
  let client: WebSocket;

  beforeAll(async () => {
    client = await openClient();
    expect(await callOver(client)).toMatchObject({ ok: true });
  });

  afterAll(() => client?.close());

  it('refuses an upgrade to a path that is not a URL, and serves on', async () => {
    const refused = await handshake('//[');
    expect(refused.status).toBe('HTTP/1.1 403');
    refused.socket.destroy();
    expect(await callOver(client)).toMatchObject({ ok: true });
  });

  it.each(HOSTILE)('%s closes that socket only, and the host serves on', async (_what, bytes, codes) => {
    const { socket, received } = await rawSocket();
    socket.write(bytes);
    const code = await waitFor(() => closeCode(received()), 'the host’s close frame');
    expect(codes).toContain(code);
    socket.destroy();
    expect(await callOver(client)).toMatchObject({ ok: true });
    const another = await openClient();
    expect(await callOver(another)).toMatchObject({ ok: true });
    another.close();
  });
});

describe('the largest calls the app makes', () => {
  it('are read whole: a download of 100,000 blob names (over 4 MiB) gets its reply', async () => {
    const client = await openClient();
    try {
      const blobs = Array.from({ length: 100_000 }, (_, i) => `run-${String(i).padStart(6, '0')}/${'artifact-'.repeat(5)}data.parquet`);
      const args = { workspaceId: '3f1c1e4a-8a61-4f7e-9a55-0d6a1d2b9c11', container: 'data', blobs, targetFolder: userDataDir };
      expect(JSON.stringify(args).length).toBeGreaterThan(4 * 1024 * 1024);
      // No workspace of that id is open: the reply says so, which it can only do once it has read the call.
      expect(await callOver(client, 'transfer.download', args)).toMatchObject({ ok: false, error: { code: 'NO_WORKSPACE' } });
    } finally {
      client.close();
    }
  });
});
