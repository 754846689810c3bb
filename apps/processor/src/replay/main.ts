import { describeRun, exitCodeOf, parseReplayArgs, runReplay } from './replay-cli';

/** `npx nx run processor:replay -- --from-dead-letters s3://… --from-on-failure <file>` (README "Replay"). */
(async () => {
  const options = parseReplayArgs(process.argv);
  const run = await runReplay(options);
  process.stderr.write(`${describeRun(run, options.dryRun)}\n`);
  process.stdout.write(`${JSON.stringify(run)}\n`);
  process.exit(exitCodeOf(run));
})().catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version') process.exit(0);
  process.stderr.write(`replay failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(code?.startsWith('commander.') === true ? 2 : 1);
});
