# The headless contract, output and credentials (issue 13): --json JSON
# Lines on run, preview and rollback; one final status after --rollback;
# rollback's wording; --quiet, --verbose, --log; skopeo's auth options.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"
need jq

registry_start up
registry_start down --auth
proxy_start hub "$up_url"
seed "$up_addr" lib/app "$TMPD/up" --tags a,b,c,long-tag-name >/dev/null || bail "seed up"
fast="--retry-delay 0.01 --retries 0"
dcreds="--dest-username $down_user --dest-password $down_pass"

# --- skopeo's credential options ------------------------------------------
tmrun run "$up_addr/lib/app" "$down_addr/lib/app" --tags a $fast $dcreds
is "$rc" 0 "--dest-username/--dest-password: mirrored"
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$down_addr" \
	"$(printf '%s:%s' "$down_user" "$down_pass" | base64 -w0)" >"$TMPD/auth.json"
tmrun run "$up_addr/lib/app" "$down_addr/lib/app" --tags a $fast \
	--dest-authfile "$TMPD/auth.json"
is "$rc" 0 "--dest-authfile: the credentials come from that file"
tmrun run "$up_addr/lib/app" "$down_addr/lib/app" --tags a $fast \
	--authfile "$TMPD/auth.json"
is "$rc" 0 "--authfile: the same for both sides"
REGISTRY_AUTH_FILE="$TMPD/auth.json" tmrun run "$up_addr/lib/app" \
	"$down_addr/lib/app" --tags b $fast --dest-no-creds
is "$rc" 2 "--dest-no-creds: the auth files are not read (FAIL)"
tmrun run "$up_addr/lib/app" "$down_addr/lib/app" --tags b $fast \
	--dest-registry-token not-a-token
is "$rc" 2 "--dest-registry-token: sent as is, refused here"
like "$out$err" "registry token was rejected" "  and the failure says so"

# --- --verbose and --log: a line per request, no secret -------------------
tmrun run "$up_addr/lib/app" "$down_addr/lib/app" --tags a $fast $dcreds \
	--verbose --log "$TMPD/req.log"
is "$rc" 0 "--verbose --log: exit 0"
like "$err" "^tagmirror: destination GET http://$down_addr/v2/.* -> 200 \(" \
	"--verbose: method, URL, status, time on stderr"
like "$(cat "$TMPD/req.log")" "^source HEAD http://$up_addr/v2/lib/app/manifests/a -> 200" \
	"--log: the same lines in the file"
is "$(stat -c %a "$TMPD/req.log")" 600 "  mode 0600"
case "$err$(cat "$TMPD/req.log")" in *"$down_pass"*) r=1 ;; *) r=0 ;; esac
is "$r" 0 "  no password anywhere"

# --- every request one line: the blobs' streamed GETs and uploads too -----
# The source through the proxy, whose log holds every request it answered.
seen=$(wc -l <"$hub_log")
tmrun run "$hub_addr/lib/app" "$down_addr/lib/cold" --tags a,b $fast $dcreds \
	--verbose --log "$TMPD/cold.log" --report "$TMPD/cold.json"
is "$rc" 0 "a cold run with --verbose --log: exit 0"
copied=$(jq -r '.summary.blobs_copied' "$TMPD/cold.json")
lines() { grep -cE "$1" "$TMPD/cold.log"; }
ok "  it streamed blobs ($copied)" test "$copied" -gt 0
is "$(lines "^source GET http://$hub_addr/v2/lib/app/blobs/sha256:[0-9a-f]{64} -> 200 ")" \
	"$copied" "  a source blob GET line per blob streamed"
ok "  an upload PUT or PATCH line per blob streamed" test "$(lines \
	"^destination (PUT|PATCH) http://$down_addr/v2/lib/cold/blobs/uploads/[^ ]* -> 20[12] ")" \
	-ge "$copied"
is "$(lines '^source .* -> [1-9][0-9]* ')" "$(tail -n +"$((seen + 1))" "$hub_log" | wc -l)" \
	"  a source line per request the source answered"
like "$err" "^tagmirror: source GET http://$hub_addr/v2/lib/app/blobs/" \
	"  --verbose prints them too"
basic=$(printf '%s:%s' "$down_user" "$down_pass" | base64 -w0)
case "$err$(cat "$TMPD/cold.log")" in
*"$down_pass"*|*"$basic"*|*"$down_user:"*) r=1 ;; *) r=0 ;; esac
is "$r" 0 "  no credentials in any line"

# --- --json on run, preview, rollback -------------------------------------
"$TAGMIRROR" run "$up_addr/lib/app" "$down_addr/lib/app" --tags '*' $fast \
	$dcreds --json >"$TMPD/run.jsonl" 2>/dev/null
is "$?" 0 "run --json: exit 0"
is "$(jq -c . "$TMPD/run.jsonl" >/dev/null 2>&1; echo $?)" 0 "every line is JSON"
is "$(jq -r 'select(.type == "tag") | .tag' "$TMPD/run.jsonl" | sort | tr '\n' ' ')" \
	"a b c long-tag-name " "a line per tag"
is "$(tail -1 "$TMPD/run.jsonl" | jq -r '[.type, .status, .exit_code, .tags] | join(" ")')" \
	"summary SUCCESS 0 4" "then the summary object"
