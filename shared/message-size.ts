// The browser-mode host reads one IPC call per WebSocket message, so its size limit must hold the
// largest call the contract allows: every string and list in a channel's arguments is bounded,
// and the lists that may name 100,000 files or blobs also bound their total size
// (test/unit/message-size.test.ts computes each channel's largest call and checks it fits).

import type { StratusErrorShape } from './errors.js';

const MiB = 1024 * 1024;

/** A list of names in one call (files dropped, blobs to download), as JSON text. */
export const MAX_LIST_BYTES = 24 * MiB;
/** The largest WebSocket message the host accepts: the largest list plus the rest of its call. */
export const MAX_MESSAGE_BYTES = MAX_LIST_BYTES + MiB;

/** `bytes` in MiB for messages, e.g. "24 MiB". */
export function inMiB(bytes: number): string {
  return `${Math.round((bytes / MiB) * 10) / 10} MiB`;
}

/** UTF-8 length of a string, without encoding it. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      // A surrogate pair is one code point of 4 bytes.
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Size of a value sent as JSON text. */
export function jsonBytes(value: unknown): number {
  return utf8Bytes(JSON.stringify(value) ?? '');
}

/** Why a call was not sent, or was refused by the host (close code 1009); `bytes` when the sender measured it. */
export function messageTooLarge(channel: string, bytes?: number): StratusErrorShape {
  const size = bytes === undefined ? 'larger than' : `${inMiB(bytes)}, over`;
  return {
    code: 'INVALID_ARGUMENT',
    message: `This ${channel} request is ${size} the ${inMiB(MAX_MESSAGE_BYTES)} the Stratus host accepts in one message.`,
    hint: 'Select fewer items and send them in several requests.',
  };
}
