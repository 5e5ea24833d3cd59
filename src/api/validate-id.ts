import { HcsValidationError } from '../../schemas';

/**
 * Checks a string argument before it reaches HCS: a non-empty string without NUL (a NUL would silently truncate
 * the UTF-16 string; hcsshim's Go wrapper rejects it with EINVAL for the same reason). The error names `argument`.
 */
export function validateTextArgument(argument: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new HcsValidationError(argument, [{ path: '(root)', message: 'must be a string' }]);
  if (value === '') throw new HcsValidationError(argument, [{ path: '(root)', message: 'must not be empty' }]);
  if (value.includes('\0')) throw new HcsValidationError(argument, [{ path: '(root)', message: 'must not contain a NUL character' }]);
}

/** Checks a compute system id before it reaches HCS (see {@link validateTextArgument}). */
export function validateId(id: unknown): asserts id is string {
  validateTextArgument('id', id);
}
