import net from 'node:net';
import { DEFAULT_PORTS, type PortName } from '@tenant-analytics/local-stack';

/** The ports the demo asks the local stack for (0 = any free port), and the fixed ones it could not have. */
export interface DemoPorts {
  readonly ports: Readonly<Record<PortName, number>>;
  readonly taken: readonly { readonly name: PortName; readonly port: number }[];
}

/** True when nothing listens on `port` on 127.0.0.1 right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The local stack's fixed ports (4567/4568/4569/4010/4011, so that the printed AWS CLI commands
 * are the usual ones), each replaced by 0 (a free port) when something already listens there,
 * e.g. an `nx serve mocks` left running.
 */
export async function chooseDemoPorts(isFree: (port: number) => Promise<boolean> = isPortFree): Promise<DemoPorts> {
  const ports = { ...DEFAULT_PORTS } as Record<PortName, number>;
  const taken: { name: PortName; port: number }[] = [];
  for (const name of Object.keys(ports) as PortName[]) {
    if (await isFree(ports[name])) continue;
    taken.push({ name, port: ports[name] });
    ports[name] = 0;
  }
  return { ports, taken };
}

/** Every port 0: each child takes a free port (`--free-ports`). */
export const FREE_DEMO_PORTS: DemoPorts = { ports: { kinesis: 0, s3: 0, dynamodb: 0, tenantManager: 0, churnApi: 0 }, taken: [] };
