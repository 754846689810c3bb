import { ConfigError, LOG_LEVELS, type LogLevel } from '@tenant-analytics/domain';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Logger } from 'pino';
import { z } from 'zod';
import { DEFAULT_BODY_LIMIT_BYTES } from './body';
import { faultConfigSchema, type FaultConfig } from './fault-config';
import { createLogger } from './logger';

/** The settings every mock service shares, from flags or environment. */
export interface ServiceCliOptions {
  readonly host: string;
  readonly port: number;
  readonly bodyLimitBytes: number;
  readonly logLevel: LogLevel;
  readonly faults: FaultConfig;
}

/** Commander parser for a number flag (rejects `''`, `NaN`, `Infinity`). */
export function parseNumberFlag(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed)) {
    throw new InvalidArgumentError(`expected a number, got '${value}'`);
  }
  return parsed;
}

/** Adds `--flag <value>` read from `env` when the flag is absent. */
export function envOption(flags: string, description: string, env: string): Option {
  return new Option(flags, description).env(env);
}

/**
 * Adds the shared flags to `command`, each also read from `<envPrefix>_<NAME>` (e.g.
 * `TENANT_MANAGER_PORT`, `CHURN_MOCK_ERROR_RATE`): `--host`, `--port`, `--body-limit-bytes`,
 * `--log-level`, and the fault flags `--latency-ms`, `--latency-p99-ms`, `--error-rate`,
 * `--error-status`, `--timeout-rate`, `--timeout-ms`, `--reset-rate`, `--fault-seed`
 * (see `faultConfigSchema`). Read them back with {@link readServiceOptions}.
 *
 * @example
 * addServiceOptions(new Command('serve'), { envPrefix: 'CHURN_MOCK', defaultPort: 8090 });
 */
export function addServiceOptions(command: Command, spec: { readonly envPrefix: string; readonly defaultPort: number }): Command {
  const option = (flags: string, description: string, name: string): Option => envOption(flags, description, `${spec.envPrefix}_${name}`);
  const numeric = (flags: string, description: string, name: string): Option => option(flags, description, name).argParser(parseNumberFlag);
  return command
    .addOption(option('--host <host>', 'interface to bind', 'HOST').default('127.0.0.1'))
    .addOption(numeric('--port <port>', 'port to listen on (0 = any free port)', 'PORT').default(spec.defaultPort))
    .addOption(numeric('--body-limit-bytes <bytes>', 'largest accepted request body; larger gets 413', 'BODY_LIMIT_BYTES').default(DEFAULT_BODY_LIMIT_BYTES))
    .addOption(option('--log-level <level>', 'pino log level', 'LOG_LEVEL').choices(LOG_LEVELS).default('info'))
    .addOption(numeric('--latency-ms <ms>', 'added latency per request (the median when --latency-p99-ms is set)', 'LATENCY_MS'))
    .addOption(numeric('--latency-p99-ms <ms>', '99th percentile of a log-normal latency', 'LATENCY_P99_MS'))
    .addOption(numeric('--error-rate <rate>', 'share of requests answered with --error-status (0-1)', 'ERROR_RATE'))
    .addOption(numeric('--error-status <status>', 'status of injected errors: 500, 503 or 429', 'ERROR_STATUS'))
    .addOption(numeric('--timeout-rate <rate>', 'share of requests held for --timeout-ms (0-1)', 'TIMEOUT_RATE'))
    .addOption(numeric('--timeout-ms <ms>', 'how long a held request waits before a 504', 'TIMEOUT_MS'))
    .addOption(numeric('--reset-rate <rate>', 'share of requests whose connection is reset (0-1)', 'RESET_RATE'))
    .addOption(numeric('--fault-seed <seed>', 'seed for reproducible fault dice', 'FAULT_SEED'));
}

const serviceOptionsSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(0).max(65_535),
  bodyLimitBytes: z.number().int().positive(),
  logLevel: z.enum(LOG_LEVELS),
});

/**
 * Decodes what {@link addServiceOptions} parsed.
 *
 * @throws ConfigError (of `@tenant-analytics/domain`) naming each bad flag, its value and what was
 * expected.
 */
export function readServiceOptions(values: Readonly<Record<string, unknown>>): ServiceCliOptions {
  const base = decodeFlags(serviceOptionsSchema, values);
  const faults = decodeFlags(faultConfigSchema, {
    latencyMs: values['latencyMs'],
    latencyP99Ms: values['latencyP99Ms'],
    errorRate: values['errorRate'],
    errorStatus: values['errorStatus'],
    timeoutRate: values['timeoutRate'],
    timeoutMs: values['timeoutMs'],
    resetRate: values['resetRate'],
    seed: values['faultSeed'],
  });
  return { ...base, faults };
}

/**
 * Decodes flag values with `schema`.
 *
 * @throws ConfigError (of `@tenant-analytics/domain`) listing every bad flag (`--kebab-case`), its
 * value (redacted for secret-looking flags) and what was expected.
 */
export function decodeFlags<S extends z.ZodType>(schema: S, values: unknown): z.output<S> {
  const result = schema.safeParse(values);
  if (result.success) {
    return result.data;
  }
  const given = (values ?? {}) as Record<string, unknown>;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const value = given[key];
      return {
        key: key === '' ? '(options)' : flagName(key),
        problem: value === undefined && key !== '' ? 'missing' : 'invalid',
        ...(value === undefined ? {} : { value: String(value) }),
        expected: issue.message,
      };
    }),
    { cause: result.error },
  );
}

/** `latencyP99Ms` → `--latency-p99-ms`; the fault schema's `seed` is the `--fault-seed` flag. */
function flagName(key: string): string {
  return `--${(key === 'seed' ? 'faultSeed' : key).replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/** What {@link runCommand} needs besides the program. */
export interface RunCommandOptions {
  /** Names the fatal log line's logger. */
  readonly name: string;
  /** Arguments without `node script`; @default - `process.argv` */
  readonly argv?: readonly string[];
  /** @default - `createLogger(name)` */
  readonly logger?: Logger;
}

/**
 * Parses the command line and runs the chosen action. A `ConfigError` ends the program through
 * commander with its message on stderr and exit code 2; any other failure is logged as fatal and
 * sets exit code 1.
 *
 * @example
 * void runCommand(program, { name: 'churn-mock' });
 */
export async function runCommand(program: Command, options: RunCommandOptions): Promise<void> {
  try {
    await (options.argv === undefined ? program.parseAsync() : program.parseAsync([...options.argv], { from: 'user' }));
  } catch (error) {
    if (error instanceof ConfigError) {
      program.error(error.message, { exitCode: 2 });
    }
    (options.logger ?? createLogger(options.name)).fatal({ err: error }, `${options.name} failed`);
    process.exitCode = 1;
  }
}
