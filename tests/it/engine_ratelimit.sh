# Docker Hub's pull limit: when ratelimit-remaining (read from the listing
# and from HEADs, which do not count) says the budget is nearly spent, the run pauses, visibly,
# before any GET instead of failing tags on 429; and a 429 with
# Retry-After that does come is waited out, not a failed tag.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
proxy_start hub "$up_url"
seed "$up_addr" lib/app "$TMPD/up" --tags a,b,c,d --alias-every 0 --multiarch-every 0 \
	>/dev/null || bail "seed"
src="$hub_addr/lib/app"

# The listing and the first two HEADs say 2 pulls are left; later ones say
# 90.  A source that announces a budget is treated as Docker Hub is: HEAD
# first, even for tags the empty destination lacks, so aliases share a pull.
proxy_rules hub '[
 {"match": "^GET /v2/lib/app/tags/list", "action": "headers",
  "headers": {"ratelimit-limit": "100;w=21600", "ratelimit-remaining": "2;w=21600"}},
 {"match": "^HEAD /v2/lib/app/manifests/", "times": 2, "action": "headers",
  "headers": {"ratelimit-limit": "100;w=21600", "ratelimit-remaining": "2;w=21600"}},
 {"match": "^(HEAD|GET) /v2/lib/app/manifests/", "action": "headers",
  "headers": {"ratelimit-limit": "100;w=21600", "ratelimit-remaining": "90;w=21600"}}]'
tmrun run "$src" "$down_addr/lib/app" --tags '*' -j 2
is "$rc" 0 "a nearly spent budget: the run still succeeds"
like "$err" 'rate limit nearly spent \(2 pulls left\): pausing 1s' "the pause is visible"
like "$err" 'resuming' "and so is the end of it"
order=$(proxy_stats hub | python3 -c 'import json, sys
log = [m + " " + p for m, p, s in json.load(sys.stdin)["log"]]
first_get = min(i for i, l in enumerate(log) if l.startswith("GET /v2/lib/app/manifests/"))
print(sum(1 for l in log[:first_get] if l.startswith("HEAD /v2/lib/app/manifests/")))')
ok "no GET before a third HEAD showed the budget back (HEADs first: $order)" test "$order" -ge 3
is "$(listing "$down_addr" lib/app)" "$(seeded "$TMPD/up")" "every tag mirrored"

# A 429 with Retry-After on two manifest GETs.
proxy_reset hub
proxy_rules hub '[{"match": "^GET /v2/lib/app/manifests/", "times": 2,
	"action": "retry_after", "seconds": 1}]'
tmrun run "$src" "$down_addr/other" --tags '*' -j 2 --report "$TMPD/r.json"
is "$rc" 0 "429s with Retry-After are waited out"
is "$(proxy_count hub '^GET /v2/lib/app/manifests/')" 6 "4 GETs + 2 refused"
jq_is "$TMPD/r.json" '[.tags[].attempts] | max' 1 "no tag needed an end-of-run round"
is "$(listing "$down_addr" other)" "$(seeded "$TMPD/up")" "every tag mirrored"
done_testing
