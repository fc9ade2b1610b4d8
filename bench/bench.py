#!/usr/bin/env python3
"""tagmirror's benchmark driver.  Run it through bench/run.sh (bench/README.md).

Every measurement gets a fresh source and destination docker-registry on
127.0.0.1 (the source's storage a hard-linked copy of a seeded template), with
the access log on: requests are counted from the registries' own logs, not by
a proxy, so nothing sits between the copier and the registries.  Wall time
is the copier's; peak RSS comes from GNU time (wait4() on a child of Python
would report Python's own RSS, which exec keeps); bytes moved are the loopback
interface's received bytes during the run (TCP/IP headers included), exact
when run.sh put the bench in its own network namespace.
"""

import argparse
import collections
import concurrent.futures
import fnmatch
import hashlib
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

ACCEPT = ", ".join((
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json"))
ACCESS_RE = re.compile(r'^\S+ - \S+ \[[^]]*\] "(\w+) (\S+) [^"]*" (\d+) (\d+)')
MIB = 1 << 20
TOOLS = ("tagmirror", "skopeo", "floor")
FSSEED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fsseed.py")


def die(msg):
    print("bench: error: %s" % msg, file=sys.stderr)
    sys.exit(1)


def log(msg):
    print("bench: %s" % msg, file=sys.stderr, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def lo_bytes():
    """Bytes received on the loopback interface so far."""
    with open("/proc/net/dev") as f:
        for line in f:
            name, _, rest = line.partition(":")
            if name.strip() == "lo":
                return int(rest.split()[0])
    return 0


def head_digest(conn, repo, ref):
    conn.request("HEAD", "/v2/%s/manifests/%s" % (repo, ref), headers={"Accept": ACCEPT})
    r = conn.getresponse()
    r.read()
    return r.status, r.getheader("Docker-Content-Digest")


def wait_until(seconds, cond, step=0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(step)
    return cond()


def proc_cpu(pid, tid=None):
    """User + system CPU seconds of a process (or of one of its threads)."""
    path = "/proc/%d/stat" % pid if tid is None else "/proc/%d/task/%d/stat" % (pid, tid)
    with open(path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop_process(proc):
    """Terminate a helper process, killing it if it lingers."""
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Registry:
    """One docker-registry process on a free loopback port."""

    def __init__(self, root, name, storage):
        self.dir = os.path.join(root, name)
        self.storage = storage
        os.makedirs(self.dir, exist_ok=True)
        self.log = os.path.join(self.dir, "log")
        self.proc = None
        self.port = None

    def start(self):
        self.port = free_port()
        cfg = os.path.join(self.dir, "config.yml")
        with open(cfg, "w") as f:
            f.write("version: 0.1\n"
                    "log: {level: error, accesslog: {disabled: false}}\n"
                    "storage:\n"
                    "  filesystem: {rootdirectory: %s}\n"
                    "  delete: {enabled: true}\n"
                    "  maintenance: {uploadpurging: {enabled: false}}\n"
                    "http:\n"
                    "  addr: 127.0.0.1:%d\n" % (self.storage, self.port))
        out = open(self.log, "ab")
        self.proc = subprocess.Popen(["docker-registry", "serve", cfg], stdout=out,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        out.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/v2/")
                if c.getresponse().status == 200:
                    c.close()
                    return self
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        die("registry did not start: %s" % self.tail())

    @property
    def addr(self):
        return "127.0.0.1:%d" % self.port

    def tail(self):
        try:
            with open(self.log, "rb") as f:
                return f.read()[-400:].decode("utf-8", "replace")
        except OSError:
            return ""

    def mark(self):
        return os.path.getsize(self.log)

    def requests(self, since):
        """(Counter of (method, kind), bytes of GET bodies served) for the
        access-log lines after since."""
        c = collections.Counter()
        served = 0
        with open(self.log, "rb") as f:
            f.seek(since)
            for raw in f:
                m = ACCESS_RE.match(raw.decode("utf-8", "replace"))
                if not m:
                    continue
                method, path = m.group(1), m.group(2).split("?")[0]
                if path.rstrip("/") == "/v2":
                    kind = "ping"
                elif path.endswith("/tags/list"):
                    kind = "list"
                elif "/manifests/" in path:
                    kind = "manifest"
                elif "/blobs/uploads" in path:
                    kind = "upload"
                elif "/blobs/" in path:
                    kind = "blob"
                else:
                    kind = "other"
                c[(method, kind)] += 1
                if method == "GET" and kind in ("blob", "manifest"):
                    served += int(m.group(4))
        return c, served

    def stop(self):
        stop_process(self.proc)
        self.proc = None


# Docker Hub's answer to a manifest request: the pull budget, which makes
# a client that honours it spend GETs only where it must.
HUB_RULES = [{"match": "/manifests/", "action": "headers",
              "headers": {"RateLimit-Limit": "100000;w=21600",
                          "RateLimit-Remaining": "99999;w=21600"}}]


class Proxy:
    """tests/bed/faultproxy.py in front of a registry: the network loopback
    does not have.  Either rules (scenario 2's delay on every request) or a
    WAN link (--rtt, --rate: scenario 5), or both."""

    def __init__(self, root, name, upstream, script, rules=(), link=()):
        self.dir = os.path.join(root, name)
        os.makedirs(self.dir, exist_ok=True)
        self.upstream, self.script = upstream, script
        self.rules, self.link = list(rules), list(link)
        self.proc = None
        self.port = None

    def start(self):
        rules = os.path.join(self.dir, "rules.json")
        with open(rules, "w") as f:
            json.dump(self.rules, f)
        port_file = os.path.join(self.dir, "port")
        out = open(os.path.join(self.dir, "log"), "ab")
        self.proc = subprocess.Popen([sys.executable, self.script, "--upstream",
                                      "http://" + self.upstream.addr, "--port-file",
                                      port_file, "--rules", rules] + self.link,
                                     stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        out.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.proc.poll() is None:
            if os.path.exists(port_file):
                with open(port_file) as f:
                    self.port = int(f.read())
                return self
            time.sleep(0.05)
        die("proxy did not start: %s" % self.dir)

    @property
    def addr(self):
        return "127.0.0.1:%d" % self.port

    def stop(self):
        stop_process(self.proc)
        self.proc = None


class Result:
    def __init__(self, scenario, tool, run):
        self.scenario, self.tool, self.run = scenario, tool, run
        self.wall = self.rss_kib = self.bytes = self.cpu = None
        self.src = collections.Counter()
        self.dst = collections.Counter()
        self.served = 0         # GET body bytes the source served: data copied
        self.main_cpu = None    # the TUI's main thread (scenario 6's TUI row)
        self.rc = None
        self.ok = True
        self.note = ""

    def requests(self):
        return sum(self.src.values()) + sum(self.dst.values())

    def probes(self):
        """The push check's upload: a POST the copier cancels with a DELETE,
        once per run (tagmirror's preflight), not per tag."""
        return 2 * self.dst[("DELETE", "upload")]

    def blob_requests(self):
        return sum(n for (m, k), n in (self.src + self.dst).items()
                   if k in ("blob", "upload")) - self.probes()

    def pulls(self):
        """Manifest GETs at the source: what Docker Hub meters (HEADs are free)."""
        return self.src[("GET", "manifest")]

    def tag_requests(self):
        """Requests that scale with the tags: all but listing, /v2/ probes and
        the push check."""
        return sum(n for (m, k), n in (self.src + self.dst).items()
                   if k not in ("list", "ping")) - self.probes()

    def as_json(self):
        d = dict(self.__dict__)
        d["src"] = {"%s %s" % k: v for k, v in self.src.items()}
        d["dst"] = {"%s %s" % k: v for k, v in self.dst.items()}
        return d


def measure(res, cmd, env, regs, logdir, stdin=None, timeout=3600):
    """Run cmd once; fill res with wall time, peak RSS, bytes, requests."""
    marks = [(r, r.mark()) for r in regs]
    name = "%s-%s-%d" % (res.scenario, res.tool, res.run)
    rss_path = os.path.join(logdir, name + ".rss")
    cmd = ["/usr/bin/time", "-f", "%M %U %S", "-o", rss_path] + cmd
    out = open(os.path.join(logdir, name + ".out"), "wb")
    err_path = os.path.join(logdir, name + ".err")
    err = open(err_path, "wb")
    fin = open(stdin, "rb") if stdin else subprocess.DEVNULL
    lo0 = lo_bytes()
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, env=env, stdin=fin, stdout=out, stderr=err)
    timer = threading.Timer(timeout, p.kill)
    timer.start()
    p.wait()
    res.wall = time.monotonic() - t0
    timer.cancel()
    res.bytes = lo_bytes() - lo0
    try:
        with open(rss_path) as f:
            rss, user, system = f.read().splitlines()[-1].split()
        res.rss_kib, res.cpu = int(rss), float(user) + float(system)
    except (OSError, ValueError, IndexError):
        res.rss_kib, res.cpu = 0, 0.0
    res.rc = p.returncode
    for f in (out, err) + ((fin,) if stdin else ()):
        f.close()
    if len(regs) >= 1:
        res.src, res.served = regs[0].requests(marks[0][1])
    if len(regs) >= 2:
        res.dst = regs[1].requests(marks[1][1])[0]
    if res.rc != 0:
        res.ok = False
        with open(err_path, "rb") as f:
            tail = f.read()[-300:].decode("utf-8", "replace").strip().splitlines()
        res.note = "exit %d: %s" % (res.rc, tail[-1] if tail else "")
    return res


class Bench:
    def __init__(self, a):
        self.a = a
        self.root = a.work
        self.logs = os.path.join(self.root, "logs")
        os.makedirs(self.logs, exist_ok=True)
        self.results = []
        self.facts = {}         # scenario -> dict of numbers for the table
        self.env = dict(os.environ)
        home = os.path.join(self.root, "home")
        os.makedirs(home, exist_ok=True)
        self.env.update(HOME=home, XDG_STATE_HOME=os.path.join(home, "state"),
                        XDG_CONFIG_HOME=os.path.join(home, "config"),
                        XDG_RUNTIME_DIR=os.path.join(home, "run"),
                        TZ="UTC", LC_ALL="C.UTF-8", no_proxy="*")
        for v in ("REGISTRY_AUTH_FILE", "DOCKER_CONFIG", "REPO_MIRROR_ROLLBACK",
                  "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
            self.env.pop(v, None)
        os.makedirs(self.env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
        self.seq = 0
        self.templates = {}     # seed name -> (storage, report)

    # --- helpers -----------------------------------------------------------

    def tmp(self, name):
        self.seq += 1
        d = os.path.join(self.root, "%s-%d" % (name, self.seq))
        os.makedirs(d)
        return d

    def seed(self, name, tags, repo, extra=(), direct=False):
        """A template storage seeded with tags; returns (storage dir, seed
        report).  Seeded once per bench run, or once ever with --cache: the
        registry's storage and seed.py's report are kept under a key made of
        the seeder itself and its arguments, so a changed seeder re-seeds.
        direct: written as files by fsseed.py, not pushed by seed.py."""
        tagfile = os.path.join(self.root, "tpl-%s.tags" % name)
        with open(tagfile, "w") as f:
            f.write("".join(t + "\n" for t in tags))
        argv = ["--repo", repo, "--tags-file", tagfile, "--jobs", "8"] + list(extra)
        if name in self.templates:
            return self.templates[name]
        base = os.path.join(self.root, "tpl-" + name)
        if self.a.cache:
            h = hashlib.sha256()
            for py in [self.a.seed_py] + ([FSSEED] if direct else []):
                with open(py, "rb") as f:
                    h.update(f.read())
            h.update(json.dumps([argv[:2] + argv[4:], tags]).encode())
            base = os.path.join(self.a.cache, "%s-%s" % (name, h.hexdigest()[:16]))
        storage, report = base + "/storage", base + "/seed.out"
        if not os.path.exists(report):
            self.seed_into(name, base, argv, len(tags), direct)
        else:
            log("seed %s: %d tags from the cache %s" % (name, len(tags), base))
        self.templates[name] = (storage, report)
        return storage, report

    def seed_into(self, name, base, argv, ntags, direct):
        tmp = base + ".tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(tmp + "/storage")
        t0 = time.monotonic()
        if direct:
            try:
                subprocess.run([sys.executable, FSSEED, "--storage", tmp + "/storage",
                                "--out", tmp + "/seed.out"] + argv, check=True,
                               env=self.env)
            except subprocess.CalledProcessError:
                die("seeding %s failed" % name)
        reg = Registry(tmp, "reg", tmp + "/storage").start()
        try:
            if direct:
                self.check_seeded(name, reg, argv[1], tmp + "/seed.out")
            else:
                subprocess.run([sys.executable, self.a.seed_py, "--registry", reg.addr,
                                "--out", tmp + "/seed.out"] + argv, check=True,
                               env=self.env)
        except subprocess.CalledProcessError:
            die("seeding %s failed" % name)
        finally:
            reg.stop()
        shutil.rmtree(tmp + "/reg", ignore_errors=True)
        shutil.rmtree(base, ignore_errors=True)
        os.replace(tmp, base)
        log("seeded %s: %d tags in %.1f s" % (name, ntags, time.monotonic() - t0))

    def check_seeded(self, name, reg, repo, report):
        """A storage written by fsseed.py is one the registry serves: its
        tag list holds every seeded tag, and skopeo reads some of them (every
        100th, its manifest's digest the seeded one, its config blob too)."""
        with open(report) as f:
            rows = [line.split() for line in f]
        c = http.client.HTTPConnection("127.0.0.1", reg.port, timeout=60)
        c.request("GET", "/v2/%s/tags/list" % repo)
        r = c.getresponse()
        listed = set(json.loads(r.read()).get("tags") or []) if r.status == 200 else set()
        c.close()
        if listed != {t for t, _, _ in rows}:
            die("seeded %s: the tag list has %d of %d tags" % (name, len(listed), len(rows)))
        bad = self.skopeo_sample(reg, repo, report)
        if bad:
            die("seeded %s: skopeo cannot read %s as seeded" % (name, bad))

    def skopeo_sample(self, reg, repo, report):
        """skopeo, an independent client, reads every 100th tag of report at
        reg/repo: its manifest's digest the seeded one, its config blob.
        The first tag that fails, or None."""
        with open(report) as f:
            rows = [line.split() for line in f]
        for tag, digest, _ in rows[::100]:
            ref = "docker://%s/%s:%s" % (reg.addr, repo, tag)
            raw = subprocess.run(["skopeo", "inspect", "--raw", "--tls-verify=false", ref],
                                 capture_output=True, env=self.env).stdout
            cfg = subprocess.run(["skopeo", "inspect", "--config", "--tls-verify=false",
                                  ref], capture_output=True, env=self.env)
            if "sha256:" + hashlib.sha256(raw).hexdigest() != digest or cfg.returncode:
                return tag
        return None

    def fresh_pair(self, template):
        """A source with a hard-linked copy of template, an empty destination."""
        d = self.tmp("m")
        src_store, dst_store = os.path.join(d, "src-data"), os.path.join(d, "dst-data")
        subprocess.run(["cp", "-al", template, src_store], check=True)
        os.makedirs(dst_store)
        src = Registry(d, "src", src_store).start()
        dst = Registry(d, "dst", dst_store).start()
        return d, src, dst

    def drop(self, d, regs):
        for r in regs:
            r.stop()
        shutil.rmtree(d, ignore_errors=True)

    def verify(self, res, dst, repo, report):
        """Every seeded tag is at the destination with the seeded digest."""
        c = http.client.HTTPConnection("127.0.0.1", dst.port, timeout=30)
        bad = []
        with open(report) as f:
            for line in f:
                tag, digest, _ = line.split()
                st, got = head_digest(c, repo, tag)
                if st != 200 or got != digest:
                    bad.append(tag)
        c.close()
        if bad:
            res.ok = False
            res.note = (res.note + "; " if res.note else "") + \
                "%d tags missing or wrong at destination (%s...)" % (len(bad), bad[0])

    def tm_ok(self):
        try:
            r = subprocess.run([self.a.tagmirror, "run", "--help"], capture_output=True,
                               env=self.env, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return False
        return r.returncode == 0

    def copy_cmd(self, tool, src, dst, expr, jobs, tagfile, report_path):
        """Argv and stdin of one mirror of src/python to dst/mirror/python."""
        if tool == "tagmirror":
            # jobs 0: tagmirror's own default (its adaptive window).
            return [self.a.tagmirror, "run", src.addr + "/python",
                    dst.addr + "/mirror/python", "--tags", expr] + \
                (["--jobs", str(jobs)] if jobs else []) + \
                ["--report", report_path, "--src-tls-verify=false",
                 "--dest-tls-verify=false"], None
        if tool == "skopeo":
            # Not --scoped: sync appends the source's last path component,
            # so DST/mirror receives mirror/python like the others.
            return ["skopeo", "sync", "--all", "--src", "docker", "--dest", "docker",
                    "--src-tls-verify=false", "--dest-tls-verify=false",
                    src.addr + "/python", dst.addr + "/mirror"], None
        # The floor has no window: jobs 0 (tagmirror's default) gives it 8.
        return [self.a.floor, "-j", str(jobs or 8), src.addr + "/python",
                dst.addr + "/mirror/python"], tagfile

    def tools(self, run):
        ts = [t for t in TOOLS if t != "tagmirror" or self.have_tm]
        # Alternate the order every round so drift does not favour anyone.
        return ts if run % 2 == 0 else ts[::-1]

    # --- scenarios 1 and 2 ---------------------------------------------------

    def python_tags(self):
        """The python-like template: (storage, seed report, tag file, tags)."""
        with open(self.a.tags) as f:
            tags = [l.strip() for l in f if l.strip()]
        pats = self.a.expr.split(",")
        matched = [t for t in tags if any(fnmatch.fnmatchcase(t, p) for p in pats)]
        if self.a.quick:
            matched = matched[::4]
        log("python-like: %d of %d tags match the seed expression" % (len(matched), len(tags)))
        tpl, report = self.seed("python", matched, "python")
        return tpl, report, os.path.join(self.root, "tpl-python.tags"), matched

    def python_like(self):
        tpl, report, tagfile, matched = self.python_tags()
        self.facts["1"] = {"tags": len(matched)}
        warm = "2" in self.a.scenarios
        for run in range(self.a.runs):
            for tool in self.tools(run):
                d, src, dst = self.fresh_pair(tpl)
                try:
                    argv, stdin = self.copy_cmd(tool, src, dst, self.a.expr, self.a.jobs,
                                                tagfile, os.path.join(d, "report.json"))
                    # The cold run fills the destination the warm one needs;
                    # it is a row of the table only when scenario 1 was asked.
                    r = measure(Result("1", tool, run), argv, self.env, [src, dst],
                                self.logs, stdin)
                    self.verify(r, dst, "mirror/python", report)
                    if "1" in self.a.scenarios:
                        self.add(r)
                    if warm:
                        if tool == "floor":
                            argv.insert(1, "-w")
                        r = measure(Result("2", tool, run), argv, self.env, [src, dst],
                                    self.logs, stdin)
                        self.verify(r, dst, "mirror/python", report)
                        bad = self.skopeo_sample(dst, "mirror/python", report)
                        if bad:
                            r.ok = False
                            r.note = (r.note + "; " if r.note else "") + \
                                "skopeo reads %s otherwise at the destination" % bad
                        self.add(r)
                    if warm and self.a.delay_ms > 0:
                        self.warm_far(tool, run, d, src, dst, tagfile, report)
                finally:
                    self.drop(d, [src, dst])

    def warm_far(self, tool, run, d, src, dst, tagfile, report):
        """Scenario 2 again, each request held delay_ms by a proxy on
        either side.  Requests are counted at the registries as before."""
        ms = self.a.delay_ms
        rules = [{"match": ".", "action": "delay", "seconds": ms / 1000.0}]
        px = [Proxy(d, "proxy-" + n, r, self.a.faultproxy, rules).start()
              for n, r in (("src", src), ("dst", dst))]
        try:
            argv, stdin = self.copy_cmd(tool, px[0], px[1], self.a.expr, self.a.jobs,
                                        tagfile, os.path.join(d, "report-far.json"))
            if tool == "floor":
                argv.insert(1, "-w")
            r = measure(Result("2-%dms" % ms, tool, run), argv, self.env, [src, dst],
                        self.logs, stdin)
            self.verify(r, dst, "mirror/python", report)
            self.add(r)
        finally:
            for p in px:
                p.stop()

    # --- scenario 5: across a WAN ----------------------------------------------

    def wan_link(self, d, src, dst):
        """A proxy with the WAN link in front of each registry; the source
        also answers like Docker Hub (a pull budget on manifests)."""
        link = ["--rtt", str(self.a.rtt_ms), "--rate", str(self.a.rate_mbit)]
        hub = HUB_RULES if self.a.hub else []
        return [Proxy(d, "wan-src", src, self.a.faultproxy, hub, link).start(),
                Proxy(d, "wan-dst", dst, self.a.faultproxy, [], link).start()]

    def wan_tools(self, run):
        """tagmirror once per --wan-jobs value (0: "tagmirror", no --jobs),
        skopeo (unless --no-skopeo), the floor."""
        ts = ["tagmirror-j%d" % j if j else "tagmirror" for j in self.a.wan_jobs] \
            if self.have_tm else []
        ts += (["skopeo"] if self.a.skopeo else []) + ["floor"]
        return ts if run % 2 == 0 else ts[::-1]

    def wan_cmd(self, tool, src, dst, expr, tagfile, report_path):
        jobs = self.a.floor_jobs
        if tool.startswith("tagmirror-j"):
            jobs = int(tool[len("tagmirror-j"):])
        elif tool == "tagmirror":
            jobs = 0
        return self.copy_cmd(tool.split("-j")[0], src, dst, expr, jobs, tagfile, report_path)

    def distinct_manifests(self, reg, repo, report):
        """Manifests a copy into an empty destination needs: every distinct
        tag digest and every child of an index, each once."""
        c = http.client.HTTPConnection("127.0.0.1", reg.port, timeout=30)
        seen = set()
        with open(report) as f:
            for line in f:
                _, digest, mt = line.split()
                if digest in seen:
                    continue
                seen.add(digest)
                if mt.endswith("index.v1+json") or mt.endswith("list.v2+json"):
                    c.request("GET", "/v2/%s/manifests/%s" % (repo, digest),
                              headers={"Accept": mt})
                    seen.update(m["digest"] for m in json.loads(c.getresponse().read())
                                ["manifests"])
        c.close()
        return len(seen)

    def wan(self):
        tpl, report, tagfile, matched = self.python_tags()
        self.facts["5"] = {"tags": len(matched)}
        for run in range(self.a.runs):
            for tool in self.wan_tools(run):
                d, src, dst = self.fresh_pair(tpl)
                px = []
                try:
                    if "distinct" not in self.facts["5"]:
                        self.facts["5"]["distinct"] = self.distinct_manifests(
                            src, "python", report)
                    px = self.wan_link(d, src, dst)
                    argv, stdin = self.wan_cmd(tool, px[0], px[1], self.a.expr, tagfile,
                                               os.path.join(d, "report.json"))
                    for sc in ("5-cold", "5-warm"):
                        if sc == "5-warm" and tool == "floor":
                            argv.insert(1, "-w")
                        r = measure(Result(sc, tool, run), argv, self.env, [src, dst],
                                    self.logs, stdin)
                        self.verify(r, dst, "mirror/python", report)
                        bad = self.skopeo_sample(dst, "mirror/python", report)
                        if bad:
                            r.ok = False
                            r.note = (r.note + "; " if r.note else "") + \
                                "skopeo reads %s otherwise at the destination" % bad
                        self.add(r)
                finally:
                    for p in px:
                        p.stop()
                    self.drop(d, [src, dst])
        if self.a.rate_mbit > 0:
            self.wan_big()

    def wan_big(self):
        """Large layers through the capped link: the fraction of the cap, at
        two sizes: 64 MiB, where the start-up's round trips still weigh,
        and 256 MiB, the steady state (2 of 32 MiB with --quick)."""
        for ntags, mib in ((2, 32),) if self.a.quick else ((4, 64), (4, 256)):
            self.wan_big_at(ntags, mib)

    def wan_big_at(self, ntags, mib):
        tags = ["3.12.%d" % i for i in range(ntags)]
        tpl, report = self.seed("wanbig%d-%d" % (mib, ntags), tags, "python",
                                ["--big-layer", str(mib * MIB), "--multiarch-every", "0",
                                 "--alias-every", "0", "--oci-every", "0"])
        tagfile = os.path.join(self.root, "tpl-wanbig%d-%d.tags" % (mib, ntags))
        total = sum(os.path.getsize(os.path.join(dp, f))
                    for dp, _, fs in os.walk(os.path.join(tpl, "docker/registry/v2/blobs"))
                    for f in fs if f == "data")
        sc = "5-big-%d" % mib
        self.facts[sc] = {"tags": ntags, "blob_bytes": total, "mib": mib,
                          "rate": self.a.rate_mbit * 1e6}
        for run in range(self.a.runs):
            for tool in self.wan_tools(run):
                d, src, dst = self.fresh_pair(tpl)
                px = []
                try:
                    px = self.wan_link(d, src, dst)
                    argv, stdin = self.wan_cmd(tool, px[0], px[1], ",".join(tags), tagfile,
                                               os.path.join(d, "report.json"))
                    r = measure(Result(sc, tool, run), argv, self.env, [src, dst],
                                self.logs, stdin)
                    self.verify(r, dst, "mirror/python", report)
                    self.add(r)
                finally:
                    for p in px:
                        p.stop()
                    self.drop(d, [src, dst])

    # --- scenario 6: scale -----------------------------------------------------

    def scale(self):
        """A synthetic repository of N tags (small images, shared base and
        version layers, every 5th an alias, no indexes), cold and warm, and
        N/10 for comparison; then N in the TUI, its CPU from /proc."""
        big = self.a.scale
        for n in (big // 10, big):
            tags = ["3.12.%d" % i for i in range(n)]
            tpl, report = self.seed("scale%d" % n, tags, "python",
                                    ["--multiarch-every", "0", "--jobs", "8"], direct=True)
            self.facts["6-%d" % n] = {"tags": n}
            for run in range(self.a.runs):
                d, src, dst = self.fresh_pair(tpl)
                try:
                    argv, _ = self.copy_cmd("tagmirror", src, dst, "*", self.a.jobs, None,
                                            os.path.join(d, "report.json"))
                    for sc in ("6-%d-cold" % n, "6-%d-warm" % n):
                        r = measure(Result(sc, "tagmirror", run), argv, self.env,
                                    [src, dst], self.logs)
                        self.verify(r, dst, "mirror/python", report)
                        bad = self.skopeo_sample(dst, "mirror/python", report)
                        if bad:
                            r.ok = False
                            r.note = (r.note + "; " if r.note else "") + \
                                "skopeo reads %s otherwise at the destination" % bad
                        self.add(r)
                    if n == big and run == 0 and self.a.tui:
                        self.tui_cpu(tpl, report, n)
                finally:
                    self.drop(d, [src, dst])

    def tui_cpu(self, tpl, report, n):
        """The interactive program mirroring n tags in a tmux pane: its CPU
        (user + system, /proc) over the run, the whole process and its main
        thread (the screen loop; the engine's workers are other threads)."""
        d, src, dst = self.fresh_pair(tpl)
        sock = "tm-bench-%d" % os.getpid()
        tmux = ["tmux", "-L", sock, "-f", "/dev/null"]
        res = Result("6-%d-tui" % n, "tagmirror", 0)
        try:
            cmd = " ".join("'%s'" % a for a in [
                self.a.tagmirror, src.addr + "/python", dst.addr + "/mirror/python",
                "--tags", "*", "--jobs", str(self.a.jobs), "--src-tls-verify=false",
                "--dest-tls-verify=false", "--state-dir", os.path.join(d, "state")])
            subprocess.run(tmux + ["new-session", "-d", "-x", "120", "-y", "40",
                                   "cd '%s' && exec %s 2>'%s/tui.err'" % (d, cmd, d)],
                           check=True, env=self.env)
            pane = lambda: subprocess.run(tmux + ["capture-pane", "-p", "-t", "0"],
                                          capture_output=True, text=True).stdout
            pid = int(subprocess.run(tmux + ["list-panes", "-t", "0", "-F", "#{pane_pid}"],
                                     capture_output=True, text=True).stdout.split()[0])
            if not wait_until(120, lambda: "Matched {0:,} of {0:,}".format(n) in pane()):
                res.ok, res.note = False, "no preview: " + pane()[-300:]
                return
            cpu0, main0, t0 = proc_cpu(pid), proc_cpu(pid, pid), time.monotonic()
            subprocess.run(tmux + ["send-keys", "-t", "0", "C-r"], check=True)
            done = wait_until(3600, lambda: "Done: every matched tag" in pane()
                              or "some tags failed" in pane(), step=0.5)
            res.wall = time.monotonic() - t0
            res.cpu, res.main_cpu = proc_cpu(pid) - cpu0, proc_cpu(pid, pid) - main0
            with open("/proc/%d/status" % pid) as f:
                res.rss_kib = int(re.search(r"VmHWM:\s*(\d+)", f.read()).group(1))
            if not done or "Done: every matched tag" not in pane():
                res.ok, res.note = False, "the run did not finish: " + pane()[-300:]
            self.verify(res, dst, "mirror/python", report)
        finally:
            subprocess.run(tmux + ["kill-server"], capture_output=True)
            self.drop(d, [src, dst])
            res.bytes = 0
            self.add(res)

    # --- scenario 3 ----------------------------------------------------------

    def large(self):
        ntags = 2 if self.a.quick else 4
        sizes = [64] if self.a.quick else [64, 256]
        tags = ["3.12.%d" % i for i in range(ntags)]
        for mib in sizes:
            key = "3-%dM" % mib
            tpl, report = self.seed("big%d" % mib, tags, "python",
                                    ["--big-layer", str(mib * MIB), "--multiarch-every", "0",
                                     "--alias-every", "0", "--oci-every", "0"])
            total = sum(os.path.getsize(os.path.join(dp, f))
                        for dp, _, fs in os.walk(os.path.join(tpl, "docker/registry/v2/blobs"))
                        for f in fs if f == "data")
            self.facts[key] = {"tags": ntags, "blob_bytes": total, "mib": mib}
            log("scenario 3: %d tags, one %d MiB layer each, %.0f MiB of blobs" %
                (ntags, mib, total / MIB))
            tagfile = os.path.join(self.root, "tpl-big%d.tags" % mib)
            for run in range(self.a.runs):
                for tool in self.tools(run):
                    d, src, dst = self.fresh_pair(tpl)
                    try:
                        argv, stdin = self.copy_cmd(tool, src, dst, ",".join(tags), 16,
                                                    tagfile, os.path.join(d, "report.json"))
                        r = measure(Result(key, tool, run), argv, self.env, [src, dst],
                                    self.logs, stdin)
                        self.verify(r, dst, "mirror/python", report)
                        bad = self.skopeo_sample(dst, "mirror/python", report)
                        if bad:
                            r.ok = False
                            r.note = (r.note + "; " if r.note else "") + \
                                "skopeo reads %s otherwise at the destination" % bad
                        self.add(r)
                    finally:
                        self.drop(d, [src, dst])

    # --- scenario 4 ----------------------------------------------------------

    def many_tags(self, n):
        """n realistic, distinct tag names: the real list, then -rN rounds."""
        with open(self.a.all_tags) as f:
            base = [l.strip() for l in f if l.strip()]
        out = []
        for i in range(n):
            t = base[i % len(base)]
            k = i // len(base)
            out.append(t if k == 0 else "%s-r%d" % (t, k))
        return out

    def put_tags(self, reg, repo, tags, mediatype, body):
        """PUT one manifest under every name, 8 connections at once."""
        local = threading.local()

        def put(tag):
            c = getattr(local, "c", None)
            if c is None:
                c = local.c = http.client.HTTPConnection("127.0.0.1", reg.port, timeout=60)
            c.request("PUT", "/v2/%s/manifests/%s" % (repo, tag), body=body,
                      headers={"Content-Type": mediatype})
            r = c.getresponse()
            r.read()
            if r.status != 201:
                raise RuntimeError("PUT %s: HTTP %d" % (tag, r.status))

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            for f in concurrent.futures.as_completed([pool.submit(put, t) for t in tags]):
                f.result()

    def listing(self):
        n = 5000 if self.a.quick else 50000
        storage = os.path.join(self.root, "tpl-many")
        os.makedirs(storage)
        tags = self.many_tags(n)
        reg = Registry(self.root, "tpl-many-reg", storage).start()
        t0 = time.monotonic()
        try:
            one = os.path.join(self.root, "tpl-many.seed")
            subprocess.run([sys.executable, self.a.seed_py, "--registry", reg.addr,
                            "--repo", "many", "--tags", "base", "--multiarch-every", "0",
                            "--out", one], check=True, env=self.env)
            with open(one) as f:
                _, _, mediatype = f.read().split()
            c = http.client.HTTPConnection("127.0.0.1", reg.port)
            c.request("GET", "/v2/many/manifests/base", headers={"Accept": mediatype})
            body = c.getresponse().read()
            c.close()
            self.put_tags(reg, "many", tags, mediatype, body)
        finally:
            reg.stop()
        log("scenario 4: %d tags PUT in %.1f s" % (n + 1, time.monotonic() - t0))
        matched = sum(1 for t in tags + ["base"]
                      if any(fnmatch.fnmatchcase(t, p) for p in self.a.expr.split(",")))
        self.facts["4"] = {"tags": n + 1, "matched": matched}
        # Listing only reads: one seeded storage, a fresh registry process each time.
        for run in range(self.a.runs):
            order = ["tagmirror", "skopeo", "floor"] if self.have_tm else ["skopeo", "floor"]
            for tool in (order if run % 2 == 0 else order[::-1]):
                reg = Registry(self.tmp("l"), "src", storage).start()
                try:
                    if tool == "tagmirror":
                        argv = [self.a.tagmirror, "preview", reg.addr + "/many", "--tags",
                                self.a.expr, "--src-tls-verify=false"]
                    elif tool == "skopeo":
                        argv = ["skopeo", "list-tags", "--tls-verify=false",
                                "docker://%s/many" % reg.addr]
                    else:
                        # The floor: one GET of the whole list, no paging.
                        argv = ["curl", "-sf", "-o", "/dev/null",
                                "http://%s/v2/many/tags/list" % reg.addr]
                    self.add(measure(Result("4", tool, run), argv, self.env, [reg], self.logs))
                finally:
                    reg.stop()
        self.match_bench()

    # --- scenario 7: a set of 4 repositories ----------------------------------

    # Two on one base layer (one --seed), as an org's images often are.
    SET_REPOS = (("lib/a", 1), ("lib/b", 1), ("org/c", 2), ("org/d", 3))

    def seed_set(self, tags):
        """The 4 repositories in one template storage; their seed reports."""
        storage = os.path.join(self.root, "tpl-set")
        os.makedirs(storage)
        reports = {}
        reg = Registry(self.root, "tpl-set-reg", storage).start()
        t0 = time.monotonic()
        try:
            for repo, seed in self.SET_REPOS:
                reports[repo] = os.path.join(self.root, "tpl-set-%s.seed" % repo.replace("/", "_"))
                subprocess.run([sys.executable, self.a.seed_py, "--registry", reg.addr,
                                "--repo", repo, "--tags", ",".join(tags), "--seed", str(seed),
                                "--out", reports[repo], "--jobs", "8"], check=True, env=self.env)
        except subprocess.CalledProcessError:
            die("seeding the set failed")
        finally:
            reg.stop()
        log("scenario 7: 4 repositories of %d tags seeded in %.1f s" % (
            len(tags), time.monotonic() - t0))
        return storage, reports

    def set_cmd(self, tool, yml, dst, report):
        """One skopeo sync YAML: `tagmirror sync --src yaml` or skopeo's own."""
        if tool == "tagmirror":
            return [self.a.tagmirror, "sync", "--src", "yaml", yml, dst.addr + "/mirror",
                    "--report", report]
        return ["skopeo", "sync", "--all", "--src", "yaml", "--dest", "docker",
                "--dest-tls-verify=false", yml, dst.addr + "/mirror"]

    def set_run(self):
        n = 10 if self.a.quick else 40
        tpl, reports = self.seed_set(["1.%d" % i for i in range(n)])
        self.facts["7"] = {"tags": n * len(self.SET_REPOS)}
        for run in range(self.a.runs):
            order = ["tagmirror", "skopeo"] if self.have_tm else ["skopeo"]
            for tool in (order if run % 2 == 0 else order[::-1]):
                d, src, dst = self.fresh_pair(tpl)
                try:
                    yml = os.path.join(d, "set.yaml")
                    with open(yml, "w") as f:
                        f.write("%s:\n  tls-verify: false\n  images:\n" % src.addr +
                                "".join("    %s: []\n" % r for r, _ in self.SET_REPOS))
                    r = measure(Result("7", tool, run),
                                self.set_cmd(tool, yml, dst, os.path.join(d, "report.json")),
                                self.env, [src, dst], self.logs)
                    for repo, _ in self.SET_REPOS:
                        self.verify(r, dst, "mirror/" + repo.split("/")[-1], reports[repo])
                    self.add(r)
                finally:
                    self.drop(d, [src, dst])
        shutil.rmtree(tpl, ignore_errors=True)

    def match_bench(self):
        """Matching 100,000 tags: `make bench-match` (bench/match/), if the tree has it."""
        if not os.path.exists(os.path.join(self.a.srcdir, "bench", "match", "run.sh")):
            self.facts["4"]["match"] = "not measured (no bench/match/ in this tree)"
            return
        r = subprocess.run(["make", "-s", "bench-match"], capture_output=True, text=True,
                           env=self.env, cwd=self.a.srcdir, timeout=600)
        out = [l for l in r.stdout.splitlines() if ":" in l and "ms" in l]
        self.facts["4"]["match"] = "; ".join(out) if r.returncode == 0 and out else \
            "make bench-match failed: %s" % (r.stderr.strip().splitlines() or ["?"])[-1]

    def add(self, r):
        self.results.append(r)
        reqs = "src %d dst %d" % (sum(r.src.values()), sum(r.dst.values()))
        log("scenario %s %-9s run %d: %7.2f s  %s  rss %d KiB  cpu %.2f s  %.1f MB%s" % (
            r.scenario, r.tool, r.run, r.wall, reqs, r.rss_kib, r.cpu, r.bytes / 1e6,
            "" if r.ok else "  FAILED: " + r.note))
        with open(os.path.join(self.root, "results.jsonl"), "a") as f:
            f.write(json.dumps(r.as_json()) + "\n")

    def run(self):
        self.have_tm = self.tm_ok()
        if not self.have_tm:
            log("tagmirror run is not usable yet: measuring skopeo and the floor only")
        s = self.a.scenarios
        if "1" in s or "2" in s:
            self.python_like()
        if "3" in s:
            self.large()
        if "4" in s:
            self.listing()
        if "5" in s:
            self.wan()
        if "6" in s:
            self.scale()
        if "7" in s:
            self.set_run()


# --- the table -------------------------------------------------------------

def med(xs):
    return statistics.median(xs) if xs else None


def fmt_s(x):
    return "-" if x is None else ("%.3f" % x if x < 1 else "%.2f" % x)


def fmt_bytes(b):
    if b is None:
        return "-"
    for unit, div in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if b >= div:
            return "%.1f %s" % (b / div, unit)
    return "%d B" % b


def fmt_ratio(a, b):
    return "-" if a is None or b is None or b == 0 else "%.2f" % (a / b)


SCEN_TITLE = {
    "1": "1 python-like cold",
    "2": "2 warm re-run",
    "4": "4 list/preview",
    "5-cold": "5 WAN cold",
    "5-warm": "5 WAN warm",
    "7": "7 set of 4 repositories",
}


def title(sc):
    if sc in SCEN_TITLE:
        return SCEN_TITLE[sc]
    if sc.startswith("2-"):
        return "2 warm, each request +%s" % sc.split("-")[1]
    if sc.startswith("3-"):
        return "3 large blobs %s" % sc.split("-")[1]
    if sc.startswith("5-big-"):
        return "5 WAN large blobs %s MiB" % sc.split("-")[2]
    _, n, kind = sc.split("-")
    return "6 scale %s tags %s" % ("{:,}".format(int(n)), kind)


def is_tm(tool):
    return tool.startswith("tagmirror")


def per(x, div):
    return "-" if not div else fmt_s(x / div)


def summarise(results, facts):
    """(rows, stats): rows for the table; stats[scenario][tool] medians."""
    by = collections.defaultdict(list)
    for r in results:
        by[(r.scenario, r.tool)].append(r)
    order, tools = [], []
    for r in results:
        order += [r.scenario] if r.scenario not in order else []
        tools += [r.tool] if r.tool not in tools else []
    tools.sort(key=lambda t: (TOOLS.index(t.split("-j")[0]), len(t), t))
    order.sort(key=lambda s: s.split("-")[0])     # stable: run order within one
    stats, rows = {}, []
    for sc in order:
        stats[sc] = {}
        for tool in tools:
            rs = by.get((sc, tool))
            if not rs:
                continue
            good = [r for r in rs if r.ok]
            use = good or rs
            st = {
                "n": len(rs), "failed": len(rs) - len(good),
                "wall": med([r.wall for r in use]),
                "wmin": min(r.wall for r in use), "wmax": max(r.wall for r in use),
                "req": med([r.requests() for r in use]),
                "blobreq": med([r.blob_requests() for r in use]),
                "tagreq": med([r.tag_requests() for r in use]),
                "bytes": med([r.bytes for r in use]),
                "rss": max(r.rss_kib for r in use),
                "cpu": med([r.cpu for r in use]),
                "served": med([r.served for r in use]),
                "pulls": med([r.pulls() for r in use]),
                "main_cpu": med([r.main_cpu for r in use if r.main_cpu is not None]),
                "notes": sorted({r.note for r in rs if r.note}),
            }
            stats[sc][tool] = st
        sk, fl = stats[sc].get("skopeo"), stats[sc].get("floor")
        for tool in tools:
            st = stats[sc].get(tool)
            if st is None:
                continue
            rows.append([
                title(sc), tool,
                "%s (%s-%s)" % (fmt_s(st["wall"]), fmt_s(st["wmin"]), fmt_s(st["wmax"])),
                "%d" % st["req"], "%d" % st["pulls"], fmt_bytes(st["bytes"]),
                "%.1f MiB" % (st["rss"] / 1024), fmt_s(st["cpu"]),
                per(st["cpu"], st["served"] / (1 << 30)), per(st["cpu"], st["req"] / 1000),
                fmt_ratio(st["wall"], sk and sk["wall"]) if is_tm(tool) else "",
                fmt_ratio(st["wall"], fl and fl["wall"]) if is_tm(tool) else "",
                "%d/%d" % (st["n"] - st["failed"], st["n"]),
            ])
    return rows, stats


def md_table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def verdict(ok):
    return "**met**" if ok else "**missed**"


def targets(stats, facts):
    """One line per target of issue #6: measured value and verdict."""
    lines = []

    s1 = stats.get("1", {})
    tm, sk, fl = (s1.get(t) for t in TOOLS)
    if tm and sk and fl:
        lines.append("- scenario 1: %.1fx faster than skopeo sync (target >= 4x) %s; "
                     "%.2fx the floor (target <= 1.10) %s" % (
                         sk["wall"] / tm["wall"], verdict(sk["wall"] / tm["wall"] >= 4),
                         tm["wall"] / fl["wall"], verdict(tm["wall"] / fl["wall"] <= 1.1)))
    s2 = stats.get("2", {})
    tm, sk = s2.get("tagmirror"), s2.get("skopeo")
    if tm and sk:
        ntags = facts["1"]["tags"]
        per = tm["tagreq"] / ntags
        fl = s2.get("floor")
        lines.append("- scenario 2: %.2f requests per tag (target <= 2) %s, plus %d to list "
                     "and probe (the push check's POST and DELETE among them); %d blob requests (target 0) %s; %.1fx faster than skopeo sync "
                     "(target >= 20x) %s%s" % (
                         per, verdict(per <= 2), tm["req"] - tm["tagreq"], tm["blobreq"],
                         verdict(tm["blobreq"] == 0), sk["wall"] / tm["wall"],
                         verdict(sk["wall"] / tm["wall"] >= 20),
                         "; %.2fx the floor of 2 HEADs per tag" % (tm["wall"] / fl["wall"])
                         if fl else ""))
    for sc in (s for s in stats if s.startswith("2-")):
        tm, sk, fl = (stats[sc].get(t) for t in TOOLS)
        if tm and sk:
            lines.append("- scenario 2 with each request held %s (a registry across a "
                         "network): %.1fx faster than skopeo sync (target >= 20x) %s%s" % (
                             sc.split("-")[1], sk["wall"] / tm["wall"],
                             verdict(sk["wall"] / tm["wall"] >= 20),
                             "; %.2fx the floor" % (tm["wall"] / fl["wall"]) if fl else ""))
    rss = []
    for sc in sorted((s for s in stats if s.startswith("3-")), key=lambda s: facts[s]["mib"]):
        tm, fl = stats[sc].get("tagmirror"), stats[sc].get("floor")
        if tm and fl:
            b = facts[sc]["blob_bytes"]
            lines.append("- scenario 3 (%s): tagmirror %.0f MB/s, floor %.0f MB/s: %.0f%% of the "
                         "floor's throughput (target >= 90%%) %s; peak RSS %.1f MiB with 16 jobs "
                         "(target < 64 MiB) %s" % (
                             sc.split("-")[1], b / tm["wall"] / 1e6, b / fl["wall"] / 1e6,
                             100 * fl["wall"] / tm["wall"], verdict(fl["wall"] / tm["wall"] >= 0.9),
                             tm["rss"] / 1024, verdict(tm["rss"] < 64 * 1024)))
            rss.append((facts[sc]["mib"], tm["rss"] / 1024))
    if len(rss) > 1:
        lines.append("- scenario 3: peak RSS by layer size: %s (independent of blob size: %s)" % (
            ", ".join("%d MiB layers -> %.1f MiB" % x for x in rss),
            verdict(max(r for _, r in rss) - min(r for _, r in rss) < 8)))
    s4 = stats.get("4", {})
    tm, sk, fl = (s4.get(t) for t in TOOLS)
    if tm and fl:
        # "Bounded by the registry": within a quarter of one bare GET of the list.
        lines.append("- scenario 4: preview of %d tags took %.2f s against %.2f s for one GET "
                     "of the whole list: %.2fx (target: bounded by the registry, <= 1.25x) %s; "
                     "skopeo list-tags %s s; tagmirror made %d requests" % (
                         facts["4"]["tags"], tm["wall"], fl["wall"], tm["wall"] / fl["wall"],
                         verdict(tm["wall"] / fl["wall"] <= 1.25), fmt_s(sk and sk["wall"]),
                         tm["req"]))
    s7 = stats.get("7", {})
    tm, sk = s7.get("tagmirror"), s7.get("skopeo")
    if tm and sk:
        lines.append("- scenario 7: a set of 4 repositories (%d tags) from one skopeo sync YAML: "
                     "tagmirror sync --src yaml %.1fx faster than skopeo sync --src yaml; "
                     "%d blob requests (GETs and uploads) against %d" % (
                         facts["7"]["tags"], sk["wall"] / tm["wall"], tm["blobreq"],
                         sk["blobreq"]))
    lines += wan_targets(stats, facts) + scale_targets(stats, facts)
    if "4" in facts:
        m = facts["4"].get("match", "-")
        med_ms = re.search(r"median ([\d.]+) ms", m)
        lines.append("- scenario 4: matching 100,000 tags (target < 100 ms)%s: %s" % (
            " " + verdict(float(med_ms.group(1)) < 100) if med_ms else "", m))
    return lines


def wan_targets(stats, facts):
    """Issue #17's targets across the WAN link (scenario 5)."""
    lines = []
    cold, warm = stats.get("5-cold", {}), stats.get("5-warm", {})
    sk, fl, wsk = cold.get("skopeo"), cold.get("floor"), warm.get("skopeo")
    want = facts.get("5", {}).get("distinct")
    for tool in (t for t in cold if is_tm(t)):
        tm, wtm = cold[tool], warm.get(tool)
        if sk:
            lines.append("- scenario 5 cold, %s: %.1fx faster than skopeo sync (target >= 8x) "
                         "%s" % (tool, sk["wall"] / tm["wall"],
                                 verdict(sk["wall"] / tm["wall"] >= 8)))
        if fl:
            lines.append("- scenario 5 cold, %s: %.2fx the floor (target <= 1.05) %s" % (
                tool, tm["wall"] / fl["wall"], verdict(tm["wall"] / fl["wall"] <= 1.05)))
        if wtm and wsk:
            lines.append("- scenario 5 warm, %s: %.1fx faster than skopeo sync (target >= 30x) "
                         "%s" % (tool, wsk["wall"] / wtm["wall"],
                                 verdict(wsk["wall"] / wtm["wall"] >= 30)))
        if want and wtm:
            lines.append("- pull budget, %s: %d manifest GETs cold for %d distinct manifests "
                         "the destination lacks %s, %d warm (target 0) %s; skopeo %s cold, "
                         "%s warm" % (
                             tool, tm["pulls"], want, verdict(tm["pulls"] <= want),
                             wtm["pulls"], verdict(wtm["pulls"] == 0),
                             "%d" % sk["pulls"] if sk else "-",
                             "%d" % wsk["pulls"] if wsk else "-"))
    sizes = sorted(int(k.split("-")[2]) for k in facts if k.startswith("5-big-"))
    for mib in sizes:
        sc = "5-big-%d" % mib
        cap = facts[sc]["rate"]
        for tool, st in stats.get(sc, {}).items():
            frac = facts[sc]["blob_bytes"] * 8 / st["wall"] / cap
            # The target is the steady state: judged at the largest size,
            # where the start-up's round trips weigh least.
            judge = is_tm(tool) and mib == sizes[-1]
            lines.append("- scenario 5 large blobs (%d x %d MiB), %s: %.0f Mbit/s of the "
                         "%.0f Mbit/s cap: %.0f%%%s" % (
                             facts[sc]["tags"], mib, tool, frac * cap / 1e6, cap / 1e6,
                             100 * frac, " (target >= 95%%) %s" % verdict(frac >= 0.95)
                             if judge else ""))
    return lines


def scale_targets(stats, facts):
    """Issue #17's targets at scale (scenario 6)."""
    lines = []
    ns = sorted(int(k.split("-")[1]) for k in facts if k.startswith("6-"))
    if len(ns) == 2:
        small, big = ns
        for kind in ("cold", "warm"):
            a = stats.get("6-%d-%s" % (small, kind), {}).get("tagmirror")
            b = stats.get("6-%d-%s" % (big, kind), {}).get("tagmirror")
            if a and b:
                ratio = (b["wall"] / big) / (a["wall"] / small)
                lines.append("- scenario 6 %s: %.2f ms per tag at %d tags, %.2f ms at %d: "
                             "%.2fx (target <= 1.2x) %s; CPU %.2f ms per tag against %.2f" % (
                                 kind, 1000 * b["wall"] / big, big, 1000 * a["wall"] / small,
                                 small, ratio, verdict(ratio <= 1.2), 1000 * b["cpu"] / big,
                                 1000 * a["cpu"] / small))
        rss = max((stats.get("6-%d-%s" % (big, k), {}).get("tagmirror") or {"rss": 0})["rss"]
                  for k in ("cold", "warm", "tui"))
        if rss:
            lines.append("- scenario 6: peak RSS at %d tags %.1f MiB (target < 64 MiB) %s" % (
                big, rss / 1024, verdict(rss < 64 * 1024)))
        tui = stats.get("6-%d-tui" % big, {}).get("tagmirror")
        cold = stats.get("6-%d-cold" % big, {}).get("tagmirror")
        if tui and tui["main_cpu"] is not None:
            own = tui["main_cpu"] / tui["wall"]
            lines.append("- scenario 6: the TUI mirroring %d tags: its screen thread used "
                         "%.1f%% of a core (target < 10%%) %s; the whole process %.2f s of "
                         "CPU in %.1f s%s" % (
                             big, 100 * own, verdict(own < 0.10), tui["cpu"], tui["wall"],
                             "; the headless run %.2f s in %.1f s" % (cold["cpu"], cold["wall"])
                             if cold else ""))
    return lines


def machine():
    def run(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True,
                                  timeout=20).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem = int(f.readline().split()[1]) / (1 << 20)
    return [
        "- CPU: %s, %d cores (nproc); RAM %.1f GiB; kernel %s" % (
            cpu, os.cpu_count(), mem, platform.release()),
        "- %s; %s; %s" % (run(["docker-registry", "--version"]), run(["skopeo", "--version"]),
                          run(["curl", "--version"])),
    ]


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def render(a, results, facts, started, load0):
    rows, stats = summarise(results, facts)
    head = ["scenario", "tool", "wall s, median (min-max)", "requests", "manifest GETs",
            "bytes moved", "peak RSS", "CPU s", "CPU s/GiB", "CPU s/1k req", "tm/skopeo",
            "tm/floor", "ok runs"]
    tmv = "?"
    try:
        tmv = subprocess.run([a.tagmirror, "--version"], capture_output=True, text=True,
                             timeout=10).stdout.strip().split(" (")[0] or "?"
    except OSError:
        pass
    commit = "?"
    try:
        commit = subprocess.run(["git", "-C", a.srcdir, "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", a.srcdir, "status", "--porcelain"],
                               capture_output=True, text=True, timeout=30).stdout.strip()
        if dirty:
            commit += " + uncommitted changes"
    except OSError:
        pass
    lines = [
        "Measured %s with `%s` (%d runs each, alternating, medians; "
        "jobs %d for scenarios 1-2 and 6, 16 for 3; scenario 5: link %g ms round trip, "
        "%g Mbit/s each way per registry, tagmirror jobs %s, floor jobs %d%s; %s)." % (
            time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
            " ".join(["sh bench/run.sh"] + a.argv),
            a.runs, a.jobs, a.rtt_ms, a.rate_mbit, ",".join(map(str, a.wan_jobs)),
            a.floor_jobs, ", source announcing a pull budget" if a.hub else "",
            "own network namespace: bytes are exact" if os.environ.get("BENCH_NETNS") == "1"
            else "shared loopback: bytes include other traffic"),
        "",
        "- tagmirror: %s, tree %s" % (tmv, commit),
        "- load average (1, 5, 15 min) at start: %s; at end: %s" % (load0, loadavg()),
    ] + machine() + ["", md_table(head, rows), "", "Targets of issues #6 and #17:", ""]
    lines += targets(stats, facts) or ["- (no target measurable in this run)"]
    notes = sorted({"%s %s: %s" % (r.scenario, r.tool, r.note) for r in results if r.note})
    if notes:
        lines += ["", "Failures:", ""] + ["- " + n for n in notes[:20]]
    return "\n".join(lines) + "\n"


def write_results(path, text):
    """Replace the generated part of RESULTS.md, keep the analysis around it."""
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    old = ""
    if os.path.exists(path):
        with open(path) as f:
            old = f.read()
    if begin in old and end in old:
        new = old[:old.index(begin) + len(begin)] + "\n" + text + old[old.index(end):]
    else:
        new = "# Benchmark results\n\n%s\n%s%s\n" % (begin, text, end)
    with open(path + ".tmp", "w") as f:
        f.write(new)
    os.replace(path + ".tmp", path)


def main(argv):
    p = argparse.ArgumentParser(prog="bench/run.sh")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--runs", type=int)
    p.add_argument("--scenario", default="1,2,3,4,5,6,7")
    p.add_argument("--jobs", type=int, default=8,
                   help="scenarios 1-2: tagmirror's --jobs (0: none, its adaptive window)")
    p.add_argument("--delay-ms", type=int, default=20,
                   help="scenario 2 again with each request held this long (0: skip)")
    p.add_argument("--rtt-ms", type=float, default=50,
                   help="scenario 5: round trip per request and connection")
    p.add_argument("--rate-mbit", type=float, default=200,
                   help="scenario 5: bandwidth per registry and direction (0: none)")
    p.add_argument("--wan-jobs", help="scenario 5: tagmirror's --jobs, a list (8,16,32)")
    p.add_argument("--floor-jobs", type=int, default=16, help="scenario 5: the floor's")
    p.add_argument("--no-skopeo", dest="skopeo", action="store_false",
                   help="scenario 5: leave skopeo out (working runs)")
    p.add_argument("--no-hub", dest="hub", action="store_false",
                   help="scenario 5: the source does not announce a pull budget")
    p.add_argument("--scale", type=int, help="scenario 6: tags (10000; 2000 with --quick)")
    p.add_argument("--no-tui", dest="tui", action="store_false",
                   help="scenario 6: skip the run in the TUI")
    p.add_argument("--cache", default="", help="keep seeded templates here across runs")
    p.add_argument("--results", help="write the table into this RESULTS.md")
    p.add_argument("--work", required=True)
    p.add_argument("--srcdir", required=True)
    p.add_argument("--tagmirror", required=True)
    p.add_argument("--floor", required=True)
    p.add_argument("--tags", required=True)
    p.add_argument("--all-tags", required=True)
    p.add_argument("--expr", required=True)
    p.add_argument("--argv", default="")
    a = p.parse_args(argv)
    a.argv = a.argv.split()
    a.runs = a.runs or (1 if a.quick else 5)
    a.scenarios = set(a.scenario.split(","))
    if not a.scenarios <= set("1234567") or a.runs < 1:
        p.error("--scenario takes a list of 1,2,3,4,5,6,7; --runs a positive number")
    try:
        a.wan_jobs = [int(j) for j in (a.wan_jobs or ("16" if a.quick else "8,16,32"))
                      .split(",")]
    except ValueError:
        p.error("--wan-jobs takes a list of numbers (0: no --jobs)")
    a.scale = a.scale or (2000 if a.quick else 10000)
    a.seed_py = os.path.join(a.srcdir, "tests", "bed", "seed.py")
    a.faultproxy = os.path.join(a.srcdir, "tests", "bed", "faultproxy.py")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started, load0 = time.time(), loadavg()
    b = Bench(a)
    try:
        b.run()
    finally:
        text = render(a, b.results, b.facts, started, load0)
        print(text)
        if a.results:
            write_results(a.results, text)
            log("table written to %s" % a.results)
    return 0 if all(r.ok for r in b.results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
