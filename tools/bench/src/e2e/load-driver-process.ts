// The load driver of scenario 4, a child process of the benchmark (started by LoadDriver): the
// producer's open-loop steps to the input stream and a tap on the output stream, out of the
// benchmark's process so that the CPU the benchmark measures is the processor's alone.
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { companyIdsUpTo } from '@tenant-analytics/job-producer';
import { weightedCompanyIds } from '../tenant-mix';
import { driverCommandSchema, type DriverReply } from './load-driver-protocol';
import { StepRunner } from './step-runner';
import { StreamTap } from './stream-tap';

let kinesis: KinesisClient | undefined;
let tap: StreamTap | undefined;
let runner: StepRunner | undefined;

const reply = (message: DriverReply, then?: () => void) => process.send?.(message, undefined, undefined, () => then?.());

async function handle(raw: unknown): Promise<void> {
  const command = driverCommandSchema.parse(raw);
  switch (command.type) {
    case 'start': {
      kinesis = new KinesisClient({ ...command.kinesis, credentials: { ...command.kinesis.credentials }, requestHandler: new NodeHttpHandler() });
      const companyIds = weightedCompanyIds(companyIdsUpTo(command.companies), command.mix, command.slots);
      const log = (line: string) => process.stderr.write(`${line}\n`);
      runner = new StepRunner({ producer: kinesis, inputStream: command.inputStream, companyIds, label: command.label, processes: () => command.processes, log });
      tap = await StreamTap.start(kinesis, command.outputStream, runner.handler);
      reply({ type: 'ready' });
      return;
    }
    case 'step': {
      if (runner === undefined) throw new Error('step before start');
      const { collector: _collector, ...result } = await runner.step(command.rate, command.seconds, command.drain);
      reply({ type: 'step-result', result: { ...result, verdict: { ...result.verdict, reasons: [...result.verdict.reasons] }, cpuCores: { ...result.cpuCores } } });
      return;
    }
    case 'stop':
      await tap?.stop();
      kinesis?.destroy();
      // Close the channel once the reply is out: the child then exits.
      reply({ type: 'stopped' }, () => process.disconnect?.());
      return;
  }
}

process.on('message', (message: unknown) => {
  handle(message).catch((error: unknown) => reply({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
});
// The benchmark gone (crashed or killed): nothing left to drive.
process.on('disconnect', () => process.exit(0));
