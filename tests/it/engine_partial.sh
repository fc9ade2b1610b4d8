# The seed report's "How to test": a tag list with tags that copy and tags
# that cannot.  Without rollback the good tags stay and the run is
# PARTIAL_MIRROR naming the bad ones; with REPO_MIRROR_ROLLBACK=true the
# same list leaves the destination exactly as before; switching rollback on
# and off between runs keeps giving the right result.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
proxy_start hub "$up_url"
tags=latest,3.8,3.9,3.10,3.11,3.4.9-alpine,3.12
seed "$up_addr" lib/python "$TMPD/v1" --tags "$tags" >/dev/null || bail "seed failed"

# 3.4.9-alpine: its manifest is gone upstream (404, never worth a retry).
# 3.9: one of its layers answers 500 forever.
faults() {
	bad_layer=$(layer_of "$up_addr" lib/python 3.9)
	[ -n "$bad_layer" ] || bail "no layer for 3.9"
	proxy_rules hub "[
	 {\"match\": \"^(GET|HEAD) /v2/lib/python/manifests/3\\\\.4\\\\.9-alpine\$\",
	  \"action\": \"status\", \"status\": 404, \"code\": \"MANIFEST_UNKNOWN\",
	  \"message\": \"manifest unknown\"},
	 {\"match\": \"^GET /v2/lib/python/blobs/$bad_layer\",
	  \"action\": \"status\", \"status\": 500, \"code\": \"UNKNOWN\", \"message\": \"boom\"}]"
}
faults
fast="--retry-times 1 --retry-delay 0.05 --retries 1"
src="$hub_addr/lib/python"

# --- 1: best effort, into an empty destination --------------------------
tmrun run "$src" "$down_addr/lib/python" --tags '*' $fast --report "$TMPD/r1.json"
is "$rc" 3 "a partial failure exits 3 (PARTIAL_MIRROR)"
like "$out" '^PARTIAL_MIRROR: 7 tags: 5 copied, 0 up to date, 2 failed \(1 not_found, 1 server_error\)$' \
	"summary counts the failures by category"
like "$out" '^3\.4\.9-alpine +FAILED +source 127\.0\.0\.1:[0-9]+: manifest 3\.4\.9-alpine: HTTP 404 MANIFEST_UNKNOWN' \
	"the 404 tag's line names side, object, status and code"
like "$out" "^3\\.9 +FAILED +source .*blob $bad_layer: HTTP 500" "the broken blob is named"
is "$(printf '%s\n' "$out" | grep -c '^3\.9 ')" 1 "a failed tag is listed once (no second list under the summary)"
like "$out" "^3\\.12 +copied +$(seeded "$TMPD/v1" | awk '$1 == "3.12" { print $2 }')\$" \
	"a copied tag's line carries its digest"
is "$(listing "$down_addr" lib/python)" "$(seeded "$TMPD/v1" 3.9 3.4.9-alpine)" \
	"the good tags stay, at the source digests; the failed ones are absent"
for t in latest 3.10; do
	is "$(skopeo_digest "$down_addr" lib/python "$t")" \
		"$(seeded "$TMPD/v1" | awk -v t="$t" '$1 == t { print $2 }')" \
		"skopeo reads $t back byte for byte"
done
jq_is "$TMPD/r1.json" .status PARTIAL_MIRROR "report: status"
jq_is "$TMPD/r1.json" .rolled_back false "report: not rolled back"
jq_is "$TMPD/r1.json" '.failed_tags | sort | join(",")' "3.4.9-alpine,3.9" "report: failed tags"
jq_is "$TMPD/r1.json" '.tags[] | select(.tag == "3.4.9-alpine") | .error |
	[.category, .side, .http, .code, .object] | join(" ")' \
	"not_found source 404 MANIFEST_UNKNOWN manifest 3.4.9-alpine" "report: the 404's details"
jq_is "$TMPD/r1.json" '.tags[] | select(.tag == "3.9") | .error |
	[.category, .side, .http, .object] | join(" ")' \
	"server_error source 500 blob $bad_layer" "report: the 500's details"
jq_is "$TMPD/r1.json" '.tags[] | select(.tag == "3.9") | .attempts' 2 \
	"the 500 was retried in an end-of-run round"
jq_is "$TMPD/r1.json" '.tags[] | select(.tag == "3.4.9-alpine") | .attempts' 0 \
	"the 404 was not (it never copied anything)"
jq_is "$TMPD/r1.json" '.summary.failed_by_category | to_entries |
	map("\(.key)=\(.value)") | join(",")' "not_found=1,server_error=1" "report: counts by category"

# --- 2: upstream rebuilt, rollback on: the destination stays as it was ---
before=$(listing "$down_addr" lib/python)
seed "$up_addr" lib/python "$TMPD/v2" --tags "$tags" --variant b >/dev/null || bail "reseed"
faults
out=$(REPO_MIRROR_ROLLBACK=true "$TAGMIRROR" run "$src" "$down_addr/lib/python" \
	--tags '*' $fast --report "$TMPD/r2.json" 2>/dev/null)
is "$?" 4 "with REPO_MIRROR_ROLLBACK=true the same failures exit 4 (ROLLED_BACK)"
like "$out" '^ROLLED_BACK: 7 tags: 5 copied, 0 up to date, 2 failed.*; destination restored: 5 tags put back' \
	"one final status: what the copy did and what was restored"
is "$(printf '%s\n' "$out" | grep -c 'PARTIAL_MIRROR')" 0 "no PARTIAL_MIRROR line before ROLLED_BACK"
is "$(listing "$down_addr" lib/python)" "$before" \
	"overwritten tags are back at their previous digests, nothing more, nothing less"
jq_is "$TMPD/r2.json" '[.status, .rolled_back, .final_status] | join(" ")' \
	"PARTIAL_MIRROR true ROLLED_BACK" "report: the copy's status beside rolled_back"

# --- 3: --no-rollback beats the environment ------------------------------
out=$(REPO_MIRROR_ROLLBACK=true "$TAGMIRROR" run "$src" "$down_addr/lib/python" \
	--tags '*' $fast --no-rollback 2>/dev/null)
is "$?" 3 "--no-rollback overrides REPO_MIRROR_ROLLBACK=true"
is "$(listing "$down_addr" lib/python)" "$(seeded "$TMPD/v2" 3.9 3.4.9-alpine)" \
	"the good tags now have the rebuilt digests"

# --- 4: rollback into an empty repository leaves it empty ---------------
out=$(REPO_MIRROR_ROLLBACK=true "$TAGMIRROR" run "$src" "$down_addr/lib/fresh" \
	--tags '*' $fast 2>/dev/null)
is "$?" 4 "an empty destination rolls back too"
is "$(listing "$down_addr" lib/fresh)" "" "and is empty again"

# --- 5: and off again ----------------------------------------------------
out=$(REPO_MIRROR_ROLLBACK=false "$TAGMIRROR" run "$src" "$down_addr/lib/fresh" \
	--tags '*' $fast 2>/dev/null)
is "$?" 3 "REPO_MIRROR_ROLLBACK=false: best effort again"
is "$(listing "$down_addr" lib/fresh)" "$(seeded "$TMPD/v2" 3.9 3.4.9-alpine)" \
	"the good tags are kept"

# --- 6: --only-failed retries just the failures ---------------------------
proxy_rules hub '[]'
tmrun run --only-failed "$TMPD/r1.json" $fast --report "$TMPD/r6.json"
is "$rc" 0 "--only-failed with the faults gone: SUCCESS"
jq_is "$TMPD/r6.json" '[.tags[].tag] | sort | join(",")' "3.4.9-alpine,3.9" \
	"only the two failed tags were planned (source and destination from the report)"
is "$(listing "$down_addr" lib/python)" "$(seeded "$TMPD/v2")" "every tag is mirrored now"
assert_no_secret "$TMPD"
done_testing
