# `tagmirror sync FILE`: a set of 4 repositories from 2 source registries
# into one destination.  One mirror has a broken tag: PARTIAL_MIRROR for
# that mirror only, the others SUCCESS, exit 3, one report with a
# section per mirror; the repositories run at once on the shared pool
# (the destination's request log shows them overlapping); then
# `tagmirror rollback SETJOURNAL` leaves every destination repository
# exactly as before the run.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up1
registry_start up2
registry_start down
proxy_start hub "$up1_url"
proxy_start dp "$down_url"
seed "$up1_addr" lib/python "$TMPD/python" --tags 3.10,3.11,3.12,latest >/dev/null || bail "seed"
seed "$up1_addr" lib/node "$TMPD/node" --tags 18,20,22 --seed 2 >/dev/null || bail "seed"
seed "$up2_addr" org/app "$TMPD/app" --tags v1,v2,dev --seed 3 >/dev/null || bail "seed"
seed "$up2_addr" org/tool "$TMPD/tool" --tags v1,nightly --seed 4 >/dev/null || bail "seed"
# Before the run the destination already has one python tag, to be kept
# through the rollback.
seed "$down_addr" mirror/python "$TMPD/before" --tags 3.10 --variant old >/dev/null || bail "seed"
before=$(listing "$down_addr" mirror/python)

# node:18's manifest is gone upstream (404: never retried).
proxy_rules hub '[{"match": "^(GET|HEAD) /v2/lib/node/manifests/18$",
  "action": "status", "status": 404, "code": "MANIFEST_UNKNOWN", "message": "manifest unknown"}]'
# Each manifest PUT takes a moment, so one repository cannot finish
# before the others start when they share the pool.
proxy_rules dp '[{"match": "^PUT /v2/.*/manifests/", "action": "delay", "seconds": 0.2}]'

cat >"$TMPD/set.yaml" <<YAML
version: 1
defaults:
  registry: $dp_addr
  jobs: 2
mirrors:
  - source: $hub_addr/lib/python
    destination: 'mirror/{name}'
    tags: '3.1*'
  - source: $hub_addr/lib/node
    tags: '*'
  - namespace: $up2_addr/org
    list: [app, tool, absent]
    repositories: '*[lp]'
    tags: 'v*'
YAML

tmrun sync "$TMPD/set.yaml" --report "$TMPD/r.json" --state-dir "$TMPD/state"
is "$rc" 3 "one broken tag in one mirror: exit 3 (the worst mirror's)"
like "$out" "lib/node -> $dp_addr/lib/node: PARTIAL_MIRROR: 3 tags: 2 copied, 0 up to date, 1 failed" \
	"the broken mirror is PARTIAL_MIRROR"
like "$out" "^  18  source .*HTTP 404 MANIFEST_UNKNOWN" "its failed tag is named with the reason"
like "$out" "lib/python -> $dp_addr/mirror/python: SUCCESS: 3 tags: 3 copied, 0 up to date" \
	"the template puts python at mirror/python (its old 3.10 replaced)"
like "$out" "org/app -> $dp_addr/org/app: SUCCESS" "namespace list: app"
like "$out" "org/tool -> $dp_addr/org/tool: SUCCESS: 1 tag: 1 copied" "namespace list: tool"
unlike "$out" "absent" "the glob leaves 'absent' out"
like "$out" "set.yaml: 4 repositories: PARTIAL_MIRROR" "the set's line"
is "$(listing "$down_addr" lib/node)" "$(seeded "$TMPD/node" 18)" "node: the good tags, not 18"
is "$(listing "$down_addr" org/app)" "$(seeded "$TMPD/app" dev)" "app: v* only, source digests"
is "$(listing "$down_addr" org/tool)" "$(seeded "$TMPD/tool" nightly)" "tool: v* only"
is "$(listing "$down_addr" mirror/python)" "$(seeded "$TMPD/python" latest)" "python: 3.1*, source digests"
is "$(skopeo_digest "$down_addr" org/app v2)" "$(awk '$1 == "v2" { print $2 }' "$TMPD/app")" \
	"skopeo reads a copied tag back byte for byte"

jq_is "$TMPD/r.json" .status PARTIAL_MIRROR "report: the worst status"
jq_is "$TMPD/r.json" '.mirrors | length' 4 "report: a section per repository"
jq_is "$TMPD/r.json" '[.mirrors[] | .status] | join(",")' \
	"SUCCESS,PARTIAL_MIRROR,SUCCESS,SUCCESS" "report: PARTIAL for that mirror only"
jq_is "$TMPD/r.json" '[.mirrors[] | .mirror] | join(",")' "1,2,3,3" "report: each section names its mirror"
jq_is "$TMPD/r.json" '.mirrors[1].report.failed_tags | join(",")' 18 "report: the engine's report inside"
sj=$(jq -r .journal "$TMPD/r.json")
like "$err" "set journal $sj" "the set journal is named on stderr"
is "$(head -1 "$sj")" "tagmirror-set-journal 1" "one set journal for the run"
is "$(grep -c '^member ' "$sj")" 4 "it names the 4 repositories' journals"
is "$(tail -1 "$sj")" "end PARTIAL_MIRROR" "and ends with the set's status"

# The shared pool: the repositories' requests to the destination overlap
# in time (one repository's first request comes between another's first
# and last), not one after another.  awk prints each repository's first
# and last line number in the proxy's log.
awk '$2 ~ /^\/v2\/.+\/(manifests|blobs|tags)\// { r = $2; sub("^/v2/", "", r);
	sub("/(manifests|blobs|tags)/.*", "", r); if (!(r in first)) first[r] = NR; last[r] = NR }
	END { for (r in first) print r, first[r], last[r] }' "$dp_log" >"$TMPD/spans"
is "$(wc -l <"$TMPD/spans")" 4 "every repository sent requests to the destination"
overlap=$(awk '{ f[NR] = $2; l[NR] = $3 } END { n = 0
	for (i = 1; i <= NR; i++) for (k = 1; k <= NR; k++)
		if (i != k && f[i] < f[k] && f[k] < l[i]) n++
	print n }' "$TMPD/spans")
ok "the repositories ran at once on the shared pool ($overlap overlaps)" test "$overlap" -gt 0

# --- the whole set rolled back by `tagmirror rollback` ---------------------
tmrun rollback "$sj"
is "$rc" 0 "tagmirror rollback SETJOURNAL: exit 0"
like "$out" "ROLLED_BACK: 8 tags as before the run" "every repository's tags"
like "$out" "^mirror/python:3.10 +restored" "tags are named with their repository"
like "$out" "^org/tool:v1 +deleted" "a new tag is removed again"
is "$(listing "$down_addr" mirror/python)" "$before" "python: exactly as before (3.10 put back)"
for r in lib/node org/app org/tool; do
	is "$(listing "$down_addr" $r)" "" "$r: empty again"
done
is "$(tail -1 "$sj")" "end ROLLED_BACK" "the set journal ends rolled back"
tmrun sync --rollback "$sj"
is "$rc" 1 "sync --rollback is gone: tagmirror rollback takes the set journal"

# --- a bad set file: file, line and column; nothing runs -------------------
printf 'mirrors:\n  - source: %s/lib/node\n    tags: "*"\n    password: x\n' "$hub_addr" >"$TMPD/bad.yaml"
proxy_reset hub
tmrun sync "$TMPD/bad.yaml"
is "$rc" 1 "a bad set file exits 1"
like "$err" "bad.yaml:4:5: 'password': inline credentials are refused" "the error names file:line:column"
is "$(proxy_count hub '.')" 0 "and nothing was requested"
done_testing
