# Registry client authentication: htpasswd (Basic) on a real registry,
# credentials from containers' auth.json, Docker-Hub-style bearer tokens
# through the fault proxy (refresh once on 401), and redirects to another
# host that must not carry the Authorization header.
. "$top_srcdir/tests/lib.sh"
RT="$top_builddir/tests/tools/regtool"
[ -x "$RT" ] || bail "build tests/tools/regtool first (make check builds it)"
OUT="$TMPD/out"
mkdir -p "$OUT"

registry_start a --auth
seed "$a_addr" lib/app "$TMPD/seed.txt" --tags v1,v2 --multiarch-every 0 \
	--alias-every 0 >/dev/null 2>&1 || bail "seed failed"
export A_PASS="$a_pass" WRONG_PASS="not-$a_pass"

"$RT" --user "$a_user" --password-env WRONG_PASS tags "$a_addr" lib/app \
	>"$OUT/wrong" 2>&1
is "$?" 12 "wrong password: auth error"
like "$(cat "$OUT/wrong")" \
	"^regtool: auth: source $a_addr: tags/list: HTTP 401 UNAUTHORIZED: .*credentials rejected" \
	"the error names host, status, registry code and what happened"

"$RT" --no-auth-files tags "$a_addr" lib/app >"$OUT/none" 2>&1
is "$?" 12 "no credentials: auth error"
like "$(cat "$OUT/none")" "HTTP 401 .*no credentials configured" "and says none were configured"

"$RT" --user "$a_user" --password-env A_PASS tags "$a_addr" lib/app >"$OUT/right" 2>&1
is "$(sort "$OUT/right" | tr '\n' ' ')" "v1 v2 " "right password: tags listed"

"$RT" --count --user "$a_user" --password-env A_PASS manifest-head "$a_addr" lib/app v1 \
	>"$OUT/head" 2>&1
like "$(cat "$OUT/head")" "^sha256:" "HEAD with Basic credentials"

# The same credentials from containers' auth.json, as podman writes it.
mkdir -p "$XDG_RUNTIME_DIR/containers"
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$a_addr" \
	"$(printf '%s:%s' "$a_user" "$a_pass" | base64 -w0)" \
	>"$XDG_RUNTIME_DIR/containers/auth.json"
"$RT" tags "$a_addr" lib/app >"$OUT/file" 2>&1
is "$(sort "$OUT/file" | tr '\n' ' ')" "v1 v2 " "credentials found in auth.json"
"$RT" --no-auth-files tags "$a_addr" lib/app >"$OUT/nofile" 2>&1
is "$?" 12 "--no-auth-files ignores auth.json"
rm -f "$XDG_RUNTIME_DIR/containers/auth.json"

# --- bearer tokens through the proxy ---------------------------------------
registry_start plain
seed "$plain_addr" lib/app "$TMPD/seed2.txt" --tags v1 --multiarch-every 0 \
	--alias-every 0 --big-layer 300000 >/dev/null 2>&1 || bail "seed failed"
export B_PASS="bpw-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" B_WRONG=nope
proxy_start b "$plain_url" --bearer --bearer-user tok --bearer-password-env B_PASS

"$RT" --user tok --password-env B_PASS tags "$b_addr" lib/app >"$OUT/b-tags" 2>&1
is "$(cat "$OUT/b-tags")" "v1" "bearer: tags through the token dance"
is "$(proxy_count b '^GET /token')" 1 "one token request"

"$RT" --user tok --password-env B_WRONG tags "$b_addr" lib/app >"$OUT/b-wrong" 2>&1
is "$?" 12 "bearer: wrong password is an auth error"
like "$(cat "$OUT/b-wrong")" "HTTP 401 token from $b_addr: incorrect username or password" \
	"the error says the token request failed and why"

"$RT" --out "$TMPD/m.json" --user tok --password-env B_PASS manifest-get "$b_addr" \
	lib/app v1 >"$OUT/b-get" 2>&1
mt=$(sed -n 's/^media-type //p' "$OUT/b-get")

# Eight threads, one registry: one shared token cache and CURLSH.
proxy_reset b
"$RT" --user tok --password-env B_PASS tags-parallel "$b_addr" lib/app 8 >"$OUT/b-par" 2>&1
is "$(sort -u "$OUT/b-par")" "1" "8 threads list the tags through one token cache"
n=$(proxy_count b '^GET /token')
ok "and ask for at most one token each ($n)" test "$n" -ge 1 -a "$n" -le 8

