import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from './errors';
import { isSecretName, REDACTED } from './redaction';

/**
 * The environment variable that overrides a key: camelCase boundaries and dots become `_`, then
 * upper case.
 *
 * @example
 * envNameForKey('jobs.stream.name'); // → 'JOBS_STREAM_NAME'
 * envNameForKey('S3SinkPath'); // → 'S3_SINK_PATH'
 */
export function envNameForKey(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

/** The seed's configuration document (Kinesis Data Analytics / Managed Flink property groups). */
export const propertyGroupsDocumentSchema = z.object({
  PropertyGroups: z.array(
    z.object({
      PropertyGroupId: z.string().min(1),
      PropertyMap: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    }),
  ),
});
export type PropertyGroupsDocument = z.infer<typeof propertyGroupsDocumentSchema>;

/** Where configuration comes from; later sources win: file, then JSON, then environment. */
export interface PropertyGroupsSource {
  /** Path of a property-groups JSON file. */
  readonly file?: string;
  /** A property-groups JSON document, e.g. from an environment variable or a test. */
  readonly json?: string;
  /** Overrides by {@link envNameForKey}. @default - no environment overrides */
  readonly env?: NodeJS.ProcessEnv;
  /** Keys the environment may set even when no group mentions them. @default - none */
  readonly knownKeys?: readonly string[];
}

function sourceIssue(source: string, expected: string): ConfigError {
  return new ConfigError([{ key: source, problem: 'source', expected }]);
}

function readConfigFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'unreadable';
    throw new ConfigError([{ key: `config file ${path}`, problem: 'source', expected: `cannot be read (${code})` }], { cause: err });
  }
}

/**
 * Flattens one document's groups, reporting keys that two groups set differently. JSON.parse's own
 * message is not repeated: it quotes the input, which may hold a secret.
 */
function flattenDocument(text: string, source: string): Map<string, string> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    const position = err instanceof Error ? /position \d+/.exec(err.message)?.[0] : undefined;
    throw sourceIssue(source, `is not valid JSON${position === undefined ? '' : ` (at ${position})`}`);
  }
  const parsed = propertyGroupsDocumentSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw sourceIssue(source, `does not have the shape {"PropertyGroups":[{"PropertyGroupId","PropertyMap":{…}}]}: ${issue?.message ?? 'invalid'}${where}`);
  }
  const values = new Map<string, { group: string; value: string }>();
  const issues: ConfigIssue[] = [];
  for (const group of parsed.data.PropertyGroups) {
    for (const [key, raw] of Object.entries(group.PropertyMap)) {
      const value = String(raw);
      const earlier = values.get(key);
      if (earlier === undefined) {
        values.set(key, { group: group.PropertyGroupId, value });
      } else if (earlier.value !== value) {
        const shown = (v: string): string => (isSecretName(key) ? REDACTED : JSON.stringify(v));
        issues.push({
          key,
          problem: 'conflict',
          expected: `groups ${earlier.group} and ${group.PropertyGroupId} set different values (${shown(earlier.value)} and ${shown(value)})`,
        });
      }
    }
  }
  if (issues.length > 0) {
    throw new ConfigError(issues);
  }
  return new Map([...values].map(([key, entry]) => [key, entry.value]));
}

/**
 * Reads the seed's property groups into one flat, frozen key → value map: the file, then the JSON
 * string, then environment overrides ({@link envNameForKey}) for every key found or listed in
 * `knownKeys`. A key set to different values by two groups of one document is an error naming
 * both groups. Values are not checked here; see {@link parsePipelineConfig}.
 *
 * @throws {ConfigError} unreadable file, malformed JSON, wrong shape, conflicting groups
 */
export function loadPropertyGroups(source: PropertyGroupsSource): Readonly<Record<string, string>> {
  const flat = new Map<string, string>();
  if (source.file !== undefined) {
    for (const [key, value] of flattenDocument(readConfigFile(source.file), `config file ${source.file}`)) {
      flat.set(key, value);
    }
  }
  if (source.json !== undefined) {
    for (const [key, value] of flattenDocument(source.json, 'config JSON')) {
      flat.set(key, value);
    }
  }
  for (const key of new Set([...flat.keys(), ...(source.knownKeys ?? [])])) {
    const override = source.env?.[envNameForKey(key)];
    if (override !== undefined) {
      flat.set(key, override);
    }
  }
  return Object.freeze(Object.fromEntries(flat));
}
