import { serverCpuFigures, type ServerCpuRound } from './server-cpu';

const roundFactory = (fields: Partial<ServerCpuRound> = {}): ServerCpuRound => ({ cpuMs: 100, wallMs: 1_000, calls: 10, companies: 1_000, ...fields });

describe('serverCpuFigures', () => {
  it('divides the CPU of all rounds by the companies, calls and wall time of all rounds', () => {
    // Prepare: 300 ms of CPU over 2 s, 40 calls carrying 3,000 companies
    const rounds = [roundFactory({ cpuMs: 100, wallMs: 500, calls: 10, companies: 1_000 }), roundFactory({ cpuMs: 200, wallMs: 1_500, calls: 30, companies: 2_000 })];

    // Act
    const figures = serverCpuFigures(rounds);

    // Assess
    expect(figures).toEqual({ cpuMsPerRound: 150, microsPerCompany: 100, microsPerCall: 7_500, coresUsed: 0.15, companiesPerCoreSecond: 10_000 });
  });

  it('gives no per-company or per-call figure when nothing was sent', () => {
    // Act
    const figures = serverCpuFigures([roundFactory({ cpuMs: 20, calls: 0, companies: 0 })]);

    // Assess
    expect(figures).toEqual({ cpuMsPerRound: 20, microsPerCompany: undefined, microsPerCall: undefined, coresUsed: 0.02, companiesPerCoreSecond: undefined });
  });

  it('gives no per-core capacity when the server used no measurable CPU', () => {
    expect(serverCpuFigures([roundFactory({ cpuMs: 0 })])?.companiesPerCoreSecond).toBeUndefined();
  });

  it('gives nothing for no rounds (the CPU could not be read)', () => {
    expect(serverCpuFigures([])).toBeUndefined();
  });
});
