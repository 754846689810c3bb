import { CommanderError } from 'commander';
import { pino } from 'pino';
import { parseDemoArgs, type DemoOptions } from './demo-options';
import { runDemo } from './run-demo';

/** Signals closer together than this are one Ctrl-C. */
const SAME_SIGNAL_WINDOW_MS = 1_000;

/**
 * `npm start [-- flags]`: the whole pipeline on the local stack (see tools/demo/README.md).
 * Ctrl-C stops everything it started (a second Ctrl-C exits at once; the stack's exit hook still
 * kills its children).
 */
async function main(): Promise<number> {
  let options: DemoOptions;
  try {
    options = parseDemoArgs(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    throw error;
  }
  const controller = new AbortController();
  let firstSignalAtMs = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    // Ctrl-C reaches this process twice: from the terminal (whole process group) and relayed by tsx's wrapper.
    if (controller.signal.aborted && Date.now() - firstSignalAtMs < SAME_SIGNAL_WINDOW_MS) return;
    if (controller.signal.aborted) {
      process.stderr.write(`second ${signal}: exiting without waiting for the stop\n`);
      process.exit(130);
    }
    firstSignalAtMs = Date.now();
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const logger = pino({ name: 'demo', level: process.env['LOG_LEVEL'] ?? 'warn' }, pino.destination(2));
  const outcome = await runDemo(options, { out: (text) => process.stdout.write(text), signal: controller.signal, logger });
  return outcome.exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
