#!/usr/bin/env python3
"""phase-cpu.py [PEER...] - a side-by-side run (side-by-side.sh with the same arguments and environment)
that also says where each phase's CPU went: per peer and phase, the CPU milliseconds per call of the
server, S3Proxy, PostgreSQL, the workload's calling threads, the workload's JIT compilers and collector,
and everything else on the machine; and the ceiling, the calls per second that no server could exceed
beside that client and that object store on these cores, were it to use no CPU at all:

  - one calling thread: a call takes at least the CPU its calling thread spends on it, so the ceiling is
    1000 / (calling thread's ms per call);
  - any phase: the client's and S3Proxy's work must fit on the machine's cores, so the ceiling is also
    cores * 1000 / (client's and S3Proxy's ms per call); the lower of the two is printed.

The figures come from /proc (utime + stime, in clock ticks), read as the workload announces a phase on
its standard error and again as it prints the phase's result; nothing is sampled in between, so the
reading itself costs the machine nothing during a phase. PostgreSQL is every process of the user
postgres (the machine's shared server). Python 3 and Linux only.
"""
import json
import os
import re
import subprocess
import sys

HZ = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count()
CLIENT_BACKGROUND = re.compile(r"^(C1 Compiler|C2 Compiler|GC |G1 |VM |Sweeper)")
PHASE_START = re.compile(r"^\[bench\] (\w+)(?: x\d+| on \d+ threads|:)")


def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def ticks(stat):
    fields = stat[stat.rfind(b")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def kind(pid):
    """What a process is in the run: server, s3proxy, postgres, client or other."""
    cmd = (read(f"/proc/{pid}/cmdline") or b"").replace(b"\0", b" ")
    if b"bench.CatalogBench" in cmd:
        return "client"
    if b"s3proxy" in cmd:
        return "s3proxy"
    if b"quarkus-run.jar" in cmd or b"RESTCatalogServer" in cmd or b"nessie" in cmd:
        return "server"
    if cmd.startswith(b"postgres") or b"/bin/postgres " in cmd:
        return "postgres"
    return "other"


def sample():
    """CPU seconds so far per kind of process, the client's split into calls and background."""
    seconds = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        stat = read(f"/proc/{pid}/stat")
        if stat is None:
            continue
        k = kind(pid)
        seconds[k] = seconds.get(k, 0) + ticks(stat) / HZ
        if k == "client":
            # the threads calling the catalog end with their phase, so the calls are the rest of the process
            for tid in os.listdir(f"/proc/{pid}/task"):
                task = read(f"/proc/{pid}/task/{tid}/stat")
                name = task[task.find(b"(") + 1:task.rfind(b")")].decode(errors="replace") if task else ""
                if CLIENT_BACKGROUND.match(name):
                    seconds["client_background"] = seconds.get("client_background", 0) + ticks(task) / HZ
    seconds["client_calls"] = seconds.get("client", 0) - seconds.get("client_background", 0)
    machine = read("/proc/stat").split(b"\n", 1)[0].split()[1:]
    busy = sum(int(machine[i]) for i in (0, 1, 2, 5, 6, 7))
    seconds["machine"] = busy / HZ
    return seconds


COLUMNS = ["server", "s3proxy", "postgres", "client_calls", "client_background", "other"]


def main():
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "side-by-side.sh")
    run = subprocess.Popen([script, *sys.argv[1:]], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, bufsize=1)
    # The workload announces a phase on standard error and prints its result on standard output; the two
    # reach this pipe through separate processes, so a result may arrive after the next phase's
    # announcement. A phase therefore ends at its result or at the next announcement, whichever came first.
    events = []  # (announced op or None, result or None, sample)
    for line in run.stdout:
        sys.stderr.write(line)
        start = PHASE_START.match(line)
        if start and start.group(1) not in ("warmup", "done", "peer"):
            events.append((start.group(1), None, sample()))
        elif line.startswith("{"):
            result = json.loads(line)
            if result.get("op") not in ("client", "server"):
                events.append((None, result, sample()))
    if run.wait() != 0:
        sys.exit(run.returncode)
    rows = []
    seen = {}
    for i, (_, result, _) in enumerate(events):
        if result is None:
            continue
        # the n-th result of an op belongs to its n-th announcement (load_table runs at several thread counts)
        n = seen[result["op"]] = seen.get(result["op"], -1) + 1
        announced = [j for j in range(i) if events[j][0] == result["op"]]
        if n >= len(announced):
            continue
        begin = announced[n]
        end = next(j for j in range(begin + 1, i + 1) if events[j][0] is not None or j == i)
        started, ended = events[begin][2], events[end][2]
        spent = {k: ended.get(k, 0) - started.get(k, 0) for k in ended}
        spent["other"] = spent["machine"] - sum(spent.get(k, 0) for k in COLUMNS[:-1])
        rows.append((result, spent))

    print(f"\nCPU ms per call, per phase ({CORES} cores; 'ceiling' = calls/s no server could exceed beside "
          "this client and S3Proxy)\n")
    print("| peer | op | threads | ops/s | server | S3Proxy | PostgreSQL | client calls | client JIT+GC "
          "| other | machine | ceiling ops/s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for result, spent in rows:
        calls = max(result["ops"], 1)
        per = {k: 1000 * v / calls for k, v in spent.items()}
        fixed = per.get("client", 0) + per.get("s3proxy", 0)
        ceilings = [CORES * 1000 / fixed] if fixed > 0 else []
        if result["threads"] == 1 and per.get("client_calls", 0) > 0:
            ceilings.append(1000 / per["client_calls"])
        ceiling = f"{min(ceilings):.0f}" if ceilings else "-"
        cells = " | ".join(f"{per.get(k, 0):.2f}" for k in COLUMNS + ["machine"])
        print(f"| {result['peer']} | {result['op']} | {result['threads']} | {result['ops_per_s']} | {cells} "
              f"| {ceiling} |")


if __name__ == "__main__":
    main()
