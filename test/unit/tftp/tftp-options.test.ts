import { describe, expect, it } from 'vitest';
import { negotiateOptions } from '../../../server/tftp/tftp-options.ts';

const limits = { maxBlksize: 1468, maxWindowsize: 16 };

describe('negotiateOptions', () => {
  it('accepts nothing and sends no OACK when the client asked for nothing', () => {
    expect(negotiateOptions([], limits, 100)).toEqual({ blksize: 512, windowsize: 1, oack: [] });
  });

  it('grants blksize, windowsize and tsize within limits, in the order the client asked', () => {
    const result = negotiateOptions(
      [['tsize', '0'], ['blksize', '1428'], ['windowsize', '8']],
      limits,
      2048,
    );
    expect(result).toEqual({
      blksize: 1428,
      windowsize: 8,
      oack: [['tsize', '2048'], ['blksize', '1428'], ['windowsize', '8']],
    });
  });

  it('caps a spoofed request for blksize 65464 and a huge window at the configured limits', () => {
    const result = negotiateOptions([['blksize', '65464'], ['windowsize', '65535']], limits, 1);
    expect(result.blksize).toBe(1468);
    expect(result.windowsize).toBe(16);
    expect(result.oack).toEqual([['blksize', '1468'], ['windowsize', '16']]);
  });

  it('never grants more than RFC 2348 allows even if the configured cap is higher', () => {
    expect(negotiateOptions([['blksize', '70000']], { maxBlksize: 100_000, maxWindowsize: 1 }, 1).blksize).toBe(65464);
  });

  it('leaves out options it does not know, such as timeout, instead of acknowledging them', () => {
    expect(negotiateOptions([['timeout', '6'], ['multicast', '']], limits, 10).oack).toEqual([]);
  });

  it('leaves out values outside the RFC ranges or not written as plain decimals', () => {
    const result = negotiateOptions(
      [['blksize', '7'], ['windowsize', '0'], ['tsize', 'x']],
      limits,
      10,
    );
    expect(result).toEqual({ blksize: 512, windowsize: 1, oack: [] });
    for (const value of ['1e3', ' 1024', '0x400', '-1', '']) {
      expect(negotiateOptions([['blksize', value]], limits, 10).oack, value).toEqual([]);
    }
  });

  it('does not acknowledge tsize when the size is unknown (netascii)', () => {
    expect(negotiateOptions([['tsize', '0'], ['blksize', '1024']], limits, undefined).oack).toEqual([
      ['blksize', '1024'],
    ]);
  });

  it('takes the first of repeated options and ignores the rest', () => {
    const result = negotiateOptions([['blksize', '1024'], ['blksize', '8']], limits, 10);
    expect(result.blksize).toBe(1024);
    expect(result.oack).toEqual([['blksize', '1024']]);
  });
});
