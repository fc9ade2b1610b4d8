#!/usr/bin/env python3
"""A fault-injecting HTTP proxy in front of a real registry.

Test-bed tool for tagmirror (python3 standard library only).  Forwards every
request to --upstream, streaming bodies both ways, and applies the first
active rule that matches 'METHOD /path?query'.  With --bearer it also plays
Docker Hub's token auth in front of an unauthenticated registry.  Control API
under /__proxy/ on the same port.  See tests/bed/README.md for the rule
format.
"""

import argparse
import base64
import collections
import hmac
import http.client
import http.server
import json
import os
import re
import secrets
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.parse

PIECE = 64 << 10            # streaming unit for bodies
LOG_KEEP = 100000           # entries kept for /__proxy/stats
TOKEN_TTL = 300
HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
       "te", "trailer", "trailers", "transfer-encoding", "upgrade", "expect", "host",
       "content-length", "proxy-connection"}
ACTIONS = {"status", "retry_after", "reset", "corrupt", "delay", "respond",
           "headers", "expire_tokens", "close", "cut"}
SERVICE = "tagmirror-proxy"
V2_REPO = re.compile(r"^/v2/(.+?)/(manifests|blobs|tags)/")
REFERRERS = re.compile(r"^/v2/(.+?)/referrers/(sha256:[0-9a-f]{64})$")
OCI_INDEX = "application/vnd.oci.image.index.v1+json"


class Abort(Exception):
    """The connection to the client is gone or was cut on purpose."""


class RuleError(Exception):
    pass


class Bucket:
    """A token bucket shared by every connection: one direction of a link
    of rate bytes/s.  Each piece reserves its transmission time on a
    virtual clock; idle time earns at most BURST seconds of credit."""

    BURST = 0.02

    def __init__(self, rate):
        self.rate = rate
        self.lock = threading.Lock()
        self.clock = 0.0

    def take(self, n):
        with self.lock:
            now = time.monotonic()
            self.clock = max(self.clock, now - self.BURST) + n / self.rate
            wait = self.clock - now
        if wait > 0:
            time.sleep(wait)


class Link:
    """The network between client and registry (--rtt, --rate): a round
    trip per request and per new connection (the TCP handshake), and a
    bandwidth cap per direction shared by all connections."""

    def __init__(self, rtt_ms, rate_mbit):
        self.rtt = rtt_ms / 1000.0
        rate = rate_mbit * 1e6 / 8
        self.up = Bucket(rate) if rate > 0 else None
        self.down = Bucket(rate) if rate > 0 else None

    def round_trip(self):
        if self.rtt > 0:
            time.sleep(self.rtt)

    def send(self, bucket, n):
        if bucket is not None and n:
            bucket.take(n)


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, "%s: error: %s\n" % (self.prog, message))


class Rule:
    def __init__(self, spec):
        if not isinstance(spec, dict):
            raise RuleError("a rule must be an object")
        self.spec = spec
        self.action = spec.get("action")
        if self.action not in ACTIONS:
            raise RuleError("unknown action %r" % (self.action,))
        try:
            self.match = re.compile(spec.get("match", ""))
        except (re.error, TypeError) as e:
            raise RuleError("bad match regex: %s" % e)
        self.times = spec.get("times")
        self.skip = spec.get("skip", 0)
        for k in ("times", "skip"):
            v = spec.get(k)
            if v is not None and (not isinstance(v, int) or v < 0):
                raise RuleError("%s must be a non-negative integer" % k)
        for k in ("status", "seconds", "after_bytes", "offset", "count", "rate", "at"):
            v = spec.get(k)
            if k == "seconds" and self.action == "retry_after" and isinstance(v, str):
                continue        # sent verbatim: an HTTP date
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
                raise RuleError("%s must be a number" % k)
        for k in ("headers", "body_repeat"):
            if k in spec and not isinstance(spec[k], dict):
                raise RuleError("%s must be an object" % k)
        drop = spec.get("drop_headers", [])
        if not isinstance(drop, list) or not all(isinstance(h, str) for h in drop):
            raise RuleError("drop_headers must be a list of header names")
        self.drop = {h.lower() for h in drop}
        if self.action == "cut":
            if not isinstance(spec.get("at"), int) or isinstance(spec.get("at"), bool) \
                    or spec["at"] < 0:
                raise RuleError("cut needs at: a byte offset")
            if spec.get("body", "response") not in ("request", "response"):
                raise RuleError("cut's body is request or response")
            if not isinstance(spec.get("keep", False), bool):
                raise RuleError("keep must be true or false")
        self.seen = 0
        self.hits = 0

    def take(self, line):
        """Count a match; True when this request is in the rule's window."""
        if not self.match.search(line):
            return False
        self.seen += 1
        if self.seen <= self.skip:
            return False
        if self.times is not None and self.seen > self.skip + self.times:
            return False
        self.hits += 1
        return True


