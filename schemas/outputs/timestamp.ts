/**
 * HCS timestamps (`Statistics.Timestamp`, `ProcessListItem.CreateTimestamp`, ...) are Go `time.Time` values written
 * as RFC 3339 text, typically with 7 fractional digits (.NET style). The decoders keep that text unchanged in a
 * `string` field, because a JavaScript `Date` keeps only milliseconds and cannot represent Go's zero time usefully;
 * {@link parseHcsTimestamp} converts it when a `Date` is wanted.
 */

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/i;

/** Go's zero `time.Time` as encoding/json writes it: what HCS sends for "not set". */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * Converts an HCS/Go RFC 3339 timestamp to a `Date` (fractional seconds beyond milliseconds are truncated).
 * Returns `undefined`, never throws, for anything else: not a string, empty, not RFC 3339, an impossible date or
 * time, or Go's zero time (`0001-01-01T00:00:00Z`, which Go uses for "not set").
 */
export function parseHcsTimestamp(text: unknown): Date | undefined {
  if (typeof text !== 'string') return undefined;
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const offHours = Number(m[10]);
    const offMinutes = Number(m[11]);
    if (offHours > 23 || offMinutes > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (offHours * 60 + offMinutes);
  }
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0..99 to 1900..1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offsetMinutes, second, millis);
  const time = date.getTime();
  return Number.isNaN(time) || time === GO_ZERO_TIME_MS ? undefined : date;
}

/** Go's zero time in epoch milliseconds (0001-01-01T00:00:00Z). */
const GO_ZERO_TIME_MS = -62_135_596_800_000;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
