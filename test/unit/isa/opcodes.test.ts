import { describe, expect, it } from 'vitest';
import { Op } from '../../../src/isa/opcodes.js';

describe('Op', () => {
  it('numbers operations densely from ILLEGAL = 0', () => {
    expect(Op.ILLEGAL).toBe(0);
    expect(Op.LUI).toBe(1);
    expect(Op.COUNT).toBeGreaterThan(Op.FMV_D_X);
  });
});
