import * as z from 'zod';
import { MAX_ARRAY_ITEMS } from './limits';

/**
 * Matches a string that contains no NUL character. The document itself would survive one (goQuote writes it as
 * `\u0000`), but the values do not: on the Windows side HCS hands them to Win32 as NUL-terminated wide strings
 * (command lines to process creation, paths to file and volume APIs, names and values into the NUL-separated
 * environment block), where everything after a NUL would be silently dropped or read as a separate entry.
 *
 * Spelled `\x00` rather than `\0`: the pattern is also written into the JSON Schema files, and `\x00` means NUL in
 * every regex dialect their consumers use (ECMAScript, RE2, Python, Java's java.util.regex), while Java refuses `\0`
 * without octal digits (JetBrains IDEs and the networknt/everit validators then fail to load the schema).
 */
export const NO_NUL_PATTERN = /^[^\x00]*$/;

/** The message every NUL-carrying string gets; it never repeats the string itself (it may be a secret). */
export const NUL_MESSAGE = 'must not contain a NUL character';

/** The 8-4-4-4-12 hex layout of a Windows GUID string (no braces); either letter case. */
export const GUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** `\\?\Volume{GUID}` with or without the trailing backslash, as `GetVolumeNameForVolumeMountPoint` returns it. */
export const VOLUME_PATH_PATTERN =
  /^\\\\\?\\Volume\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}\\?$/;

/** The largest value of a Go `uint32`. */
export const UINT32_MAX = 4294967295;

// One instance of each primitive, shared by every field that uses it: zod schemas are immutable (every method
// returns a new schema), and constructing them is most of what importing the schema layer costs (issue #6).
const GO_STRING = z.string().regex(NO_NUL_PATTERN, { error: NUL_MESSAGE });
const NON_EMPTY_STRING = GO_STRING.min(1, { error: 'must not be empty' });
const UINT32 = z.int().min(0).max(UINT32_MAX);
const UINT16 = z.int().min(0).max(65535);
const SAFE_COUNT = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
const WEIGHT_10000 = z.int().min(0).max(10000);
const GUID_STRING = z.string().regex(GUID_PATTERN, { error: 'must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hex digits)' });

/** A Go `string`: any text without NUL characters. */
export function goString() {
  return GO_STRING;
}

/** A Go `string` that this binding requires to be non-empty (names, paths). */
export function nonEmptyString() {
  return NON_EMPTY_STRING;
}

/** A Go `uint32`: an integer in 0..4294967295. */
export function uint32() {
  return UINT32;
}

/** A Go `uint16` (console dimensions): an integer in 0..65535. */
export function uint16() {
  return UINT16;
}

/**
 * A Go `uint64`/`int64` that carries a size, count or limit: an integer in 0..Number.MAX_SAFE_INTEGER. Larger values
 * cannot be represented exactly by a JavaScript number, so they are refused rather than silently rounded.
 */
export function safeCount() {
  return SAFE_COUNT;
}

/** `ProcessorWeight`/`ProcessorMaximum`: an integer in 0..10000 (0 means "not set" and is omitted). */
export function weight10000() {
  return WEIGHT_10000;
}

/** A GUID string in the 8-4-4-4-12 hex layout. */
export function guidString() {
  return GUID_STRING;
}

/**
 * A Go slice of `item`: an array of at most {@link MAX_ARRAY_ITEMS} items. zod checks that maximum before it reads
 * any item, so an array with a huge `length` (a sparse one costs nothing to make) is refused at once.
 */
export function list<T extends z.ZodType>(item: T) {
  return z.array(item).max(MAX_ARRAY_ITEMS);
}

/**
 * A Go slice, map or pointer field: `undefined` and `null` both mean Go's `nil` (what `encoding/json` decodes a
 * JSON `null` into).
 */
export function nilable<T extends z.ZodType>(schema: T) {
  return schema.nullable().optional();
}
