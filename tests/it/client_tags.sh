# Tag listing: 1,500 tags over real pagination (Link headers) arrive
# exactly once; hostile pages from the proxy (bad JSON, huge bodies, Link
# loops, escape sequences in names, absurd headers) end in clean errors
# or skipped names, never a crash.
. "$top_srcdir/tests/lib.sh"
RT="$top_builddir/tests/tools/regtool"
[ -x "$RT" ] || bail "build tests/tools/regtool first (make check builds it)"

registry_start r
printf 'layer' >"$TMPD/layer"
printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}' \
	>"$TMPD/config"
set -- $("$RT" blob-put "$r_addr" lib/many "$TMPD/layer") || bail "blob-put failed"
layer="$1 $2"
set -- $("$RT" blob-put "$r_addr" lib/many "$TMPD/config") || bail "blob-put failed"
config="$1 $2"
set -- $layer $config
printf '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":%s,"digest":"%s"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":%s,"digest":"%s"}]}' \
	"$4" "$3" "$2" "$1" >"$TMPD/m.json"
seq -f 'tag%g' 1 1500 | sort >"$TMPD/want"
"$RT" manifest-put "$r_addr" lib/many application/vnd.docker.distribution.manifest.v2+json \
	"$TMPD/m.json" $(cat "$TMPD/want") >/dev/null || bail "tagging failed"

"$RT" --count tags "$r_addr" lib/many >"$TMPD/got" 2>"$TMPD/got.err"
is "$?" 0 "1500 tags listed"
is "$(wc -l <"$TMPD/got" | tr -d ' ')" 1500 "1500 names"
is "$(sort "$TMPD/got" | uniq -d | wc -l | tr -d ' ')" 0 "none twice"
ok "exactly the tags pushed" cmp "$TMPD/want" <(sort "$TMPD/got")
like "$(cat "$TMPD/got.err")" "^requests 127.0.0.1:[0-9]+ [23]$" \
	"two pages of n=1000 (plus one https probe)"

# --- hostile answers ---------------------------------------------------------
proxy_start p "$r_url"
tl='^GET /v2/lib/many/tags/list'
hostile() {	# RULES: run tags through the proxy with these rules
	proxy_reset p
	proxy_rules p "$1"
	"$RT" --max-attempts 2 --retry-base 0.01 tags "$p_addr" lib/many \
		>"$TMPD/h.out" 2>"$TMPD/h.err"
}

proxy_rules p '[{"match": "'"$tl"'", "action": "headers", "headers": {"ratelimit-remaining": "76;w=21600"}}]'
out=$("$RT" --count tags "$p_addr" lib/many 2>&1 >/dev/null)
like "$out" "ratelimit $p_addr 76 21600" "ratelimit-remaining is read from answers"

hostile '[{"match": "'"$tl"'", "action": "respond", "body": "{not json"}]'
is "$?" 20 "bad JSON page: protocol error"
like "$(cat "$TMPD/h.err")" "tags page is not a JSON object" "saying so"

hostile '[{"match": "'"$tl"'", "action": "respond", "body": {"tags": "nope"}}]'
is "$?" 20 "tags that is not a list: protocol error"

hostile '[{"match": "'"$tl"'", "action": "respond", "body_repeat": {"text": "[", "bytes": 6000000}}]'
is "$?" 20 "a 6 MB page: protocol error"
like "$(cat "$TMPD/h.err")" "response larger than 4194304 bytes" "the bound is named"

hostile '[{"match": "'"$tl"'", "action": "respond", "body": {"name": "lib/many", "tags": ["a"]},
	"headers": {"Link": "</v2/lib/many/tags/list?n=1000&last=a>; rel=\"next\""}}]'
is "$?" 20 "a Link header that loops: protocol error"
like "$(cat "$TMPD/h.err")" "tags pages link in a loop" "saying so"
is "$(proxy_count p "$tl")" 2 "noticed on the first repeated page"

hostile '[{"match": "'"$tl"'", "action": "respond", "status": 302, "body": "",
	"headers": {"Location": "/v2/lib/many/tags/list?n=1000"}}]'
is "$?" 20 "a redirect to itself: protocol error"
like "$(cat "$TMPD/h.err")" "more than 5 redirects" "after 5 hops"
is "$(proxy_count p "$tl")" 6 "6 requests, no retry"

hostile '[{"match": "'"$tl"'", "action": "respond", "body": {"tags": ["a"]},
	"headers": {"Link": "<file:///etc/passwd>; rel=\"next\""}}]'
is "$?" 20 "a Link to file:// is refused"

long=$(head -c 20000 /dev/zero | tr '\0' a)
hostile '[{"match": "'"$tl"'", "action": "respond", "body": {"tags": ["a"]},
	"headers": {"Link": "</'"$long"'>; rel=\"next\""}}]'
is "$?" 20 "a 20 KB header value: protocol error"
like "$(cat "$TMPD/h.err")" "header value longer than" "the bound is named"

hostile '[{"match": "'"$tl"'", "action": "respond", "body": "{\"tags\": [\"good\", \"\\u001b[31mred\", \"a b\", \"ok-2\", 5, null, \"x\\u0000y\", \"-dash\", \"'"$(head -c 200 /dev/zero | tr '\0' t)"'\", \"\\u009b2J\"]}"}]'
is "$?" 0 "names with escapes, spaces and wrong types: still a listing"
is "$(cat "$TMPD/h.out" | tr '\n' ' ')" "good ok-2 " "only valid tag names come out"
is "$(cat "$TMPD/h.err")" "rejected 8" "the others are counted"
is "$(tr -d '\n -~' <"$TMPD/h.out" | wc -c | tr -d ' ')" 0 "nothing but printable ASCII reaches stdout"

hostile '[{"match": "'"$tl"'\\?n=1000$", "action": "respond", "body": {"tags": ["a", "b", "a"]},
	"headers": {"Link": "</v2/lib/many/tags/list?n=1000&last=b>; rel=\"next\""}},
 {"match": "'"$tl"'.*last=b", "action": "respond", "body": {"tags": ["b", "c"]}}]'
is "$?" 0 "names repeated within and across pages: still a listing"
is "$(cat "$TMPD/h.out" | tr '\n' ' ')" "a b c " "each name once, in first-seen order"
is "$(proxy_count p "$tl")" 2 "both pages read"

hostile '[{"match": "'"$tl"'", "action": "respond", "body": {"name": "lib/many", "tags": null}}]'
is "$?" 0 "tags: null is an empty repository"
is "$(wc -c <"$TMPD/h.out" | tr -d ' ')" 0 "with no names"

hostile '[{"match": "'"$tl"'", "action": "status", "status": 404, "code": "NAME_UNKNOWN",
	"message": "repository name not known to registry\u001b[2J"}]'
is "$?" 13 "unknown repository: not_found"
like "$(cat "$TMPD/h.err")" "HTTP 404 NAME_UNKNOWN: repository name not known to registry\?\[2J" \
	"registry message sanitised"
done_testing
