#!/usr/bin/env python3
"""Times a 1 GiB download and a 1 GiB upload over loopback: courier against curl, xh and HTTPie
when installed.

Downloads come from nginx (sendfile on) when `nginx` is installed, else from a small server of
the bench's own that answers with socket.sendfile(). Uploads go to a discard server of the
bench's own that reads the whole body into one preallocated buffer and counts it: nginx would
either buffer a POST body to disk or answer before reading it, and either would time the
server rather than the client. Every server runs in its own process.

Each client runs --runs times per direction; the table shows the median wall time, its ratio to
curl's, the throughput and the highest peak resident memory of the runs (GNU time measures it
from a small process of its own, so this script's memory is not counted). Every downloaded
file's size and every upload's received byte count are checked.

    cargo build --release && python3 benches/download.py [--size 1G] [--runs 5] [--skip-httpie]

The script installs nothing: it uses the clients and the server that are present and says
which. Output files go to /dev/shm when it has room (so disk writeback on a busy machine does
not add noise), else to the system temp dir; they are deleted after every run.
"""
import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MiB = 1024 * 1024


def parse_size(text):
    """`1G`, `512M`, `64k` or a plain byte count (binary units)."""
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


def human(n):
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= size:
            return f"{n / size:g} {unit}"
    return f"{n} B"


def make_data(path, size):
    """A real (not sparse) file: one random MiB written over and over. Quick, and a server
    that skips holes or a filesystem that compresses zeros cannot shortcut it."""
    block = os.urandom(MiB)
    with open(path, "wb") as f:
        left = size
        while left:
            n = min(left, MiB)
            f.write(block[:n])
            left -= n


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The bench's own server: GET serves files under the root with socket.sendfile(); POST/PUT
# reads the whole body (Content-Length or chunked) into one reused buffer, discards it, appends
# the byte count to the log file, then answers 204. `Expect: 100-continue` gets its 100.
SERVER = r"""
import os, socket, sys, threading
root, log = sys.argv[1], sys.argv[2]
BUF = bytearray(4 << 20)

def read_head(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None, b""
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return (method, target, headers), rest

def discard(conn, rest, length):
    got = len(rest)
    view = memoryview(BUF)
    while got < length:
        n = conn.recv_into(view, min(len(BUF), length - got))
        if not n:
            break
        got += n
    return got

def discard_chunked(conn, rest):
    data, total = rest, 0
    def need(k):
        nonlocal data
        while len(data) < k:
            chunk = conn.recv(1 << 20)
            if not chunk:
                raise EOFError
            data += chunk
    while True:
        while b"\r\n" not in data:
            need(len(data) + 1)
        line, data = data.split(b"\r\n", 1)
        size = int(line.split(b";")[0], 16)
        if size == 0:
            while b"\r\n\r\n" not in b"\r\n" + data:
                need(len(data) + 1)
            return total
        if len(data) >= size + 2:
            data = data[size + 2:]
        else:
            left = size + 2 - len(data)
            data = b""
            view = memoryview(BUF)
            while left > 2:
                n = conn.recv_into(view, min(len(BUF), left - 2))
                if not n:
                    raise EOFError
                left -= n
            need(left)
            data = data[left:]
        total += size

def handle(conn):
    with conn:
        req, rest = read_head(conn)
        if req is None:
            return
        method, target, headers = req
        if method in ("POST", "PUT"):
            if headers.get("expect", "").lower() == "100-continue":
                conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            if "chunked" in headers.get("transfer-encoding", "").lower():
                got = discard_chunked(conn, rest)
            else:
                got = discard(conn, rest, int(headers.get("content-length", "0")))
            with open(log, "a") as f:
                f.write(f"{got}\n")
            conn.sendall(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
            return
        path = os.path.join(root, target.split("?")[0].lstrip("/"))
        try:
            f = open(path, "rb")
        except OSError:
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        with f:
            size = os.fstat(f.fileno()).st_size
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                + f"Content-Length: {size}\r\nConnection: close\r\n\r\n".encode()
            )
            if method != "HEAD":
                conn.sendfile(f)

srv = socket.create_server(("127.0.0.1", 0), backlog=16)
print(srv.getsockname()[1], flush=True)
while True:
    conn, _ = srv.accept()
    threading.Thread(target=handle, args=(conn,), daemon=True).start()
"""

NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
    }}
}}
"""


def start_own_server(root, log):
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, root, log],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
    )
    return proc, int(proc.stdout.readline())


def wait_listening(port, proc, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def start_nginx(nginx, tmp, root):
    for _ in range(3):  # the free port may be taken between the probe and nginx's bind
        port = free_port()
        conf = os.path.join(tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write(NGINX_CONF.format(tmp=tmp, root=root, port=port))
        proc = subprocess.Popen(
            [nginx, "-p", tmp, "-c", conf, "-e", os.path.join(tmp, "nginx-error.log")],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if wait_listening(port, proc):
            return proc, port
        proc.kill()
        proc.wait()
    return None, None


def version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        text = (out.stdout or out.stderr).strip().splitlines()
        return " ".join(text[0].split()[:3]) if text else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


class Failed(Exception):
    pass


def measure(cmd, timeout):
    """Wall seconds and peak RSS (MB) of one run, stdout discarded."""
    with tempfile.NamedTemporaryFile("r") as report, open(os.devnull, "wb") as null:
        full = ["/usr/bin/time", "-f", "%e %M", "-o", report.name] + cmd
        start = time.perf_counter()
        # Its own process group, so a timeout ends the client and not only GNU time.
        proc = subprocess.Popen(
            full,
            stdout=null,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise Failed(f"timed out after {timeout:g} s")
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise Failed(f"exit {proc.returncode}: {err.decode(errors='replace').strip()[-300:]}")
        fields = report.read().split()
        return wall, int(fields[-1]) / 1024


def clients(opts):
    """(name, download argv builder, upload argv builder) for each client present."""
    found = []
    if os.path.exists(opts.courier):
        c = opts.courier
        found.append((
            "courier",
            lambda url, out: [c, "--ignore-stdin", "-d", "-o", out, url],
            lambda url, data: [c, "--ignore-stdin", "POST", url, "@" + data],
        ))
    curl = shutil.which("curl")
    if curl:
        found.append((
            "curl",
            lambda url, out: [curl, "-sS", "-o", out, url],
            # -T streams the file (--data-binary @file would read it all into memory first).
            lambda url, data: [curl, "-sS", "-o", "/dev/null", "-T", data, "-X", "POST", url],
        ))
    xh = shutil.which("xh")
    if xh:
        found.append((
            "xh",
            lambda url, out: [xh, "--ignore-stdin", "-d", "-o", out, url],
            lambda url, data: [xh, "--ignore-stdin", "POST", url, "@" + data],
        ))
    if not opts.skip_httpie:
        probe = subprocess.run([sys.executable, "-c", "import httpie"], capture_output=True)
        if probe.returncode == 0:
            py = sys.executable
            found.append((
                "httpie",
                lambda url, out: [py, "-m", "httpie", "--ignore-stdin", "-d", "-o", out, url],
                lambda url, data: [py, "-m", "httpie", "--ignore-stdin", "POST", url, "@" + data],
            ))
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=parse_size, default=1 << 30, help="body size, e.g. 1G, 256M (default 1G)")
    ap.add_argument("--runs", type=int, default=5, help="runs per client and direction (default 5)")
    ap.add_argument("--timeout", type=float, default=120, help="seconds one run may take (default 120)")
    ap.add_argument("--skip-httpie", action="store_true", help="leave HTTPie out (slow on big bodies)")
    ap.add_argument("--only", help="comma-separated client names to run, e.g. courier,curl")
    ap.add_argument("--direction", choices=("both", "download", "upload"), default="both")
    ap.add_argument("--server", choices=("auto", "nginx", "own"), default="auto",
                    help="download server: nginx when installed (auto), or the bench's own")
    ap.add_argument("--out-dir", help="where downloads are written (default: /dev/shm when it has room)")
    ap.add_argument("--courier", default=os.path.join(ROOT, "target", "release", "http"))
    opts = ap.parse_args()

    if not os.path.exists("/usr/bin/time"):
        sys.exit("GNU time (/usr/bin/time) is needed to measure peak memory: apt-get install time")
    if not os.path.exists(opts.courier):
        print(f"note: {opts.courier} not found (run `cargo build --release`); courier is left out",
              file=sys.stderr)
    found = clients(opts)
    if opts.only:
        wanted = set(opts.only.split(","))
        found = [c for c in found if c[0] in wanted]
    if not found:
        sys.exit("no client to run")

    tmp = tempfile.mkdtemp(prefix="courier-bench-")
    shm = "/dev/shm"
    if opts.out_dir:
        outdir = tempfile.mkdtemp(prefix="courier-bench-out-", dir=opts.out_dir)
    elif os.path.isdir(shm) and shutil.disk_usage(shm).free > 2 * opts.size + 256 * MiB:
        outdir = tempfile.mkdtemp(prefix="courier-bench-out-", dir=shm)
    else:
        outdir = tempfile.mkdtemp(prefix="courier-bench-out-")
    procs = []
    try:
        root = os.path.join(tmp, "www")
        os.mkdir(root)
        data = os.path.join(root, "data.bin")
        make_data(data, opts.size)
        log = os.path.join(tmp, "uploads.log")
        open(log, "w").close()

        own, own_port = start_own_server(root, log)
        procs.append(own)
        server = "bench's own (Python, socket.sendfile)"
        port = own_port
        nginx = shutil.which("nginx") or next(
            (p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
        if opts.server != "own" and nginx:
            proc, nport = start_nginx(nginx, tmp, root)
            if proc:
                procs.append(proc)
                port = nport
                server = f"{version([nginx, '-v'])} (sendfile on)"
            elif opts.server == "nginx":
                sys.exit(f"nginx did not start: see {tmp}/nginx-error.log")
        elif opts.server == "nginx":
            sys.exit("nginx is not installed")
        down_url = f"http://127.0.0.1:{port}/data.bin"
        up_url = f"http://127.0.0.1:{own_port}/upload"

        print(f"body: {human(opts.size)}; median of {opts.runs} runs; {os.cpu_count()} cores; "
              f"loopback")
        print(f"download server: {server}")
        print("upload server:   bench's own (Python, recv_into one 4 MiB buffer, discards)")
        print(f"downloads written to: {outdir}")
        names = {
            "courier": [opts.courier, "--version"],
            "curl": ["curl", "--version"],
            "xh": ["xh", "--version"],
            "httpie": [sys.executable, "-m", "httpie", "--version"],
        }
        for name, _, _ in found:
            print(f"  {name}: {version(names[name])}")
        missing = [n for n in ("courier", "curl", "xh", "httpie") if n not in {c[0] for c in found}]
        if missing:
            print(f"  not run: {', '.join(missing)}")
        print()

        directions = ("download", "upload") if opts.direction == "both" else (opts.direction,)
        # Runs are interleaved (courier, curl, ..., courier, curl, ...) so a change in the
        # machine's load during the bench falls on every client alike.
        walls = {}   # (name, direction) -> [seconds]
        peaks = {}   # (name, direction) -> [MB]
        failed = {}  # (name, direction) -> why
        for direction in directions:
            for _ in range(opts.runs):
                for name, down, up in found:
                    key = (name, direction)
                    if key in failed:
                        continue
                    try:
                        if direction == "download":
                            out = os.path.join(outdir, "out.bin")
                            try:
                                wall, peak = measure(down(down_url, out), opts.timeout)
                                got = os.path.getsize(out) if os.path.exists(out) else -1
                            finally:
                                if os.path.exists(out):
                                    os.unlink(out)
                        else:
                            open(log, "w").close()
                            wall, peak = measure(up(up_url, data), opts.timeout)
                            with open(log) as f:
                                counts = f.read().split()
                            got = int(counts[-1]) if counts else -1
                        if got != opts.size:
                            raise Failed(f"{direction}ed {got} bytes, expected {opts.size}")
                    except Failed as e:
                        failed[key] = str(e)
                        continue
                    walls.setdefault(key, []).append(wall)
                    peaks.setdefault(key, []).append(peak)
            for name, _, _ in found:
                key = (name, direction)
                shown = failed.get(key) or " ".join(f"{w:.2f}" for w in walls[key])
                print(f"  {name:<8} {direction:<8} {shown}", flush=True)
        results = {
            key: (statistics.median(w), max(peaks[key])) for key, w in walls.items() if key not in failed
        }

        print()
        print(f"{'client':<8} {'direction':<9} {'median s':>9} {'vs curl':>8} {'MB/s':>7} {'peak MB':>8}")
        for direction in directions:
            base = results.get(("curl", direction))
            for name, _, _ in found:
                r = results.get((name, direction))
                if r is None:
                    print(f"{name:<8} {direction:<9} failed: {failed[(name, direction)]}")
                    continue
                ratio = f"{r[0] / base[0]:.2f}x" if base else "-"
                rate = opts.size / 1e6 / r[0]
                print(f"{name:<8} {direction:<9} {r[0]:>9.2f} {ratio:>8} {rate:>7.0f} {r[1]:>8.1f}")
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(outdir, ignore_errors=True)


if __name__ == "__main__":
    main()
