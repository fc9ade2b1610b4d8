. "$top_srcdir/tests/lib.sh"
# tests/bed/faultproxy.py in front of a real registry: transparent
# forwarding (skopeo works through it, bodies stream both ways), every rule
# action, the control API and log, Docker Hub style bearer auth, TLS on
# either side, robustness and quiet.
# The test bed is Python and tagmirror plays no part: nothing for CI's
# sanitizer pass to check here.
sanitized && skip_all "the Python test bed only; no C code to sanitize"
need ps

registry_start up
seed "$up_addr" lib/app "$TMPD/seed.out" --tags v1,v2,v3,v4 --big-layer 2000000 ||
	bail "cannot seed the upstream"
digest() { awk -v t="$1" '$1 == t { print $2 }' "$TMPD/seed.out"; }
V2=application/vnd.docker.distribution.manifest.v2+json
# The big layer of v1: the last digest in its manifest.
big=$(curl -sS -H "Accept: $V2" "$up_url/v2/lib/app/manifests/v1" |
	grep -o 'sha256:[0-9a-f]\{64\}' | tail -1)

proxy_start p "$up_url"

# get URL [curl options...]: prints the HTTP code; body in $TMPD/body,
# headers in $TMPD/hdr, curl's exit code in $TMPD/rc.
get() {
	local u="$1"
	shift
	curl -s -o "$TMPD/body" -D "$TMPD/hdr" -w '%{http_code}' --cacert "${TM_CA:-/dev/null}" "$@" "$u"
	echo $? >"$TMPD/rc"
}
hdr() { tr -d '\r' <"$TMPD/hdr" | sed -n "s/^$1: *//Ip" | tail -1; }

# --- transparent forwarding ---------------------------------------------------
got=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$p_addr/lib/app:v1" 2>&1)
is "$got" "$(digest v1)" "skopeo inspect through the proxy sees the seeded digest"
ok "skopeo copy --all through the proxy (every blob streams intact)" \
	skopeo copy --all -q --src-tls-verify=false "docker://$p_addr/lib/app:v4" "dir:$TMPD/copy"
is "$(get "$p_url/v2/lib/app/blobs/uploads/" -X POST)" 202 "an upload session opens through the proxy"
like "$(hdr Location)" "^$p_url/v2/lib/app/blobs/uploads/" "Location is rewritten to point at the proxy"
loc=$(hdr Location)
head -c 3000000 /dev/urandom >"$TMPD/blob"
bd="sha256:$(sha256sum <"$TMPD/blob" | cut -d' ' -f1)"
# (curl's default form Content-Type would make the registry eat the body.)
OCTET="Content-Type: application/octet-stream"
is "$(get "$loc&digest=$bd" -X PUT -H "$OCTET" -H 'Transfer-Encoding: chunked' --data-binary @"$TMPD/blob")" 201 \
	"a chunked upload goes through"
is "$(curl -sS "$p_url/v2/lib/app/blobs/$bd" | sha256sum | cut -d' ' -f1)" "${bd#sha256:}" \
	"...and reads back intact"

# --- rule actions -------------------------------------------------------------
M="$p_url/v2/lib/app/manifests/v1"
proxy_rules p '[{"match": "^GET /v2/lib/app/manifests/v1$", "times": 1, "action": "status", "status": 500}]'
is "$(get "$M" -H "Accept: $V2")" 500 "status rule: the first matching request gets 500"
like "$(cat "$TMPD/body")" '"errors": *\[\{"code": *"UNKNOWN"' "...with a registry-style error body"
is "$(get "$M" -H "Accept: $V2")" 200 "...and the next one passes (times=1)"
is "$(get "$M" -I -H "Accept: $V2")" 200 "HEAD does not match a GET rule"
like "$(proxy_stats p)" '"by_rule": \[1\]' "stats count the rule's hits"