# The token expires in flight: one 401 with a token, one refresh, success.
proxy_reset b
proxy_rules b '[{"match": "^PUT /v2/lib/app/manifests/r2$", "action": "expire_tokens", "times": 1}]'
"$RT" --user tok --password-env B_PASS manifest-put "$b_addr" lib/app "$mt" "$TMPD/m.json" \
	r1 r2 r3 >"$OUT/b-put" 2>&1
is "$?" 0 "token expired mid-run: refreshed, every PUT succeeded"
is "$(proxy_count b '^GET /token')" 2 "exactly one refresh"
is "$(proxy_count b '^PUT /v2/lib/app/manifests/r2$')" 2 "the refused PUT was sent again once"

# A token that keeps being refused: a bounded number of refreshes (three
# fresh tokens after the cached one), then a clean auth error.
proxy_reset b
proxy_rules b '[{"match": "^PUT /v2/lib/app/manifests/r5$", "action": "expire_tokens"}]'
"$RT" --user tok --password-env B_PASS manifest-put "$b_addr" lib/app "$mt" "$TMPD/m.json" \
	r4 r5 >"$OUT/b-loop" 2>&1
is "$?" 12 "a token refused again after refresh: auth error"
like "$(cat "$OUT/b-loop")" "manifest r5: HTTP 401 .*token refused" "naming the manifest"
is "$(proxy_count b '^PUT /v2/lib/app/manifests/r5$')" 4 "no refresh loop: four tries"

# --- redirects to another host ---------------------------------------------
# A second listener on 127.0.0.2 (another host name) serves the blob and
# records any Authorization header it receives.
set -- $(python3 -c 'import json, sys
m = json.load(open(sys.argv[1])); l = m["layers"][-1]; print(l["digest"], l["size"])' "$TMPD/m.json")
layer="$1" size="$2"
curl -s -o "$TMPD/layer" "$plain_url/v2/lib/app/blobs/$layer" || bail "cannot fetch the layer"
python3 - "$TMPD/layer" "$TMPD/other.port" "$TMPD/other.log" <<'EOF' &
import http.server, sys
blob, portfile, log = sys.argv[1:4]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(log, "a") as f:
            f.write("GET auth=[%s]\n" % self.headers.get("Authorization", ""))
        data = open(blob, "rb").read()
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.2", 0), H)
open(portfile + ".tmp", "w").write(str(s.server_address[1]))
__import__("os").rename(portfile + ".tmp", portfile)
s.serve_forever()
EOF
track_pid $!
wait_for 20 test -s "$TMPD/other.port" || bail "second listener did not start"
other="http://127.0.0.2:$(cat "$TMPD/other.port")/blob"
rule='[{"match": "^GET /v2/lib/app/blobs/", "action": "respond", "status": 307,
	"headers": {"Location": "'"$other"'"}, "body": ""}]'

registry_start dst
proxy_reset b
proxy_rules b "$rule"
"$RT" --user tok --password-env B_PASS blob-copy "$b_addr" lib/app "$dst_addr" copy/app \
	"$layer" "$size" >"$OUT/redir-bearer" 2>&1
is "$?" 0 "bearer: blob GET redirected to another host is copied"
is "$(proxy_count b '^GET /v2/lib/app/blobs/')" 1 "the registry (with the token) answered the 307"
is "$(cat "$TMPD/other.log")" "GET auth=[]" "the other host got no Authorization header"
is "$("$RT" blob-exists "$dst_addr" copy/app "$layer")" present "the blob arrived"

# A mount's token needs push on the target and pull on the source; the
# proxy turns a mount it may not read from into a plain upload.
out=$("$RT" --user tok --password-env B_PASS blob-mount "$b_addr" other/app "$layer" lib/app 2>&1)
is "$out" mounted "bearer: cross-repository mount with a two-scope token"

# Basic credentials are the real secret: same check through a proxy in
# front of the htpasswd registry.
"$RT" --user "$a_user" --password-env A_PASS blob-put "$a_addr" lib/app "$TMPD/layer" \
	>/dev/null 2>&1 || bail "cannot push the layer"
proxy_start ab "$a_url"
proxy_rules ab "$rule"
: >"$TMPD/other.log"
"$RT" --user "$a_user" --password-env A_PASS blob-copy "$ab_addr" lib/app "$dst_addr" \
	copy2/app "$layer" "$size" >"$OUT/redir-basic" 2>&1
is "$?" 0 "Basic: blob GET redirected to another host is copied"
is "$(cat "$TMPD/other.log")" "GET auth=[]" "the other host got no Basic credentials"

assert_no_secret "$OUT" "$TMPD/other.log" "$b_log" "$ab_log"
done_testing
