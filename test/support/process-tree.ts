import { readdirSync, readFileSync } from 'node:fs';

/** A process under another: its pid and its command line. */
export interface ChildProcessInfo {
  readonly pid: number;
  readonly command: string;
}

function parentOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Every live process below `root` (children, grandchildren, …), read from /proc: how a test finds what `npm start` runs. */
export function descendants(root: number): ChildProcessInfo[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const parent = parentOf(pid);
    if (parent !== undefined) parents.set(pid, parent);
  }
  const below = (pid: number): boolean => {
    for (let p = parents.get(pid), depth = 0; p !== undefined && depth < 64; p = parents.get(p), depth++) if (p === root) return true;
    return false;
  };
  return [...parents.keys()].filter(below).map((pid) => ({ pid, command: commandOf(pid) }));
}