proxy_rules p '[{"match": "manifests/v2", "skip": 1, "times": 1, "action": "status", "status": 404,
	"code": "MANIFEST_UNKNOWN", "headers": {"X-Test": "yes"}}]'
codes="$(get "$p_url/v2/lib/app/manifests/v2") $(get "$p_url/v2/lib/app/manifests/v2") $(get "$p_url/v2/lib/app/manifests/v2")"
is "$codes" "200 404 200" "skip=1 times=1 fails only the second request"

proxy_rules p '[{"match": "/manifests/", "action": "retry_after", "seconds": 7}]'
is "$(get "$M")" 429 "retry_after answers 429"
is "$(hdr Retry-After)" 7 "...with Retry-After: 7"
like "$(cat "$TMPD/body")" TOOMANYREQUESTS "...and a TOOMANYREQUESTS error"

proxy_rules p '[{"match": "/blobs/sha256:", "times": 1, "action": "corrupt"}]'
is "$(get "$p_url/v2/lib/app/blobs/$big")" 200 "corrupt: the blob still answers 200"
is "$(wc -c <"$TMPD/body" | tr -d ' ')" 2000000 "...with its full length"
isnt "sha256:$(sha256sum <"$TMPD/body" | cut -d' ' -f1)" "$big" "...but bytes that no longer match the digest"

proxy_rules p '[{"match": "/blobs/sha256:", "action": "reset", "after_bytes": 100000}]'
get "$p_url/v2/lib/app/blobs/$big" >/dev/null
isnt "$(cat "$TMPD/rc")" 0 "reset: curl reports a transfer error"
is "$(wc -c <"$TMPD/body" | tr -d ' ')" 100000 "...after exactly after_bytes bytes of body"

proxy_rules p '[{"match": "/blobs/sha256:", "action": "cut", "at": 123456, "times": 1}]'
proxy_reset p
get "$p_url/v2/lib/app/blobs/$big" >/dev/null
isnt "$(cat "$TMPD/rc")" 0 "cut (response body): curl reports a transfer error"
is "$(wc -c <"$TMPD/body" | tr -d ' ')" 123456 "...after exactly at bytes of body"
like "$(tail -1 "$p_log")" "^GET /v2/lib/app/blobs/$big 200 123456 0\$" "...and the log counts them"
is "$(get "$p_url/v2/lib/app/blobs/$big" -r 1000000-)" 206 "a Range GET passes through (times=1)"
like "$(tail -1 "$p_log")" " 206 1000000 0\$" "...the log counting what it sent"
like "$(proxy_stats p)" '"bytes_sent": 1123456, "bytes_received": 0' "stats total the body bytes each way"
proxy_rules p '[{"match": "/blobs/sha256:", "action": "headers", "headers": {}, "drop_headers": ["range"]}]'
is "$(get "$p_url/v2/lib/app/blobs/$big" -r 1000000-)" 200 "drop_headers: Range not forwarded, the whole blob answers"
is "$(wc -c <"$TMPD/body" | tr -d ' ')" 2000000 "...all of it"

# cut (request body): the first at bytes go upstream, the client is reset.
# Without keep the registry sees a broken body: docker-registry then drops
# the session, as its signed upload state no longer matches.
up_post() { get "$p_url/v2/lib/cut/blobs/uploads/" -X POST >/dev/null; hdr Location; }
patch() {	# URL FROM FILE: PATCH FILE as bytes FROM.. of the upload
	get "$1" -X PATCH -H "$OCTET" -H "Content-Range: $2-$(($2 + $(wc -c <"$3") - 1))" \
		--data-binary @"$3"
}
loc=$(up_post)
proxy_rules p '[{"match": "^PATCH /v2/lib/cut/blobs/uploads/", "action": "cut", "body": "request",
	"at": 1000000, "times": 1}]'
