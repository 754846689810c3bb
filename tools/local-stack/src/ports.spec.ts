import net from 'node:net';
import { ComponentStartError } from './errors';
import { assertPortFree, findFreePort, FREE_PORT_ATTEMPTS, LOOPBACK, onOwnPort, OWN_PORT_ATTEMPTS, withPort } from './ports';

describe('ports', () => {
  let holder: net.Server | undefined;

  const hold = async (): Promise<number> => {
    const server = net.createServer();
    holder = server;
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    return address.port;
  };

  afterEach(async () => {
    await new Promise((resolve) => (holder ? holder.close(resolve) : resolve(undefined)));
    holder = undefined;
  });

  describe('findFreePort', () => {
    it('returns a port that can be bound', async () => {
      // Act
      const port = await findFreePort();

      // Assess
      expect(port).toBeGreaterThan(0);
      await expect(assertPortFree(port, 'test')).resolves.toBeUndefined();
    });
  });

  describe('assertPortFree', () => {
    it('rejects a taken port, naming the component and the port', async () => {
      // Prepare
      const port = await hold();

      // Act & assess
      await expect(assertPortFree(port, 'kinesis')).rejects.toThrow(new RegExp(`Port ${port} .* kinesis cannot start`));
    });
  });

  describe('withPort', () => {
    const lostRace = (): ComponentStartError => new ComponentStartError('EADDRINUSE', { retriable: true });

    it('uses a fixed port as given', async () => {
      // Prepare
      const port = await findFreePort();

      // Act
      const used = await withPort(port, 'test', async (candidate) => candidate);

      // Assess
      expect(used).toBe(port);
    });

    it('rejects a fixed port that is taken without calling start', async () => {
      // Prepare
      const port = await hold();
      const start = jest.fn(async () => 'started');

      // Act & assess
      await expect(withPort(port, 'test', start)).rejects.toThrow(ComponentStartError);
      expect(start).not.toHaveBeenCalled();
    });

    it('picks another free port after a lost race', async () => {
      // Prepare
      const start = jest.fn(async (port: number) => {
        if (start.mock.calls.length === 1) throw lostRace();
        return port;
      });

      // Act
      const port = await withPort(0, 'test', start);

      // Assess
      expect(start).toHaveBeenCalledTimes(2);
      expect(port).toBeGreaterThan(0);
    });

    it(`fails after ${FREE_PORT_ATTEMPTS} lost races`, async () => {
      // Prepare
      const start = jest.fn(async () => Promise.reject(lostRace()));

      // Act & assess
      await expect(withPort(0, 'test', start)).rejects.toThrow('EADDRINUSE');
      expect(start).toHaveBeenCalledTimes(FREE_PORT_ATTEMPTS);
    });

    it('fails at once on an error that is not retriable', async () => {
      // Prepare
      const start = jest.fn(async () => Promise.reject(new ComponentStartError('crashed')));

      // Act & assess
      await expect(withPort(0, 'test', start)).rejects.toThrow('crashed');
      expect(start).toHaveBeenCalledTimes(1);
    });
  });

  describe('onOwnPort', () => {
    const lostRace = (): ComponentStartError => new ComponentStartError('EADDRINUSE', { retriable: true });

    it('starts again on the same port after a lost race', async () => {
      // Prepare: the first start loses its own port (kinesis-local's TLS listener took it)
      const port = await findFreePort();
      const start = jest.fn(async (candidate: number) => {
        if (start.mock.calls.length === 1) throw lostRace();
        return candidate;
      });

      // Act
      const used = await onOwnPort(port, 'test', start, 10);

      // Assess
      expect(used).toBe(port);
      expect(start.mock.calls).toEqual([[port], [port]]);
    });

    it('waits while the port is still held, then starts on it', async () => {
      // Prepare: the stopped process releases the port 150 ms later
      const port = await hold();
      setTimeout(() => holder?.close(), 150);
      const start = jest.fn(async (candidate: number) => candidate);

      // Act
      const used = await onOwnPort(port, 'test', start, 50);

      // Assess
      expect(used).toBe(port);
      expect(start).toHaveBeenCalledTimes(1);
    });

    it(`fails after ${OWN_PORT_ATTEMPTS} lost races, and at once on an error that is not retriable`, async () => {
      // Prepare
      const port = await findFreePort();
      const losing = jest.fn(async () => Promise.reject(lostRace()));
      const crashing = jest.fn(async () => Promise.reject(new ComponentStartError('crashed')));

      // Act & assess
      await expect(onOwnPort(port, 'test', losing, 10)).rejects.toThrow('EADDRINUSE');
      expect(losing).toHaveBeenCalledTimes(OWN_PORT_ATTEMPTS);
      await expect(onOwnPort(port, 'test', crashing, 10)).rejects.toThrow('crashed');
      expect(crashing).toHaveBeenCalledTimes(1);
    });
  });
});
