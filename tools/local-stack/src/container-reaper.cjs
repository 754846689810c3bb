// The container backend's lifeline (what testcontainers' Ryuk does, without an image to pull).
// A stack that runs containers starts this script as a detached child and holds the other end of a
// pipe on the child's descriptor 3 (see supervisor-lifeline.ts). Nothing is written to the pipe, so
// it reads end-of-file exactly when the supervisor is gone, however it died (SIGKILL, OOM kill,
// crash). Then this script removes, through the engine's API, every container and network
// labelled with the stack's session, and exits. A stack that stops normally removes its
// containers itself and then ends this process with SIGTERM.
//
// Environment: LOCAL_STACK_REAPER_SESSION (label value), LOCAL_STACK_REAPER_ENGINE (JSON
// {socketPath} or {host, port}), LOCAL_STACK_SUPERVISOR_FD (3).
'use strict';
const http = require('node:http');
const net = require('node:net');

const LABEL = 'tenant-analytics.local-stack';
const session = process.env.LOCAL_STACK_REAPER_SESSION;
const engine = JSON.parse(process.env.LOCAL_STACK_REAPER_ENGINE || '{}');
const fd = Number(process.env.LOCAL_STACK_SUPERVISOR_FD);

function call(method, path) {
  return new Promise((resolve, reject) => {
    const request = http.request({ ...engine, method, path, timeout: 10000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode, body }));
    });
    request.on('timeout', () => request.destroy(new Error(`${method} ${path}: timeout`)));
    request.on('error', reject);
    request.end();
  });
}

async function reap() {
  const filters = encodeURIComponent(JSON.stringify({ label: [`${LABEL}=${session}`] }));
  const containers = JSON.parse((await call('GET', `/containers/json?all=1&filters=${filters}`)).body);
  await Promise.all(containers.map(({ Id }) => call('DELETE', `/containers/${Id}?force=1&v=1`)));
  const networks = JSON.parse((await call('GET', `/networks?filters=${filters}`)).body);
  for (const { Id } of networks) await call('DELETE', `/networks/${Id}`);
}

let reaping = false;
function onSupervisorGone() {
  if (reaping) return;
  reaping = true;
  reap().then(
    () => process.exit(0),
    (error) => {
      process.stderr.write(`container reaper: ${error && error.message}\n`);
      process.exit(1);
    },
  );
}

if (!session || !Number.isInteger(fd) || fd < 3) {
  process.stderr.write('container reaper: LOCAL_STACK_REAPER_SESSION and LOCAL_STACK_SUPERVISOR_FD are required\n');
  process.exit(2);
}
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => undefined); // a Ctrl-C in the terminal is the supervisor's to handle
const lifeline = new net.Socket({ fd, readable: true, writable: false });
lifeline.on('end', onSupervisorGone);
lifeline.on('close', onSupervisorGone);
lifeline.on('error', onSupervisorGone);
lifeline.resume();