patch "$loc" 0 "$TMPD/blob" >/dev/null
like "$(cat "$TMPD/rc")" '^(52|55|56)$' "cut (request body): the client's upload breaks"
like "$(tail -1 "$p_log")" '^PATCH /v2/lib/cut/blobs/uploads/[^ ]* 0 0 [0-9]+$' \
	"...logged unanswered, with the bytes it read"
ok "...at least at bytes of them" test "$(tail -1 "$p_log" | cut -d' ' -f5)" -ge 1000000
is "$(get "$loc")" 404 "...and docker-registry cannot say where the upload stands"

# With keep the cut bytes are the whole body upstream: the registry holds
# them and the proxy keeps the upload's state, as a registry following
# the distribution spec does, so the upload goes on from there.
loc=$(up_post)
proxy_rules p '[{"match": "^PATCH /v2/lib/cut/blobs/uploads/", "action": "cut", "body": "request",
	"at": 1000000, "keep": true, "times": 1}]'
patch "$loc" 0 "$TMPD/blob" >/dev/null
isnt "$(cat "$TMPD/rc")" 0 "cut with keep: the client's upload breaks too"
is "$(get "$loc")" 204 "...but its status answers (the old URL)"
is "$(hdr Range)" 0-999999 "...with the bytes the registry holds"
tail -c +1000001 "$TMPD/blob" >"$TMPD/rest"
is "$(patch "$(hdr Location)" 1000000 "$TMPD/rest")" 202 "the rest goes up in a PATCH"
is "$(hdr Range)" 0-2999999 "...making the whole blob"
is "$(get "$(hdr Location)&digest=$bd" -X PUT)" 201 "the closing PUT commits it"
is "$(curl -sS "$p_url/v2/lib/cut/blobs/$bd" | sha256sum | cut -d' ' -f1)" "${bd#sha256:}" \
	"...intact"
is "$(get "$p_url/__proxy/rules" -X PUT --data-binary '[{"action": "cut"}]')" 400 \
	"a cut without at is refused (400)"
is "$(get "$p_url/__proxy/rules" -X PUT --data-binary '[{"action": "cut", "at": 1, "body": "both"}]')" 400 \
	"...and one with an unknown body"

proxy_rules p '[{"match": "/v2/$", "action": "close"}]'
get "$p_url/v2/" >/dev/null
like "$(cat "$TMPD/rc")" '^(52|56)$' "close: the connection drops with no answer (curl error 52/56)"

proxy_rules p '[{"match": "/tags/list", "action": "headers", "headers": {"ratelimit-remaining": "3;w=21600", "Content-Type": "text/x-test"}}]'
is "$(get "$p_url/v2/lib/app/tags/list")" 200 "headers: the request is forwarded"
is "$(hdr ratelimit-remaining)" "3;w=21600" "...with the added header"
is "$(hdr Content-Type)" "text/x-test" "...and the overridden one"
like "$(cat "$TMPD/body")" '"v1"' "...and the real body"

proxy_rules p '[{"match": "/tags/list", "action": "delay", "seconds": 0.5}]'
t0=$(date +%s%N)
is "$(get "$p_url/v2/lib/app/tags/list")" 200 "delay: the request is forwarded"
ok "...after at least half a second" test $(( ($(date +%s%N) - t0) / 1000000 )) -ge 500

proxy_rules p '[{"match": "/tags/list", "action": "respond", "status": 200,
	"headers": {"Link": "</v2/lib/app/tags/list?n=1&last=v1>; rel=\"next\""},
	"body": "{\"name\": \"lib/app\", \"tags\": [\"\\u001b[31mred\"]}"},
	{"match": "/manifests/huge", "action": "respond", "status": 200,
	"body_repeat": {"text": "[[[[", "bytes": 8000000}}]'
