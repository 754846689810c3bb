// Preloaded (NODE_OPTIONS=--require) into the processor's runner by startPipeline: when the
// process that started this one dies without stopping it (SIGKILL, a signal re-raised by an exit
// hook), this process gets SIGTERM, drains and exits instead of polling a stack that is gone.
'use strict';
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 1000).unref();
