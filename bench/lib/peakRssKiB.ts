/**
 * This process's own peak resident set size, in KiB.
 *
 * On Linux `process.resourceUsage().maxRSS` (getrusage) is not reset by exec: a child forked from
 * a 230 MiB benchmark runner reports at least 230 MiB even if it never used more than 40. The
 * kernel's high-water mark for the current address space (`VmHWM` in /proc/self/status) starts
 * fresh at exec, so it is the figure a benchmark wants. Elsewhere getrusage is all there is.
 */
import { readFileSync } from 'node:fs';

export function peakRssKiB(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {}
  return process.resourceUsage().maxRSS;
}
