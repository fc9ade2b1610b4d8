# `tagmirror preview` and core/taglist against real registries: 1,201 tags,
# pages with Link headers behind a bearer-token service, htpasswd over TLS,
# hostile names, and exit 2 messages that name host, status and code.
. "$top_srcdir/tests/lib.sh"
need skopeo
. "$top_srcdir/tests/it/match.lib"

ALL="$TM_DATA/python-tags-all.txt"
[ -r "$ALL" ] || bail "tag lists not found under $TM_DATA"
LISTER="$top_builddir/tests/tools/taglist-cli"
no_esc() { case "$1" in *"$ESC"*) return 1 ;; esac; }

registry_start src
registry_start sec --auth --tls
for r in src sec; do
	eval "addr=\$${r}_addr"
	seed "$addr" lib/python "$TMPD/seed-$r.out" --tags latest >"$TMPD/seed-$r.log" 2>&1 ||
		bail "seeding $r failed: $(tail -3 "$TMPD/seed-$r.log")"
done

# One image, tagged 1,201 times (plus one hostile name on src).  Tagging
# through the API costs a manifest PUT per tag; the registry's storage
# holds a tag as a small directory of links, so copy that instead: the
# registry still lists and serves them itself.  The same python3 run
# writes the proxy's page rules (python3 starts slowly on a busy box).
grep -vx latest "$ALL" | head -1200 >"$TMPD/names"
echo latest >>"$TMPD/names"
python3 - "$TMPD/names" "$ALL" "$src_dir" "$sec_dir" >"$TMPD/pages.json" <<'PY' ||
import json, os, re, shutil, sys
names = open(sys.argv[1]).read().split()
for d, extra in ((sys.argv[3], ["ev\x1b[2Jil"]), (sys.argv[4], [])):
	base = d + "/data/docker/registry/v2/repositories/lib/python/_manifests/tags"
	for n in names + extra:
		if not os.path.exists(os.path.join(base, n)):
			shutil.copytree(os.path.join(base, "latest"), os.path.join(base, n))
# Pages of 1000 with Link headers, as Docker Hub sends them.
every = sorted(open(sys.argv[2]).read().split())
path, rules, after = "/v2/lib/python/tags/list", [], None
for i in range(0, len(every), 1000):
	page = every[i:i + 1000]
	q = "?n=1000" if after is None else "?last=%s&n=1000" % after
	rule = {"action": "respond", "match": "^GET " + re.escape(path + q) + "$",
	        "body": {"name": "lib/python", "tags": page}}
	if i + 1000 < len(every):
		rule["headers"] = {"Link": '<%s?last=%s&n=1000>; rel="next"' % (path, page[-1])}
	rules.append(rule)
	after = page[-1]
print(json.dumps(rules))
PY
	bail "cannot tag on disk"

# --- plain registry: 1,201 tags and a hostile name ---
prev "$src_addr/lib/python" --tags '*'
is "$rc" 0 "registry: exit 0"
is "$(tags_of "$out" | sort)" "$(sort "$TMPD/names")" "all 1201 tags, none twice"
like "$errout" "warning: skipped 1 name that is not a valid tag name" \
	"the registry's hostile name is skipped and reported"
ok "no escape character reaches the terminal" no_esc "$out$errout"
prev "$src_addr/lib/python" --tags "$SEED_EXPR"
is "$out" "$(tm preview --tag-list "$TMPD/names" --tags "$SEED_EXPR")" \
	"registry preview = offline preview of the same names"
like "$errout" "^# [1-9][0-9]* of 1201 tags selected" "the total counts every tag (on stderr)"
is "$("$LISTER" "$src_addr/lib/python" | wc -l)" 1201 "taglist_fetch lists all"

# --- failures: exit 2, naming host, status and registry code ---
port=$(free_port)
prev "127.0.0.1:$port/lib/python" --tags '*'
is "$rc" 2 "registry down: exit 2"
like "$errout" "127\.0\.0\.1:$port" "the message names the host"
prev "$src_addr/lib/nothing" --tags '*'
is "$rc" 2 "unknown repository: exit 2"
like "$errout" "$src_addr.*404.*NAME_UNKNOWN" "names host, 404 and NAME_UNKNOWN"
prev "$src_addr/lib/python:latest" --tags '*'
is "$rc" 1 "a tag in SOURCE is a usage error"

