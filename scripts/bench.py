#!/usr/bin/env python3
"""The benchmark suite behind `make bench`: figures, never assertions.

For each backend (SQLite and PostgreSQL by default, MySQL on request) it creates or reuses
a database seeded by `rapport seed` (reporting the seeding time), starts the release
server on it and drives it over loopback with wrk, bounded in time, for every scenario of
SCENARIOS; then times the bulk jobs (CSV export of every customer, CSV import of a
generated file into a fresh database, the full RFM). Prints one table, writes it as JSON
to bench/results/<date>-<backend>-<customers>.json and as Markdown to
bench/results/latest-<backend>.md; with --readme it also replaces the table in README.md.

Only the Python standard library is used. wrk is installed with apt when missing.
"""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import platform
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
ADMIN = ("admin@rapport.local", "admin-demo-pass")

# The Django REST Framework baseline of issue 9 (req/s on a machine like this one, 1M
# customers, wrk with 64 connections): Rapport's target is 10x each.
BASELINE = {
    "customer_by_id": 1100,
    "customers_email": 700,
    "customers_search": 430,
    "customers_offset_deep": 40,
    "customer_create": 510,
}


# Report-style requests run with fewer connections: a dashboard is opened by people, not
# by 64 clients at once, and the latency that matters is one request's.
ANALYTICS = {"dashboard", "forecast", "rfm_summary"}
ANALYTICS_CONNECTIONS = 8


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- the server -------------------------------------------------------------------------


