/** What a redacted secret is replaced with, in messages and logs. */
export const REDACTED = '***';

const SECRET_NAME = /secret|key|token|password|passwd|signature|credential|auth/i;

/**
 * Whether a name (a config key, a query parameter, a header) looks like it holds a secret.
 *
 * Deliberately broad: a false positive only hides a value from a log line, a false negative leaks
 * it. Matches `predictChurnApiKey`, `x-api-key`, `X-Amz-Signature`, `sessionToken`, `clientSecret`.
 */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** The value to show for `name`: {@link REDACTED} if the name looks secret, else the value. */
export function redactValue(name: string, value: string): string {
  return isSecretName(name) ? REDACTED : value;
}

/**
 * A URL fit for messages and logs: user info removed and secret-looking query values replaced by
 * {@link REDACTED} (`X-Amz-Signature`, `api_key`, `token`, …). Unparseable input is not echoed.
 *
 * @example
 * redactUrl('https://u:p@host/path?api_key=abc&page=2'); // → 'https://host/path?api_key=***&page=2'
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(invalid URL)';
  }
  parsed.username = '';
  parsed.password = '';
  for (const name of new Set(parsed.searchParams.keys())) {
    if (isSecretName(name)) {
      parsed.searchParams.set(name, REDACTED);
    }
  }
  return parsed.href;
}

/**
 * A short, printable description of an untrusted value for error messages: strings are quoted and
 * cut to `maxChars`, objects and arrays are named rather than printed.
 */
export function describeValue(value: unknown, maxChars = 60): string {
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value.length > maxChars ? value.slice(0, maxChars) : value);
    return value.length > maxChars ? `${quoted}… (${value.length} characters)` : quoted;
  }
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
