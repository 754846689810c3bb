/** Date-time fixtures shared by the decoder specs (not exported by the library). */

const pad = (value: number, width = 2): string => String(Math.abs(value)).padStart(width, '0');

/**
 * An instant written as ISO-8601 in a given zone offset (`Z` for 0), with 0, 3, 6 or 9 fraction
 * digits: every form a producer may use for the same instant.
 */
export function formatInZone(instant: Date, offsetMinutes: number, fractionDigits: 0 | 3 | 6 | 9): string {
  const local = new Date(instant.getTime() + offsetMinutes * 60_000);
  const fraction = fractionDigits === 0 ? '' : `.${pad(local.getUTCMilliseconds(), 3).padEnd(fractionDigits, '0')}`;
  const zone = offsetMinutes === 0 ? 'Z' : `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  return `${date}T${time}${fraction}${zone}`;
}
