#!/usr/bin/env python3
"""Runs a command and reports the CPU time of each of its threads while one of them is alive.

Usage: bench/thread-cpu.py THREAD_PREFIX [--also PID] -- COMMAND [ARG...]

The command's process (the lifeboat launcher execs the JVM, so it keeps its process id) is sampled
every 100 ms from /proc: per thread, user + system time. The window is the stretch of samples in
which a thread whose name starts with THREAD_PREFIX exists (e.g. "read-ahead" for the download of a
Qdrant snapshot), and the report gives each thread's CPU seconds in that window, numbered threads
summed by name ("encode-0" and "encode-1" as "encode-N"), with --also PID's CPU in the same window
(a server on the same machine) and the window's length. The report goes to stderr; the command's
output to stdout, unchanged. Linux only.
"""
import os
import re
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(stat_path):
    with open(stat_path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def threads(pid):
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            out[tid] = (name, cpu_of(f"/proc/{pid}/task/{tid}/stat"))
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass  # the thread ended between the listing and the read
    return out


def main():
    args = sys.argv[1:]
    if "--" not in args or args.index("--") < 1:
        sys.exit(__doc__)
    prefix, options, command = args[0], args[1:args.index("--")], args[args.index("--") + 1:]
    also = int(options[options.index("--also") + 1]) if "--also" in options else None
    proc = subprocess.Popen(command)
    samples = []  # (time, {tid: (name, cpu)}, cpu of --also)
    while proc.poll() is None:
        try:
            sample = threads(proc.pid)
            other = cpu_of(f"/proc/{also}/stat") if also else 0.0
            samples.append((time.monotonic(), sample, other))
        except (FileNotFoundError, ProcessLookupError):
            break
        time.sleep(0.1)
    rc = proc.wait()
    inside = [i for i, (_, s, _) in enumerate(samples) if any(n.startswith(prefix) for n, _ in s.values())]
    if not inside:
        print(f"thread-cpu: no thread named {prefix}* was seen", file=sys.stderr)
        sys.exit(rc or 1)
    first, last = samples[max(0, inside[0] - 1)], samples[inside[-1]]
    per_name = {}
    for tid, (name, cpu) in last[1].items():
        used = cpu - first[1].get(tid, (name, 0.0))[1]
        key = re.sub(r"\d+", "N", name)
        per_name[key] = per_name.get(key, 0.0) + used
    window = last[0] - first[0]
    print(f"\nCPU seconds while {prefix}* ran ({window:.2f} s, {os.cpu_count()} cores):", file=sys.stderr)
    for name, used in sorted(per_name.items(), key=lambda kv: -kv[1]):
        if used >= 0.02:
            print(f"  {name:<24} {used:6.2f}", file=sys.stderr)
    total = sum(per_name.values())
    print(f"  {'(all of the command)':<24} {total:6.2f}", file=sys.stderr)
    if also:
        print(f"  {'(process ' + str(also) + ')':<24} {last[2] - first[2]:6.2f}", file=sys.stderr)
    sys.exit(rc)


if __name__ == "__main__":
    main()
