# `tagmirror sync FILE`: a set of 4 repositories from 2 source registries
# into one destination.  One mirror has a broken tag: PARTIAL_MIRROR for
# that mirror only, the others SUCCESS, exit 3, one report with a
# section per mirror; then `sync --rollback INDEX` leaves every
# destination repository exactly as before the run.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up1
registry_start up2
registry_start down
proxy_start hub "$up1_url"
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

cat >"$TMPD/set.yaml" <<YAML
version: 1
defaults:
  registry: $down_addr
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
like "$out" "lib/node -> $down_addr/lib/node: PARTIAL_MIRROR: 3 tags: 2 copied, 0 up to date, 1 failed" \
	"the broken mirror is PARTIAL_MIRROR"
like "$out" "^  18  source .*HTTP 404 MANIFEST_UNKNOWN" "its failed tag is named with the reason"
like "$out" "lib/python -> $down_addr/mirror/python: SUCCESS: 3 tags: 3 copied, 0 up to date" \
	"the template puts python at mirror/python (its old 3.10 replaced)"
like "$out" "org/app -> $down_addr/org/app: SUCCESS" "namespace list: app"
like "$out" "org/tool -> $down_addr/org/tool: SUCCESS: 1 tag: 1 copied" "namespace list: tool"
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
index=$(jq -r .index "$TMPD/r.json")
like "$err" "set index $index" "the index is named on stderr"
is "$(grep -c '^journal' "$index")" 4 "the index lists 4 journals"

# --- the whole set rolled back ---------------------------------------------
tmrun sync --rollback "$index"
is "$rc" 0 "sync --rollback INDEX: exit 0"
like "$out" "4 journals, every destination as before the run" "every journal rolled back"
is "$(listing "$down_addr" mirror/python)" "$before" "python: exactly as before (3.10 put back)"
for r in lib/node org/app org/tool; do
	is "$(listing "$down_addr" $r)" "" "$r: empty again"
done
tmrun sync --rollback "$TMPD/set.yaml"
is "$rc" 1 "a file that is not an index is refused"

# --- a bad set file: file, line and column; nothing runs -------------------
printf 'mirrors:\n  - source: %s/lib/node\n    tags: "*"\n    password: x\n' "$hub_addr" >"$TMPD/bad.yaml"
proxy_reset hub
tmrun sync "$TMPD/bad.yaml"
is "$rc" 1 "a bad set file exits 1"
like "$err" "bad.yaml:4:5: 'password': inline credentials are refused" "the error names file:line:column"
is "$(proxy_count hub '.')" 0 "and nothing was requested"
done_testing