# --- pages (n=1000, Link) behind Docker Hub style bearer tokens ---
# Distribution 2.8 ignores n= and sends every tag at once, so the proxy,
# which also plays the token service, serves tags/list as Docker Hub
# does: all 3,915 names in 4 pages.
proxy_start hub "$src_url" --bearer
proxy_rules hub "$(cat "$TMPD/pages.json")"
prev "$hub_addr/lib/python" --tags "$SEED_EXPR"
is "$rc" 0 "bearer + pages: exit 0"
is "$(tags_of "$out" | wc -l)" 1691 "the seed expression selects 1691 of 3915 over 4 pages"
is "$out" "$(tm preview --tag-list "$ALL" --tags "$SEED_EXPR")" "= the offline preview of all 3915"
is "$(grep -c '^GET /v2/lib/python/tags/list?last=[^ ]* 200 ' "$hub_log")" 3 \
	"the Link header was followed 3 times"
ev=$("$LISTER" --async "$hub_addr/lib/python" | tr '\n' ' ')
is "$ev" "page 1000 page 2000 page 3000 page 3915 done 3915 0 snapshot 3915 " \
	"taglist_start: a TL_PAGE per page, then TL_DONE, snapshot complete"
ev=$("$LISTER" --stop "$hub_addr/lib/python" | tr '\n' ' ')
is "$ev" "page 1000 stopped " "taglist_free stops a listing midway"

# --- htpasswd over TLS (skopeo's --src-cert-dir, --src-tls-verify) ---
CD="--src-cert-dir=$sec_certdir"
prev "$sec_addr/lib/python" --tags '*' --src-creds "$sec_user:$sec_pass"
is "$rc" 2 "TLS without our CA: exit 2"
like "$errout" "$sec_addr.*(certificate|TLS|SSL)" "names the host and the TLS failure"
cp "$TMPD/err" "$TMPD/auth0.err"
prev "$sec_addr/lib/python" --tags 'latest' --src-creds "$sec_user:$sec_pass" --src-tls-verify=false
is "$rc:$(tags_of "$out")" "0:latest" "--src-tls-verify=false: exit 0"
want=$(tm preview --tag-list "$TMPD/names" --tags '2.7.1[0-9]*' | grep -v '^#')
isnt "$want" "" "(the offline answer is not empty)"
printf '%s\n' "$sec_pass" | tm preview "$sec_addr/lib/python" --tags '2.7.1[0-9]*' \
	"$CD" --src-creds "$sec_user" --src-password-stdin >"$TMPD/auth1.out" 2>"$TMPD/auth1.err"
is "$?" 0 "htpasswd, password on stdin: exit 0"
is "$(grep -v '^#' "$TMPD/auth1.out")" "$want" "htpasswd: the same tags as offline"
tm preview "$sec_addr/lib/python" --tags '*' "$CD" --src-creds "$sec_user:$sec_pass" \
	>"$TMPD/auth2.out" 2>"$TMPD/auth2.err"
is "$?" 0 "htpasswd, USER:PASS: exit 0"
is "$(grep -vc '^#' "$TMPD/auth2.out")" 1201 "htpasswd: every tag"
prev "$sec_addr/lib/python" --tags '*' "$CD" --src-creds "$sec_user:wrong-$sec_pass"
is "$rc" 2 "wrong password: exit 2"
like "$errout" "$sec_addr.*401.*UNAUTHORIZED" "names host, 401 and UNAUTHORIZED"
cp "$TMPD/err" "$TMPD/auth3.err"
prev "$sec_addr/lib/python" --tags '*' "$CD"
is "$rc" 2 "no credentials: exit 2"
like "$errout" "$sec_addr.*401.*UNAUTHORIZED" "names host, 401 and UNAUTHORIZED"
TL_PASS="$sec_pass" "$LISTER" --async --cert-dir "$sec_certdir" --user "$sec_user" \
	"$sec_addr/lib/python" >"$TMPD/auth4.out"
is "$(tail -2 "$TMPD/auth4.out" | tr '\n' ' ')" "done 1201 0 snapshot 1201 " \
	"taglist_start with htpasswd credentials and a CA directory"

# --- a token service that wants a password ---
TM_HUB_PASS="pw-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export TM_HUB_PASS
proxy_start hubauth "$src_url" --bearer-user tester --bearer-password-env TM_HUB_PASS
printf '%s\n' "$TM_HUB_PASS" | tm preview "$hubauth_addr/lib/python" --tags 'latest' \
	--src-creds tester --src-password-stdin >"$TMPD/hub1.out" 2>"$TMPD/hub1.err"
is "$?" 0 "token service with a user: exit 0"
is "$(grep -v '^#' "$TMPD/hub1.out")" latest "token service with a user: the tag"
prev "$hubauth_addr/lib/python" --tags '*' --src-creds tester:nope
is "$rc" 2 "token service, wrong password: exit 2"
like "$errout" "$hubauth_addr.*401" "names the host and 401"
cp "$TMPD/err" "$TMPD/hub2.err"
assert_no_secret "$TMPD"/auth* "$TMPD"/hub*

done_testing