is "$(get "$p_url/v2/lib/app/tags/list")" 200 "respond: a custom answer"
is "$(cat "$TMPD/body")" '{"name": "lib/app", "tags": ["\u001b[31mred"]}' "...with the given body"
is "$(hdr Link)" '</v2/lib/app/tags/list?n=1&last=v1>; rel="next"' "...and headers (a self-pointing Link)"
is "$(get "$p_url/v2/lib/app/manifests/huge")" 200 "respond: body_repeat"
is "$(wc -c <"$TMPD/body" | tr -d ' ')" 8000000 "...streams exactly the bytes asked for"
is "$(head -c 8 "$TMPD/body")" "[[[[[[[[" "...repeating the text"

# Robustness: clients vanishing mid-body did not kill the proxy.
proxy_rules p '[]'
curl -s --max-time 0.3 --limit-rate 100k -o /dev/null "$p_url/v2/lib/app/blobs/$big"
is "$(get "$p_url/v2/")" 200 "the proxy still answers after clients vanished mid-body"
is "$(get "$p_url/__proxy/rules" -X PUT --data-binary '[{"action": "explode"}]')" 400 \
	"an unknown action is refused (400)"
is "$(get "$p_url/__proxy/rules" -X PUT --data-binary '[{"match": "(", "action": "close"}]')" 400 \
	"a bad regex is refused (400)"

# Memory: a 40 MB upload and download through the proxy stay streamed.
head -c 40000000 /dev/urandom >"$TMPD/big40"
b40="sha256:$(sha256sum <"$TMPD/big40" | cut -d' ' -f1)"
get "$p_url/v2/lib/app/blobs/uploads/" -X POST >/dev/null
is "$(get "$(hdr Location)&digest=$b40" -X PUT -H "$OCTET" --data-binary @"$TMPD/big40")" 201 "a 40 MB monolithic upload"
is "$(curl -sS "$p_url/v2/lib/app/blobs/$b40" | sha256sum | cut -d' ' -f1)" "${b40#sha256:}" \
	"...and download through the proxy"
hwm=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$p_pid/status")
ok "the proxy's peak RSS (${hwm} kB) stays below 40 MB" test "$hwm" -lt 40000

# --- stats, log, reset ----------------------------------------------------------
proxy_reset p
for i in 1 2 3; do get "$M" >/dev/null; done
get "$p_url/v2/lib/app/tags/list" >/dev/null
is "$(proxy_count p '^GET /v2/lib/app/manifests/v1$')" 3 "proxy_count counts matching requests"
is "$(proxy_count p '^GET ')" 4 "...and control requests are not counted"
like "$(proxy_stats p)" '"requests": 4' "stats: requests since the reset"
like "$(tail -1 "$p_log")" '^GET /v2/lib/app/tags/list 200 [0-9]+ 0$' "--log: METHOD PATH STATUS SENT RECEIVED"
ok "--log keeps every request (the reset does not touch it)" \
	test "$(grep -c '^GET /v2/lib/app/manifests/v1 ' "$p_log")" -gt 3

# --- bearer auth (Docker Hub style) --------------------------------------------
proxy_start b "$up_url" --bearer
is "$(get "$b_url/v2/")" 401 "bearer: /v2/ without a token is 401"
is "$(hdr WWW-Authenticate)" "Bearer realm=\"$b_url/token\",service=\"tagmirror-proxy\"" \
	"...with a Bearer challenge and no scope"
is "$(get "$b_url/v2/lib/app/manifests/v1")" 401 "a manifest without a token is 401"
like "$(hdr WWW-Authenticate)" 'scope="repository:lib/app:pull"$' "...challenging for pull"
get "$b_url/v2/lib/app/blobs/uploads/" -X POST >/dev/null
like "$(hdr WWW-Authenticate)" 'scope="repository:lib/app:pull,push"$' "an upload is challenged for pull,push"
token() {	# SCOPE...: a token from the proxy's realm
	local q="service=tagmirror-proxy" s
	for s in "$@"; do q="$q&scope=$s"; done
	curl -sS "$b_url/token?$q" | sed -n 's/.*"token": "\([^"]*\)".*/\1/p'
}
tok=$(token repository:lib/app:pull)
is "$(get "$b_url/v2/lib/app/manifests/v1" -H "Authorization: Bearer $tok" -H "Accept: $V2")" 200 \
	"a pull token reads the manifest"
is "sha256:$(sha256sum <"$TMPD/body" | cut -d' ' -f1)" "$(digest v1)" "...the real one"
is "$(get "$b_url/v2/lib/app/blobs/uploads/" -X POST -H "Authorization: Bearer $tok")" 401 \
	"a pull token cannot push"
like "$(hdr WWW-Authenticate)" 'error="insufficient_scope"' "...insufficient_scope"
is "$(get "$b_url/v2/lib/other/manifests/v1" -H "Authorization: Bearer $tok")" 401 \
	"a token for one repository does not open another"
ok "skopeo inspects through the bearer proxy" \
	skopeo inspect --raw --tls-verify=false "docker://$b_addr/lib/app:v2"
proxy_expire_tokens b
is "$(get "$b_url/v2/lib/app/manifests/v1" -H "Authorization: Bearer $tok")" 401 \
	"expire-tokens: an old token is refused"
like "$(hdr WWW-Authenticate)" 'error="invalid_token"' "...as invalid_token"
tok=$(token repository:lib/app:pull)
proxy_rules b '[{"match": "manifests/v1", "times": 1, "action": "expire_tokens"}]'
codes="$(get "$b_url/v2/lib/app/manifests/v1" -H "Authorization: Bearer $tok")"
codes="$codes $(get "$b_url/v2/lib/app/manifests/v1" -H "Authorization: Bearer $tok")"
tok=$(token repository:lib/app:pull)
codes="$codes $(get "$b_url/v2/lib/app/manifests/v1" -H "Authorization: Bearer $tok" -H "Accept: $V2")"
is "$codes" "401 401 200" "an expire_tokens rule: 401 until the client fetches a new token"
# A cross-repository mount needs pull on the source, as on Docker Hub.
m="$b_url/v2/lib/copy/blobs/uploads/?mount=$big&from=lib/app"
tok=$(token repository:lib/copy:pull,push)
is "$(get "$m" -X POST -H "Authorization: Bearer $tok")" 202 \
	"a mount without pull on the source is a plain upload (202)"
tok=$(token repository:lib/copy:pull,push repository:lib/app:pull)
is "$(get "$m" -X POST -H "Authorization: Bearer $tok")" 201 "with pull on the source it mounts (201)"

BPASS="bp-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
export BPASS
proxy_start c "$up_url" --bearer-user alice --bearer-password-env BPASS
is "$(get "$c_url/token?service=tagmirror-proxy&scope=repository:lib/app:pull")" 401 \
	"--bearer-user: a token needs credentials"
is "$(get "$c_url/token?service=tagmirror-proxy" -u "alice:wrong")" 401 "...the right ones"
is "$(get "$c_url/token?service=tagmirror-proxy" -u "alice:$c_pass")" 200 "...and then gives a token"
ok "skopeo inspect --creds through the --bearer-user proxy" \
	skopeo inspect --raw --tls-verify=false --creds "alice:$c_pass" "docker://$c_addr/lib/app:v3"
nok "...fails without --creds" skopeo inspect --raw --tls-verify=false "docker://$c_addr/lib/app:v3"
seed "$c_addr" lib/pushed "$TMPD/pushed.out" --tags x1,x2 2>"$TMPD/pushed.err"
is "$?" 0 "seed.py pushes through the bearer proxy (token with pull,push)"
is "$(curl -s -o /dev/null -w '%{http_code}' -H "Accept: $V2" "$up_url/v2/lib/pushed/manifests/x1")" 200 \
	"...and the image lands upstream"

# --- TLS on both sides ------------------------------------------------------------
registry_start sec --tls
proxy_start t "$sec_url" --tls
is "$(get "$t_url/v2/")" 200 "a --tls proxy in front of an HTTPS registry (both verified)"
seed "$t_addr" lib/tls "$TMPD/tls.out" --tags t1 2>/dev/null
is "$?" 0 "seed.py pushes through it"
is "$(skopeo inspect --raw --cert-dir "$TM_CERTDIR" "docker://$t_addr/lib/tls:t1" 2>&1 |
	sha256sum | cut -d' ' -f1)" "$(cut -d' ' -f2 "$TMPD/tls.out" | cut -d: -f2)" \
	"skopeo reads it back through the TLS proxy with --cert-dir"

