"""`make bench`: the app's speed on a small and a large generated data set, served by gunicorn
as in production, each page compared with a trivial signed-in page on the same stack (the
floor) and with itself at the other size.

    manage.py bench [--small 1x20x30] [--large 20x500x180] [--reuse] [--requests 30]
                    [--database-url postgres://postgres@127.0.0.1:5432/bench] [--json bench.json]

Steps: build each data set (migrate, load_library, generate_data) in its own database, unless
--reuse finds one of the right size; serve each with gunicorn (clinic/gunicorn.py); time every
page on both sizes in turn, request by request, so a slow moment of the machine falls on both;
then a throughput run with wrk, the dashboard under a burst of PDF downloads, and a check that
two app servers on one database behave as one. The table is printed and written as JSON.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.db.models import Count, F

from programs import bench
from programs.bench import Browser, Facts, FreeSession, Response, Server, Size
from programs.models import Program, SessionLog

FLOOR = "/accounts/password/change/"  # signed in, a plain form in the site's layout, no records
SIZES = ("small", "large")
WARM_UP = 3


@dataclass
class Stage:
    """One data set, served: its server, its people's browsers and its facts."""

    name: str
    size: Size
    url: str
    facts: Facts
    server: Server | None = None
    browsers: dict[str, Browser] = field(default_factory=dict)
    free: list[FreeSession] = field(default_factory=list)

    @property
    def alias(self) -> str:
        return f"bench_{self.name}"

    def browser(self, who: str) -> Browser:
        return self.browsers[who]

    @property
    def port(self) -> int:
        if self.server is None:
            raise CommandError(f"The {self.name} data set is not being served.")
        return self.server.port

    def patient_browser(self, cookie: str) -> Browser:
        if cookie not in self.browsers:
            self.browsers[cookie] = Browser(self.port, {"sessionid": cookie})
        return self.browsers[cookie]


@dataclass
class Page:
    name: str
    run: Callable[[Stage], Response]
    expect: int = 200
    times: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in SIZES})
    queries: dict[str, set[int]] = field(default_factory=lambda: {s: set() for s in SIZES})
    failures: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SIZES, 0))


def log_post(stage: Stage) -> Response:
    if not stage.free:
        raise CommandError(
            f"The {stage.name} data set has no session left that nobody has logged: use more "
            "patients, or fewer --requests."
        )
    free = stage.free.pop(0)
    return stage.patient_browser(free.patient).post(free.path, free.form(uuid.uuid4()))


def fresh_handout(stage: Stage) -> Response:
    # A saved change moves the program's revision on, so its next download is a fresh render.
    Program.objects.using(stage.alias).filter(pk=stage.facts.fresh_program).update(
        revision=F("revision") + 1
    )
    return stage.browser("clinician").get(f"/programs/{stage.facts.fresh_program}/handout.pdf")


PAGES = [
    Page("floor", lambda s: s.browser("clinician").get(FLOOR)),
    Page("dashboard, whole clinic", lambda s: s.browser("admin").get("/dashboard/?scope=clinic")),
    Page("dashboard, own caseload", lambda s: s.browser("clinician").get("/dashboard/")),
    Page("patient list", lambda s: s.browser("clinician").get("/patients/")),
    Page(
        "patient record",
        lambda s: s.browser("clinician").get(f"/patients/{s.facts.patient_pk}/"),
    ),
    Page("builder", lambda s: s.browser("clinician").get(f"/programs/{s.facts.program}/")),
    Page("library search", lambda s: s.browser("clinician").get("/library/?q=knee")),
    Page("Today", lambda s: s.browser("patient").get("/my/")),
    Page("History", lambda s: s.browser("patient").get("/my/history/")),
    Page("log form", lambda s: s.browser("patient").get(f"/my/programs/{s.facts.program}/log/")),
    Page("log POST", log_post, expect=302),
    Page("handout, fresh render", fresh_handout),
    Page(
        "handout, repeated",
        lambda s: s.browser("patient").get(f"/my/programs/{s.facts.program}/handout.pdf"),
    ),
    Page("WeasyPrint alone, handout", lambda s: bench.weasyprint_timed(s.facts.handout_html)),
    Page(
        "discharge summary render",
        lambda s: s.browser("clinician").post(
            f"/programs/{s.facts.discharged}/discharge-summary/regenerate/", {}
        ),
        expect=302,
    ),
    Page("WeasyPrint alone, summary", lambda s: bench.weasyprint_timed(s.facts.summary_html)),
]


