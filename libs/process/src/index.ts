export { signalGroup, groupAlive, processAlive, killGroup, type KillGroupOptions, type KillReport } from './process-group.js';
export { isRunningState, livingMembers, readProcStat, type ProcStat } from './proc.state.js';
export { spawnChild, describeExit, ManagedChild, type SpawnChildOptions, type ChildExit, type WaitForLineOptions } from './managed.child.js';
export { LineSplitter } from './line.splitter.js';
export { waitFor, pollUntil, type WaitForOptions, type WaitProbe, type PollOptions } from './wait-for.js';
export { freePort, freePorts, checkPortFree, LOCALHOST, type FreePortsOptions, type PortCheck } from './free-port.js';
export { probeTcp, type TcpProbeOptions, type TcpProbeResult } from './tcp.probe.js';
export { ProcessError, ProcessErrorCode } from './process.errors.js';