# Port 1: nothing listens there.
proxy_start dead "http://127.0.0.1:1"
is "$(get "$dead_url/v2/")" 502 "an unreachable upstream is a 502"
like "$(cat "$TMPD/body")" '"code": "UNAVAILABLE"' "...with a registry-style error"

# --- a WAN link: --rtt MS and --rate MBIT -------------------------------------------
# Only lower bounds: sleeps make them exact, load can only add time.
proxy_start w "$up_url" --rtt 150 --rate 40
ms() { awk -v s="$1" 'BEGIN { printf "%d", s * 1000 }'; }
t=$(ms "$(curl -s -o /dev/null -w '%{time_total}' "$w_url/v2/")")
ok "--rtt: a request on a new connection waits the handshake and its round trip ($t ms >= 300)" \
	test "$t" -ge 300
t=$(ms "$(curl -s -o /dev/null -o /dev/null -w '%{time_total}\n' "$w_url/v2/" "$w_url/v2/" | tail -1)")
ok "...a second request on the kept-alive connection one round trip ($t ms >= 150)" test "$t" -ge 150
ok "...and not the handshake again ($t ms < 300)" test "$t" -lt 300
# 40 Mbit/s = 5 MB/s: the 2 MB layer takes 0.4 s less 20 ms of burst.
t=$(ms "$(curl -sS -o "$TMPD/wan" -w '%{time_starttransfer} %{time_total}' "$w_url/v2/lib/app/blobs/$big" |
	awk '{ print $2 - $1 }')")
