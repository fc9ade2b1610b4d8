# The pull budget of a metered source (Docker Hub counts manifest GETs, not
# HEADs): a cold run GETs each manifest the destination lacks exactly once
# (aliases and index children included), a warm run none.  The source says
# it meters only in its manifest answers, as Docker Hub does (not in the
# listing), and each request takes 20 ms, so 8 workers start their first
# lookups before any answer is back: they must not each GET by tag.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
proxy_start hub "$up_url" --rtt 20
proxy_rules hub '[{"match": "/manifests/", "action": "headers",
  "headers": {"RateLimit-Limit": "100000;w=21600", "RateLimit-Remaining": "99999;w=21600"}}]'
# Every 3rd tag an alias of the one before, every 4th (not an alias) a
# 3-platform index: 16 tag digests, 12 children.
tags=$(seq -f '3.%g' 1 24 | paste -sd,)
seed "$up_addr" lib/python "$TMPD/up" --tags "$tags" --alias-every 3 >/dev/null ||
	bail "seed"
src="$hub_addr/lib/python"
dst="$down_addr/lib/python"

# The distinct manifests of the seeded tags: their digests and the
# children of the indexes among them.
distinct=$(( $(awk '{ print $2 }' "$TMPD/up" | sort -u | wc -l) +
	$(index_children "$up_addr" lib/python "$TMPD/up" | wc -l) ))
is "$(awk '{ print $2 }' "$TMPD/up" | sort -u | wc -l)" 16 "aliases: 16 digests for 24 tags"
is "$distinct" 28 "with the indexes' children: 28 distinct manifests"

tmrun run "$src" "$dst" --tags '*' -j 8
is "$rc" 0 "cold run: SUCCESS"
is "$(listing "$down_addr" lib/python)" "$(seeded "$TMPD/up")" \
	"every tag at its source digest"
is "$(proxy_count hub '^GET /v2/lib/python/manifests/')" "$distinct" \
	"cold: one manifest GET per distinct manifest the destination lacks"
is "$(proxy_count hub '^GET /v2/lib/python/manifests/[^s]')" 1 \
	"only the first lookup, before the source said it meters, GETs by tag"

proxy_reset hub
tmrun run "$src" "$dst" --tags '*' -j 8
is "$rc" 0 "warm run: SUCCESS"
is "$(proxy_count hub '^GET /v2/lib/python/manifests/')" 0 "warm: no manifest GET"
is "$(proxy_count hub '^HEAD /v2/lib/python/manifests/')" 24 "warm: one HEAD per tag"
done_testing