is "$(tail -c1 "$TMPD/run.jsonl" | od -An -c | tr -d ' ')" '\n' "ending with a newline"
"$TAGMIRROR" preview "$up_addr/lib/app" --tags 'a,zz*' --json >"$TMPD/pv.jsonl" 2>/dev/null
is "$(jq -r '.type' "$TMPD/pv.jsonl" | tr '\n' ' ')" "tag summary " "preview --json: JSON Lines"
is "$(tail -1 "$TMPD/pv.jsonl" | jq -r '.warnings[0]')" "item 2 'zz*' matches no tag" \
	"  the summary carries the warnings"
tmrun preview "$up_addr/lib/app" --tags 'a,b'
is "$out" "a
b" "preview: stdout holds the tag names only"
like "$err" "^# 2 of 4 tags selected by 2 items" "  the '#' lines are on stderr"

# --- human lines: sorted by tag, whatever order the tags finish in ---------
proxy_rules hub '[{"match": "^(GET|HEAD) /v2/lib/app/manifests/a$", "action": "delay", "seconds": 4}]'
tmrun run "$hub_addr/lib/app" "$down_addr/lib/sorted" --tags '*' -j 4 $fast $dcreds --json
is "$(printf '%s\n' "$out" | jq -r 'select(.type == "tag") | .tag' | tail -1)" a \
	"the slow tag finishes last (--json streams in finishing order)"
tmrun run "$hub_addr/lib/app" "$down_addr/lib/sorted2" --tags '*' -j 4 $fast $dcreds
is "$(printf '%s\n' "$out" | awk '{ print $1 }' | paste -sd' ')" \
	"a b c long-tag-name SUCCESS:" "human lines are sorted by tag, the status line last"
is "$(printf '%s\n' "$out" | grep -v '^SUCCESS' | awk '{ print index($0, $2) }' | sort -u)" \
	"16" "  and aligned after the longest tag"

# --- a --rollback run: one final status -----------------------------------
proxy_rules hub '[{"match": "^(GET|HEAD) /v2/lib/app/manifests/c$", "action": "status",
	"status": 404, "code": "MANIFEST_UNKNOWN", "message": "manifest unknown"}]'
tmrun run "$hub_addr/lib/app" "$down_addr/lib/rb" --tags '*' $fast $dcreds --rollback
is "$rc" 4 "--rollback with a failing tag: ROLLED_BACK"
is "$(printf '%s\n' "$out" | grep -c -e '^PARTIAL_MIRROR' -e '^ROLLED_BACK')" 1 \
	"one final status line"
like "$(printf '%s\n' "$out" | tail -1)" '^ROLLED_BACK: 4 tags: .*destination restored' \
	"  last, ROLLED_BACK with what was restored"
is "$(printf '%s\n' "$out" | grep -c '^c ')" 1 "the failed tag is listed once"
tmrun run "$hub_addr/lib/app" "$down_addr/lib/q" --tags '*' $fast $dcreds --quiet
is "$rc" 3 "--quiet: PARTIAL_MIRROR"
is "$(printf '%s\n' "$out" | wc -l)" 2 "  only the failed tag and the last line"

# --- rollback: aligned, and says what it did ------------------------------
journal=$(printf '%s\n' "$err" | sed -n 's/.*journal \([^ ]*\) (undo.*/\1/p')
[ -n "$journal" ] || bail "no journal named: $err"
tmrun run "$hub_addr/lib/app" "$down_addr/lib/je" --tags '*' $fast $dcreds --json \
	--report "$TMPD/je.json"
is "$(printf '%s\n' "$out" | jq -c 'select(.type == "tag" and .tag == "c") | .error')" \
	"$(jq -c '.tags[] | select(.tag == "c") | .error' "$TMPD/je.json")" \
	"--json: a failed tag's error object is the report's"
like "$(printf '%s\n' "$out" | jq -r 'select(.tag == "c") | .error | [.object, .host] | join(" ")')" \
	"^manifest c 127\.0\.0\.1:[0-9]+$" "  naming the object and the host, as docs/report.md says"
tmrun rollback "$journal" $dcreds
is "$rc" 0 "rollback JOURNAL: exit 0"
like "$out" '^long-tag-name +deleted +\(was absent before the run\)$' \
	"a new tag removed again is 'deleted (was absent before the run)'"
is "$(printf '%s\n' "$out" | grep -v '^ROLLED_BACK' | awk '{ print index($0, $2) }' | sort -u)" \
	"16" "the word column is aligned after the longest tag"
tmrun rollback "$journal" $dcreds
like "$out" '^long-tag-name +unchanged +\(already absent, as before the run\)$' \
	"a second rollback says 'unchanged', not deleted again"
"$TAGMIRROR" rollback "$journal" $dcreds --json >"$TMPD/rb.jsonl" 2>/dev/null
is "$(tail -1 "$TMPD/rb.jsonl" | jq -r '[.type, .status, .exit_code] | join(" ")')" \
	"summary ROLLED_BACK 0" "rollback --json: JSON Lines ending with the summary"
is "$(jq -r 'select(.type == "tag") | .state' "$TMPD/rb.jsonl" | sort -u)" "unchanged" \
	"  each tag unchanged on a third run"

done_testing