def parse_rules(text):
    try:
        data = json.loads(text)
    except ValueError as e:
        raise RuleError("rules are not JSON: %s" % e)
    if isinstance(data, dict):
        data = data.get("rules")
    if not isinstance(data, list):
        raise RuleError("rules must be a JSON list")
    return [Rule(r) for r in data]


def clean(s):
    """One log field: no spaces or control characters."""
    return re.sub(r"[\x00-\x20\x7f]", "?", s)


class State:
    """Everything the handler threads share, behind one lock."""

    def __init__(self, opts, password):
        self.opts = opts
        self.password = password
        self.lock = threading.Lock()
        self.rules = []
        self.requests = 0
        self.log = collections.deque(maxlen=LOG_KEEP)
        self.bytes_sent = self.bytes_received = 0     # bodies, to / from clients
        self.uploads = {}       # upload path -> the registry's latest path?query
        self.tokens = {}        # token -> (grants set, expiry)
        self.logfile = None
        if opts.log:
            self.logfile = open(opts.log, "a", encoding="utf-8", buffering=1)
        u = urllib.parse.urlsplit(opts.upstream)
        if u.scheme not in ("http", "https") or not u.netloc:
            raise SystemExit("faultproxy: --upstream must be http(s)://HOST:PORT")
        self.up_scheme, self.up_netloc = u.scheme, u.netloc
        self.up_base = "%s://%s" % (u.scheme, u.netloc)
        self.up_ctx = None
        if u.scheme == "https":
            self.up_ctx = ssl.create_default_context(cafile=opts.upstream_cacert)
        self.base = None        # our own scheme://host:port, set once bound
        self.link = Link(opts.rtt, opts.rate)

    def upload_state(self, target):
        """The target to send: for an upload a keeping cut broke, with the
        latest _state the registry handed out for it."""
        u = urllib.parse.urlsplit(target)
        with self.lock:
            state = self.uploads.get(u.path)
        if state is None:
            return target
        q = [(k, v) for k, v in urllib.parse.parse_qsl(u.query, keep_blank_values=True)
             if k != "_state"] + [("_state", state)]
        return u.path + "?" + urllib.parse.urlencode(q)

    def upload_learn(self, target, location, start=False):
        """Keep the _state in location (the registry's answer on target's
        upload) when that upload is kept here, or from now on (start)."""
        path = urllib.parse.urlsplit(target).path
        lu = urllib.parse.urlsplit(location or "")
        state = dict(urllib.parse.parse_qsl(lu.query)).get("_state")
        with self.lock:
            if lu.path == path and state and (start or path in self.uploads):
                self.uploads[path] = state

    def pick(self, line):
        with self.lock:
            for r in self.rules:
                if r.take(line):
                    return r
        return None

    def record(self, method, path, status, nbytes, nreceived):
        m, p = clean(method), clean(path)
        with self.lock:
            self.requests += 1
            self.bytes_sent += nbytes
            self.bytes_received += nreceived
            self.log.append([m, p, status])
            if self.logfile:
                self.logfile.write("%s %s %d %d %d\n" % (m, p, status, nbytes, nreceived))

    def stats(self):
        with self.lock:
            return {"requests": self.requests,
                    "bytes_sent": self.bytes_sent,
                    "bytes_received": self.bytes_received,
                    "by_rule": [r.hits for r in self.rules],
                    "seen_by_rule": [r.seen for r in self.rules],
                    "log": list(self.log)}

    def reset(self):
        with self.lock:
            self.requests = 0
            self.bytes_sent = self.bytes_received = 0
            self.log.clear()
            for r in self.rules:
                r.seen = r.hits = 0

    # --- bearer tokens ---------------------------------------------------

    def issue(self, scopes):
        grants = set()
        for s in scopes:
            for one in s.split():
                head, _, actions = one.rpartition(":")
                kind, _, name = head.partition(":")
                for act in actions.split(","):
                    grants.add((kind, name, act))
        tok = secrets.token_urlsafe(24)
        with self.lock:
            now = time.time()
            for t in [t for t, (_, exp) in self.tokens.items() if exp < now]:
                del self.tokens[t]
            self.tokens[tok] = (grants, now + TOKEN_TTL)
        return tok

    def grants(self, tok):
        with self.lock:
            g = self.tokens.get(tok)
        if g is None or g[1] < time.time():
            return None
        return g[0]

    def expire_tokens(self):
        with self.lock:
            self.tokens.clear()


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    # A fixed receive buffer for clients' sockets (accepted ones inherit
    # the listener's): Linux autotunes it up to tcp_rmem's maximum (32 MiB
    # here), so how far a client's upload ran past a cut would depend on
    # the kernel and the load.  4 MiB still fills 640 Mbit/s at 50 ms.
    RCVBUF = 4 * 1024 * 1024

    def __init__(self, addr, state, tls):
        self.state = state
        self.tls = tls
        super().__init__(addr, Handler)

    def server_bind(self):
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.RCVBUF)
        super().server_bind()

    def get_request(self):
        sock, addr = super().get_request()
        if self.tls:
            # Handshake in the handler thread, so a silent client cannot
            # stall accept().
            sock = self.tls.wrap_socket(sock, server_side=True,
                                        do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address):
        if os.environ.get("FAULTPROXY_DEBUG"):
            super().handle_error(request, client_address)


