import { describe, expect, it } from 'vitest';
import { parseRows } from './parseRows';

describe('parseRows', () => {
  it('reads a header and numeric rows, y first', () => {
    expect(parseRows('sales,price\tads\n10,1\t2\n12;2;3\n')).toEqual({ names: ['price', 'ads'], x: [[1, 2], [2, 3]], y: [10, 12] });
  });
  it('names the line of a bad row', () => {
    expect(() => parseRows('y,x\n1,2\n3,abc')).toThrow('Line 3');
  });
  it('needs a header and data', () => {
    expect(() => parseRows('y,x')).toThrow('header row');
  });
});
