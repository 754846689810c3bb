import net from 'node:net';
import { DEFAULT_PORTS } from '@tenant-analytics/local-stack';
import { chooseDemoPorts, isPortFree } from './demo-ports';

describe('chooseDemoPorts', () => {
  it('keeps the fixed ports when they are free', async () => {
    // Act
    const choice = await chooseDemoPorts(async () => true);

    // Assess
    expect(choice).toEqual({ ports: { ...DEFAULT_PORTS }, taken: [] });
  });

  it('falls back to a free port (0) for each fixed port that is taken, and names it', async () => {
    // Act
    const choice = await chooseDemoPorts(async (port) => port !== DEFAULT_PORTS.s3 && port !== DEFAULT_PORTS.churnApi);

    // Assess
    expect(choice.ports).toEqual({ ...DEFAULT_PORTS, s3: 0, churnApi: 0 });
    expect(choice.taken).toEqual([
      { name: 's3', port: DEFAULT_PORTS.s3 },
      { name: 'churnApi', port: DEFAULT_PORTS.churnApi },
    ]);
  });
});

describe('isPortFree', () => {
  it('tells a port someone listens on from a free one', async () => {
    // Prepare
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;

    // Act
    const whileListening = await isPortFree(port);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const afterClose = await isPortFree(port);

    // Assess
    expect(whileListening).toBe(false);
    expect(afterClose).toBe(true);
  });
});
