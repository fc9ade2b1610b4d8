# The circuit breaker: a registry that refuses every request once the run
# is going (here: a destination that opens upload sessions but answers
# 405 UNSUPPORTED to every PUT) is not hammered tag after tag.  After 3
# tags in a row the others are not attempted, and the run reports one
# registry-level failure that says pushes are refused.  And a HEAD's bare
# 500 does not hide the registry's own code and message.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
tags=$(seq -f 't%g' 1 12 | paste -sd, -)
seed "$up_addr" lib/app "$TMPD/up" --tags "$tags" >/dev/null || bail "seed failed"
proxy_start dst "$down_url"
proxy_start src "$up_url"
fast="--retry-times 1 --retry-delay 0.05 --retries 1"

# --- 1: pushes refused after the preflight ---------------------------------
proxy_rules dst '[{"match": "^PUT ", "action": "status", "status": 405,
	"code": "UNSUPPORTED", "message": "The operation is unsupported."}]'
tmrun run "$up_addr/lib/app" "$dst_addr/lib/app" --tags '*' -j 1 $fast --report "$TMPD/b.json"
is "$rc" 2 "a destination refusing every push: FAIL"
like "$out" "^FAIL: destination $dst_addr: .*the destination refused pushes of 3 tags in a row, the others were not attempted" \
	"one registry-level failure says pushes are refused"
ok "not one line per tag ($(printf '%s\n' "$out" "$err" | grep -c UNSUPPORTED) lines)" \
	test "$(printf '%s\n' "$out" "$err" | grep -c UNSUPPORTED)" -le 5
jq_is "$TMPD/b.json" '[.summary.failed, .summary.skipped] | join(" ")' "3 9" \
	"report: 3 tags tried, 9 not attempted"
jq_is "$TMPD/b.json" '[.error.http, .error.code] | join(" ")' "405 UNSUPPORTED" \
	"report: the run's error keeps the registry's code"
jq_is "$TMPD/b.json" '[.tags[] | select(.result == "skipped")] | length' 9 "the skipped tags are marked"
ok "the destination was not hammered ($(proxy_count dst '^PUT ') PUTs)" \
	test "$(proxy_count dst '^PUT ')" -le 6

# --- 1b: pushes refused after some tags copied: PARTIAL, said once ----------
registry_start down2
proxy_start dst2 "$down2_url"
proxy_rules dst2 '[{"match": "^PUT /v2/lib/app/manifests/", "skip": 3, "action": "status",
	"status": 405, "code": "UNSUPPORTED", "message": "The operation is unsupported."}]'
tmrun run "$up_addr/lib/app" "$dst2_addr/lib/app" --tags 't1,t2,t3,t6,t7,t9,t10,t11' -j 1 $fast \
	--report "$TMPD/p.json"
is "$rc" 3 "the breaker stops a run that had copied tags: PARTIAL_MIRROR, what copied stays"
like "$out" '^PARTIAL_MIRROR: 8 tags: 3 copied, 0 up to date, 3 failed .*, 2 not attempted' \
	"the summary counts what copied, failed and was not attempted"
like "$err" "destination $dst2_addr: .*refused pushes of 3 tags in a row" "the cause once, on stderr"
is "$(printf '%s\n' "$out" "$err" | grep -c UNSUPPORTED)" 1 "the registry's refusal is said once"
is "$(printf '%s\n' "$out" | grep -c "(refused: the run's failure, below)")" 3 \
	"the tags it refused point at it"
jq_is "$TMPD/p.json" '[.status, .summary.copied, .summary.skipped] | join(" ")' "PARTIAL_MIRROR 3 2" \
	"report: PARTIAL, 3 copied, 2 skipped"
is "$(listing "$down2_addr" lib/app | wc -l)" 3 "the 3 copied tags are in the destination"

# --- 2: a tag whose source manifest answers 500 with a registry error ------
proxy_rules dst '[]'
proxy_rules src '[{"match": "^(GET|HEAD) /v2/lib/app/manifests/t3$", "action": "status",
	"status": 500, "code": "UNKNOWN", "message": "storage backend unavailable"}]'
tmrun run "$src_addr/lib/app" "$dst_addr/lib/app" --tags 't1,t2,t3' $fast --report "$TMPD/u.json"
is "$rc" 3 "one tag failing with 500: PARTIAL_MIRROR"
jq_is "$TMPD/u.json" '.tags[] | select(.tag == "t3") | .error | [.http, .code, .message] | join(" ")' \
	"500 UNKNOWN storage backend unavailable" \
	"the end-of-run round's HEAD keeps the registry's code and message"
like "$out" '^t3 +FAILED +.*HTTP 500 UNKNOWN: storage backend unavailable' "and so does its line"
done_testing
