// `npx nx serve mocks`: the local stack until SIGINT/SIGTERM, then a clean stop (exit code 0).
import { LiveCollector, startLiveViewServer, type LiveViewServer } from '@tenant-analytics/live-view';
import { pinoLogger, readProvidedEndpoints, startLocalStack, type LocalStack } from '@tenant-analytics/local-stack';
import { LocalPipelineProbe } from '@tenant-analytics/pipeline-harness';
import { CommanderError } from 'commander';
import { pino } from 'pino';
import { formatEndpoints } from './format-endpoints';
import { parseServeMocksArgs, type LiveViewArgs, type ServeMocksArgs } from './serve-mocks-args';

/** The live view of the stack: its outputs, and the processor's metrics once it serves them. */
async function startLiveView(stack: LocalStack, args: LiveViewArgs, logger: ReturnType<typeof pinoLogger>): Promise<{ server: LiveViewServer; stop: () => Promise<void> }> {
  const probe = new LocalPipelineProbe(stack.endpoints);
  const collector = await LiveCollector.start({ probe, processorMetricsUrl: args.processorMetricsUrl, logger });
  const server = await startLiveViewServer(collector, { port: args.port, title: 'Tenant analytics: live view of the local stack' }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.log(`Live view: port ${args.port} is taken; using a free port.`);
    return startLiveViewServer(collector, { port: 0, title: 'Tenant analytics: live view of the local stack' });
  });
  return {
    server,
    stop: async () => {
      await server.close();
      await collector.stop();
      probe.destroy();
    },
  };
}

// The SDK's Node 20 deprecation notice would bury the endpoints; TOOLCHAIN.md explains the pin.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      // Listening on (not once): a second Ctrl-C must not kill us half-way through the stop.
      if (received) console.log(`${signal} again: still stopping…`);
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/** The parsed arguments, or the exit code when commander has printed an error or the help. */
function parseOrExitCode(argv: readonly string[]): ServeMocksArgs | number {
  try {
    return parseServeMocksArgs(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseOrExitCode(argv);
  if (typeof args === 'number') return args;
  const logger = pinoLogger(pino({ name: 'mocks', level: args.logLevel }, pino.destination(2)));
  const signal = untilSignal();
  let stopRequested = false;
  void signal.then(() => (stopRequested = true));
  let stack: LocalStack;
  try {
    const provided = args.providedEndpointsFile === undefined ? undefined : readProvidedEndpoints(args.providedEndpointsFile);
    stack = await startLocalStack({ ...args.stack, ...(provided === undefined ? {} : { provided }), logger });
  } catch (error) {
    if (stopRequested) return 0;
    logger.debug('the local stack did not start', { err: error });
    console.error(`The local stack did not start: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const liveView = args.liveView === undefined ? undefined : await startLiveView(stack, args.liveView, logger);
  const liveViewLine =
    liveView === undefined || args.liveView === undefined
      ? undefined
      : `Live view: ${liveView.server.url} (127.0.0.1 only, no authentication). It reads the processor's metrics at ${args.liveView.processorMetricsUrl}/metrics: start the processor with \`npx nx serve processor -- --metrics-port ${new URL(args.liveView.processorMetricsUrl).port}\`.`;
  console.log(formatEndpoints(stack.endpoints, args.stack.endpointsFile, stack.backend, liveViewLine, args.providedEndpointsFile));
  const received = await signal;
  console.log(`${received}: stopping the local stack…`);
  await liveView?.stop();
  await stack.stop();
  console.log('Stopped.');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
