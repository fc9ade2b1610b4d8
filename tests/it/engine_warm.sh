# A layer shared by many tags is copied once, even when those tags are
# copied at the same time; a second run of the same mirror moves no blob
# and costs two HEADs per tag; within one registry blobs are mounted, not
# copied.  Counted on the wire by fault proxies in front of both sides.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
proxy_start hub "$up_url"
proxy_start dn "$down_url"
tags=$(seq -f '3.%g' 1 24 | paste -sd,)
seed "$up_addr" lib/python "$TMPD/up" --tags "$tags" >/dev/null || bail "seed"
src="$hub_addr/lib/python"
dst="$dn_addr/lib/python"

# dups NAME REGEX: how many logged requests matching REGEX repeat an earlier
# one's blob digest.
dups() {
	proxy_stats "$1" | python3 -c 'import json, re, sys
rx = re.compile(sys.argv[1])
seen = [re.search(r"sha256:[0-9a-f]{64}", p).group(0)
        for m, p, s in json.load(sys.stdin)["log"]
        if rx.search(m + " " + p) and re.search(r"sha256:[0-9a-f]{64}", p)]
print(len(seen) - len(set(seen)))' "$2"
}

tmrun run "$src" "$dst" --tags '*' -j 8 --report "$TMPD/r1.json"
is "$rc" 0 "first run: SUCCESS"
is "$(listing "$down_addr" lib/python)" "$(seeded "$TMPD/up")" \
	"every tag at its source digest"
is "$(skopeo_digest "$down_addr" lib/python 3.4)" \
	"$(seeded "$TMPD/up" | awk '$1 == "3.4" { print $2 }')" "skopeo agrees on a multi-arch list"
is "$(dups hub '^GET /v2/lib/python/blobs/')" 0 \
	"no blob was downloaded twice (8 workers, shared base and version layers)"
is "$(dups dn '^PUT /v2/lib/python/blobs/uploads/')" 0 "no blob was uploaded twice"
is "$(dups hub '^GET /v2/lib/python/manifests/sha256:')" 0 \
	"no manifest was fetched twice (aliases and shared children included)"
jq_is "$TMPD/r1.json" '.summary.blobs_copied > 0' true "report counts copied blobs"
is "$(proxy_count hub '^HEAD /v2/lib/python/manifests/')" 0 \
	"into an empty repository no source HEAD: every manifest is needed anyway"
is "$(proxy_count hub '^GET /v2/lib/python/manifests/[^s]')" 24 "each tag's manifest GET once, by tag"
is "$(proxy_count hub '^GET /v2/lib/python/manifests/sha256:')" \
	"$(index_children "$up_addr" lib/python "$TMPD/up" | wc -l)" \
	"by digest only the indexes' children: an alias uses the bytes of its own GET"

proxy_reset hub
proxy_reset dn
tmrun run "$src" "$dst" --tags '*' -j 8
is "$rc" 0 "second run: SUCCESS"
like "$out" '^SUCCESS: 24 tags: 0 copied, 24 up to date, 0 failed$' "every tag up to date"
is "$(proxy_count hub '/blobs/')$(proxy_count dn '/blobs/(?!uploads/)')" 00 \
	"no blob request on either side (the preflight's push check aside)"
is "$(proxy_count dn '^(POST|DELETE) /v2/lib/python/blobs/uploads/')" 2 \
	"the push check: one upload session started and cancelled"
is "$(proxy_count hub '^GET /v2/lib/python/manifests/')$(proxy_count dn '^GET /v2/lib/python/manifests/')" 00 \
	"no manifest GET (Docker Hub counts those)"
is "$(proxy_count hub '^HEAD /v2/lib/python/manifests/')" 24 "one HEAD per tag upstream"
is "$(proxy_count dn '^HEAD /v2/lib/python/manifests/')" 24 "one HEAD per tag downstream"
ok "nothing else but the tag listing, the preflight (and auth probes)" \
	test "$(proxy_count hub .)" -le 29 -a "$(proxy_count dn .)" -le 30

# A repository holding some of the tags: those get HEADs (they may be up to
# date), the ones it lacks only their GET.
tmrun run "$src" "$dn_addr/half" --tags '3.1*'
is "$rc" 0 "a first run with 11 of the tags: SUCCESS"
proxy_reset hub
tmrun run "$src" "$dn_addr/half" --tags '*'
like "$out" '^SUCCESS: 24 tags: 13 copied, 11 up to date, 0 failed$' "then all 24: 13 copied"
is "$(proxy_count hub '^HEAD /v2/lib/python/manifests/')" 11 "a HEAD for each tag already there"
is "$(proxy_count hub '^GET /v2/lib/python/manifests/[^s]')" 13 "a GET by tag for each new one"
is "$(listing "$down_addr" half)" "$(seeded "$TMPD/up")" "every tag at its source digest"

# Same registry, another repository: mount instead of copy.
tmrun run "$up_addr/lib/python" "$up_addr/mirror/python" --tags '3.1*' --report "$TMPD/r3.json"
is "$rc" 0 "mirror within one registry: SUCCESS"
jq_is "$TMPD/r3.json" '[.summary.blobs_copied, (.summary.blobs_mounted > 0)] | map(tostring) | join(" ")' \
	"0 true" "blobs are mounted from the source repository, none copied"
is "$(listing "$up_addr" mirror/python)" "$(seeded "$TMPD/up" | grep '^3\.1')" "the tags are there"
done_testing