ok "--rate: a 2 MB body at 40 Mbit/s takes $t ms (>= 370)" test "$t" -ge 370
is "sha256:$(sha256sum <"$TMPD/wan" | cut -d' ' -f1)" "$big" "...and arrives intact"
t0=$(date +%s%N)
curl -sS -o /dev/null "$w_url/v2/lib/app/blobs/$big" & w1=$!
curl -sS -o /dev/null "$w_url/v2/lib/app/blobs/$big"
wait "$w1"
t=$(( ($(date +%s%N) - t0) / 1000000 ))
ok "...two at once share the cap: 4 MB in $t ms (>= 1000 with the round trips)" test "$t" -ge 1000
get "$w_url/v2/lib/app/blobs/uploads/" -X POST >/dev/null
t=$(ms "$(curl -s -o /dev/null -w '%{time_total}' -X PUT -H "$OCTET" --data-binary @"$TMPD/blob" \
	"$(hdr Location)&digest=$bd")")
ok "...uploads are capped too: 3 MB in $t ms (>= 880)" test "$t" -ge 880
nok "a negative --rtt is refused" tm_python "$TM_BED/faultproxy.py" --upstream "$up_url" \
	--port-file "$TMPD/neg.port" --rtt -1

# --- quiet, no secrets, clean stop ------------------------------------------------
is "$(cat "$p_dir/stderr" "$b_dir/stderr" "$c_dir/stderr" "$t_dir/stderr" "$w_dir/stderr")" "" \
	"the proxies wrote nothing to stderr"
assert_no_secret "$TMPD"/proxy-*/ "$TMPD/pushed.err"
gone() { ! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1" | cut -c1)" = Z ]; }
kill -TERM "$p_pid"
ok "SIGTERM stops the proxy" wait_for 5 gone "$p_pid"
wait "$p_pid"
is "$?" 0 "...with exit status 0"

done_testing
