#!/usr/bin/env python3
"""Load and list latency of a started ailake with 1,000 tables in a namespace, then again with 100,000
tables in it and 1,000 namespaces in the warehouse (the extra rows inserted straight into PostgreSQL,
pointing at the real tables' metadata). Prints p50/p95/p99 ms of each, sequential calls from one client.
The two sizes alternate for --rounds rounds (the extra rows deleted again in between), and the last lines
give each figure's median over the rounds: on a shared machine whose speed drifts within minutes, one
measurement of each size after the other compares the drift as much as the sizes. Each size is measured
after VACUUM ANALYZE, as a catalog that has lived with it would be.

usage: scale.py --uri http://localhost:8181/iceberg --token SECRET --psql 'psql -h 127.0.0.1 -U postgres -d ailake'
"""
import argparse, json, random, shlex, statistics, subprocess, time, urllib.request

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--uri", required=True)
    p.add_argument("--warehouse", default="lake")
    p.add_argument("--token", required=True)
    p.add_argument("--psql", required=True, help="a psql command line connected to the service's database")
    p.add_argument("--calls", type=int, default=1000)
    p.add_argument("--rounds", type=int, default=3)
    a = p.parse_args()
    base = f"{a.uri}/v1/{a.warehouse}"
    headers = {"Authorization": f"Bearer {a.token}", "Content-Type": "application/json"}

    def call(method, path, body=None):
        req = urllib.request.Request(base + path, method=method, headers=headers,
                                     data=json.dumps(body).encode() if body is not None else None)
        with urllib.request.urlopen(req) as r:
            return r.read()

    ns = f"scale{random.randint(0, 1 << 30)}"
    call("POST", "/namespaces", {"namespace": [ns]})
    schema = {"type": "struct", "schema-id": 0, "fields": [{"id": 1, "name": "id", "required": True, "type": "long"}]}
    for i in range(1000):
        call("POST", f"/namespaces/{ns}/tables", {"name": f"t{i:06d}", "schema": schema})

    figures = {}  # (size, op) -> one (p50, p95, p99) per round

    def measure(size):
        for what, path in (("load_table", lambda: f"/namespaces/{ns}/tables/t{random.randrange(1000):06d}"),
                           ("list_tables page of 100",
                            lambda: f"/namespaces/{ns}/tables?pageSize=100&pageToken=")):
            for _ in range(50):  # warm-up
                call("GET", path())
            ms = []
            for _ in range(a.calls):
                t0 = time.perf_counter()
                call("GET", path())
                ms.append((time.perf_counter() - t0) * 1000)
            ms.sort()
            q = lambda f: ms[min(len(ms) - 1, int(f * len(ms)))]
            figures.setdefault((size, what), []).append((statistics.median(ms), q(0.95), q(0.99)))
            print(f"| {size} | {what} | {a.calls} | {statistics.median(ms):.2f} | {q(0.95):.2f} | {q(0.99):.2f} |",
                  flush=True)

    def psql(*commands):
        args = shlex.split(a.psql) + ["-q"]
        for command in commands:
            args += ["-c", command]  # each its own transaction: VACUUM cannot run inside one
        subprocess.run(args, check=True)

    grow = f"""
      INSERT INTO namespace (warehouse_id, name, organization_id, parent, properties)
        SELECT n.warehouse_id, '{ns}_' || i, n.organization_id, '', n.properties
        FROM namespace n, generate_series(1, 999) i WHERE n.name = '{ns}';
      INSERT INTO catalog_object (id, organization_id, warehouse_id, namespace, name, kind, metadata_location, updated_at)
        SELECT gen_random_uuid(), o.organization_id, o.warehouse_id, o.namespace, 'u' || lpad(i::text, 6, '0'),
               'TABLE', o.metadata_location, now()
        FROM catalog_object o, generate_series(1, 99000) i WHERE o.namespace = '{ns}' AND o.name = 't000000';
    """
    shrink = f"""
      DELETE FROM catalog_object WHERE namespace = '{ns}' AND name LIKE 'u%';
      DELETE FROM namespace WHERE name LIKE '{ns}\\_%';
    """
    settle = "VACUUM ANALYZE namespace, catalog_object"

    print("| catalog | op | calls | p50 ms | p95 ms | p99 ms |\n| --- | --- | --- | --- | --- | --- |")
    small, large = "1,000 tables", "100,000 tables, 1,000 namespaces"
    for round_no in range(a.rounds):
        psql(*([shrink] if round_no else []), settle)
        measure(small)
        psql(grow, settle)
        measure(large)
    if a.rounds > 1:
        for (size, what), per_round in figures.items():
            p50, p95, p99 = (statistics.median(f[i] for f in per_round) for i in range(3))
            print(f"| {size}, median of {a.rounds} | {what} | {a.calls} | {p50:.2f} | {p95:.2f} | {p99:.2f} |")

if __name__ == "__main__":
    main()
