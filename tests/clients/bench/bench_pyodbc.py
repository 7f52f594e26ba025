"""Benchmark of issue 3, pyodbc path: `SELECT * FROM persons` of the sandbox's Pipedrive through
pyodbc (fetchmany of 10,000 rows), counting every row and adding its `id`. Prints the result line
`cargo xtask bench` parses (the same as the Rust examples': rows, seconds, rows/s, peak RSS in MiB,
checksum `<rows>/<sum of id>`).

Run by `cargo xtask bench` with the venv's python; needs APIODBC_DRIVER_PATH (the release
libapiodbc.so) and APIODBC_BENCH_CONNSTR (the sandbox manifest's Pipedrive BASIC string).
"""

import os
import time

import pyodbc

BATCH = int(os.environ.get("APIODBC_BENCH_PY_BATCH", "10000"))
SQL = os.environ.get("APIODBC_BENCH_SQL", "SELECT * FROM persons")


def peak_rss_mb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def wrap_i64(v):
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >= 1 << 63 else v


def main():
    driver = os.path.realpath(os.environ["APIODBC_DRIVER_PATH"])
    connstr = "DRIVER={%s};%s" % (driver, os.environ["APIODBC_BENCH_CONNSTR"])
    cnxn = pyodbc.connect(connstr, autocommit=True)
    started = time.perf_counter()
    cpu_before = time.process_time()
    cursor = cnxn.cursor()
    cursor.execute(SQL)
    names = [d[0].lower() for d in cursor.description]
    id_index = names.index("id")
    rows = 0
    id_sum = 0
    while True:
        batch = cursor.fetchmany(BATCH)
        if not batch:
            break
        rows += len(batch)
        id_sum += sum(int(r[id_index]) for r in batch if r[id_index] is not None)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_before
    rate = rows / seconds if seconds > 0 else 0.0
    print(
        "bench=rest_pyodbc rows=%d seconds=%.4f rows_per_sec=%.0f peak_rss_mb=%.1f cpu_seconds=%.3f checksum=%d/%d"
        % (rows, seconds, rate, peak_rss_mb(), cpu_seconds, rows, wrap_i64(id_sum))
    )
    cnxn.close()


if __name__ == "__main__":
    main()
