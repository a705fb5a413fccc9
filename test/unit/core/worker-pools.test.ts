import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Md5Pool } from '../../../electron/transfer/md5-pool.js';

// The MD5 threads run on the shared worker RPC (electron/core/workers): answers match in-place
// hashing, and closing the pool fails what is waiting rather than leaving a transfer hanging.

const big = Buffer.alloc(1024 * 1024, 7);
const md5 = (data: Uint8Array) => createHash('md5').update(data).digest();

describe('Md5Pool', () => {
  it('digests blocks and in-order streams in its threads', async () => {
    const pool = new Md5Pool();
    try {
      expect(await pool.digest(big)).toEqual(md5(big));
      const stream = pool.stream();
      await stream.update(big);
      await stream.update(Buffer.from('tail'));
      expect(await stream.digest()).toEqual(md5(Buffer.concat([big, Buffer.from('tail')])));
    } finally {
      pool.close();
    }
  });

  it('fails a digest still waiting when the pool closes, and starts afresh after', async () => {
    const pool = new Md5Pool();
    const waiting = pool.digest(big);
    pool.close();
    await expect(waiting).rejects.toThrow('The hashing threads are closed.');
    try {
      expect(await pool.digest(big)).toEqual(md5(big));
    } finally {
      pool.close();
    }
  });
});
