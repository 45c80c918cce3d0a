import { readdirSync, readFileSync } from 'node:fs';

/** The processes under `pid`, as Linux lists each thread's children in /proc; [] elsewhere. */
function descendants(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children = tasks.flatMap((tid) => {
    try {
      return readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  });
  return children.flatMap((c) => [c, ...descendants(c)]);
}

/**
 * Signals a program and every process it started: `go build` leaves its compiler running when
 * only it is stopped. The tree is read before anything is signalled (an orphan is reparented
 * and lost from it), the program first so it starts nothing more.
 */
export function killTree(pid: number, signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const p of [pid, ...descendants(pid)]) {
    try {
      process.kill(p, signal);
    } catch {
      // gone already
    }
  }
}
