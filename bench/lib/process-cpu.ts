import { readFileSync } from 'node:fs';

/**
 * CPU seconds a process has used so far (user + system), from Linux /proc/<pid>/stat. Read per
 * window, it tells a server that does more work per request apart from one that gets less CPU
 * because the machine is busy with other work.
 */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, in clock ticks (USER_HZ, 100 on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
