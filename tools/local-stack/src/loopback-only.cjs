// Preloaded (`node --require`) into emulators that cannot choose their listen address
// (kinesis-local binds 0.0.0.0, kinesalite's CLI has no host flag): every TCP listen without a host,
// or on a wildcard host, binds 127.0.0.1 instead, so nothing is exposed beyond this machine.
const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const WILDCARDS = new Set([undefined, null, '', '0.0.0.0', '::']);
const originalListen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  if (first !== null && typeof first === 'object' && !Array.isArray(first) && 'port' in first && WILDCARDS.has(first.host)) {
    args[0] = { ...first, host: LOOPBACK };
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof second === 'string') {
      if (WILDCARDS.has(second)) args[1] = LOOPBACK;
    } else {
      args.splice(1, 0, LOOPBACK);
    }
  }
  return originalListen.apply(this, args);
};
