import { readdirSync, readFileSync } from 'node:fs';

/**
 * The processes of this machine as /proc shows them (Linux), to find those a test started and
 * left running. Every pass is bounded by the entries /proc lists once; a process that ends while
 * it is read is skipped.
 */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** Its command line, arguments joined by spaces. */
  readonly command: string;
}

/** Every live process (zombies, already ended, are not); undefined where there is no /proc. */
export function listProcesses(): ProcessInfo[] | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const out: ProcessInfo[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last ')'.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' || state === 'X') continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      out.push({ pid: Number(entry), ppid: Number(ppid), command });
    } catch {
      // Ended meanwhile.
    }
  }
  return out;
}

/** Whether the environment the process started with holds `entry` (`NAME=value`). */
function startedWith(pid: number, entry: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(entry);
  } catch {
    // Another user's process, or ended meanwhile.
    return false;
  }
}

/**
 * The live processes that `root` started, directly or not (by parent pid), and those whose
 * environment holds `marker` (`NAME=value`, inherited by what they start): a process whose parent
 * ended is adopted by init, and only the marker still ties it to the tests. `root` itself is not
 * one of them.
 */
export function processesStartedBy(root: number, marker: string): ProcessInfo[] | undefined {
  const processes = listProcesses();
  if (!processes) return undefined;
  const children = new Map<number, ProcessInfo[]>();
  for (const p of processes) {
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const found = new Map<number, ProcessInfo>();
  // Breadth first over the tree under root; each process is visited once.
  const queue = [...(children.get(root) ?? [])];
  for (let i = 0; i < queue.length; i++) {
    const p = queue[i]!;
    if (found.has(p.pid)) continue;
    found.set(p.pid, p);
    queue.push(...(children.get(p.pid) ?? []));
  }
  for (const p of processes)
    if (p.pid !== root && p.pid !== process.pid && !found.has(p.pid) && startedWith(p.pid, marker))
      found.set(p.pid, p);
  return [...found.values()];
}

/**
 * What `find` finds still running after up to `graceMs`, looked for every 50 ms: a process being
 * stopped as a test ends gets that long to exit. Empty where there is no /proc.
 */
export async function stillRunning(
  find: () => ProcessInfo[] | undefined,
  graceMs: number,
): Promise<ProcessInfo[]> {
  const rounds = Math.max(1, Math.ceil(graceMs / 50));
  for (let round = 1; ; round++) {
    const left = find() ?? [];
    if (left.length === 0 || round >= rounds) return left;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
