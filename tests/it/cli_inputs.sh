# The headless contract, inputs and files (issue 13): options that do not
# apply to a command, env booleans, docker:// references, a typo'd
# command, --report and --only-failed checked before anything moves, and
# report paths that are devices, FIFOs, symlinks or "-" never replaced.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

# --- options checked against their command (no registry needed) ---------
for opt in "--jobs 2" "--rollback" "--theme mono" "--dest-creds u:p"; do
	tmrun preview --tag-list /dev/null --tags '*' $opt
	is "$rc" 1 "preview $opt: usage error"
	like "$err" "^tagmirror: ${opt%% *} does not apply to 'preview'" \
		"  one line naming the option and the command"
done
tmrun run a/b c/d --tags x --theme mono
is "$rc" 1 "run --theme: usage error"
tmrun rollback --last --tags x
like "$err" "--tags does not apply to 'rollback'" "rollback --tags: named"
tmrun run a/b c/d --tags x --src-password p
like "$err" "--src-password needs --src-username" "a password without a user"
tmrun run a/b c/d --tags x --dest-creds u:p --dest-username u
like "$err" "--dest-creds and --dest-username cannot be used together" \
	"creds and username together"
tmrun run a/b c/d --tags x --src-tls-verify=maybe
is "$rc" 1 "--src-tls-verify=maybe: usage error"
REPO_MIRROR_ROLLBACK=maybe tmrun run 127.0.0.1:1/a 127.0.0.1:1/b --tags x
is "$rc" 1 "REPO_MIRROR_ROLLBACK=maybe: usage error"
like "$err" "REPO_MIRROR_ROLLBACK='maybe'" "  naming the variable and the value"

# --- --referrer-types: the set file's check (tm_list_check), culprit named --
long=$(printf 'x%.0s' $(seq 128))
tab=$(printf 'a\tb')
for v in "sbom,,sig" "sbom,$tab" "sig,$long" "a b"; do
	tmrun run 127.0.0.1:1/a 127.0.0.1:1/b --tags x --referrer-types "$v"
	is "$rc" 1 "--referrer-types '$v': usage error"
done
like "$err" "^tagmirror: --referrer-types takes ITEM\[,ITEM...\]: 'a b' is no item" \
	"  the offending item named"
tmrun run 127.0.0.1:1/a 127.0.0.1:1/b --tags x --referrer-types "sig,$tab"
like "$err" "'$tab' is no item" "  a tab refused as the set file refuses it"

# --- a typo'd command is no registry name ---------------------------------
tmrun prevew python --tags x </dev/null
is "$rc" 1 "'prevew python': exit 1"
like "$err" "unknown command 'prevew': did you mean 'preview'" \
	"  suggests the nearest command"
case "$err" in *terminal*) r=1 ;; *) r=0 ;; esac
is "$r" 0 "  and never starts the TUI"

# --- inputs checked before any registry is contacted ----------------------
# 127.0.0.1:1 refuses every connection: an error about it means too late.
dead="127.0.0.1:1/lib/app"
t0=$(date +%s)
tmrun run "$dead" "$dead-b" --tags '*' --report "$TMPD"
is "$rc" 1 "--report DIRECTORY: usage error"
like "$err" "^tagmirror: --report: .*cannot write $TMPD: it is a directory" \
	"  says why, about the report"
tmrun run "$dead" "$dead-b" --tags '*' --report "$TMPD/no/such/r.json"
is "$rc" 1 "--report in a missing directory: usage error"
like "$err" "does not exist" "  says the directory is missing"
ok "  both before contacting a registry (in seconds)" test $(($(date +%s) - t0)) -lt 5
if [ "$(id -u)" = 0 ]; then
	skip "--report onto a read-only file" "root may write it"
else
	: >"$TMPD/ro.json"
	chmod 0444 "$TMPD/ro.json"
	tmrun run "$dead" "$dead-b" --tags '*' --report "$TMPD/ro.json"
	is "$rc" 1 "--report onto a read-only file: usage error"
fi
tmrun run "$dead" "$dead-b" --only-failed "$TMPD/nonexistent.json"
is "$rc" 1 "--only-failed with a missing report: usage error"
like "$err" "nonexistent.json" "  names it"
echo '{"not": "a report"}' >"$TMPD/bad.json"
tmrun run "$dead" "$dead-b" --only-failed "$TMPD/bad.json"
is "$rc" 1 "--only-failed with another JSON file: usage error"
like "$err" "not a tagmirror report" "  says so"

# --- real registries: docker://, env booleans, report targets -------------
registry_start up
registry_start down
proxy_start hub "$up_url"
seed "$up_addr" lib/app "$TMPD/up" --tags a,b,c >/dev/null || bail "seed up"
fast="--retry-delay 0.01 --retries 0"
tmrun run "docker://$up_addr/lib/app" "docker://$down_addr/lib/app" \
	--tags a $fast --dest-tls-verify=off --src-tls-verify=no
is "$rc" 0 "docker:// references as skopeo writes them (and off/no booleans)"
is "$(listing "$down_addr" lib/app | awk '{ print $1 }')" "a" "  a was mirrored"
tmrun preview oci://x/y --tags '*'
like "$err" "only docker:// references" "another transport is refused"

proxy_rules hub '[{"match": "^(GET|HEAD) /v2/lib/app/manifests/c$", "action": "status",
	"status": 404, "code": "MANIFEST_UNKNOWN", "message": "manifest unknown"}]'
n=0
for v in yes ON 1; do
	n=$((n + 1))
	REPO_MIRROR_ROLLBACK=$v tmrun run "$hub_addr/lib/app" "$down_addr/lib/x$n" \
		--tags 'b,c' $fast
	is "$rc" 4 "REPO_MIRROR_ROLLBACK=$v turns rollback on: ROLLED_BACK"
done
REPO_MIRROR_ROLLBACK=off tmrun run "$hub_addr/lib/app" "$down_addr/lib/xoff" \
	--tags 'b,c' $fast
is "$rc" 3 "REPO_MIRROR_ROLLBACK=off: PARTIAL_MIRROR"
proxy_rules hub '[]'

tmrun run "$up_addr/lib/app" "$down_addr/lib/app" --tags '*' --report /dev/null
is "$rc" 0 "--report /dev/null: exit 0"
ok "  /dev/null is still a character device" test -c /dev/null
is "$err" "" "  nothing on stderr"
out=$(cd "$TMPD" && "$TAGMIRROR" run "$up_addr/lib/app" "$down_addr/lib/app" \
	--tags '*' --report - 2>/dev/null)
like "$out" '"tagmirror_report"' "--report - writes the report to stdout"
ok "  and no file named '-'" test ! -e "$TMPD/-"
echo old >"$TMPD/target.json"
ln -s target.json "$TMPD/link.json"
tmrun run "$up_addr/lib/app" "$down_addr/lib/app" --tags '*' --report "$TMPD/link.json"
ok "--report onto a symlink: still a symlink" test -L "$TMPD/link.json"
jq_is "$TMPD/target.json" '.status' "SUCCESS" "  its target holds the report"
mkfifo "$TMPD/fifo"
cat "$TMPD/fifo" >"$TMPD/from-fifo" &
tmrun run "$up_addr/lib/app" "$down_addr/lib/app" --tags '*' --report "$TMPD/fifo"
wait $!
ok "--report onto a FIFO: still a FIFO" test -p "$TMPD/fifo"
jq_is "$TMPD/from-fifo" '.status' "SUCCESS" "  its reader got the report"

done_testing
