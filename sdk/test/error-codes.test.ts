// The SDK keeps its own copy of the error codes (it does not depend on the kit); they must be the
// platform's, so that a client switching on `PlatformError.code` sees only codes docs/errors.md lists.
import { ALL_ERROR_CODES } from '@daas/kit';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/errors.js';

describe('the SDK error codes', () => {
  it("are the kit's ALL_ERROR_CODES, UNAVAILABLE (the SDK's own when it cannot reach the platform) included", () => {
    expect([...ERROR_CODES].sort()).toEqual([...ALL_ERROR_CODES].sort());
    expect(ALL_ERROR_CODES).toContain('UNAVAILABLE');
  });
});