class Server:
    """The release binary serving one database on a free port."""

    def __init__(self, binary: Path, url: str, name: str):
        self.binary, self.url = binary, url
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # Without the delivery worker: the seed schedules an SMS campaign to every at-risk
        # customer (100 000 at a million customers), which would otherwise be sending
        # during the measurements.
        env = dict(os.environ, RAPPORT_DATABASE_URL=url, RAPPORT_BIND=f"127.0.0.1:{self.port}", RAPPORT_LOG="warn",
                   RAPPORT_DELIVERY_WORKER="off")
        env.setdefault("RAPPORT_STATIC_DIR", str(WORK / "no-spa"))
        self.log = open(WORK / f"server-{name}.log", "w")
        self.proc = subprocess.Popen([str(binary), "serve"], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(600):
            try:
                urllib.request.urlopen(self.base + "/ready", timeout=1).read()
                break
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit(f"the server stopped; see {self.log.name}")
                time.sleep(0.2)
        else:
            raise SystemExit("the server did not get ready")
        self.token = self.call("POST", "/api/v1/auth/login", {"email": ADMIN[0], "password": ADMIN[1]})["access_token"]

    def call(self, method: str, path: str, body=None, raw: bytes | None = None, ctype="application/json"):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("content-type", ctype)
        if getattr(self, "token", None):
            req.add_header("authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(req, timeout=3600) as res:
            text = res.read()
        return json.loads(text) if text else None

    def rss_mib(self, field="VmRSS") -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
        return 0.0

    def cpu_seconds(self) -> float:
        """User and system CPU time the server has used so far."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def settle(self, timeout: float = 30.0) -> None:
        """Waits until the server is idle: requests of the scenario before that wrk gave
        up on (a deep offset page takes half a second) may still be running, and would
        otherwise be measured as part of the next scenario."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            before = self.cpu_seconds()
            time.sleep(0.25)
            if self.cpu_seconds() - before < 0.01:
                return

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- databases --------------------------------------------------------------------------


def psql(url_base: str, sql: str, db="postgres") -> str:
    host = url_base.split("@")[-1].split(":")[0]
    port = url_base.rsplit(":", 1)[-1].split("/")[0]
    user = url_base.split("//")[1].split("@")[0]
    out = subprocess.run(
        ["psql", "-h", host, "-p", port, "-U", user, "-d", db, "-tAc", sql], check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def mysql(sql: str) -> str:
    out = subprocess.run(["mysql", "-h", "127.0.0.1", "-u", "root", "-N", "-e", sql], check=True, capture_output=True, text=True)
    return out.stdout.strip()


class Backend:
    """Where a benchmark database lives and how to ask it one SQL question."""

    def __init__(self, kind: str, name: str, pg_base: str):
        self.kind, self.name, self.pg_base = kind, name, pg_base
        if kind == "sqlite":
            self.file = WORK / f"{name}.db"
            self.url = f"sqlite://{self.file}?mode=rwc"
        elif kind == "postgres":
            self.url = f"{pg_base}/{name}"
        elif kind == "mysql":
            self.url = f"mysql://root@127.0.0.1:3306/{name}"
        else:
            raise SystemExit(f"unknown backend {kind}")

    def create(self) -> None:
        if self.kind == "postgres" and not psql(self.pg_base, f"SELECT 1 FROM pg_database WHERE datname = '{self.name}'"):
            psql(self.pg_base, f'CREATE DATABASE "{self.name}"')
        if self.kind == "mysql":
            mysql(f"CREATE DATABASE IF NOT EXISTS `{self.name}`")

    def drop(self) -> None:
        if self.kind == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(str(self.file) + suffix).unlink(missing_ok=True)
        elif self.kind == "postgres":
            psql(self.pg_base, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            mysql(f"DROP DATABASE IF EXISTS `{self.name}`")

    def scalar(self, sql: str) -> str:
        if self.kind == "sqlite":
            with sqlite3.connect(self.file) as c:
                row = c.execute(sql).fetchone()
                return "" if row is None else "|".join(str(v) for v in row)
        if self.kind == "postgres":
            return psql(self.pg_base, sql, self.name).replace("\t", "|")
        return mysql(f"USE `{self.name}`; {sql}").replace("\t", "|")

    def scalar_rows(self, sql: str) -> list[str]:
        """The first column of every row."""
        if self.kind == "sqlite":
            with sqlite3.connect(self.file) as c:
                return [str(r[0]) for r in c.execute(sql).fetchall()]
        if self.kind == "postgres":
            return [l.split("|")[0] for l in psql(self.pg_base, sql, self.name).splitlines() if l]
        return [l.split("\t")[0] for l in mysql(f"USE `{self.name}`; {sql}").splitlines() if l]

    def size_mib(self) -> float:
        if self.kind == "sqlite":
            return round(sum(Path(str(self.file) + s).stat().st_size for s in ("", "-wal") if Path(str(self.file) + s).exists()) / 2**20, 1)
        if self.kind == "postgres":
            return round(int(self.scalar(f"SELECT pg_database_size('{self.name}')")) / 2**20, 1)
        return round(float(self.scalar(
            f"SELECT sum(data_length + index_length) FROM information_schema.tables WHERE table_schema = '{self.name}'")) / 2**20, 1)


def seed(binary: Path, backend: Backend, customers: int) -> dict:
    """Seeds an empty database; reuses a seeded one (with the time its seeding took)."""
    marker = WORK / f"{backend.name}.{backend.kind}.seed.json"
    backend.create()
    env = dict(os.environ, RAPPORT_DATABASE_URL=backend.url, RAPPORT_LOG="warn")
    if marker.exists():
        done = json.loads(marker.read_text())
        log(f"{backend.kind}: reusing the database seeded in {done['seconds']} s")
        return done
    log(f"{backend.kind}: seeding {customers} customers (about {customers * 10} orders)…")
    t0 = time.perf_counter()
    out = subprocess.run([str(binary), "seed", "--customers", str(customers), "--seed", "7"], env=env,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"seeding failed:\n{out.stdout}\n{out.stderr}")
    done = {"seconds": round(time.perf_counter() - t0, 1), "customers": customers}
    marker.write_text(json.dumps(done))
    return done


# --- load with wrk ----------------------------------------------------------------------

DONE_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"non_2xx": %d, "socket_errors": %d}\n', summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def lua_list(values) -> str:
    return "{" + ",".join(json.dumps(v) for v in values) + "}"


def wrk(server: Server, name: str, request_lua: str, duration: int, connections: int) -> dict:
    server.settle()
    script = WORK / f"{name}.lua"
    script.write_text(
        f'wrk.headers["Authorization"] = "Bearer {server.token}"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        "counter = 0\ntid = 0\nthreads = 0\n"
        "function setup(thread) threads = threads + 1; thread:set('tid', threads) end\n"
        "function init(args) math.randomseed(os.time() + tid * 7919) end\n"
        + request_lua + DONE_LUA
    )
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency", "-s", str(script),
           server.base]
    out, peak = peak_during(server, lambda: subprocess.run(cmd, capture_output=True, text=True))
    line = next((l for l in out.stdout.splitlines() if l.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no summary for {name}:\n{out.stdout}\n{out.stderr}")
    r = json.loads(line[6:])
    secs = r["duration_us"] / 1e6
    return {
        "req_per_s": round(r["requests"] / secs, 1),
        "p50_ms": round(r["p50_us"] / 1000, 2),
        "p99_ms": round(r["p99_us"] / 1000, 2),
        "requests": r["requests"],
        "errors": r["non_2xx"] + r["socket_errors"],
        "rss_mib": peak,
    }


def scenarios(server: Server, backend: Backend, sample: dict) -> list[tuple[str, str, str]]:
    """(key, what, request function in Lua) for every load scenario."""
    ids, emails, terms, products = sample["ids"], sample["emails"], sample["terms"], sample["products"]
    deep = sample["deep_cursor"]
    return [
        ("customer_by_id", "GET customer by id (random)",
         f"I = {lua_list(ids)}\nrequest = function() return wrk.format('GET', '/api/v1/customers/' .. I[math.random(#I)]) end\n"),
        ("customers_search", "list with q search (substring)",
         f"T = {lua_list(terms)}\nrequest = function() return wrk.format('GET', '/api/v1/customers?q=' .. T[math.random(#T)]) end\n"),
        ("customers_email", "list with exact email filter",
         f"E = {lua_list(emails)}\nrequest = function() return wrk.format('GET', '/api/v1/customers?email=' .. E[math.random(#E)]) end\n"),
        ("customers_created_p1", "list sorted by created_at, page 1",
         "request = function() return wrk.format('GET', '/api/v1/customers?sort=-created_at&per_page=25') end\n"),
        ("customers_cursor_deep", f"list sorted by created_at, cursor at depth {sample['deep_depth']}",
         f"request = function() return wrk.format('GET', '/api/v1/customers?sort=-created_at&per_page=25&cursor={deep}') end\n"),
        ("customers_offset_deep", f"list, offset page {sample['deep_page']} of 200 (row {(sample['deep_page'] - 1) * 200:,}; the deepest allowed is 500)",
         f"request = function() return wrk.format('GET', '/api/v1/customers?sort=-created_at&per_page=200&page={sample['deep_page']}') end\n"),
        ("customer_create", "customer create",
         "request = function() counter = counter + 1\n"
         "  return wrk.format('POST', '/api/v1/customers', nil, '{\"name\": \"Bench ' .. tid .. '-' .. counter .. '\", "
         "\"email\": \"bench-' .. os.time() .. '-' .. tid .. '-' .. counter .. '@example.org\", \"city\": \"Shenzhen\"}') end\n"),
        ("order_create", "order create with 5 lines",
         f"I = {lua_list(ids)}\nP = {lua_list(products)}\nrequest = function()\n"
         "  local l, k = {}, math.random(#P)\n"
         "  for i = 1, 5 do l[i] = '{\"product_id\": ' .. P[(k + i) % #P + 1] .. ', \"quantity\": \"2\", \"discount_pct\": \"5\"}' end\n"
         "  return wrk.format('POST', '/api/v1/orders', nil, '{\"customer_id\": ' .. I[math.random(#I)] .. ', \"lines\": [' .. table.concat(l, ',') .. ']}')\n"
         "end\n"),
        ("customer_timeline", "customer timeline",
         f"I = {lua_list(ids)}\nrequest = function() return wrk.format('GET', '/api/v1/customers/' .. I[math.random(#I)] .. '/timeline') end\n"),
        ("dashboard", "dashboard (last 12 months)",
         "request = function() return wrk.format('GET', '/api/v1/analytics/dashboard') end\n"),
        ("forecast", "sales forecast (12 months)",
         "request = function() return wrk.format('GET', '/api/v1/analytics/forecast?horizon=12') end\n"),
        ("rfm_summary", "RFM segment summary",
         "request = function() return wrk.format('GET', '/api/v1/analytics/rfm') end\n"),
        ("recommendations", "a customer's recommendations",
         f"I = {lua_list(ids)}\nrequest = function() return wrk.format('GET', '/api/v1/customers/' .. I[math.random(#I)] .. '/recommendations') end\n"),
    ]


def deep_cursor(backend: Backend, depth: int) -> str:
    row = backend.scalar(
        "SELECT created_at, id FROM customers WHERE deleted_at IS NULL "
        f"ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET {depth - 1}")
    created, rid = row.split("|")
    stamp = dt.datetime.fromisoformat(created.replace(" ", "T")[:26])
    value = stamp.strftime("%Y-%m-%dT%H:%M:%S.%f")
    raw = json.dumps({"sort": "-created_at", "value": value, "id": int(rid)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# --- bulk jobs --------------------------------------------------------------------------


def timed_get(server: Server, path: str) -> tuple[float, int]:
    req = urllib.request.Request(server.base + path, headers={"authorization": f"Bearer {server.token}"})
    t0 = time.perf_counter()
    size = 0
    with urllib.request.urlopen(req, timeout=3600) as res:
        while chunk := res.read(1 << 20):
            size += len(chunk)
    return time.perf_counter() - t0, size


def peak_during(server: Server, job):
    """Runs job() while sampling the server's RSS; (job's result, peak RSS in MiB)."""
    peak = [server.rss_mib()]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], server.rss_mib())
            stop.wait(0.05)

    t = threading.Thread(target=sample)
    t.start()
    try:
        result = job()
    finally:
        stop.set()
        t.join()
    return result, peak[0]


def import_csv(binary: Path, kind: str, pg_base: str, rows: int) -> dict:
    """Imports a generated file of `rows` customers into a fresh database through the API."""
    b = Backend(kind, f"rapport_bench_import", pg_base)
    b.drop()
    b.create()
    env = dict(os.environ, RAPPORT_DATABASE_URL=b.url, RAPPORT_LOG="warn")
    subprocess.run([str(binary), "seed", "--customers", "0", "--seed", "1"], env=env, check=True, capture_output=True)
    path = WORK / f"import-{rows}.csv"
    if not path.exists():
        rnd = random.Random(5)
        cities = ["Shenzhen", "Shanghai", "Beijing", "London", "Paris", "Berlin"]
        with open(path, "w") as f:
            f.write("name,email,phone,city,tags\n")
            for i in range(rows):
                f.write(f"Import Person {i},import.{i}@example.net,+86 138 {rnd.randint(0, 9999):04} {i % 10000:04},"
                        f"{rnd.choice(cities)},{'vip' if i % 7 == 0 else ''}\n")
    data = path.read_bytes()
    server = Server(binary, b.url, f"{kind}-import")
    try:
        def job():
            t0 = time.perf_counter()
            try:
                answer = server.call("POST", "/api/v1/customers/import", raw=data, ctype="text/csv")
            except urllib.error.HTTPError as e:
                answer = {"error": e.code, "body": e.read()[:300].decode(errors="replace")}
            return time.perf_counter() - t0, answer

        (secs, answer), peak = peak_during(server, job)
        imported = answer.get("imported") if isinstance(answer, dict) else None
        result = {"rows": rows, "seconds": round(secs, 2), "rows_per_s": round(rows / secs) if imported else None,
                  "peak_rss_mib": peak, "outcome": answer if not imported else "imported"}
        if imported:
            result["orders"] = import_orders(server, rows, lines=rows)
    finally:
        server.stop()
        b.drop()
    return result


def import_orders(server: Server, customers: int, lines: int = 1_000_000, files: int = 2) -> dict:
    """Imports `lines` historical order lines (orders of 5 lines) for the imported customers,
    in `files` requests: a million lines are more than one request body may hold (50 MiB)."""
    skus = [(p["sku"], p["price"]) for p in server.call("GET", "/api/v1/products?per_page=100")["items"]]
    rnd = random.Random(9)
    bodies = []
    for f in range(files):
        out = ["order_ref,customer_email,order_date,status,sku,quantity,unit_price"]
        for o in range(lines // files // 5):
            ref = f"H{f}-{o}"
            email = f"import.{rnd.randrange(customers)}@example.net"
            day = f"20{rnd.randint(20, 25)}-{rnd.randint(1, 12):02}-{rnd.randint(1, 28):02}"
            status = "completed" if rnd.random() < 0.95 else "cancelled"
            for sku, price in rnd.sample(skus, 5):
                out.append(f"{ref},{email},{day},{status},{sku},{rnd.randint(1, 9)},{price}")
        bodies.append(("\n".join(out) + "\n").encode())

    def job():
        t0 = time.perf_counter()
        answers = []
        for body in bodies:
            try:
                answers.append(server.call("POST", "/api/v1/orders/import", raw=body, ctype="text/csv"))
            except urllib.error.HTTPError as e:
                answers.append({"error": e.code, "body": e.read()[:300].decode(errors="replace")})
        return time.perf_counter() - t0, answers

    (secs, answers), peak = peak_during(server, job)
    ok = all(isinstance(a, dict) and "error" not in a for a in answers)
    return {"lines": lines, "files": files, "mib": round(sum(map(len, bodies)) / 2**20, 1), "seconds": round(secs, 2),
            "lines_per_s": round(lines / secs) if ok else None, "peak_rss_mib": peak,
            "outcome": "imported" if ok else answers}


# --- the run ----------------------------------------------------------------------------


def run_backend(args, binary: Path, kind: str) -> dict:
    backend = Backend(kind, f"rapport_bench_{args.customers}", args.pg)
    seeded = seed(binary, backend, args.customers)
    server = Server(binary, backend.url, kind)
    result = {
        "backend": kind, "customers": int(backend.scalar("SELECT count(*) FROM customers")),
        "orders": int(backend.scalar("SELECT count(*) FROM orders")),
        "order_lines": int(backend.scalar("SELECT count(*) FROM order_lines")),
        "seed_seconds": seeded["seconds"], "database_mib": backend.size_mib(), "load": {}, "bulk": {},
    }
    try:
        rnd = random.Random(42)
        low = int(backend.scalar("SELECT min(id) FROM customers"))
        top = int(backend.scalar("SELECT max(id) FROM customers"))
        ids = [rnd.randint(low, top) for _ in range(2000)]
        emails = backend.scalar_rows("SELECT email FROM customers WHERE email IS NOT NULL ORDER BY id LIMIT 2000")
        emails = rnd.sample(emails, min(500, len(emails)))
        products = [int(p) for p in backend.scalar_rows("SELECT id FROM products WHERE active = true")]
        # What a user types: part of a surname, an email's local part with digits, a phone fragment.
        terms = []
        for e in emails[:300]:
            local = e.split("@")[0]
            terms.append(local[: max(4, len(local) - 2)])
        terms += ["smith", "wang.1", "138 12", "zhang"]
        terms = [urllib.parse.quote(t) for t in terms]
        depth = min(500_000, result["customers"] // 2)
        sample = {"ids": ids, "emails": emails, "terms": terms, "products": products,
                  "deep_cursor": deep_cursor(backend, depth), "deep_depth": depth,
                  "deep_page": max(1, min(500, result["customers"] // 200))}
        # A first request fills caches the way a running server would have them.
        for path in ("/api/v1/analytics/rfm", "/api/v1/analytics/dashboard", "/api/v1/analytics/forecast?horizon=12"):
            timed_get(server, path)
        for key, what, lua in scenarios(server, backend, sample):
            if args.only and key not in args.only:
                continue
            log(f"{kind}: {what}…")
            conns = min(args.connections, ANALYTICS_CONNECTIONS) if key in ANALYTICS else args.connections
            r = wrk(server, f"{kind}-{key}", lua, args.duration, conns)
            r["connections"] = conns
            r["what"] = what
            result["load"][key] = r
            log(f"  {r['req_per_s']} req/s, p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, errors {r['errors']}")
        result["server_rss_mib"] = server.rss_mib("VmHWM")
    finally:
        server.stop()
    if not args.skip_bulk:
        # Each bulk job on a server of its own, so that the peak memory reported is the
        # job's, not what the load scenarios left in the process.
        server = Server(binary, backend.url, kind)
        try:
            log(f"{kind}: CSV export of every customer…")
            (secs, size), peak = peak_during(server, lambda: timed_get(server, "/api/v1/customers/export.csv"))
            result["bulk"]["export"] = {"seconds": round(secs, 2), "mib": round(size / 2**20, 1), "peak_rss_mib": peak}
        finally:
            server.stop()
        server = Server(binary, backend.url, kind)
        try:
            log(f"{kind}: full RFM…")
            # Best of three, as DuckDB's time below is (the first run is kept too).
            runs = [peak_during(server, lambda: timed_get(server, "/api/v1/analytics/rfm?as_of=2099-12-31"))
                    for _ in range(3)]
            result["bulk"]["rfm_full"] = {"seconds": round(min(r[0][0] for r in runs), 3),
                                          "first_seconds": round(runs[0][0][0], 3),
                                          "peak_rss_mib": max(r[1] for r in runs)}
        finally:
            server.stop()
        log(f"{kind}: CSV import of {args.import_rows} customers into a fresh database…")
        result["bulk"]["import"] = import_csv(binary, kind, args.pg, args.import_rows)
        if kind == "sqlite":
            result["bulk"]["rfm_duckdb"] = duckdb_rfm(backend)
    return result


def duckdb_rfm(backend: Backend):
    venv = WORK / "venv-duckdb"
    py = venv / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "duckdb"], check=False)
    out = subprocess.run([str(py), str(ROOT / "scripts" / "rfm_duckdb.py"), str(backend.file)],
                         capture_output=True, text=True)
    for line in out.stdout.splitlines():
        if "DuckDB" in line and "ms" in line:
            return {"line": line.strip(), "seconds": float(line.split(":")[1].split("ms")[0]) / 1000}
    return {"line": (out.stdout + out.stderr).strip()[-300:], "seconds": None}


def table(results: list[dict]) -> str:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB"
    out = [f"Machine: {machine}; wrk -t2, {results[0]['duration']} s per scenario; p50/p99 in ms; err = non-2xx and socket errors.", ""]
    head = "| scenario | conns | " + " | ".join(f"{r['backend']} req/s | p50 ms | p99 ms | err" for r in results) + " |"
    out += [head, "|" + "---|" * (2 + 4 * len(results))]
    keys = list(dict.fromkeys(k for r in results for k in r["load"]))
    for k in keys:
        what = next(r["load"][k]["what"] for r in results if k in r["load"])
        cells = []
        for r in results:
            x = r["load"].get(k)
            cells.append(" | ".join(str(x[f]) for f in ("req_per_s", "p50_ms", "p99_ms", "errors")) if x else " | | | ")
        conns = next(r["load"][k]["connections"] for r in results if k in r["load"])
        out.append(f"| {what} | {conns} | " + " | ".join(cells) + " |")
    out.append("")
    for r in results:
        b = r["bulk"]
        parts = [f"**{r['backend']}**: {r['customers']:,} customers, {r['orders']:,} orders, {r['order_lines']:,} lines, "
                 f"{r['database_mib']:,} MiB; seeded in {r['seed_seconds']} s; server peak RSS under load {r.get('server_rss_mib')} MiB"]
        if "export" in b:
            parts.append(f"export of every customer {b['export']['seconds']} s ({b['export']['mib']} MiB, peak RSS {b['export']['peak_rss_mib']} MiB)")
        if "rfm_full" in b:
            parts.append(f"full RFM {b['rfm_full']['seconds']} s, best of 3 (first {b['rfm_full'].get('first_seconds')} s; "
                         f"peak RSS {b['rfm_full']['peak_rss_mib']} MiB)")
        if "rfm_duckdb" in b and b["rfm_duckdb"].get("seconds"):
            parts.append(f"DuckDB's RFM on the same orders {b['rfm_duckdb']['seconds']} s")
        if "import" in b:
            i = b["import"]
            parts.append(f"CSV import of {i['rows']:,} customers {i['seconds']} s ({i['rows_per_s']} rows/s, peak RSS {i['peak_rss_mib']} MiB)"
                         if i.get("rows_per_s") else f"CSV import of {i['rows']:,} customers failed: {i['outcome']}")
            o = i.get("orders")
            if o:
                parts.append(f"historical order import of {o['lines']:,} lines in {o['files']} files ({o['mib']} MiB) "
                             f"{o['seconds']} s ({o['lines_per_s']} lines/s, peak RSS {o['peak_rss_mib']} MiB)"
                             if o.get("lines_per_s") else f"historical order import failed: {str(o['outcome'])[:300]}")
        out.append("- " + "; ".join(parts) + ".")
    return "\n".join(out)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--customers", type=int, default=int(os.environ.get("CUSTOMERS", 1_000_000)))
    p.add_argument("--backends", default=os.environ.get("BACKENDS", "sqlite,postgres"))
    p.add_argument("--duration", type=int, default=int(os.environ.get("DURATION", 10)))
    p.add_argument("--connections", type=int, default=int(os.environ.get("CONNECTIONS", 64)))
    p.add_argument("--import-rows", type=int, default=int(os.environ.get("IMPORT_ROWS", 1_000_000)))
    p.add_argument("--pg", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--only", nargs="*", help="run only these scenarios")
    p.add_argument("--skip-bulk", action="store_true", help="no export, import or full RFM")
    p.add_argument("--readme", action="store_true", help="write the table into README.md")
    args = p.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not shutil.which("wrk"):
        log("installing wrk (Debian package)")
        cmd = ["apt-get", "install", "-y", "--no-install-recommends", "wrk"]
        if subprocess.run(cmd, capture_output=True).returncode != 0:
            subprocess.run(["sudo", *cmd], check=True, capture_output=True)
    binary = Path(os.environ.get("BIN", ROOT / "target" / "release" / "rapport"))
    if "BIN" not in os.environ:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "rapport-api"], cwd=ROOT, check=True)
    results = []
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for kind in args.backends.split(","):
        r = run_backend(args, binary, kind.strip())
        r.update({"connections": args.connections, "duration": args.duration, "at": stamp,
                  "machine": {"cpus": os.cpu_count(), "kernel": platform.release()}})
        (RESULTS / f"{stamp}-{r['backend']}-{args.customers}.json").write_text(json.dumps(r, indent=2) + "\n")
        results.append(r)
    text = table(results)
    print(text)
    (RESULTS / "latest.md").write_text(text + "\n")
    if args.readme:
        readme = ROOT / "README.md"
        s = readme.read_text()
        a, b = "<!-- bench -->", "<!-- /bench -->"
        if a in s and b in s:
            s = s[: s.index(a) + len(a)] + "\n" + text + "\n" + s[s.index(b):]
            readme.write_text(s)


if __name__ == "__main__":
    main()