def error_body(code, message):
    return json.dumps({"errors": [{"code": code, "message": message, "detail": None}]}).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "faultproxy"
    timeout = 300
    up = None               # upstream connection, kept alive per client connection

    def log_message(self, *args):
        pass

    def handle(self):
        try:
            self.server.state.link.round_trip()
            super().handle()
        except (OSError, ValueError, Abort, http.client.HTTPException):
            pass
        finally:
            self.drop_upstream()

    def do_any(self):
        st = self.server.state
        self.sent = 0
        self.received = 0
        self.status = 0
        self.body_done = False
        if self.path.startswith("/__proxy/"):
            self.control()
            return
        try:
            st.link.round_trip()
            self.serve()
        finally:
            if self.status:
                st.record(self.command, self.path, self.status, self.sent, self.received)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_any

    # --- request bodies --------------------------------------------------

    def body_kind(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return "chunked"
        if self.headers.get("Content-Length"):
            return "length"
        return None

    def body_chunks(self):
        """The request body, piece by piece; empty once it was read."""
        kind = None if self.body_done else self.body_kind()
        self.body_done = True
        if kind == "chunked":
            yield from self.chunked_body()
        elif kind == "length":
            try:
                left = int(self.headers["Content-Length"])
            except ValueError:
                raise Abort("bad Content-Length")
            while left > 0:
                data = self.rfile.read(min(left, PIECE))
                if not data:
                    raise Abort("client went away")
                left -= len(data)
                self.received += len(data)
                yield data

    def chunked_body(self):
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                raise Abort("bad chunk size")
            if size == 0:
                while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                    pass
                return
            while size:
                data = self.rfile.read(min(size, PIECE))
                if not data:
                    raise Abort("client went away")
                size -= len(data)
                self.received += len(data)
                yield data
            self.rfile.readline(8)

    def drain(self):
        for _ in self.body_chunks():
            pass

    # --- answers made here ------------------------------------------------

    def begin(self, status, reason=None):
        self.status = status
        self.send_response_only(status, reason)

    def answer(self, status, headers=(), body=b"", length=None):
        """A complete response from the proxy itself; body is bytes or an
        iterable of bytes with the given length."""
        self.begin(status)
        names = set()
        for k, v in headers:
            names.add(k.lower())
            self.send_header(k, v)
        if "docker-distribution-api-version" not in names:
            self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        if isinstance(body, (bytes, bytearray)):
            length, body = len(body), [body]
        if "content-length" not in names and "transfer-encoding" not in names:
            self.send_header("Content-Length", str(length))
        else:
            self.close_connection = True    # framing given by a rule: may lie
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and status not in (204, 304):
            for piece in body:
                self.write(piece)
                self.sent += len(piece)

    def write(self, data):
        try:
            self.wfile.write(data)
        except OSError:
            raise Abort("client went away")

    def error(self, status, code, message, headers=()):
        self.answer(status, [("Content-Type", "application/json; charset=utf-8")] +
                    list(headers), error_body(code, message))

    def cut(self):
        """Drop the client connection abruptly: RST, no TLS close_notify."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True
        raise Abort("cut")

    # --- main path ----------------------------------------------------------

    def serve(self):
        st = self.server.state
        target = self.path
        if st.opts.bearer:
            if urllib.parse.urlsplit(target).path == "/token":
                rule = st.pick("%s %s" % (self.command, self.path))
                if rule is None or not self.act_before(rule):
                    self.token()
                return
            if target.startswith("/v2"):
                target = self.authorize(target)
                if target is None:
                    return
        rule = st.pick("%s %s" % (self.command, self.path))
        if rule is not None and self.act_before(rule):
            return
        if st.opts.referrers_api and self.emulate_referrers(target):
            return
        self.forward(st.upload_state(target), rule)

    def act_before(self, rule):
        """Run the part of a rule that happens instead of, or before,
        forwarding.  True when the request is fully answered."""
        s, a = rule.spec, rule.action
        if a == "delay":
            time.sleep(float(s.get("seconds", 1)))
            return False
        if a in ("reset", "corrupt", "headers", "cut"):
            return False
        if a == "expire_tokens":
            self.server.state.expire_tokens()
            if not self.server.state.opts.bearer:
                return False
            self.challenge(self.path, "invalid_token")
            return True
        self.drain()
        if a == "close":
            # Nothing is answered: the log says status 0.
            self.server.state.record(self.command, self.path, 0, 0, self.received)
            self.cut()
        if a == "status":
            status = int(s.get("status", 500))
            reason = http.client.responses.get(status, "error")
            self.error(status, s.get("code") or "UNKNOWN", s.get("message") or reason,
                       list((s.get("headers") or {}).items()))
        elif a == "retry_after":
            self.error(429, "TOOMANYREQUESTS", "too many requests",
                       [("Retry-After", str(s.get("seconds", 1)))])
        elif a == "respond":
            self.respond(s)
        return True

    def respond(self, s):
        hdrs = list((s.get("headers") or {}).items())
        if not any(k.lower() == "content-type" for k, _ in hdrs):
            hdrs.append(("Content-Type", "application/json; charset=utf-8"))
        rep = s.get("body_repeat")
        if isinstance(rep, dict):
            text = str(rep.get("text", "x")).encode() or b"x"
            total = int(rep.get("bytes", 0))

            def gen():
                unit = text * max(1, PIECE // len(text))
                left = total
                while left > 0:
                    piece = unit[:left]
                    left -= len(piece)
                    yield piece
            self.answer(int(s.get("status", 200)), hdrs, gen(), total)
            return
        body = s.get("body", "")
        if not isinstance(body, str):
            body = json.dumps(body)
        self.answer(int(s.get("status", 200)), hdrs, body.encode())

    # --- the OCI 1.1 referrers API, emulated (--referrers-api) ---------------

    def emulate_referrers(self, target):
        """GET /v2/NAME/referrers/DIGEST answered from the upstream's
        referrers tag schema index (artifactType filter, pages of
        --referrers-api entries linked with Link); a manifest PUT whose
        body has a subject answered with OCI-Subject.  True when answered."""
        u = urllib.parse.urlsplit(target)
        m = REFERRERS.match(u.path)
        if m and self.command == "GET":
            self.referrers_page(m.group(1), m.group(2), u.query)
            return True
        if self.command == "PUT" and "/manifests/" in u.path:
            self.put_manifest(target)
            return True
        return False

    def upstream_call(self, method, target, body=None, headers=None):
        up = self.upstream()
        h = dict(headers or {})
        h["Host"] = self.server.state.up_netloc
        try:
            up.request(method, target, body=body, headers=h)
            r = up.getresponse()
            return r, r.read()
        except (OSError, http.client.HTTPException) as e:
            self.drop_upstream()
            raise Abort("upstream: %s" % e)

    def referrers_page(self, name, digest, query):
        self.drain()
        q = urllib.parse.parse_qs(query)
        r, data = self.upstream_call("GET", "/v2/%s/manifests/%s" % (
            name, digest.replace(":", "-", 1)), headers={"Accept": OCI_INDEX})
        entries = []
        if r.status == 200:
            entries = json.loads(data).get("manifests") or []
        hdrs = [("Content-Type", OCI_INDEX)]
        want = q.get("artifactType", [None])[0]
        if want is not None:
            entries = [e for e in entries if e.get("artifactType") == want]
            hdrs.append(("OCI-Filters-Applied", "artifactType"))
        size = self.server.state.opts.referrers_api
        start = int(q.get("last", ["0"])[0])
        if start + size < len(entries):
            nq = dict((k, v[0]) for k, v in q.items())
            nq["last"] = str(start + size)
            hdrs.append(("Link", '</v2/%s/referrers/%s?%s>; rel="next"' % (
                name, digest, urllib.parse.urlencode(nq))))
        body = {"schemaVersion": 2, "mediaType": OCI_INDEX,
                "manifests": entries[start:start + size]}
        self.answer(200, hdrs, json.dumps(body).encode())

    def put_manifest(self, target):
        body = b"".join(self.body_chunks())
        h = {"Content-Type": self.headers.get("Content-Type", "")}
        r, data = self.upstream_call("PUT", target, body, h)
        hdrs = [(k, v) for k, v in r.getheaders() if k.lower() not in HOP]
        try:
            subject = json.loads(body).get("subject") or {}
        except ValueError:
            subject = {}
        if r.status == 201 and isinstance(subject, dict) and subject.get("digest"):
            hdrs.append(("OCI-Subject", str(subject["digest"])))
        self.answer(r.status, hdrs, data)

    # --- bearer auth (Docker Hub style) --------------------------------------

    def challenge(self, target, err=None):
        path = urllib.parse.urlsplit(target).path
        c = 'Bearer realm="%s/token",service="%s"' % (self.server.state.base, SERVICE)
        m = V2_REPO.match(path)
        if m:
            acts = "pull" if self.command in ("GET", "HEAD") else "pull,push"
            c += ',scope="repository:%s:%s"' % (m.group(1), acts)
        elif path.rstrip("/") == "/v2/_catalog":
            c += ',scope="registry:catalog:*"'
        if err:
            c += ',error="%s"' % err
        self.drain()
        self.error(401, "UNAUTHORIZED", "authentication required",
                   [("WWW-Authenticate", c)])

    def authorize(self, target):
        """Check the bearer token; returns the target to forward (a mount
        the token may not read from becomes a plain upload), or None when
        a 401 was sent."""
        st = self.server.state
        auth = self.headers.get("Authorization", "")
        grants = None
        if auth[:7].lower() == "bearer ":
            grants = st.grants(auth[7:].strip())
        if grants is None:
            self.challenge(target, "invalid_token" if auth else None)
            return None
        u = urllib.parse.urlsplit(target)
        m = V2_REPO.match(u.path)
        need = set()
        if m:
            need.add(("repository", m.group(1), "pull"))
            if self.command not in ("GET", "HEAD"):
                need.add(("repository", m.group(1), "push"))
        elif u.path.rstrip("/") == "/v2/_catalog":
            need.add(("registry", "catalog", "*"))
        if not need <= grants:
            self.challenge(target, "insufficient_scope")
            return None
        q = urllib.parse.parse_qsl(u.query, keep_blank_values=True)
        src = [v for k, v in q if k == "from"]
        if src and ("repository", src[0], "pull") not in grants:
            q = [(k, v) for k, v in q if k not in ("mount", "from")]
            target = u.path + ("?" + urllib.parse.urlencode(q) if q else "")
        return target

    def token(self):
        st = self.server.state
        if self.command != "GET":
            self.drain()
            self.error(405, "UNSUPPORTED", "GET the token endpoint")
            return
        if st.opts.bearer_user is not None:
            want = ("%s:%s" % (st.opts.bearer_user, st.password)).encode()
            got = b""
            auth = self.headers.get("Authorization", "")
            if auth[:6].lower() == "basic ":
                try:
                    got = base64.b64decode(auth[6:].strip(), validate=True)
                except ValueError:
                    got = b""
            if not hmac.compare_digest(got, want):
                self.answer(401, [("Content-Type", "application/json"),
                                  ("WWW-Authenticate", 'Basic realm="%s"' % SERVICE)],
                            b'{"details":"incorrect username or password"}')
                return
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        tok = st.issue(q.get("scope", []))
        body = json.dumps({"token": tok, "access_token": tok, "expires_in": TOKEN_TTL,
                           "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
        self.answer(200, [("Content-Type", "application/json")], body.encode())

    # --- forwarding -----------------------------------------------------------

    def upstream(self):
        st = self.server.state
        if self.up is None:
            if st.up_scheme == "https":
                self.up = http.client.HTTPSConnection(st.up_netloc, timeout=self.timeout,
                                                      context=st.up_ctx)
            else:
                self.up = http.client.HTTPConnection(st.up_netloc, timeout=self.timeout)
        return self.up

    def drop_upstream(self):
        if self.up is not None:
            self.up.close()
            self.up = None

    def body_upto(self, at):
        """The request body up to byte at (None: all); sets self.cut_short
        when the body went on past it."""
        pos = 0
        for piece in self.body_chunks():
            if at is not None and pos + len(piece) >= at:
                self.cut_short = True
                if at > pos:
                    yield piece[:at - pos]
                return
            pos += len(piece)
            yield piece

    def send_upstream(self, target, cut=None, drop=frozenset()):
        """Send the request (streaming its body); return the response.
        cut: a request cut's rule: only its first `at` body bytes go, as
        the whole body when it keeps them, else the upstream is dropped
        mid-body too (and None returned once the client is cut).  drop:
        request headers not forwarded."""
        st = self.server.state
        kind = self.body_kind()
        keep = cut is not None and cut.get("keep", False)
        if keep and kind:
            kind = "chunked"    # the body may end early, cleanly
        at = cut["at"] if cut is not None else None
        self.cut_short = False
        sent_body = False
        for attempt in (0, 1):
            up = self.upstream()
            try:
                up.putrequest(self.command, target, skip_host=True, skip_accept_encoding=True)
                up.putheader("Host", st.up_netloc)
                for k, v in self.headers.items():
                    lk = k.lower()
                    if lk in HOP or lk in drop or (lk == "authorization" and st.opts.bearer):
                        continue
                    up.putheader(k, v)
                if kind == "length":
                    up.putheader("Content-Length", self.headers["Content-Length"])
                elif kind == "chunked":
                    up.putheader("Transfer-Encoding", "chunked")
                up.endheaders()
                for piece in self.body_upto(at):
                    sent_body = True
                    st.link.send(st.link.up, len(piece))
                    if kind == "chunked":
                        up.send(b"%x\r\n%s\r\n" % (len(piece), piece))
                    else:
                        up.send(piece)
                if self.cut_short and not keep:
                    self.drop_upstream()
                    self.cut_client()
                if kind == "chunked":
                    up.send(b"0\r\n\r\n")
                return up.getresponse()
            except Abort:
                self.drop_upstream()
                raise
            except (OSError, http.client.HTTPException) as e:
                self.drop_upstream()
                # A keep-alive connection the upstream closed while idle:
                # retry once, if no body went out.
                if attempt or kind or sent_body:
                    if kind:
                        self.close_connection = True    # its body may be unread
                    self.error(502, "UNAVAILABLE", "upstream: %s" % (e or type(e).__name__))
                    return None
        return None

    def cut_client(self):
        """A request cut: the client gets no answer (the log says 0)."""
        self.server.state.record(self.command, self.path, 0, 0, self.received)
        self.cut()

    def forward(self, target, rule):
        st = self.server.state
        s = rule.spec if rule else {}
        action = rule.action if rule else None
        req_cut = s if action == "cut" and s.get("body") == "request" else None
        resp = self.send_upstream(target, req_cut, rule.drop if rule else frozenset())
        if resp is None:
            return
        st.upload_learn(target, resp.getheader("Location"), self.cut_short)
        if self.cut_short:
            resp.read()         # kept: the registry holds what came
            self.cut_client()
        extra = s.get("headers") or {} if action == "headers" else {}
        override = {k.lower() for k in extra}
        self.begin(resp.status, resp.reason)
        length = None
        for k, v in resp.getheaders():
            lk = k.lower()
            if lk in override or (lk in HOP and lk != "content-length"):
                continue
            if lk == "content-length":
                try:
                    length = int(v)
                except ValueError:
                    continue
            if lk == "location" and v.lower().startswith(st.up_base.lower()):
                v = st.base + v[len(st.up_base):]
            self.send_header(k, v)
        for k, v in extra.items():
            self.send_header(k, str(v))
        nobody = self.command == "HEAD" or resp.status in (204, 304) or resp.status < 200
        chunked = not nobody and length is None
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if nobody:
            resp.read()
        else:
            self.pump(resp, action, s, length, chunked)
        if resp.will_close:
            self.drop_upstream()

    def pump(self, resp, action, s, length, chunked):
        """Copy the upstream body to the client, applying reset, corrupt or
        a delay's rate limit on the way."""
        cut_at = None
        if action == "reset":
            cut_at = int(s.get("after_bytes", (length or 0) // 2))
        elif action == "cut" and s.get("body", "response") == "response":
            cut_at = s["at"]
        flip_at, flips = None, 0
        if action == "corrupt":
            flip_at = int(s.get("offset", (length or 0) // 2))
            flips = int(s.get("count", 1))
        rate = float(s.get("rate", 0)) if action == "delay" else 0
        pos = 0
        if cut_at == 0:
            self.drop_upstream()
            self.cut()
        while True:
            try:
                piece = resp.read(PIECE)
            except (OSError, http.client.HTTPException):
                self.drop_upstream()
                self.cut()      # cannot finish the body we announced
            if not piece:
                break
            if flip_at is not None and flips and pos + len(piece) > flip_at:
                b = bytearray(piece)
                i = max(0, flip_at - pos)
                while i < len(b) and flips:
                    b[i] ^= 0xFF
                    i += 1
                    flips -= 1
                    flip_at += 1
                piece = bytes(b)
            if cut_at is not None and pos + len(piece) >= cut_at:
                self.frame(piece[:cut_at - pos], chunked)
                self.drop_upstream()
                self.cut()
            self.frame(piece, chunked)
            pos += len(piece)
            if rate > 0:
                time.sleep(len(piece) / rate)
        if chunked:
            self.write(b"0\r\n\r\n")

    def frame(self, piece, chunked):
        if not piece:
            return
        link = self.server.state.link
        link.send(link.down, len(piece))
        if chunked:
            self.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        else:
            self.write(piece)
        self.sent += len(piece)

    # --- control API ------------------------------------------------------------

    def control(self):
        st = self.server.state
        path = urllib.parse.urlsplit(self.path).path
        body = b"".join(self.body_chunks())
        ok = [("Content-Type", "application/json")]
        if path == "/__proxy/stats" and self.command == "GET":
            self.answer(200, ok, json.dumps(st.stats()).encode())
        elif path == "/__proxy/count" and self.command == "GET":
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            try:
                rx = re.compile(q.get("re", [""])[0])
            except re.error as e:
                self.answer(400, ok, json.dumps({"error": str(e)}).encode())
                return
            with st.lock:
                n = sum(1 for m, p, _ in st.log if rx.search(m + " " + p))
            self.answer(200, ok, json.dumps({"count": n}).encode())
        elif path == "/__proxy/rules" and self.command in ("PUT", "POST"):
            try:
                rules = parse_rules(body.decode("utf-8", "replace"))
            except RuleError as e:
                self.answer(400, ok, json.dumps({"error": str(e)}).encode())
                return
            with st.lock:
                st.rules = rules
            self.answer(200, ok, json.dumps({"rules": len(rules)}).encode())
        elif path == "/__proxy/rules" and self.command == "GET":
            with st.lock:
                out = [dict(r.spec, seen=r.seen, hits=r.hits) for r in st.rules]
            self.answer(200, ok, json.dumps(out).encode())
        elif path == "/__proxy/reset" and self.command == "POST":
            st.reset()
            self.answer(200, ok, b"{}")
        elif path == "/__proxy/expire-tokens" and self.command == "POST":
            st.expire_tokens()
            self.answer(200, ok, b"{}")
        else:
            self.answer(404, ok, b'{"error":"no such control endpoint"}')


def parse_args(argv):
    p = Parser(prog="faultproxy.py", description=__doc__.split("\n")[0])
    p.add_argument("--upstream", required=True, help="http(s)://HOST:PORT of the registry")
    p.add_argument("--upstream-cacert", help="CA bundle to verify an https upstream")
    p.add_argument("--port-file", required=True, help="written with the port once listening")
    p.add_argument("--listen", default="127.0.0.1:0", help="HOST:PORT (default 127.0.0.1:0)")
    p.add_argument("--rules", help="JSON file: the initial rule list")
    p.add_argument("--log", help="append 'METHOD PATH STATUS BYTES' per request")
    p.add_argument("--bearer", action="store_true", help="emulate Docker Hub token auth")
    p.add_argument("--bearer-user", help="the token endpoint requires this user")
    p.add_argument("--bearer-password-env", help="variable holding --bearer-user's password")
    p.add_argument("--referrers-api", type=int, default=0, metavar="PAGE",
                   help="emulate the OCI 1.1 referrers API, PAGE entries a page")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--rtt", type=float, default=0, metavar="MS",
                   help="add a round trip of MS ms to every request and new connection")
    p.add_argument("--rate", type=float, default=0, metavar="MBIT",
                   help="cap body bytes to MBIT Mbit/s per direction, shared (0: no cap)")
    a = p.parse_args(argv)
    if a.rtt < 0 or a.rate < 0:
        p.error("--rtt and --rate take a number >= 0")
    if bool(a.tls_cert) != bool(a.tls_key):
        p.error("--tls-cert and --tls-key go together")
    if a.bearer_user is not None and not a.bearer_password_env:
        p.error("--bearer-user needs --bearer-password-env")
    if a.bearer_user is not None:
        a.bearer = True
    return a


def main(argv):
    a = parse_args(argv)
    password = None
    if a.bearer_user is not None:
        password = os.environ.get(a.bearer_password_env)
        if password is None:
            print("faultproxy: %s is not set" % a.bearer_password_env, file=sys.stderr)
            return 2
    try:
        state = State(a, password)
        if a.rules:
            with open(a.rules, encoding="utf-8") as f:
                state.rules = parse_rules(f.read())
        tls = None
        if a.tls_cert:
            tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls.load_cert_chain(a.tls_cert, a.tls_key)
        host, _, port = a.listen.rpartition(":")
        srv = Server((host or "127.0.0.1", int(port)), state, tls)
    except (OSError, ValueError, RuleError) as e:
        print("faultproxy: %s" % e, file=sys.stderr)
        return 2
    h, p = srv.server_address[:2]
    state.base = "%s://%s:%d" % ("https" if tls else "http", h, p)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % p)
    os.replace(tmp, a.port_file)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
