// Preloaded into the processor's runner by `npm run bench -- --profile` (NODE_OPTIONS=--require
// this file; `--cpu-prof` itself is not allowed in NODE_OPTIONS): samples the process's CPU from
// start to exit and writes `<BENCH_CPU_PROFILE_DIR>/runner-<pid>.cpuprofile`, the format of
// `node --cpu-prof`. The inspector session is in-process, so the profile is written synchronously
// on exit.
const { Session } = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (error || !result) return;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `runner-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
