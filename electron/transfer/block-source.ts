import { createReadStream } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { RestError } from '@azure/storage-blob';
import { StratusError } from '../../shared/errors.js';

// An upload's block sent straight from its range of the file: the block was hashed in a first
// pass and only its MD5 kept, so a block on the wire holds stream buffers, not the block. The
// service checks the bytes against that MD5; a file changed in between fails the block there.

export function fileChanged(filePath: string): StratusError {
  return new StratusError({
    code: 'CORRUPT_DATA',
    message: `${filePath} changed while uploading: a block no longer matches what was read before, so nothing was committed. Upload it again once it is written.`,
  });
}

/** A new stream of `length` bytes from `offset` for each attempt; fails if the file ends short of it. */
export function blockStream(filePath: string, offset: number, length: number): () => Readable {
  return () => {
    let seen = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        seen += chunk.length;
        done(null, chunk);
      },
      flush(done) {
        done(seen === length ? null : fileChanged(filePath));
      },
    });
    const source = createReadStream(filePath, { start: offset, end: offset + length - 1 });
    source.on('error', (err) => counted.destroy(err));
    return source.pipe(counted);
  };
}

/** The service refused a block's bytes against its MD5 (Azure: Md5Mismatch; Azurite: "contentMD5 doesn't match"). */
export function isMd5Mismatch(err: unknown): boolean {
  if (!(err instanceof RestError) || err.statusCode !== 400) return false;
  return err.code === 'Md5Mismatch' || /md5/i.test(err.message);
}
