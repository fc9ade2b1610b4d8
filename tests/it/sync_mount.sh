# Cross-repository mounts in a set run: two repositories built on the
# same base layers go to one destination registry; each blob is uploaded
# once over the whole set, and the other repository mounts it
# (POST /v2/REPO/blobs/uploads/?mount=DIGEST&from=OTHER), as the fault
# proxy in front of the destination logs it.  Without the set's share
# (two separate runs) the base is uploaded twice.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
proxy_start dp "$down_url"
# One --seed: the same base layer under both; the version layers differ.
seed "$up_addr" lib/a "$TMPD/a" --tags 1.0,1.1,1.2 --multiarch-every 0 >/dev/null || bail "seed"
seed "$up_addr" lib/b "$TMPD/b" --tags 2.0,2.1 --multiarch-every 0 >/dev/null || bail "seed"

# blobs ADDR REPO TAG...: the config and layer digests of those tags.
blobs() {
	local addr="$1" repo="$2" t
	shift 2
	for t in "$@"; do
		"$REGTOOL" --no-auth-files manifest-get "$addr" "$repo" "$t" 2>/dev/null |
			jq -r '.config.digest, .layers[].digest'
	done
}
base=$("$REGTOOL" --no-auth-files manifest-get "$up_addr" lib/a 1.0 2>/dev/null | jq -r '.layers[0].digest')
is "$("$REGTOOL" --no-auth-files manifest-get "$up_addr" lib/b 2.0 2>/dev/null | jq -r '.layers[0].digest')" \
	"$base" "the two repositories share their base layer"
distinct=$( { blobs "$up_addr" lib/a 1.0 1.1 1.2; blobs "$up_addr" lib/b 2.0 2.1; } | sort -u | wc -l)
shared=$(comm -12 <(blobs "$up_addr" lib/a 1.0 1.1 1.2 | sort -u) <(blobs "$up_addr" lib/b 2.0 2.1 | sort -u) | wc -l)
ok "$shared shared blob(s) in all" test "$shared" -ge 1

cat >"$TMPD/set.yaml" <<YAML
defaults:
  registry: $dp_addr
  jobs: 4
mirrors:
  - source: $up_addr/lib/a
    tags: '*'
  - source: $up_addr/lib/b
    tags: '*'
YAML
tmrun sync "$TMPD/set.yaml" --report "$TMPD/r.json" --state-dir "$TMPD/state"
is "$rc" 0 "the set run succeeds"
# A finished upload is a PUT .../blobs/uploads/...?digest=...; a mount
# answers 201 to its POST.
uploads=$(proxy_count dp '^PUT /v2/lib/[ab]/blobs/uploads/')
mounts=$(proxy_count dp '^POST /v2/lib/[ab]/blobs/uploads/\?mount=')
is "$uploads" "$distinct" "each of the $distinct distinct blobs is uploaded once over the set"
is "$(grep -c "^PUT /v2/lib/[ab]/blobs/uploads/.*$(echo "$base" | cut -d: -f2)" "$dp_log")" 1 \
	"the shared base layer once"
is "$mounts" "$shared" "the $shared shared blobs are mounted in the other repository"
is "$(grep -c '^POST /v2/lib/[ab]/blobs/uploads/?mount=.*&from=lib/[ab] 201 ' "$dp_log")" "$shared" \
	"from the other repository of the run, 201 Created"
jq_is "$TMPD/r.json" '[.mirrors[].report.summary.blobs_mounted] | add' "$shared" \
	"the report counts the mounts"
is "$(listing "$down_addr" lib/a)" "$(seeded "$TMPD/a")" "lib/a: every tag, source digests"
is "$(listing "$down_addr" lib/b)" "$(seeded "$TMPD/b")" "lib/b: every tag, source digests"
is "$(skopeo_digest "$down_addr" lib/b 2.1)" "$(awk '$1 == "2.1" { print $2 }' "$TMPD/b")" \
	"skopeo reads a mounted image back byte for byte"

# The same two repositories as two runs of their own: no share, so the
# shared blobs go up twice (what the set saves).
registry_start down2
proxy_start dp2 "$down2_url"
tm run "$up_addr/lib/a" "$dp2_addr/lib/a" --tags '*' --state-dir "$TMPD/state" >/dev/null 2>&1
tm run "$up_addr/lib/b" "$dp2_addr/lib/b" --tags '*' --state-dir "$TMPD/state" >/dev/null 2>&1
is "$(proxy_count dp2 '^PUT /v2/lib/[ab]/blobs/uploads/')" "$((distinct + shared))" \
	"two separate runs upload the shared blobs twice"

# Two mirrors of one set into one repository run one after the other
# (the second would find the first's lock): both succeed.
cat >"$TMPD/twice.yaml" <<YAML
defaults:
  registry: $down_addr
mirrors:
  - source: $up_addr/lib/a
    destination: lib/twice
    tags: '1.0'
  - source: $up_addr/lib/a
    destination: lib/twice
    tags: '1.1'
YAML
tmrun sync "$TMPD/twice.yaml" --state-dir "$TMPD/state"
is "$rc" 0 "two mirrors into one repository: exit 0"
is "$(listing "$down_addr" lib/twice)" "$(seeded "$TMPD/a" 1.2)" "both mirrors' tags are there"
done_testing
