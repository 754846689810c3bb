#!/usr/bin/env node
// Composition root of the job-producer CLI: real streams, real clients, Ctrl-C handling.
import { createKinesisClient, defaultEndpointsFile } from './connection';
import { runCli } from './cli/program';

// The SDK warns on Node < 22 at every client construction; the versions are pinned (TOOLCHAIN.md).
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const controller = new AbortController();
let interrupts = 0;
process.on('SIGINT', () => {
  interrupts += 1;
  if (interrupts > 1) {
    process.exit(130);
  }
  process.stderr.write('\nStopping: letting the batches in flight finish (Ctrl-C again to quit now)\n');
  controller.abort();
});

void runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  defaultEndpointsFile: defaultEndpointsFile(),
  createKinesisClient,
  signal: controller.signal,
}).then((code) => {
  process.exitCode = code;
});
