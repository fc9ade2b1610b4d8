# The mirror-set keys referrers and referrer-types (docs/mirrorset.md):
# `tagmirror sync` of one source to three destinations, one with
# `referrers: false` (no .sig, no SBOM), its neighbour with the default
# (every artefact), a third with `referrer-types: [signature]` (the .sig
# tags, no SBOM); the default-level `referrers: false` is overridden per
# mirror.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/referrers.lib"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
seed "$up_addr" lib/app "$TMPD/up" --tags a --multiarch-every 0 --oci-every 0 \
	--alias-every 0 --referrers "$TMPD/refs" >/dev/null || bail "seed up"
sig=$(awk '$2 == "sig" { print $4 }' "$TMPD/refs")
sbom=$(awk '$2 == "sbom" { print $3 }' "$TMPD/refs")
[ -n "$sig" ] && [ -n "$sbom" ] || bail "seed: no artefacts"

cat >"$TMPD/set.yaml" <<YAML
version: 1
defaults:
  registry: $down_addr
  referrers: false
mirrors:
  - source: $up_addr/lib/app
    destination: 'off/app'
    tags: a
  - source: $up_addr/lib/app
    destination: 'on/app'
    tags: a
    referrers: true
  - source: $up_addr/lib/app
    destination: 'sig/app'
    tags: a
    referrers: yes
    referrer-types: [signature]
YAML

tmrun sync "$TMPD/set.yaml" --report "$TMPD/r.json" --state-dir "$TMPD/state"
is "$rc" 0 "the set: SUCCESS"
is "$(listing "$down_addr" off/app | awk '{ print $1 }')" "a" \
	"referrers: false (the default's): the tag only"
is "$(code "$down_addr" off/app "$sig")" 404 "referrers: false: no .sig"
is "$(code "$down_addr" on/app "$sig")" 200 "its neighbour with referrers: true has the .sig"
is "$(code "$down_addr" on/app "$sbom")" 200 "and the SBOM"
is "$(code "$down_addr" sig/app "$sig")" 200 "referrer-types: [signature]: the .sig"
is "$(code "$down_addr" sig/app "$sbom")" 404 "and no SBOM"
counts=$(jq -r '[.mirrors[] | .report.tags[] | .referrers] | map(tostring) | join(" ")' \
	"$TMPD/r.json" 2>&1)
is "$counts" "0 3 1" "the report counts 0, 3 and 1 referrers"
done_testing
