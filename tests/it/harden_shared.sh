# A blob shared by several tags that fails for a while does not fail
# those tags for good: its failure is shared within the round (the other
# tags do not each re-try it), forgotten for the end-of-run round, and
# every tag is copied then, the blob fetched once more.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
proxy_start src "$up_url"
seed "$up_addr" lib/app "$TMPD/up" --tags a,b,c >/dev/null || bail "seed up"
base() {
	"$REGTOOL" --no-auth-files manifest-get "$up_addr" lib/app "$1" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["layers"][0]["digest"])'
}
shared=$(base a)
[ -n "$shared" ] && [ "$(base b)" = "$shared" ] && [ "$(base c)" = "$shared" ] ||
	bail "a, b and c do not share their base layer"

# Both tries of the first request for it fail; later ones pass.
proxy_rules src "[{\"match\": \"^GET /v2/lib/app/blobs/$shared\", \"times\": 2,
  \"action\": \"status\", \"status\": 500, \"code\": \"UNKNOWN\", \"message\": \"boom\"}]"
tmrun run "$src_addr/lib/app" "$down_addr/lib/app" --tags a,b,c --retry-times 1 \
	--retry-delay 0.05 -j 3 --report "$TMPD/r.json"
is "$rc" 0 "the shared blob failed in the first round: every tag copied after the retry round"
is "$(listing "$down_addr" lib/app)" "$(seeded "$TMPD/up")" "a, b and c at the source's digests"
is "$(proxy_count src "^GET /v2/lib/app/blobs/$shared")" 3 \
	"the blob was fetched twice in the first round (one request) and once in the retry round"
jq_is "$TMPD/r.json" '[.tags[].attempts] | map(tostring) | join(" ")' "2 2 2" \
	"every tag that shares it failed the first round with it and was copied in the second"
done_testing
