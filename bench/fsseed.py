#!/usr/bin/env python3
"""Seed a registry's storage directly: seed.py's images, written as files.

    fsseed.py --storage DIR [seed.py options but --registry]

Pushing 10,000 tags through the registry API costs the registry's CPU per
upload (about 20,000 blob uploads and 10,000 manifest PUTs, 11 a second on a
busy machine).  The images are the same bytes whichever way they arrive, so
this writes them the way Debian's docker-registry (distribution 2.8, the
filesystem driver) stores them, into a directory no registry is serving yet:

  docker/registry/v2/blobs/sha256/XX/HEX/data            every blob and manifest
  docker/registry/v2/repositories/REPO/_layers/sha256/HEX/link       each blob
  .../_manifests/revisions/sha256/HEX/link                 each manifest
  .../_manifests/tags/TAG/current/link, .../tags/TAG/index/sha256/HEX/link

A link file holds "sha256:HEX".  The plan (tags, layers, aliases, media
types) and the report (--out, "TAG DIGEST MEDIATYPE") are seed.py's own, so
a storage seeded either way serves the same digests.  The bench proves each
template valid before it uses it (bench.py check_seeded(): the tag list has
every tag, skopeo inspects some); every run then verifies what it mirrored.
"""

import hashlib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "bed"))
import seed  # noqa: E402  (tests/bed/seed.py: the one image planner)


def write(path, chunks):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        for c in chunks:
            f.write(c)


class Store:
    def __init__(self, root, repo):
        v2 = os.path.join(root, "docker", "registry", "v2")
        self.blobs = os.path.join(v2, "blobs", "sha256")
        self.repo = os.path.join(v2, "repositories", repo)

    def data(self, digest, chunks):
        hexd = digest.split(":", 1)[1]
        write(os.path.join(self.blobs, hexd[:2], hexd, "data"), chunks)
        return hexd

    def link(self, rel, digest):
        write(os.path.join(self.repo, rel, "link"), (digest.encode(),))

    def blob(self, b):
        hexd = self.data(b.digest, b.chunks())
        self.link(os.path.join("_layers", "sha256", hexd), b.digest)

    def manifest(self, body):
        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        hexd = self.data(digest, (body,))
        self.link(os.path.join("_manifests", "revisions", "sha256", hexd), digest)
        return digest, hexd

    def tag(self, tag, body):
        digest, hexd = self.manifest(body)
        base = os.path.join("_manifests", "tags", tag)
        self.link(os.path.join(base, "current"), digest)
        self.link(os.path.join(base, "index", "sha256", hexd), digest)
        return digest


def main(argv):
    if len(argv) < 2 or argv[0] != "--storage":
        print("usage: fsseed.py --storage DIR [seed.py options but --registry]",
              file=sys.stderr)
        return 1
    storage = argv[1]
    # seed.py requires a registry address; none is contacted here.
    a = seed.parse_args(["--registry", "-"] + argv[2:])
    if a.referrers:
        print("fsseed.py: --referrers needs the registry API (seed.py)", file=sys.stderr)
        return 1
    try:
        planner, out = seed.plan(a, seed.read_tags(a))
    except seed.SeedError as e:
        print("fsseed.py: error: %s" % e, file=sys.stderr)
        return 1
    st = Store(storage, a.repo)
    for b in planner.blobs.values():
        st.blob(b)
    for _mt, body in planner.children.values():
        st.manifest(body)
    lines = ["%s %s %s\n" % (t, st.tag(t, body), mt)
             for t, mt, body in sorted(out, key=lambda x: x[0])]
    with open(a.out + ".tmp", "w", encoding="utf-8") as f:
        f.writelines(lines)
    os.replace(a.out + ".tmp", a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
