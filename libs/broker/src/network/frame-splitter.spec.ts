import { describe, expect, it } from 'vitest';
import { FrameError, FrameSplitter } from './frame-splitter.js';

function frame(body: string): Buffer {
  const bytes = Buffer.from(body);
  const size = Buffer.alloc(4);
  size.writeInt32BE(bytes.length);
  return Buffer.concat([size, bytes]);
}

describe('FrameSplitter', () => {
  it('reassembles frames however the stream is chunked', () => {
    const stream = Buffer.concat([frame('first-frame'), frame('second-frame!'), frame('third---')]);
    for (const chunkSize of [1, 3, 7, stream.length]) {
      const splitter = new FrameSplitter(1024);
      const out: string[] = [];
      for (let i = 0; i < stream.length; i += chunkSize)
        out.push(...splitter.push(stream.subarray(i, i + chunkSize)).map((f) => f.toString()));
      expect(out).toEqual(['first-frame', 'second-frame!', 'third---']);
      expect(splitter.bufferedBytes).toBe(0);
    }
  });

  it.each([
    ['larger than the limit', 2048],
    ['negative', -5],
    ['smaller than a request header', 3],
  ])('refuses a size prefix %s before buffering the body', (_name, size) => {
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(size);
    expect(() => new FrameSplitter(1024).push(prefix)).toThrow(FrameError);
  });
});
