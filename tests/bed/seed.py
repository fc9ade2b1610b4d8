#!/usr/bin/env python3
"""Push realistic, deterministic container images into a registry (HTTP API v2).

Test-bed tool for tagmirror (python3 standard library only).  Every image is
built from (--seed, --variant, tag name, position options), so the same
arguments always give the same manifest digests.  See tests/bed/README.md.

Images share layers the way real ones do:
  base layer    one per (distro, arch); depends on --seed only, so a new
                --variant keeps it (an upstream rebuild keeps its base)
  version layer one per (version, arch), e.g. "3.12" for 3.12.4-slim
  unique layer  one per (tag, arch)
  big layer     with --big-layer N: one per tag, exactly N bytes
plus one config blob per image.  Layers are real gzip-compressed tar files and
the config's rootfs.diff_ids are their true uncompressed digests.

Position rules (1-based, in the order the tags were given, duplicates dropped):
  --alias-every N      tag N, 2N, ... is PUT with the previous tag's manifest
                       (takes precedence over the two below)
  --multiarch-every N  tag N, 2N, ... is a multi-arch index
  --oci-every N        tag N, 2N, ... uses OCI media types
N = 0 turns a rule off.  Output (--out): "TAG DIGEST MEDIATYPE" per tag,
sorted by tag; DIGEST is the sha256 of the exact manifest bytes PUT.
"""

import argparse
import base64
import concurrent.futures
import hashlib
import http.client
import io
import json
import os
import random
import re
import ssl
import sys
import tarfile
import threading
import urllib.parse
import zlib

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"

TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$")
CHUNK = 256 << 10         # streaming unit for big layers
KEEP_BYTES = 256 << 10    # small blobs up to this size stay in memory
CREATED = "2024-01-01T00:00:00Z"

LINUX_PLATFORMS = [
    {"architecture": "amd64", "os": "linux"},
    {"architecture": "arm64", "os": "linux", "variant": "v8"},
    {"architecture": "arm", "os": "linux", "variant": "v7"},
]
WINDOWS_PLATFORMS = [
    {"architecture": "amd64", "os": "windows", "os.version": "10.0.17763.6414"},
    {"architecture": "amd64", "os": "windows", "os.version": "10.0.20348.2762"},
]


class SeedError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, "%s: error: %s\n" % (self.prog, message))


def rng(*parts):
    """A generator seeded from strings: stable across runs and hash seeds."""
    return random.Random("\0".join(("tagmirror-seed",) + tuple(parts)))


DISTROS = (("windows", "windows"), ("nanoserver", "windows"), ("alpine", "alpine"),
           ("slim", "slim"), ("bookworm", "bookworm"), ("bullseye", "bullseye"))


def distro_of(tag):
    """The base a tag's name implies; the first word found wins."""
    for word, distro in DISTROS:
        if word in tag:
            return distro
    return "default"


def version_of(tag):
    m = re.match(r"v?(\d+(?:\.\d+)?)", tag)
    return m.group(1) if m else "none"


def plat_key(p):
    return "/".join(p[k] for k in ("os", "architecture", "variant", "os.version") if k in p)


# --- blobs ------------------------------------------------------------------

class Blob:
    """A blob we can (re)produce: digest and size known, bytes kept if small."""

    def __init__(self, digest, size, data=None, gen=None, diff_id=None):
        self.digest, self.size, self.data, self.gen = digest, size, data, gen
        self.diff_id = diff_id

    def chunks(self):
        if self.data is not None:
            return iter((self.data,))
        return self.gen()


def bytes_blob(data):
    return Blob("sha256:" + hashlib.sha256(data).hexdigest(), len(data), data=data)


def tar_header(name, size):
    ti = tarfile.TarInfo(name)
    ti.size, ti.mtime, ti.mode, ti.uname, ti.gname = size, 0, 0o644, "root", "root"
    return ti.tobuf(format=tarfile.GNU_FORMAT)