class Command(BaseCommand):
    help = "Time every page on a small and a large generated data set under gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--small", type=Size.parse, default=Size(1, 20, 30))
        parser.add_argument("--large", type=Size.parse, default=Size(20, 500, 180))
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="keep a data set already in its database when it has the asked size",
        )
        parser.add_argument("--requests", type=int, default=30, help="timed requests a page")
        parser.add_argument(
            "--database-url",
            default="postgres://postgres@127.0.0.1:5432/bench",
            help="PostgreSQL server and name prefix: <prefix>_small and <prefix>_large",
        )
        parser.add_argument("--json", type=Path, default=Path("bench.json"))
        parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["requests"] < 30:
            raise CommandError("--requests must be at least 30.")
        self.requests: int = options["requests"]
        self.seconds: int = options["seconds"]
        self.secret_key = bench.new_secret_key()
        self.logs = Path(tempfile.mkdtemp(prefix="bench-"))
        stages = [
            self.prepare(name, options[name], options["database_url"], options["reuse"])
            for name in SIZES
        ]
        report: dict[str, Any] = {
            "sizes": {stage.name: str(stage.size) for stage in stages},
            "floor": FLOOR,
            "requests": self.requests,
        }
        try:
            for stage in stages:
                stage.server = Server(self.env(stage), self.logs / f"{stage.name}.log")
                stage.server.__enter__()
                self.sign_in(stage)
            report["pages"] = self.measure(stages)
            small, large = stages
            report["two_servers"] = self.two_servers(small)
            report["throughput"] = self.throughput(large)
            report["pdf_burst"] = self.pdf_burst(large)
        finally:
            for stage in stages:
                if stage.server is not None:
                    stage.server.__exit__()
        options["json"].write_text(json.dumps(report, indent=2) + "\n")
        self.stdout.write(f"Written to {options['json']}; server logs in {self.logs}")

    # Data sets --------------------------------------------------------------------------

    def env(self, stage: Stage) -> dict[str, str]:
        documents = bench.ROOT / "documents" / f"bench-{bench.database_name(stage.url)}"
        return bench.production_env(stage.url, self.secret_key, documents)

    def prepare(self, name: str, size: Size, base: str, reuse: bool) -> Stage:
        url = bench.database_url(base, name)
        stage = Stage(name, size, url, facts=Facts("", "", "", 0, 0, 0, 0))
        env = self.env(stage)
        if reuse and bench.database_exists(url) and bench.holds_size(url, size):
            self.stdout.write(f"{name}: reusing the {size} data set in {url}")
        else:
            self.stdout.write(f"{name}: building a {size} data set in {url}")
            started = time.monotonic()
            bench.recreate_database(url)
            bench.manage(env, "migrate", "--noinput", "-v0")
            bench.manage(env, "load_library")
            bench.manage(
                env,
                "generate_data",
                f"--clinics={size.clinics}",
                f"--patients-per-clinic={size.patients}",
                f"--days={size.days}",
                "--seed=1",
                "--allow-production",  # the benchmark's own database, served as in production
            )
            self.stdout.write(f"{name}: built in {time.monotonic() - started:.0f} s")
        if name == SIZES[0]:
            bench.manage(env, "collectstatic", "--noinput", "-v0")
        wanted = 2000 if name == "large" else WARM_UP + self.requests + 1
        with bench.default_database(url):
            stage.facts = bench.gather_facts(self.secret_key, free_wanted=wanted, burst=6)
        bench.add_alias(stage.alias, url)
        stage.free = list(stage.facts.free)
        self.stdout.write(f"{name}: {len(stage.free)} sessions free to log")
        return stage

    def sign_in(self, stage: Stage) -> None:
        for who, address in [
            ("clinician", stage.facts.clinician),
            ("admin", stage.facts.admin),
            ("patient", stage.facts.patient),
        ]:
            browser = Browser(stage.port)
            answer = browser.sign_in(address)
            if answer.status != 302:
                raise CommandError(f"{stage.name}: {who} could not sign in ({answer.status}).")
            stage.browsers[who] = browser

    # Timed pages ------------------------------------------------------------------------

    def measure(self, stages: list[Stage]) -> list[dict[str, Any]]:
        self.stdout.write(
            f"Timing {len(PAGES)} pages on both sizes, {WARM_UP} + {self.requests} rounds..."
        )
        for round_ in range(WARM_UP + self.requests):
            for page in PAGES:
                for stage in stages:
                    answer = page.run(stage)
                    if answer.status != page.expect:
                        page.failures[stage.name] += 1
                    if round_ >= WARM_UP:
                        page.times[stage.name].append(answer.seconds)
                        if answer.queries is not None:
                            page.queries[stage.name].add(answer.queries)
        rows = [self.row(page, stages) for page in PAGES]
        self.print_table(rows, stages)
        return rows

    def row(self, page: Page, stages: list[Stage]) -> dict[str, Any]:
        floor = PAGES[0]
        row: dict[str, Any] = {"page": page.name}
        for stage in stages:
            times = page.times[stage.name]
            median = bench.median_ms(times)
            counts = sorted(page.queries[stage.name])
            row[stage.name] = {
                "median_ms": round(median, 1),
                "p95_ms": round(bench.p95_ms(times), 1),
                "queries": counts[0] if len(counts) == 1 else (counts or None),
                "per_floor": bench.ratio(median, bench.median_ms(floor.times[stage.name])),
                "failures": page.failures[stage.name],
            }
        row["large_per_small"] = bench.ratio(row["large"]["median_ms"], row["small"]["median_ms"])
        return row

    def print_table(self, rows: list[dict[str, Any]], stages: list[Stage]) -> None:
        def number(value: Any, digits: int = 1) -> str:
            if value is None:
                return "-"
            if isinstance(value, list):
                return f"{value[0]}-{value[-1]}"
            return f"{value:.{digits}f}" if isinstance(value, float) else str(value)

        head = f"{'page':<34}"
        for stage in stages:
            head += f" | {stage.name + ' ' + str(stage.size):^38}"
        self.stdout.write(head + " | large/small")
        self.stdout.write(
            f"{'':<34}" + " | median ms  p95 ms  queries  page/floor" * len(stages) + " |"
        )
        for row in rows:
            line = f"{row['page']:<34}"
            for stage in stages:
                cell = row.get(stage.name, {})
                line += (
                    f" | {number(cell.get('median_ms')):>9} {number(cell.get('p95_ms')):>7}"
                    f" {number(cell.get('queries')):>8} {number(cell.get('per_floor'), 2):>11}"
                )
            line += f" | {number(row.get('large_per_small'), 2):>6}"
            self.stdout.write(line)
        for row in rows:
            for stage in stages:
                if row.get(stage.name, {}).get("failures"):
                    self.stdout.write(
                        f"  {row['page']} on {stage.name}: {row[stage.name]['failures']} "
                        "requests answered other than expected"
                    )
        self.print_render_overhead(rows, stages)

    def print_render_overhead(self, rows: list[dict[str, Any]], stages: list[Stage]) -> None:
        """The app's renders against WeasyPrint alone on the same HTML, as rows of the table."""
        for page, alone in [
            ("handout, fresh render", "WeasyPrint alone, handout"),
            ("discharge summary render", "WeasyPrint alone, summary"),
        ]:
            row = next(r for r in rows if r["page"] == page)
            engine = next(r for r in rows if r["page"] == alone)
            line = f"{page + ' / WeasyPrint alone':<44}"
            for stage in stages:
                overhead = bench.ratio(
                    row[stage.name]["median_ms"], engine[stage.name]["median_ms"]
                )
                row[stage.name]["per_weasyprint_alone"] = overhead
                line += f" {stage.name} {overhead or 0:.2f}"
            self.stdout.write(line)

    # Throughput -------------------------------------------------------------------------

    def wrk(
        self,
        stage: Stage,
        name: str,
        entries: list[tuple[str, str, str, str]],
        cycle: bool,
        expect: int,
        location: str = "",
    ) -> dict[str, Any]:
        """Run wrk for self.seconds against the stage's server, sending `entries` (method, path,
        cookie, body) shared out among its threads: in turn forever when `cycle`, else each
        once and then /healthz (counted apart). Returns requests a second and the answers."""
        wrk = shutil.which("wrk")
        if wrk is None:
            raise CommandError("wrk is not installed (apt-get install wrk): no throughput run.")
        script = self.logs / f"{name}.lua"
        script.write_text(wrk_script(entries, cycle, expect, location))
        threads = 2
        out = subprocess.run(  # noqa: S603  (wrk, with arguments made here)
            [
                wrk,
                f"-t{threads}",
                "-c8",
                f"-d{self.seconds}s",
                "--timeout",
                "30s",
                "-s",
                str(script),
                f"http://127.0.0.1:{stage.port}/",
                "--",
                str(threads),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        counts = dict(re.findall(r"(\w+)=(\d+)", out.split("BENCH", 1)[1]))
        latency = re.search(r"Latency\s+(\S+)", out)
        return {
            "expected": int(counts["ok"]),
            "other": int(counts["bad"]),
            "after_running_out": int(counts["fallback"]),
            "per_second": int(counts["ok"]) / self.seconds,
            "mean_latency": latency[1] if latency else None,
        }

    def throughput(self, stage: Stage) -> dict[str, Any]:
        self.stdout.write(f"Throughput on {stage.name} ({self.seconds} s each, wrk -t2 -c8):")
        clinician = stage.browser("clinician").cookies
        cookie = "; ".join(f"{k}={v}" for k, v in clinician.items())
        floor = self.wrk(stage, "floor", [("GET", FLOOR, cookie, "")], True, 200)
        patients = sorted({free.patient for free in stage.free})
        today = self.wrk(
            stage, "today", [("GET", "/my/", f"sessionid={p}", "") for p in patients], True, 200
        )
        csrf = "bench" + uuid.uuid4().hex[:27]
        posts, tokens = [], []
        for free in stage.free:
            token = uuid.uuid4()
            tokens.append(token)
            body = urlencode({"csrfmiddlewaretoken": csrf, **free.form(token)})
            posts.append(("POST", free.path, f"sessionid={free.patient}; csrftoken={csrf}", body))
        before = SessionLog.objects.using(stage.alias).count()
        logged = self.wrk(stage, "log-post", posts, False, 302, "/my/sessions/")
        after = self.settled_count(stage)
        stored = (
            SessionLog.objects.using(stage.alias)
            .filter(token__in=tokens)
            .values("token")
            .annotate(times=Count("id"))
        )
        twice = sum(1 for row in stored if row["times"] > 1)
        once = sum(1 for row in stored if row["times"] == 1)
        stage.free = stage.free[len(posts) :]
        # When wrk stops, up to one request a connection is still on its way: the server may
        # store it though wrk never reads the answer.
        in_flight = after - before - logged["expected"]
        result: dict[str, Any] = {
            "floor": floor,
            "today": today,
            "log_post": logged,
            "today_per_floor": bench.ratio(today["per_second"], floor["per_second"]),
            "log_post_per_floor": bench.ratio(logged["per_second"], floor["per_second"]),
            "new_logs": after - before,
            "logs_stored_once": once,
            "logs_stored_twice_or_more": twice,
            "stored_while_wrk_stopped": in_flight,
            "every_log_stored_once": after - before == once and not twice and 0 <= in_flight <= 8,
        }
        for name in ["floor", "today", "log_post"]:
            figures = result[name]
            self.stdout.write(
                f"  {name:<9} {figures['per_second']:7.1f} requests/s, "
                f"{figures['other']} errors, mean latency {figures['mean_latency']}"
            )
        self.stdout.write(
            f"  Today/floor {result['today_per_floor']:.2f}, "
            f"log POST/floor {result['log_post_per_floor']:.2f}; "
            f"{logged['expected']} logs posted and answered (+{in_flight} still on their way "
            f"when wrk stopped), {after - before} new rows, {once} stored once, {twice} more "
            f"than once: {'PASS' if result['every_log_stored_once'] else 'FAIL'}"
        )
        if logged["after_running_out"]:
            self.stdout.write(
                f"  (ran out of free sessions after {len(posts)}: a larger data set posts more)"
            )
        return result

    def settled_count(self, stage: Stage) -> int:
        """The number of logged sessions once the requests wrk left on their way are done."""
        count = SessionLog.objects.using(stage.alias).count()
        while True:
            time.sleep(1)
            again = SessionLog.objects.using(stage.alias).count()
            if again == count:
                return count
            count = again

    # PDF burst --------------------------------------------------------------------------

    def pdf_burst(self, stage: Stage) -> dict[str, Any]:
        """The clinician's dashboard, p95, alone and while 12 handout downloads (two at once by
        each of six patients, fresh renders) run."""
        dashboard = stage.browser("clinician")
        for _ in range(WARM_UP):
            dashboard.get("/dashboard/")
        quiet = [dashboard.get("/dashboard/").seconds for _ in range(self.requests)]

        programs = [program for _, program in stage.facts.burst]
        Program.objects.using(stage.alias).filter(pk__in=programs).update(
            revision=F("revision") + 1
        )
        answers: list[int] = []
        port = stage.port

        def download(cookie: str, program: int) -> None:
            answer = Browser(port, {"sessionid": cookie}).get(f"/my/programs/{program}/handout.pdf")
            answers.append(answer.status)

        workers = [
            threading.Thread(target=download, args=pair)
            for pair in stage.facts.burst
            for _ in range(2)
        ]
        for worker in workers:
            worker.start()
        busy: list[float] = []
        while any(worker.is_alive() for worker in workers):
            busy.append(dashboard.get("/dashboard/").seconds)
        for worker in workers:
            worker.join()
        result: dict[str, Any] = {
            "downloads": len(workers),
            "download_statuses": {str(s): answers.count(s) for s in sorted(set(answers))},
            "quiet_p95_ms": bench.p95_ms(quiet),
            "burst_p95_ms": bench.p95_ms(busy) if busy else None,
            "burst_samples": len(busy),
        }
        result["ratio"] = bench.ratio(result["burst_p95_ms"], result["quiet_p95_ms"])
        self.stdout.write(
            f"PDF burst on {stage.name}: dashboard p95 {result['quiet_p95_ms']:.0f} ms alone, "
            f"{result['burst_p95_ms'] or 0:.0f} ms during {len(workers)} handout downloads "
            f"({len(busy)} requests; downloads answered {result['download_statuses']}): "
            f"ratio {result['ratio'] or 0:.2f} (target at most 2)"
        )
        return result

    # Two app servers --------------------------------------------------------------------

    def two_servers(self, stage: Stage) -> list[dict[str, Any]]:
        """A second gunicorn on the same database sees what the first one made."""
        checks: list[dict[str, Any]] = []

        def check(name: str, passed: bool) -> None:
            checks.append({"check": name, "passed": passed})
            self.stdout.write(f"  {'PASS' if passed else 'FAIL'}  {name}")

        self.stdout.write(f"Two app servers on the {stage.name} database:")
        with Server(self.env(stage), self.logs / "second.log") as second:
            one = Browser(stage.port)
            one.sign_in(stage.facts.clinician)
            check(
                "a sign-in through one is signed in through the other",
                one.through(second.port).get(FLOOR).status == 200,
            )

            free = stage.free.pop()
            patient = stage.patient_browser(free.patient)
            posted = patient.post(free.path, free.form(uuid.uuid4()))
            seen = patient.through(second.port).get(posted.location) if posted.location else None
            check(
                "a session logged through one is shown through the other",
                posted.status == 302 and seen is not None and seen.status == 200,
            )

            # From an address of its own (behind the proxy, the last X-Forwarded-For entry),
            # so the lock touches nothing else the benchmark does.
            address = {"X-Forwarded-For": f"198.51.100.{uuid.uuid4().int % 250 + 1}"}
            target = bench.email("patient3")
            for _ in range(5):
                Browser(stage.port).sign_in(target, "not-the-password", address)
            refused = Browser(second.port).sign_in(target, bench.PASSWORD, address)
            check(
                "an account throttled through one is throttled through the other",
                refused.status == 200 and b"Too many failed sign-in attempts" in refused.body,
            )

            clinician = stage.browser("clinician")
            made = clinician.post(
                f"/programs/{stage.facts.discharged}/discharge-summary/regenerate/", {}
            )
            path = f"/programs/{stage.facts.discharged}/discharge-summary.pdf"
            here, there = clinician.get(path), clinician.through(second.port).get(path)
            check(
                "a discharge summary stored through one is downloaded through the other",
                made.status == 302
                and here.status == there.status == 200
                and here.body == there.body
                and here.body.startswith(b"%PDF"),
            )
        connections.close_all()
        return checks


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def wrk_script(
    entries: list[tuple[str, str, str, str]], cycle: bool, expect: int, location: str
) -> str:
    """A wrk script that shares `entries` out among wrk's threads (thread n takes every n-th),
    counts the answers that were as expected, and prints the counts as `BENCH ok=.. ...`."""
    rows = ",\n".join("{" + ", ".join(lua_string(part) for part in e) + "}" for e in entries)
    return f"""
local entries = {{
{rows}
}}
local cycle = {"true" if cycle else "false"}
local expect = {expect}
local location = {lua_string(location)}
local threads = {{}}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local count = tonumber(args[1])
  mine = {{}}
  local first, step = id + 1, count
  if cycle and #entries < count then
    first, step = 1, 1  -- too few to share out: every thread sends them all in turn
  end
  for i = first, #entries, step do
    local e = entries[i]
    local headers = {{["Cookie"] = e[3]}}
    local body = nil
    if e[1] == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      body = e[4]
    end
    table.insert(mine, wrk.format(e[1], e[2], headers, body))
  end
  position = 0
  ok, bad, fallback = 0, 0, 0
end

function request()
  position = position + 1
  if position > #mine then
    if cycle and #mine > 0 then
      position = 1
    else
      return wrk.format("GET", "/healthz")
    end
  end
  return mine[position]
end

function response(status, headers, body)
  if status == 200 and body == "ok" then
    fallback = fallback + 1
  elseif status == expect and (location == "" or
      string.find(headers["Location"] or "", location, 1, true)) then
    ok = ok + 1
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_bad, total_fallback = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_bad = total_bad + thread:get("bad")
    total_fallback = total_fallback + thread:get("fallback")
  end
  io.write(string.format("BENCH ok=%d bad=%d fallback=%d\\n", total_ok, total_bad,
    total_fallback))
end
"""
