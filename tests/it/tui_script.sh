# The TUI without a terminal: TAGMIRROR_SCRIPT replaces the keyboard and
# TAGMIRROR_NO_DISPLAY draws into curses' memory only (tig's test mode,
# minus /dev/tty).  :wait-idle waits for the listing and the run, so the
# screens saved with :save-screen are deterministic.
. "$top_srcdir/tests/lib.sh"

registry_start up
registry_start dst
seed "$up_addr" app/x "$TMPD/seeded" --tags 1.0,1.1,1.2,2.0,2.1,2.1-rc1,latest \
	--alias-every 0 --multiarch-every 0 >/dev/null || bail "seed failed"
bad=$(curl -sf -H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
	"http://$up_addr/v2/app/x/manifests/1.2" |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["layers"][-1]["digest"])')
proxy_start src "$up_url"
proxy_rules src "[{\"match\": \"^GET /v2/app/x/blobs/$bad\", \"action\": \"status\",
	\"status\": 404, \"code\": \"BLOB_UNKNOWN\", \"message\": \"blob unknown\"}]"

cat >"$TMPD/script" <<EOF
# fill the form
:type $src_addr/app/x
Tab
:type $dst_addr/app/x
Tab
:type 1.*, 2.*, !*-rc*, nope*
:wait-idle 20
:save-screen $TMPD/s-preview
Ctrl-R
:wait-screen some tags failed 60
:save-screen $TMPD/s-decide
d
:save-screen $TMPD/s-detail
Esc
k
:wait-screen Kept
:save-screen $TMPD/s-kept
:resize 120 30
:save-screen $TMPD/s-wide
Ctrl-C
EOF
TAGMIRROR_SCRIPT="$TMPD/script" TAGMIRROR_NO_DISPLAY=1 \
	tm --report "$TMPD/report.json" </dev/null >"$TMPD/out" 2>"$TMPD/err"
is "$?" 0 "the script ran to its end"
is "$(cat "$TMPD/out")" "" "nothing reaches stdout without a display"

s=$(cat "$TMPD/s-preview")
like "$s" "Matched 5 of 7" "preview after :wait-idle: the whole list matched"
is "$(tm preview "$src_addr/app/x" --tags '1.*, 2.*, !*-rc*, nope*' | grep -vc '^#')" 5 \
	"same count as tagmirror preview"
like "$s" "nope\* matches nothing" "dead item flagged"
is "$(wc -l <"$TMPD/s-preview")" 24 "80x24 by default"

s=$(cat "$TMPD/s-decide")
like "$s" "4 of 5 tags are in" "decide: what was mirrored"
like "$s" "1\.2 +HTTP 404 BLOB_UNKNOWN: blob unknown" "decide: what failed and why"
like "$(cat "$TMPD/s-detail")" "Code +BLOB_UNKNOWN" "details of the failed tag"
like "$(cat "$TMPD/s-kept")" "Kept\. Status PARTIAL_MIRROR: 4 tags mirrored, 1 failed" \
	"the outcome"
like "$(cat "$TMPD/report.json")" '"final_status":[[:space:]]*"PARTIAL_MIRROR"' \
	"the report"
is "$(wc -l <"$TMPD/s-wide")" 30 ":resize: 30 lines"
like "$(head -1 "$TMPD/s-wide")" "^ tagmirror .{90,}PARTIAL_MIRROR$" \
	":resize: the title spans 120 columns"

# A bad script line is an error naming the line.
printf 'Tab\nCtrl-Nope\n' >"$TMPD/bad"
out=$(TAGMIRROR_SCRIPT="$TMPD/bad" TAGMIRROR_NO_DISPLAY=1 tm </dev/null 2>&1)
is "$?" 1 "a bad script fails"
like "$out" "script:2: unknown key 'Ctrl-Nope'" "naming the line"
done_testing
