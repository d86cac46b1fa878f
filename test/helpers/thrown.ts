import { ApiError } from '../../src/domain/errors.js';

/** The ApiError `call` throws; anything else thrown is rethrown, and throwing nothing fails. */
export function thrown(call: () => unknown): ApiError {
  try {
    call();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError, nothing was thrown');
}
