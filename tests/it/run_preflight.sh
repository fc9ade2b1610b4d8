# The headless contract, fail fast: before planning, a run asks both
# registries whether it can work at all, in seconds, and says it once.
# A port with nothing listening, a registry refusing every request, and a
# read-only destination each end FAIL (exit 2) with one line naming the
# side, the host and the cause, before a single tag is examined.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
seed "$up_addr" lib/app "$TMPD/v1" --tags 1.0,1.1,1.2,1.3,1.4,1.5 >/dev/null || bail "seed failed"
proxy_start dst "$down_url"
dead=127.0.0.1:$(free_port)

# seconds CMD...: run tagmirror, stdout/stderr/rc as tmrun, $secs the time.
seconds() {
	local t0
	t0=$(date +%s)
	tmrun "$@"
	secs=$(( $(date +%s) - t0 ))
}

# --- 1: a destination port with nothing listening -----------------------
seconds run "$up_addr/lib/app" "$dead/lib/app" --tags '*' --report "$TMPD/r1.json"
is "$rc" 2 "a refused destination port is FAIL (exit 2)"
ok "it fails in seconds, not minutes ($secs s)" test "$secs" -lt 15
like "$err" "destination $dead: ping: .*onnect" "stderr names the side, the host and the cause"
is "$(printf '%s\n' "$out" "$err" | grep -c "$dead")" 2 \
	"said once: the summary line and one error line, no per-tag lines"
like "$out" "^FAIL: destination $dead" "the summary is the preflight's failure"
jq_is "$TMPD/r1.json" '[.status, .summary.tags, .error.side, .error.category] | join(" ")' \
	"FAIL 0 destination network" "report: FAIL before planning, the error's side"

# --- 2: a source port with nothing listening ------------------------------
seconds run "$dead/lib/app" "$down_addr/lib/app" --tags '*'
is "$rc" 2 "a refused source port is FAIL (exit 2)"
ok "in seconds too ($secs s)" test "$secs" -lt 15
like "$err" "source $dead: ping:" "stderr names the source"

# --- 3: a destination that refuses every request with 401 -----------------
proxy_rules dst '[{"match": ".*", "action": "status", "status": 401,
	"code": "UNAUTHORIZED", "message": "credentials rejected"}]'
seconds run "$up_addr/lib/app" "$dst_addr/lib/app" --tags '*'
is "$rc" 2 "a destination answering 401 to everything is FAIL"
like "$err" "destination $dst_addr: .*401 UNAUTHORIZED: credentials rejected" \
	"the registry's own code and message are kept"
is "$(printf '%s\n' "$out" "$err" | grep -c 'credentials rejected')" 2 "said once, not per tag"
is "$(proxy_count dst '/manifests/')" 0 "no manifest was asked for"

# --- 4: a read-only destination (405 UNSUPPORTED to POST and PUT) ---------
proxy_reset dst
proxy_rules dst '[{"match": "^(POST|PUT) ", "action": "status", "status": 405,
	"code": "UNSUPPORTED", "message": "The operation is unsupported."}]'
seconds run "$up_addr/lib/app" "$dst_addr/lib/app" --tags '*'
is "$rc" 2 "a read-only destination is FAIL"
like "$err" "destination $dst_addr: blob upload: HTTP 405 UNSUPPORTED: pushes refused" \
	"stderr says pushes are refused, with the registry's code"
is "$(proxy_count dst '^PUT ')" 0 "nothing was pushed"
is "$(listing "$down_addr" lib/app)" "" "the destination is untouched"

# --- 5: the same destination is fine for a dry run (it pushes nothing) ----
tmrun run "$up_addr/lib/app" "$dst_addr/lib/app" --tags "*" --dry-run
is "$rc" 0 "a dry run does not ask for push rights"

# --- 6: a healthy pair: the preflight leaves no upload behind -------------
proxy_reset dst
proxy_rules dst '[]'
tmrun run "$up_addr/lib/app" "$dst_addr/lib/app" --tags '1.0'
is "$rc" 0 "a healthy run still succeeds"
is "$(proxy_count dst '^DELETE /v2/lib/app/blobs/uploads/')" 1 \
	"the push check cancelled its upload session"
done_testing
