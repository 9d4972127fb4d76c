#!/usr/bin/env python3
"""Times HTTPS over loopback: a 1 GiB download, and the CPU cost of a handshake plus a small GET,
courier against curl and xh when installed.

The server is nginx with TLS when `nginx` is installed (`apt-get install nginx-light`), else a
small Python server of the bench's own (much slower: it then times the server, and the script
says so). Certificates come from a throwaway CA made with the `openssl` command at start; every
client is told to trust that CA (`--verify=CA`, curl's `--cacert`), so nothing is left insecure.

    cargo build --release && python3 benches/tls.py [--size 1G] [--runs 5] [--small-runs 50]

Download: the median wall time of --runs runs, the ratio to curl and the highest peak resident
memory (GNU time). Small GET: user + system CPU per request (averaged over --small-runs runs,
each a new process and a new TLS handshake, from the kernel's accounting of the client process
itself), its ratio to curl, and the median wall time.
xh runs with -I: like HTTPie it would take the bench's empty stdin for a request body.
The script installs nothing; output files go to /dev/shm when it has room and are deleted after
each run.
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from download import (  # noqa: E402  (shared helpers of the plain-HTTP bench)
    Failed,
    measure,
    free_port,
    human,
    make_data,
    parse_size,
    version,
    wait_listening,
)

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
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    ssl_protocols TLSv1.2 TLSv1.3;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {tmp}/server.pem;
        ssl_certificate_key {tmp}/server.key;
        root {root};
    }}
}}
"""

