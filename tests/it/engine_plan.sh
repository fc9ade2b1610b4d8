# What the plan decides: --dry-run prints it and changes nothing;
# --delete-stale removes matching tags gone upstream (keeping a mirrored
# tag that shares a stale tag's digest on distribution 2.8) and never after
# a failed listing; --arch pushes a filtered index and is up to date on
# the next run.  Both sides are listed at once.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
proxy_start hub "$up_url"
# 1.0 image, 1.1 image, 1.2 OCI image, 1.3 multi-arch list.
seed "$up_addr" lib/app "$TMPD/up" --tags 1.0,1.1,1.2,1.3 --alias-every 0 >/dev/null ||
	bail "seed up"
seed "$down_addr" lib/app "$TMPD/down" --tags 0.8,0.9,x --variant old >/dev/null ||
	bail "seed down"
# 0.7: a stale tag at the digest 1.0 is about to get.
skopeo copy --src-tls-verify=false --dest-tls-verify=false -q \
	"docker://$up_addr/lib/app:1.0" "docker://$down_addr/lib/app:0.7" >/dev/null 2>&1 ||
	bail "skopeo copy"
before=$(listing "$down_addr" lib/app)
src="$hub_addr/lib/app"
dst="$down_addr/lib/app"

# --- dry run ----------------------------------------------------------------
tmrun run "$src" "$dst" --tags '0.*,1.*' --delete-stale --dry-run
is "$rc" 0 "dry run: exit 0"
like "$out" '^1\.3 +would-copy +sha256:' "it shows the tags it would copy"
like "$out" '^0\.9 +would-delete +sha256:' "and the stale tags it would delete"
unlike "$out" '^x ' "a tag outside the expression is not touched"
like "$out" '^dry run, SUCCESS: 7 tags: 4 to copy, 0 up to date, 0 failed, 3 to delete$' \
	"the plan's summary"
is "$(listing "$down_addr" lib/app)" "$before" "a dry run changes nothing"
nok "and writes no journal" ls "$XDG_STATE_HOME"/tagmirror/*.journal

# --- never delete after a failed listing ------------------------------------
proxy_rules hub '[{"match": "/tags/list", "action": "status", "status": 503,
	"code": "UNAVAILABLE", "message": "down for maintenance"}]'
tmrun run "$src" "$dst" --tags '0.*,1.*' --delete-stale --retry-times 0
is "$rc" 2 "the source cannot be listed: FAIL, exit 2"
like "$out" '^FAIL: source .*HTTP 503' "the summary names the failed listing"
like "$err" '503' "and stderr says why"
is "$(listing "$down_addr" lib/app)" "$before" "nothing is deleted"
proxy_rules hub '[]'

# --- delete stale ---------------------------------------------------------
tmrun run "$src" "$dst" --tags '0.*,1.*' --delete-stale --report "$TMPD/r.json"
is "$rc" 0 "--delete-stale: SUCCESS"
like "$out" '^0\.9 +deleted ' "each removed tag gets a line"
like "$out" ', 3 deleted$' "the summary counts them"
want=$(printf '%s\n' "$(seeded "$TMPD/up")" "$(printf '%s\n' "$before" | grep '^x ')" |
	LC_ALL=C sort)
is "$(listing "$down_addr" lib/app)" "$want" \
	"stale tags are gone; 1.0, which shared 0.7's digest, survived its delete"
jq_is "$TMPD/r.json" '[.tags[] | select(.result == "deleted") | .tag] | sort | join(",")' \
	"0.7,0.8,0.9" "report: deleted tags"
tmrun rollback --last
is "$rc" 0 "rollback of a run that deleted stale tags"
is "$(listing "$down_addr" lib/app)" "$before" "puts them back exactly"

# --- --arch ---------------------------------------------------------------
tmrun run "$src" "$down_addr/arch/app" --tags '1.3' --arch linux/amd64
is "$rc" 0 "--arch linux/amd64: SUCCESS"
full=$(seeded "$TMPD/up" | awk '$1 == "1.3" { print $2 }')
got=$(listing "$down_addr" arch/app | awk '{ print $2 }')
isnt "$got" "$full" "the filtered index has a digest of its own"
is "$(skopeo_digest "$down_addr" arch/app 1.3)" "$got" "skopeo reads the filtered index"
is "$("$REGTOOL" manifest-get "$down_addr" arch/app 1.3 2>/dev/null | python3 -c '
import json, sys
m = json.load(sys.stdin)["manifests"]
print(" ".join(sorted(d["platform"]["os"] + "/" + d["platform"]["architecture"] for d in m)))')" \
	"linux/amd64" "only the amd64 entry is in it"
arm=$("$REGTOOL" manifest-get "$up_addr" lib/app 1.3 2>/dev/null | python3 -c '
import json, sys
print([d["digest"] for d in json.load(sys.stdin)["manifests"]
       if d["platform"]["architecture"] == "arm64"][0])')
like "$("$REGTOOL" manifest-head "$down_addr" arch/app "$arm")" '^absent$' \
	"the arm64 image was not copied"
tmrun run "$src" "$down_addr/arch/app" --tags '1.3' --arch linux/amd64
like "$out" '^1\.3 +up-to-date ' "a second --arch run finds it up to date"
tmrun run "$src" "$down_addr/arch/app" --tags '1.3' --arch linux/s390x
is "$rc" 2 "no platform matches: FAIL"
like "$out" '1\.3 +FAILED +source .*no platform matches --arch' "the tag says why"

# --- the two listings at once -------------------------------------------------
# Source and destination on one registry behind one proxy, whose log then
# has both in the order they ended: the source's listing held 2 s, the
# destination's is in long before it, not after.
proxy_reset hub
skopeo copy --src-tls-verify=false --dest-tls-verify=false -q \
	"docker://$up_addr/lib/app:1.0" "docker://$up_addr/lib/copy:1.0" >/dev/null 2>&1 ||
	bail "skopeo copy"
proxy_rules hub '[{"match": "^GET /v2/lib/app/tags/list", "action": "delay", "seconds": 2}]'
log0=$(wc -l <"$hub_log")
tmrun run "$src" "$hub_addr/lib/copy" --tags '1.0,1.1'
is "$rc" 0 "a run whose source listing takes 2 s: SUCCESS"
lists=$(tail -n +$((log0 + 1)) "$hub_log" | awk '$1 == "GET" && $2 ~ /\/tags\/list/ { print $2 }' |
	sed 's|^/v2/lib/\([a-z]*\)/.*|\1|' | paste -sd' ')
is "$lists" "app copy app" "the destination's listing ended before the run's held source listing (after the preflight's)"
done_testing
