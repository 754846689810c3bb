import { randomBytes } from 'node:crypto';
import type { Logger } from '@tenant-analytics/domain';
import { pinoLogger } from '@tenant-analytics/local-stack';
import { pino } from 'pino';

/** One captured log line and who wrote it. */
export interface CapturedLine {
  /** `runner#2`, `local-stack`, … */
  readonly source: string;
  readonly line: string;
}

/**
 * Every log line produced during the suite: the runner processes' output, and the local stack's
 * own log with its children's output (the launcher logs each child line at debug level).
 */
export class LogCapture {
  private readonly captured: CapturedLine[] = [];

  /** Adds the lines of `text` (blank lines skipped). */
  add(source: string, text: string): void {
    for (const line of text.split('\n')) if (line.trim() !== '') this.captured.push({ source, line });
  }

  /** A debug-level logger whose (pino JSON) lines land here, for `startPipeline({ logger })`. */
  logger(source: string): Logger {
    return pinoLogger(pino({ level: 'debug' }, { write: (text: string) => this.add(source, text) }));
  }

  get lines(): readonly CapturedLine[] {
    return this.captured;
  }
}

/** The secrets the suite hands out, distinctive so that a leak cannot be missed. */
export interface SuiteSecrets {
  /** Sent by the processor as `x-api-key`, required by the churn mock. */
  readonly apiKey: string;
  /** The key pair the credentials are rotated to. */
  readonly rotated: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** Fresh random secrets for one suite run. */
export function newSuiteSecrets(): SuiteSecrets {
  const hex = (bytes: number): string => randomBytes(bytes).toString('hex');
  return {
    apiKey: `chaosapikey${hex(12)}`,
    rotated: { accessKeyId: `AKIACHAOS${hex(6).toUpperCase()}`, secretAccessKey: `chaossecret${hex(16)}` },
  };
}

/** A log line that shows a credential. */
export interface SecretFinding {
  readonly source: string;
  /** What was found: `known secret: apiKey`, `field secretAccessKey`, `SigV4 signature`, … */
  readonly kind: string;
  /** The line around the finding, every known secret masked. */
  readonly excerpt: string;
}

/** JSON fields whose value is a secret (not merely an id such as `accessKeyId` or `partitionKey`). */
const SECRET_FIELD = /^(.*secret.*|.*password.*|session_?token|.*api[-_]?key|authorization|x-amz-security-token)$/i;
const REDACTED_VALUES = new Set(['***', '[Redacted]', '', '<redacted>']);
const PATTERNS: readonly { readonly kind: string; readonly pattern: RegExp }[] = [
  { kind: 'SigV4 Authorization header', pattern: /AWS4-HMAC-SHA256\s+Credential=/ },
  { kind: 'SigV4 signature', pattern: /Signature=[0-9a-f]{64}/ },
  { kind: 'secret on a command line', pattern: /--(secret-access-key|api-key)["',\s=]+(?!\*\*\*)[^\s"',\]]+/ },
];
const EXCERPT_CHARS = 160;

/**
 * Scans captured lines for credentials: the suite's own secrets verbatim, JSON fields named like a
 * secret with an unredacted value, SigV4 Authorization headers or signatures, and secrets passed
 * as command-line flags.
 *
 * @param known - secret values to look for verbatim, by name (values shorter than 6 characters are
 *   only found as values of secret-named fields, to avoid noise)
 */
export function scanForSecrets(lines: readonly CapturedLine[], known: Readonly<Record<string, string>>): SecretFinding[] {
  const values = Object.entries(known).filter(([, value]) => value.length >= 6);
  const mask = (text: string): string => Object.values(known).reduce((masked, value) => masked.split(value).join('<SECRET>'), text);
  const findings: SecretFinding[] = [];
  for (const { source, line } of lines) {
    const kinds = new Set<string>();
    for (const [name, value] of values) if (line.includes(value)) kinds.add(`known secret: ${name}`);
    for (const match of line.matchAll(/"([^"\\]+)"\s*:\s*"((?:[^"\\]|\\.)*)"/g)) {
      const [, field = '', value = ''] = match;
      if (SECRET_FIELD.test(field) && !REDACTED_VALUES.has(value)) kinds.add(`field ${field}`);
    }
    for (const { kind, pattern } of PATTERNS) if (pattern.test(line)) kinds.add(kind);
    for (const kind of kinds) {
      const at = Math.max(0, line.search(/secret|key|Credential|Signature|--/i) - 40);
      findings.push({ source, kind, excerpt: mask(line.slice(at, at + EXCERPT_CHARS)) });
    }
  }
  return findings;
}
