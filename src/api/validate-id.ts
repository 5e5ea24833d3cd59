import { HcsValidationError } from '../../schemas';

/**
 * Checks a compute system id before it reaches HCS: a non-empty string without NUL (a NUL would silently truncate
 * the UTF-16 string; hcsshim's Go wrapper rejects it with EINVAL for the same reason).
 */
export function validateId(id: unknown): asserts id is string {
  if (typeof id !== 'string') throw new HcsValidationError('id', [{ path: '(root)', message: 'must be a string' }]);
  if (id === '') throw new HcsValidationError('id', [{ path: '(root)', message: 'must not be empty' }]);
  if (id.includes('\0')) throw new HcsValidationError('id', [{ path: '(root)', message: 'must not contain a NUL character' }]);
}
