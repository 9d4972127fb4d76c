#!/usr/bin/env python3
"""Times pretty-printing a 38 MB JSON response: courier against xh and HTTPie when installed.

Serves a generated JSON array of 200,000 objects from a local server on 127.0.0.1 and runs
each client with --pretty=all and --pretty=format, output to /dev/null. Prints the median
wall time of --runs runs and the peak resident memory (from wait4) side by side.

    cargo build --release && python3 benches/json_print.py [--runs 3] [--objects 200000]
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def generate(path, count):
    rnd = random.Random(42)
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    with open(path, "w", encoding="utf-8") as f:
        f.write("[")
        for i in range(count):
            if i:
                f.write(",")
            obj = {
                "id": i,
                "name": f"{rnd.choice(words).title()} {rnd.choice(words).title()}",
                "email": f"u{i}@example.org",
                "score": round(rnd.random() * 1000, 3),
                "active": rnd.random() < 0.5,
                "tags": rnd.sample(words, 2),
                "address": {
                    "street": f"{rnd.randint(1, 999)} {rnd.choice(words).title()} Street",
                    "city": rnd.choice(words).title() + "ville",
                    "zip": f"{rnd.randint(10000, 99999)}",
                },
            }
            f.write(json.dumps(obj))
        f.write("]")


def serve(path):
    """A static server in its own process, so the measuring process stays small (a child's
    peak RSS, as wait4 reports it, includes the parent's memory at fork time)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, path],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    port = int(proc.stdout.readline())
    return proc, port


SERVER = """
import http.server, sys
body = open(sys.argv[1], "rb").read()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
"""


def measure(cmd):
    """Wall seconds and peak RSS (MB) of one run, output discarded. GNU time measures from a
    small process of its own; without it, wait4 is used (and counts this process's memory at
    fork time, so it over-reports)."""
    timer = shutil.which("time") and os.path.exists("/usr/bin/time")
    with tempfile.NamedTemporaryFile("r") as report, open(os.devnull, "wb") as null:
        full = (["/usr/bin/time", "-f", "%e %M", "-o", report.name] + cmd) if timer else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(full, stdout=null, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            err = proc.stderr.read().decode(errors="replace")[:300]
            raise RuntimeError(f"{cmd[0]} failed: {err}")
        if timer:
            _, kb = report.read().split()
            return wall, int(kb) / 1024
    return wall, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--objects", type=int, default=200_000)
    ap.add_argument("--courier", default=os.path.join(ROOT, "target", "release", "http"))
    opts = ap.parse_args()

    if not os.path.exists(opts.courier):
        sys.exit(f"{opts.courier} not found: run `cargo build --release` first")
    tmp = tempfile.mkdtemp()
    data = os.path.join(tmp, "big.json")
    generate(data, opts.objects)
    size_mb = os.path.getsize(data) / 1e6
    server, port = serve(data)
    url = f"http://127.0.0.1:{port}/big.json"

    clients = [("courier", [opts.courier])]
    if shutil.which("xh"):
        clients.append(("xh", ["xh"]))
    try:
        import httpie  # noqa: F401
        clients.append(("httpie", [sys.executable, "-m", "httpie"]))
    except ImportError:
        pass

    print(f"body: {size_mb:.1f} MB, {opts.objects} objects; median of {opts.runs} runs; machine: {os.cpu_count()} cores")
    print(f"{'client':<10} {'mode':<16} {'wall s':>8} {'peak MB':>8}")
    for name, prog in clients:
        for mode in ("--pretty=all", "--pretty=format"):
            cmd = prog + [mode, "--ignore-stdin", url]
            runs = [measure(cmd) for _ in range(opts.runs)]
            wall = statistics.median(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            print(f"{name:<10} {mode:<16} {wall:>8.3f} {peak:>8.1f}", flush=True)
    server.terminate()
    server.wait()
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
