import { describe, expect, it } from 'vitest';
import { parseBlobPath } from '../../shared/blob-path.js';

// The blob browser's path box: what a user types as `container/folder` opens that level, or says
// exactly what is wrong with it.

describe('parseBlobPath', () => {
  it('opens a container, or a folder in it with or without the trailing slash', () => {
    expect(parseBlobPath('data')).toEqual({ ok: true, container: 'data', prefix: '' });
    expect(parseBlobPath(' /data/ ')).toEqual({ ok: true, container: 'data', prefix: '' });
    expect(parseBlobPath('data/runs/2024')).toEqual({ ok: true, container: 'data', prefix: 'runs/2024/' });
    expect(parseBlobPath('data/runs/2024/')).toEqual({ ok: true, container: 'data', prefix: 'runs/2024/' });
  });

  it('says what is wrong with a path it cannot open', () => {
    expect(parseBlobPath('')).toMatchObject({ ok: false, message: expect.stringContaining('Type a container') as unknown });
    expect(parseBlobPath('My_Data/x')).toEqual({ ok: false, message: '"My_Data" is not a container name: A container name is lowercase letters, digits and single hyphens.' });
    expect(parseBlobPath('data/a//b')).toMatchObject({ ok: false, message: expect.stringContaining('"a//b" is not a folder path') as unknown });
    expect(parseBlobPath('data/../etc')).toMatchObject({ ok: false, message: expect.stringContaining('"." or ".." segments') as unknown });
  });
});
