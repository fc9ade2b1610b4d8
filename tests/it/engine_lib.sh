# Helpers shared by tests/it/engine_*.sh (sourced after tests/lib.sh).
REGTOOL="$top_builddir/tests/tools/regtool"

# Debian's python3 when there is one: a version manager's shim can cost
# a second per start, and these tests start python3 (seed, proxy, checks)
# dozens of times.  Stdlib only either way.
if [ -x /usr/bin/python3 ]; then
	python3() { /usr/bin/python3 "$@"; }
fi
need jq skopeo
[ -x "$REGTOOL" ] || bail "tests/tools/regtool is not built"

# listing ADDR REPO: "TAG DIGEST" per tag, sorted; nothing for no tags.
# Read back with python's http.client, independent of tagmirror's client.
listing() {
	python3 - "$1" "$2" <<'PY'
import http.client, json, sys
addr, repo = sys.argv[1], sys.argv[2]
accept = ", ".join(["application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json"])
c = http.client.HTTPConnection(addr, timeout=30)
c.request("GET", "/v2/%s/tags/list?n=10000" % repo)
r = c.getresponse()
body = r.read()
tags = (json.loads(body).get("tags") or []) if r.status == 200 else []
for t in sorted(tags):
    c.request("HEAD", "/v2/%s/manifests/%s" % (repo, t), headers={"Accept": accept})
    h = c.getresponse()
    h.read()
    if h.status == 200:
        print(t, h.getheader("Docker-Content-Digest"))
PY
}

# has_tags ADDR REPO N: the registry at ADDR lists at least N tags in REPO:
# a background run's progress seen from outside (a human run prints its
# tag lines only at the end).
has_tags() {
	[ "$(curl -s "http://$1/v2/$2/tags/list" | jq '.tags | length' 2>/dev/null)" -ge "$3" ] 2>/dev/null
}

# seeded FILE [TAG...]: "TAG DIGEST" lines of a seed output, sorted,
# leaving out the TAGs given.
seeded() {
	local f="$1"
	shift
	awk -v skip=" $* " 'index(skip, " " $1 " ") == 0 { print $1, $2 }' "$f" |
		LC_ALL=C sort
}

# index_children ADDR REPO SEEDFILE: the distinct child manifests of the
# seeded tags' indexes, one digest a line, read from the registry at ADDR.
index_children() {
	awk '{ print $2 }' "$3" | sort -u | python3 -c '
import http.client, json, sys
c = http.client.HTTPConnection(sys.argv[1], timeout=30)
accept = ("application/vnd.oci.image.index.v1+json, "
          "application/vnd.docker.distribution.manifest.list.v2+json")
seen = set()
for d in sys.stdin.read().split():
    c.request("GET", "/v2/%s/manifests/%s" % (sys.argv[2], d), headers={"Accept": accept})
    seen.update(x["digest"] for x in json.loads(c.getresponse().read()).get("manifests", []))
print("\n".join(sorted(seen)))' "$1" "$2"
}

# jq_is FILE FILTER WANT DESC: a value from a JSON file.
jq_is() { is "$(jq -r "$2" "$1" 2>&1)" "$3" "$4"; }

# skopeo_digest ADDR REPO TAG: sha256 of the manifest bytes skopeo reads.
skopeo_digest() {
	echo "sha256:$(skopeo inspect --raw --tls-verify=false \
		"docker://$1/$2:$3" 2>/dev/null | sha256sum | cut -d' ' -f1)"
}

# layer_of ADDR REPO TAG: the last layer of an image (the tag's own layer).
layer_of() {
	"$REGTOOL" --no-auth-files manifest-get "$1" "$2" "$3" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["layers"][-1]["digest"])'
}

# tmrun ARGS...: run tagmirror; stdout in $out, stderr in $err, status in $rc.
tmrun() {
	out=$("$TAGMIRROR" "$@" 2>"$TMPD/stderr")
	rc=$?
	err=$(cat "$TMPD/stderr")
}
