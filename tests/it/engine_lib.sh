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
