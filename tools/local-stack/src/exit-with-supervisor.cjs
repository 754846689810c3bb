// Preloaded (`node --require`) into every child of the local stack and into the processor's runner
// of a pipeline run. The supervisor hands the child one end of a pipe as file descriptor N and names
// it in LOCAL_STACK_SUPERVISOR_FD; nothing is ever written to it, so it reads end-of-file exactly
// when every copy of the other end is closed: when the supervisor is gone, however it died (exit,
// crash, SIGKILL, an OOM kill). Then this process SIGKILLs its process group (the stack spawns each
// child as a group leader, so tsx's grandchild goes too) or, when it leads no group, itself. A
// supervisor that is gone cannot stop its children in order, and a graceful stop could hang on a
// stdout nobody reads, so nothing here waits.
//
// The variable is removed at once, so that the child's own children do not mistake some other
// descriptor for the pipe; they die with the group.
'use strict';
const net = require('node:net');

const VARIABLE = 'LOCAL_STACK_SUPERVISOR_FD';
const fd = Number(process.env[VARIABLE]);
delete process.env[VARIABLE];

function dieWithSupervisor() {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    // ESRCH: this process leads no group.
  }
  process.kill(process.pid, 'SIGKILL');
}

if (Number.isInteger(fd) && fd > 2) {
  const lifeline = new net.Socket({ fd, readable: true, writable: false });
  lifeline.on('end', dieWithSupervisor);
  lifeline.on('close', dieWithSupervisor);
  lifeline.on('error', dieWithSupervisor);
  lifeline.resume();
  lifeline.unref();
}
