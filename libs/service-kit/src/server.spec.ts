import { EventEmitter } from 'node:events';
import express from 'express';
import { pino } from 'pino';
import { closeOnSignals, startServer, type ServerHandle } from './server';

const logger = pino({ level: 'silent' });

function slowApp(delayMs: number, onSlowStarted: () => void = () => undefined): express.Express {
  const app = express();
  app.get('/slow', (_req, res) => {
    onSlowStarted();
    const timer = setTimeout(() => res.json({ done: true }), delayMs);
    res.once('close', () => clearTimeout(timer));
  });
  app.get('/fast', (_req, res) => {
    res.json({ done: true });
  });
  return app;
}

describe('startServer', () => {
  let handle: ServerHandle | undefined;

  afterEach(async () => {
    await handle?.close();
    handle = undefined;
  });

  it('listens on a free port when given 0', async () => {
    // act
    handle = await startServer(slowApp(0), { port: 0, logger });

    // assess
    expect(handle.port).toBeGreaterThan(0);
    expect(handle.url).toBe(`http://127.0.0.1:${handle.port}`);
    expect((await fetch(`${handle.url}/fast`)).status).toBe(200);
  });

  it('finishes an in-flight request on close, then refuses new connections', async () => {
    // prepare
    let slowStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (slowStarted = resolve));
    handle = await startServer(slowApp(300, () => slowStarted()), { port: 0, logger });
    const url = handle.url;
    await (await fetch(`${url}/fast`)).arrayBuffer(); // leaves an idle keep-alive connection
    const inFlight = fetch(`${url}/slow`);
    await started; // the server is handling it (a fixed wait lost this race on a loaded machine)

    // act
    const closed = handle.close();

    // assess
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    await closed;
    await expect(fetch(`${url}/fast`)).rejects.toThrow('fetch failed');
  });

  it('releases its closeables when it closes', async () => {
    // prepare
    const closeable = { close: jest.fn() };
    handle = await startServer(slowApp(0), { port: 0, logger, closeables: [closeable] });

    // act
    await handle.close();
    await handle.close();

    // assess
    expect(closeable.close).toHaveBeenCalledTimes(1);
  });

  it('cuts connections still busy after the grace period', async () => {
    // prepare
    handle = await startServer(slowApp(60_000), { port: 0, logger, shutdownGraceMs: 100 });
    const stuck = fetch(`${handle.url}/slow`);
    await new Promise((resolve) => setTimeout(resolve, 50));

    // act
    await handle.close();

    // assess
    await expect(stuck).rejects.toThrow('fetch failed');
  });
});

describe('closeOnSignals', () => {
  function fakeProcess(): NodeJS.Process & { exit: jest.Mock } {
    return Object.assign(new EventEmitter(), { exit: jest.fn() }) as unknown as NodeJS.Process & { exit: jest.Mock };
  }

  it('closes the server on SIGTERM and exits 0', async () => {
    // prepare
    const target = fakeProcess();
    const handle = { close: jest.fn().mockResolvedValue(undefined) };
    closeOnSignals(handle, logger, target);

    // act
    target.emit('SIGTERM', 'SIGTERM');
    await new Promise((resolve) => setImmediate(resolve));

    // assess
    expect(handle.close).toHaveBeenCalledTimes(1);
    expect(target.exit).toHaveBeenCalledWith(0);
  });

  it('exits 1 at once on a second signal', async () => {
    // prepare
    const target = fakeProcess();
    const handle = { close: jest.fn().mockReturnValue(new Promise(() => undefined)) };
    closeOnSignals(handle, logger, target);

    // act
    target.emit('SIGINT', 'SIGINT');
    target.emit('SIGINT', 'SIGINT');

    // assess
    expect(handle.close).toHaveBeenCalledTimes(1);
    expect(target.exit).toHaveBeenCalledWith(1);
  });

  it('exits 1 when the drain fails', async () => {
    // prepare
    const target = fakeProcess();
    const handle = { close: jest.fn().mockRejectedValue(new Error('stuck')) };
    closeOnSignals(handle, logger, target);

    // act
    target.emit('SIGTERM', 'SIGTERM');
    await new Promise((resolve) => setImmediate(resolve));

    // assess
    expect(target.exit).toHaveBeenCalledWith(1);
  });
});
