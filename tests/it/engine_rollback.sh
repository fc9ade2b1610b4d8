# Rollback restores exactly the tags a run changed, on Docker distribution
# 2.8, which cannot delete a tag, only a manifest by digest (taking every
# tag at that digest along): overwritten tags get their old bytes back,
# new tags go, and a pre-existing tag that shares a new tag's digest
# is never touched (a new tag is pointed at a throwaway manifest, which
# is what gets deleted).  A tag someone else moved after the run is left alone and
# reported as a conflict.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
proxy_start hub "$up_url"
# Position 4 (d) is a multi-arch list, 5 (e) an alias of d, 3 (c) OCI.
seed "$up_addr" lib/app "$TMPD/up" --tags a,b,c,d,e,f >/dev/null || bail "seed up"
# The destination before: b and c at older builds, "other" outside the
# expression, and "old-alias" already at d's digest (the 2.8 trap).
seed "$down_addr" lib/app "$TMPD/down" --tags b,c,other --variant old >/dev/null ||
	bail "seed down"
skopeo copy --all --src-tls-verify=false --dest-tls-verify=false -q \
	"docker://$up_addr/lib/app:d" "docker://$down_addr/lib/app:old-alias" >/dev/null 2>&1 ||
	bail "skopeo copy"
d_digest=$(seeded "$TMPD/up" | awk '$1 == "d" { print $2 }')
[ "$(listing "$down_addr" lib/app | awk '$1 == "old-alias" { print $2 }')" = "$d_digest" ] ||
	bail "old-alias is not at d's digest"
before=$(listing "$down_addr" lib/app)

proxy_rules hub '[{"match": "^(GET|HEAD) /v2/lib/app/manifests/f$", "action": "status",
	"status": 404, "code": "MANIFEST_UNKNOWN", "message": "manifest unknown"}]'
src="$hub_addr/lib/app"
expr='a,b,c,d,e,f'

# --- automatic rollback ---------------------------------------------------
tmrun run "$src" "$down_addr/lib/app" --tags "$expr" --rollback --report "$TMPD/r1.json"
is "$rc" 4 "one tag fails with --rollback: ROLLED_BACK"
is "$(listing "$down_addr" lib/app)" "$before" \
	"every tag and digest is as before, old-alias included"
jq_is "$TMPD/r1.json" '.rollback | [.restored, .conflicts, .failed, .mismatches,
	.survivors_retagged] | map(tostring) | join(" ")' "5 0 0 0 0" \
	"5 tags restored, no other tag deleted along and re-tagged"
is "$(skopeo_digest "$down_addr" lib/app b)" \
	"$(seeded "$TMPD/down" | awk '$1 == "b" { print $2 }')" \
	"skopeo reads b's old manifest back byte for byte"
journal=$(jq -r .journal "$TMPD/r1.json")
like "$(tail -1 "$journal")" '^end ROLLED_BACK$' "the journal ends with the rollback"
ok "journal is private (0600)" test "$(stat -c %a "$journal")" = 600
ok "state directory is private (0700)" test "$(stat -c %a "$(dirname "$journal")")" = 700

# --- keep, then roll back later; someone moves a tag meanwhile -----------
tmrun run "$src" "$down_addr/lib/app" --tags "$expr"
is "$rc" 3 "the same run without rollback: PARTIAL_MIRROR"
is "$(listing "$down_addr" lib/app | grep -c '^[a-e] ')" 5 "a to e mirrored"
# Another writer pushes its own a.
seed "$down_addr" lib/app "$TMPD/theirs" --tags a --variant theirs >/dev/null || bail "seed theirs"
theirs=$(seeded "$TMPD/theirs" | awk '{ print $2 }')
tmrun rollback --last
is "$rc" 3 "rollback with a conflict exits 3"
like "$out" "^a +CONFLICT +destination .*manifest a: now at $theirs" \
	"the moved tag is reported as a conflict"
want=$(printf '%s\n' "$before" "a $theirs" | LC_ALL=C sort)
is "$(listing "$down_addr" lib/app)" "$want" \
	"everything else is restored; their a is left alone"
tmrun rollback --last
is "$rc" 3 "a second rollback is harmless (the conflict stays a conflict)"
is "$(listing "$down_addr" lib/app)" "$want" "and changes nothing"
tmrun rollback "$TMPD/nonexistent.journal"
is "$rc" 1 "an unreadable journal is a usage error"
like "$err" "nonexistent.journal" "naming the file"
done_testing