def tar_bytes(name, data):
    pad = (-len(data)) % 512
    return tar_header(name, len(data)) + data + b"\0" * (pad + 1024)


def small_layer_bytes(parts, path, target):
    """(tar, gzip of it): one file; the gzip is around target bytes."""
    r = rng(*parts)
    size = r.randint(max(1, target // 2), max(1, target * 3 // 2))
    # Random data does not compress: the tar framing costs ~120 bytes gzipped.
    tar = tar_bytes(path, r.randbytes(max(0, size - 120)))
    gz = zlib.compressobj(1, zlib.DEFLATED, 31)  # gzip framing, mtime 0
    return tar, gz.compress(tar) + gz.flush()


def small_layer(parts, path, target):
    tar, data = small_layer_bytes(parts, path, target)
    b = bytes_blob(data)
    b.diff_id = "sha256:" + hashlib.sha256(tar).hexdigest()
    if len(data) > KEEP_BYTES:
        # Rebuilt on upload instead of kept: thousands of big "small" layers
        # would not fit in memory.
        b.data = None
        b.gen = lambda: iter((small_layer_bytes(parts, path, target)[1],))
    return b


def big_layer_plan(total):
    """Sizes for a valid gzip of exactly total bytes: a tar of one file of
    dsize bytes in stored deflate blocks, padded with a gzip comment."""
    fixed = 10 + 1 + 8 + 1536   # header, comment NUL, trailer, tar framing
    nblocks = (total - fixed) // 65535 + 2
    dsize = max(0, (total - fixed - 5 * nblocks) // 512 * 512)
    nblocks = -(-(1536 + dsize) // 65535)
    comment = total - fixed - 5 * nblocks - dsize
    if comment < 0:
        raise SeedError("--big-layer must be at least 4096 bytes")
    return dsize, comment


def big_layer_stream(parts, total, tarhash=None):
    """Yield the big layer in chunks of about CHUNK bytes; feed the tar
    bytes to tarhash when given (for the diff_id)."""
    dsize, comment = big_layer_plan(total)
    r = rng(*parts)

    def tar_stream():
        yield tar_header("data/big.bin", dsize)
        left = dsize
        while left:
            n = min(CHUNK, left)
            yield r.randbytes(n)
            left -= n
        yield b"\0" * 1024

    yield b"\x1f\x8b\x08\x10\0\0\0\0\0\xff" + b"p" * comment + b"\0"
    crc, isize, pending = 0, 0, b""
    for piece in tar_stream():
        crc = zlib.crc32(piece, crc)
        isize += len(piece)
        if tarhash:
            tarhash.update(piece)
        data = memoryview(pending + piece)
        # Full blocks now; at least one byte waits for the final block.
        n = (len(data) - 1) // 65535
        out = [stored_block(data[i * 65535:(i + 1) * 65535], 0) for i in range(n)]
        pending = bytes(data[n * 65535:])
        if out:
            yield b"".join(out)
    yield stored_block(pending, 1) + crc.to_bytes(4, "little") + \
        (isize & 0xFFFFFFFF).to_bytes(4, "little")


def stored_block(data, final):
    """One stored deflate block (at most 65535 bytes of data)."""
    n = len(data)
    return bytes((final, n & 0xFF, n >> 8, ~n & 0xFF, (~n >> 8) & 0xFF)) + data


def big_layer(parts, total):
    h, tarh, n = hashlib.sha256(), hashlib.sha256(), 0
    for c in big_layer_stream(parts, total, tarh):
        h.update(c)
        n += len(c)
    if n != total:
        raise SeedError("internal: big layer is %d bytes, not %d" % (n, total))
    return Blob("sha256:" + h.hexdigest(), n, gen=lambda: big_layer_stream(parts, total),
                diff_id="sha256:" + tarh.hexdigest())


# --- image plan -------------------------------------------------------------

def jdump(obj, compact=False):
    if compact:
        return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()
    return json.dumps(obj, indent=3).encode()


class Planner:
    """Builds manifests and the set of blobs they need (no network)."""

    def __init__(self, a):
        self.a = a
        self.blobs = {}         # digest -> Blob
        self.children = {}      # digest -> (mediatype, bytes): pushed by digest
        self.cache = {}         # key -> Blob, so shared layers are built once

    def blob(self, key, make):
        b = self.cache.get(key)
        if b is None:
            b = self.cache[key] = make()
            self.blobs.setdefault(b.digest, b)
        return b

    def image(self, tag, plat, oci, big):
        a, seed, var = self.a, str(self.a.seed), self.a.variant
        arch = plat_key(plat)
        distro, ver = distro_of(tag), version_of(tag)
        base = self.blob(("base", distro, arch), lambda: small_layer(
            ("base", seed, distro, arch), "etc/%s-release" % distro, a.layer_size))
        verl = self.blob(("ver", ver, arch), lambda: small_layer(
            ("ver", seed, var, ver, arch), "usr/local/lib/python%s/lib.bin" % ver,
            a.layer_size))
        uniq = self.blob(("tag", tag, arch), lambda: small_layer(
            ("tag", seed, var, tag, arch), "app/%s.bin" % tag, a.layer_size // 2))
        layers = [base, verl, uniq]
        if big:
            layers.append(self.blob(("big", tag), lambda: big_layer(
                ("big", seed, var, tag), a.big_layer)))
        cfg = dict(plat)
        cfg.update({
            "created": CREATED,
            "config": {
                "Env": ["PATH=/usr/local/bin:/usr/bin:/bin", "PYTHON_VERSION=" + ver],
                "Cmd": ["python3"],
                "Labels": {"org.tagmirror.tag": tag, "org.tagmirror.seed": seed,
                           "org.tagmirror.variant": var},
            },
            "rootfs": {"type": "layers", "diff_ids": [l.diff_id for l in layers]},
            "history": [{"created": CREATED, "created_by": "layer %d" % i}
                        for i in range(len(layers))],
        })
        cblob = bytes_blob(jdump(cfg, compact=True))
        self.blobs.setdefault(cblob.digest, cblob)
        lmt = OCI_LAYER if oci else DOCKER_LAYER
        man = {"schemaVersion": 2, "mediaType": OCI_MANIFEST if oci else DOCKER_MANIFEST,
               "config": {"mediaType": OCI_CONFIG if oci else DOCKER_CONFIG,
                          "size": cblob.size, "digest": cblob.digest},
               "layers": [{"mediaType": lmt, "size": l.size, "digest": l.digest}
                          for l in layers]}
        if oci:
            man["annotations"] = {"org.opencontainers.image.version": tag}
        return man["mediaType"], jdump(man)

    def tag(self, tag, multi, oci):
        plats = WINDOWS_PLATFORMS if distro_of(tag) == "windows" else LINUX_PLATFORMS
        big = self.a.big_layer > 0
        if not multi:
            return self.image(tag, plats[0], oci, big)
        entries = []
        for p in plats:
            mt, body = self.image(tag, p, oci, big)
            d = "sha256:" + hashlib.sha256(body).hexdigest()
            self.children[d] = (mt, body)
            entries.append({"mediaType": mt, "size": len(body), "digest": d,
                            "platform": dict(p)})
        idx = {"schemaVersion": 2, "mediaType": OCI_INDEX if oci else DOCKER_LIST,
               "manifests": entries}
        return idx["mediaType"], jdump(idx)


def every(n, i):
    return n > 0 and i % n == 0


EMPTY_CONFIG = "application/vnd.oci.empty.v1+json"
SBOM_TYPE = "application/spdx+json"
COSIGN_SIG_TYPE = "application/vnd.dev.cosign.artifact.sig.v1+json"
COSIGN_SIG_LAYER = "application/vnd.dev.cosign.simplesigning.v1+json"


def tag_schema(digest):
    """The referrers tag schema's (and cosign's) tag stem for a digest."""
    return digest.replace(":", "-", 1)


class Referrers:
    """Supply-chain artefacts for subjects (--referrers): a cosign-style
    signature tagged sha256-<hex>.sig, an SBOM with subject and
    artifactType (pushed by digest), a signature artefact of that SBOM,
    and the referrers tag schema's index for each subject that has
    referrers.  Output rows: (subject, kind, digest, tag or "-")."""

    def __init__(self, planner):
        self.p = planner
        self.manifests = []     # (ref, mediatype, bytes), in push order
        self.rows = []

    def blob(self, data):
        b = bytes_blob(data)
        self.p.blobs.setdefault(b.digest, b)
        return {"mediaType": EMPTY_CONFIG, "size": b.size, "digest": b.digest}

    def artefact(self, subject, artifact_type, layer_mt, payload):
        cfg = self.blob(b"{}")
        layer = self.blob(payload)
        layer["mediaType"] = layer_mt
        man = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
               "artifactType": artifact_type, "config": cfg, "layers": [layer],
               "subject": subject}
        body = jdump(man)
        d = "sha256:" + hashlib.sha256(body).hexdigest()
        return {"mediaType": OCI_MANIFEST, "size": len(body), "digest": d,
                "artifactType": artifact_type}, body

    def signature(self, subject):
        payload = jdump({"critical": {"image": {"docker-manifest-digest":
                                                subject["digest"]},
                                      "type": "cosign container image signature"}},
                        compact=True)
        layer = self.blob(payload)
        layer["mediaType"] = COSIGN_SIG_LAYER
        layer["annotations"] = {"dev.cosignproject.cosign/signature":
                                base64.b64encode(hashlib.sha256(payload).digest()).decode()}
        man = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
               "config": self.blob(b"{}") | {"mediaType": OCI_CONFIG},
               "layers": [layer]}
        body = jdump(man)
        tag = tag_schema(subject["digest"]) + ".sig"
        self.manifests.append((tag, OCI_MANIFEST, body))
        self.rows.append((subject["digest"], "sig",
                          "sha256:" + hashlib.sha256(body).hexdigest(), tag))

    def index(self, subject, descs):
        idx = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": descs}
        body = jdump(idx)
        tag = tag_schema(subject)
        self.manifests.append((tag, OCI_INDEX, body))
        self.rows.append((subject, "index",
                          "sha256:" + hashlib.sha256(body).hexdigest(), tag))

    def add(self, mt, body):
        subject = {"mediaType": mt, "size": len(body),
                   "digest": "sha256:" + hashlib.sha256(body).hexdigest()}
        self.signature(subject)
        sbom_payload = jdump({"spdxVersion": "SPDX-2.3", "name": subject["digest"]},
                             compact=True)
        sbom, sbom_body = self.artefact(subject, SBOM_TYPE, SBOM_TYPE, sbom_payload)
        sig, sig_body = self.artefact(
            {k: sbom[k] for k in ("mediaType", "size", "digest")},
            COSIGN_SIG_TYPE, COSIGN_SIG_LAYER, b"signature of " + sbom["digest"].encode())
        for d, b, kind, subj in ((sbom, sbom_body, "sbom", subject["digest"]),
                                 (sig, sig_body, "sbomsig", sbom["digest"])):
            self.manifests.append((d["digest"], OCI_MANIFEST, b))
            self.rows.append((subj, kind, d["digest"], "-"))
        self.index(subject["digest"], [sbom])
        self.index(sbom["digest"], [sig])


def plan_referrers(p, out):
    """Artefacts for each distinct tag digest and the first child of an index."""
    r, seen = Referrers(p), set()
    for _, mt, body in out:
        subjects = [(mt, body)]
        if mt in (OCI_INDEX, DOCKER_LIST):
            first = json.loads(body)["manifests"][0]["digest"]
            subjects.append(p.children[first])
        for smt, sbody in subjects:
            if sbody not in seen:
                seen.add(sbody)
                r.add(smt, sbody)
    return r


def plan(a, tags):
    p = Planner(a)
    out = []            # (tag, mediatype, bytes)
    for i, tag in enumerate(tags, 1):
        if i > 1 and every(a.alias_every, i):
            out.append((tag, out[-1][1], out[-1][2]))
            continue
        mt, body = p.tag(tag, every(a.multiarch_every, i), every(a.oci_every, i))
        out.append((tag, mt, body))
    return p, out


# --- HTTP -------------------------------------------------------------------

def parse_challenge(h):
    m = re.match(r"\s*(\w+)\s*(.*)", h or "")
    if not m:
        return "", {}
    return m.group(1).lower(), dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))


class Auth:
    """Credentials shared by all threads: Basic, or bearer tokens per scope."""

    def __init__(self, user, password, ctx):
        self.basic = None
        if user is not None:
            raw = ("%s:%s" % (user, password)).encode()
            self.basic = "Basic " + base64.b64encode(raw).decode()
        self.ctx = ctx
        self.lock = threading.Lock()
        self.tokens = {}        # scope -> "Bearer ..."
        self.scope_hint = {}    # challenge scope key (repo) -> scope

    def header(self, scope):
        with self.lock:
            return self.tokens.get(scope) or self.basic

    def fetch(self, client, params, key):
        q = {"service": params.get("service", "")}
        if params.get("scope"):
            q["scope"] = params["scope"]
        url = params.get("realm", "") + "?" + urllib.parse.urlencode(q)
        hdr = {"Authorization": self.basic} if self.basic else {}
        st, _, body = client.raw("GET", url, headers=hdr)
        if st != 200:
            raise SeedError("token endpoint answered HTTP %d" % st)
        try:
            j = json.loads(body)
            tok = j.get("token") or j.get("access_token")
        except (ValueError, AttributeError):
            tok = None
        if not tok:
            raise SeedError("token endpoint answered no token")
        with self.lock:
            self.tokens[key] = "Bearer " + tok


class Client:
    """One per thread: keep-alive connections per origin, auth, one retry
    on a connection the server closed while it sat idle."""

    def __init__(self, base, ctx, auth, timeout):
        self.base, self.ctx, self.auth, self.timeout = base, ctx, auth, timeout
        self.conns = {}

    def conn(self, scheme, netloc):
        c = self.conns.get((scheme, netloc))
        if c is None:
            if scheme == "https":
                c = http.client.HTTPSConnection(netloc, timeout=self.timeout, context=self.ctx)
            else:
                c = http.client.HTTPConnection(netloc, timeout=self.timeout)
            self.conns[(scheme, netloc)] = c
        return c

    def drop(self, key):
        c = self.conns.pop(key, None)
        if c is not None:
            c.close()

    def raw(self, method, url, body=None, headers=None):
        """One request; body is None, bytes, or a Blob (streamed)."""
        u = urllib.parse.urlsplit(urllib.parse.urljoin(self.base, url))
        key = (u.scheme, u.netloc)
        target = u.path + ("?" + u.query if u.query else "")
        for attempt in (0, 1):
            c = self.conn(*key)
            try:
                c.putrequest(method, target, skip_accept_encoding=True)
                for k, v in (headers or {}).items():
                    c.putheader(k, v)
                if body is not None or method in ("PUT", "POST", "PATCH"):
                    size = 0 if body is None else (body.size if isinstance(body, Blob) else len(body))
                    c.putheader("Content-Length", str(size))
                c.endheaders()
                if isinstance(body, Blob):
                    for chunk in body.chunks():
                        c.send(chunk)
                elif body:
                    c.send(body)
                r = c.getresponse()
                data = r.read()
                if r.will_close:
                    self.drop(key)
                return r.status, r.headers, data
            except (http.client.RemoteDisconnected, BrokenPipeError,
                    ConnectionResetError, http.client.CannotSendRequest) as e:
                self.drop(key)
                if attempt:
                    raise SeedError("%s %s: connection failed: %s" % (method, target, e))
            except (OSError, http.client.HTTPException) as e:
                self.drop(key)
                raise SeedError("%s %s: %s" % (method, target, e or type(e).__name__))
        raise AssertionError("unreachable")

    def request(self, method, url, body=None, headers=None, scope=""):
        hdr = dict(headers or {})
        for attempt in (0, 1):
            a = self.auth.header(scope)
            if a:
                hdr["Authorization"] = a
            st, h, data = self.raw(method, url, body, hdr)
            if st != 401 or attempt:
                return st, h, data
            kind, params = parse_challenge(h.get("WWW-Authenticate"))
            if kind != "bearer":
                return st, h, data
            self.auth.fetch(self, params, scope)
        return st, h, data


def fail(method, url, st, data):
    msg = ""
    try:
        e = json.loads(data)["errors"][0]
        msg = "%s %s" % (e.get("code", ""), e.get("message", ""))
    except (ValueError, KeyError, IndexError, TypeError):
        msg = data[:200].decode("utf-8", "replace")
    path = urllib.parse.urlsplit(url).path
    msg = re.sub(r"[\x00-\x1f\x7f]", "?", msg).strip()
    raise SeedError(("%s %s: HTTP %d %s" % (method, path, st, msg)).rstrip())


class Pusher:
    def __init__(self, a, auth, ctx):
        self.a = a
        self.base = "%s://%s" % (a.scheme, a.registry)
        self.auth, self.ctx = auth, ctx
        self.local = threading.local()
        self.scope = "repository:%s:pull,push" % a.repo
        self.all = []
        self.all_lock = threading.Lock()

    def client(self):
        c = getattr(self.local, "c", None)
        if c is None:
            c = self.local.c = Client(self.base, self.ctx, self.auth, self.a.timeout)
            with self.all_lock:
                self.all.append(c)
        return c

    def close(self):
        for c in self.all:
            for k in list(c.conns):
                c.drop(k)

    def blob(self, b):
        c, repo = self.client(), self.a.repo
        url = "/v2/%s/blobs/%s" % (repo, b.digest)
        st, _, data = c.request("HEAD", url, scope=self.scope)
        if st == 200:
            return
        if st != 404:
            fail("HEAD", url, st, data)
        url = "/v2/%s/blobs/uploads/" % repo
        st, h, data = c.request("POST", url, scope=self.scope)
        if st != 202 or not h.get("Location"):
            fail("POST", url, st, data)
        loc = urllib.parse.urljoin(self.base + url, h["Location"])
        loc += ("&" if "?" in loc else "?") + "digest=" + urllib.parse.quote(b.digest, safe="")
        st, _, data = c.request("PUT", loc, body=b, scope=self.scope,
                                headers={"Content-Type": "application/octet-stream"})
        if st != 201:
            fail("PUT", loc, st, data)

    def manifest(self, ref, mt, body):
        url = "/v2/%s/manifests/%s" % (self.a.repo, ref)
        st, _, data = self.client().request("PUT", url, body=body, scope=self.scope,
                                            headers={"Content-Type": mt})
        if st != 201:
            fail("PUT", url, st, data)


def run_all(pool, fn, items):
    """Run fn over items in the pool; raise the first error, cancel the rest."""
    futs = [pool.submit(fn, *it) for it in items]
    try:
        for f in concurrent.futures.as_completed(futs):
            f.result()
    except BaseException:
        for f in futs:
            f.cancel()
        raise


# --- main -------------------------------------------------------------------

def read_tags(a):
    if a.tags_file:
        with open(a.tags_file, encoding="utf-8") as f:
            raw = [l.strip() for l in f]
        raw = [t for t in raw if t and not t.startswith("#")]
    else:
        raw = [t.strip() for t in a.tags.split(",") if t.strip()]
    seen, tags = set(), []
    for t in raw:
        if not TAG_RE.match(t):
            raise SeedError("invalid tag name %r" % t[:140])
        if t not in seen:
            seen.add(t)
            tags.append(t)
    if not tags:
        raise SeedError("no tags given")
    return tags


def parse_args(argv):
    p = Parser(prog="seed.py", description=__doc__.split("\n")[0])
    p.add_argument("--registry", required=True, help="HOST:PORT")
    p.add_argument("--repo", required=True)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--tags", help="comma-separated tag names")
    g.add_argument("--tags-file", help="one tag per line (# comments)")
    p.add_argument("--scheme", choices=("http", "https"), default="http")
    p.add_argument("--cacert", help="CA bundle to verify https")
    p.add_argument("--user")
    p.add_argument("--password-env", help="name of the variable holding the password")
    p.add_argument("--layer-size", type=int, default=2048)
    p.add_argument("--big-layer", type=int, default=0, metavar="BYTES")
    p.add_argument("--multiarch-every", type=int, default=4, metavar="N")
    p.add_argument("--oci-every", type=int, default=3, metavar="N")
    p.add_argument("--alias-every", type=int, default=5, metavar="N")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--jobs", type=int, default=8)
    p.add_argument("--variant", default="")
    p.add_argument("--timeout", type=float, default=60, help="socket timeout, seconds")
    p.add_argument("--out", required=True)
    p.add_argument("--referrers", metavar="FILE",
                   help="also seed signatures, SBOMs and fallback indexes; "
                        "list them in FILE")
    a = p.parse_args(argv)
    if a.jobs < 1 or a.layer_size < 1:
        p.error("--jobs and --layer-size must be positive")
    if a.big_layer and a.big_layer < 4096:
        p.error("--big-layer must be 0 (none) or at least 4096 bytes")
    if min(a.multiarch_every, a.oci_every, a.alias_every) < 0:
        p.error("--*-every must not be negative")
    if a.password_env and a.user is None:
        p.error("--password-env needs --user")
    return a


def main(argv):
    a = parse_args(argv)
    try:
        password = ""
        if a.user is not None:
            if not a.password_env or a.password_env not in os.environ:
                raise SeedError("--user needs --password-env naming a set variable")
            password = os.environ[a.password_env]
        tags = read_tags(a)
        ctx = None
        if a.scheme == "https":
            ctx = ssl.create_default_context(cafile=a.cacert)
        planner, out = plan(a, tags)
        refs = plan_referrers(planner, out) if a.referrers else None
        auth = Auth(a.user, password, ctx)
        pusher = Pusher(a, auth, ctx)
        try:
            with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
                run_all(pool, pusher.blob, [(b,) for b in planner.blobs.values()])
                run_all(pool, pusher.manifest,
                        [(d, mt, body) for d, (mt, body) in planner.children.items()])
                run_all(pool, pusher.manifest, [(t, mt, body) for t, mt, body in out])
                # Referrers before the indexes that list them.
                for ref, mt, body in refs.manifests if refs else ():
                    pusher.manifest(ref, mt, body)
        finally:
            pusher.close()
        lines = ["%s sha256:%s %s\n" % (t, hashlib.sha256(body).hexdigest(), mt)
                 for t, mt, body in sorted(out, key=lambda x: x[0])]
        tmp = a.out + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.writelines(lines)
        os.replace(tmp, a.out)
        if refs:
            with open(a.referrers + ".tmp", "w", encoding="utf-8") as f:
                f.writelines("%s %s %s %s\n" % row for row in sorted(refs.rows))
            os.replace(a.referrers + ".tmp", a.referrers)
    except SeedError as e:
        print("seed.py: error: %s" % e, file=sys.stderr)
        return 1
    except OSError as e:
        print("seed.py: error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