OWN_SERVER = r"""
import http.server, ssl, sys
root, port, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
class H(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def __init__(self, *a, **k):
        super().__init__(*a, directory=root, **k)
    def log_message(self, *a):
        pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", port), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
srv.serve_forever()
"""


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certs(tmp):
    """A CA and a server certificate for 127.0.0.1 and localhost, signed by it."""
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=courier bench CA",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign", cwd=tmp)
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1", cwd=tmp)
    with open(os.path.join(tmp, "ext.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf", cwd=tmp)
    return os.path.join(tmp, "ca.pem")


def start_server(tmp, root, force_own):
    nginx = None if force_own else shutil.which("nginx")
    for _ in range(3):  # the free port may be taken between the probe and the bind
        port = free_port()
        if nginx:
            conf = os.path.join(tmp, "nginx.conf")
            with open(conf, "w") as f:
                f.write(NGINX_CONF.format(tmp=tmp, root=root, port=port))
            cmd = [nginx, "-p", tmp, "-c", conf, "-e", os.path.join(tmp, "nginx-error.log")]
        else:
            cmd = [sys.executable, "-c", OWN_SERVER, root, str(port),
                   os.path.join(tmp, "server.pem"), os.path.join(tmp, "server.key")]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        if wait_listening(port, proc):
            return proc, port, ("nginx" if nginx else "own Python server (slow)")
        proc.kill()
        proc.wait()
    sys.exit("could not start the HTTPS server")


def measure_cpu(cmd, timeout):
    """Wall seconds and user+system CPU seconds of one run, stdout discarded. CPU comes from the
    kernel's rusage of the client process itself (wait4), in microseconds: GNU time's 10 ms
    steps are too coarse for one small request. (Its peak memory is not used: Linux carries
    the forking Python's peak across exec, so GNU time measures memory, in `measure`.)"""
    with open(os.devnull, "wb") as null, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=null, stderr=err, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                os.wait4(proc.pid, 0)
                raise Failed(f"timed out after {timeout:g} s")
            time.sleep(0.001)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            text = err.read().decode(errors="replace").strip()[-300:]
            raise Failed(f"exit {proc.returncode}: {text}")
        return wall, usage.ru_utime + usage.ru_stime


def clients(opts, ca):
    """(name, download command maker, small GET command maker) for each client present."""
    found = []
    courier = opts.courier or os.path.join(ROOT, "target", "release", "http")
    if os.access(courier, os.X_OK):
        found.append(("courier",
                      lambda url, out: [courier, f"--verify={ca}", "-d", "-q", "-o", out, url],
                      lambda url: [courier, f"--verify={ca}", url]))
    else:
        print(f"courier: not built ({courier}); run cargo build --release", file=sys.stderr)
    if shutil.which("curl"):
        found.append(("curl",
                      lambda url, out: ["curl", "-sS", "--cacert", ca, "-o", out, url],
                      lambda url: ["curl", "-sS", "--cacert", ca, url]))
    if shutil.which("xh"):
        found.append(("xh",
                      lambda url, out: ["xh", "-I", f"--verify={ca}", "-d", "-q", "-o", out, url],
                      lambda url: ["xh", "-I", f"--verify={ca}", url]))
    if opts.only:
        keep = set(opts.only.split(","))
        found = [c for c in found if c[0] in keep]
    for name in ("curl", "xh"):
        if not any(c[0] == name for c in found):
            print(f"{name}: not installed or not selected; left out", file=sys.stderr)
    return found


def bench_download(found, url, out_dir, size, runs, timeout):
    results = {name: [] for name, _, _ in found}
    peaks = {name: 0.0 for name, _, _ in found}
    for _ in range(runs):
        for name, download, _ in found:  # interleaved, so drift hits every client alike
            if name not in results:
                continue
            out = os.path.join(out_dir, f"tls-bench-{name}.bin")
            try:
                wall, peak = measure(download(url, out), timeout)
                got = os.path.getsize(out)
                if got != size:
                    raise Failed(f"downloaded {got} bytes, expected {size}")
                results[name].append(wall)
                peaks[name] = max(peaks[name], peak)
            except Failed as e:
                print(f"{name}: dropped: {e}", file=sys.stderr)
                del results[name]
            finally:
                if os.path.exists(out):
                    os.remove(out)
    return {n: (statistics.median(w), peaks[n]) for n, w in results.items() if w}


def bench_small(found, url, runs, timeout):
    cpu = {name: 0.0 for name, _, _ in found}
    walls = {name: [] for name, _, _ in found}
    for _ in range(runs):
        for name, _, small in found:
            if name not in walls:
                continue
            try:
                wall, used = measure_cpu(small(url), timeout)
                cpu[name] += used
                walls[name].append(wall)
            except Failed as e:
                print(f"{name}: dropped from the small GET: {e}", file=sys.stderr)
                del walls[name]
    return {n: (cpu[n] / runs, statistics.median(w)) for n, w in walls.items() if w}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="1G", help="download size (default 1G)")
    ap.add_argument("--runs", type=int, default=5, help="download runs per client (default 5)")
    ap.add_argument("--small-runs", type=int, default=50, help="small GETs per client")
    ap.add_argument("--only", help="comma-separated clients: courier,curl,xh")
    ap.add_argument("--courier", help="path of the http binary (default target/release/http)")
    ap.add_argument("--server", choices=["auto", "own"], default="auto")
    ap.add_argument("--timeout", type=float, default=120)
    opts = ap.parse_args()
    if not shutil.which("openssl"):
        sys.exit("the openssl command is needed to make the bench's certificates")
    size = parse_size(opts.size)
    tmp = tempfile.mkdtemp(prefix="courier-tls-bench-")
    shm = "/dev/shm"
    out_dir = shm if os.path.isdir(shm) and shutil.disk_usage(shm).free > 2 * size else tmp
    server = None
    try:
        ca = make_certs(tmp)
        root = os.path.join(tmp, "root")
        os.mkdir(root)
        make_data(os.path.join(root, "big.bin"), size)
        with open(os.path.join(root, "small.json"), "w") as f:
            f.write('{"id": 7, "name": "Ada", "langs": ["en", "fr"]}\n')
        server, port, kind = start_server(tmp, root, opts.server == "own")
        found = clients(opts, ca)
        print(f"server: {kind}; {human(size)} download, median of {opts.runs}; "
              f"small GET CPU averaged over {opts.small_runs} runs")
        for name, download, _ in found:
            cmd = download("x", "y")[0]
            print(f"  {name}: {version([cmd, '--version'])}")
        base = f"https://127.0.0.1:{port}"
        down = bench_download(found, f"{base}/big.bin", out_dir, size, opts.runs, opts.timeout)
        small = bench_small(found, f"{base}/small.json", opts.small_runs, opts.timeout)
        curl_down = down.get("curl", (None,))[0]
        print("\n| client | download median s | vs curl | MB/s | peak MB |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, (wall, peak) in down.items():
            ratio = f"{wall / curl_down:.2f}x" if curl_down else "-"
            print(f"| {name} | {wall:.2f} | {ratio} | {size / wall / 1e6:.0f} | {peak:.1f} |")
        curl_cpu = small.get("curl", (None,))[0]
        print("\n| client | handshake + small GET CPU ms | vs curl | median wall ms |")
        print("| --- | ---: | ---: | ---: |")
        for name, (cpu, wall) in small.items():
            ratio = f"{cpu / curl_cpu:.2f}x" if curl_cpu else "-"
            print(f"| {name} | {cpu * 1000:.1f} | {ratio} | {wall * 1000:.1f} |")
    finally:
        if server:
            server.kill()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
