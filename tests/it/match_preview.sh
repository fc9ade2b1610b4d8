# `tagmirror preview`: offline tag lists, JSON, exit codes, hostile names,
# and real registries: pagination past 1000 tags, htpasswd, bearer tokens.
. "$top_srcdir/tests/lib.sh"

TAGS="$TM_SHARED/data/python-tags.txt"
ALL="$TM_SHARED/data/python-tags-all.txt"
[ -r "$TAGS" ] && [ -r "$ALL" ] || bail "shared tag lists not found under $TM_SHARED"
CLI="$top_builddir/tests/tools/tagexpr-cli"
LISTER="$top_builddir/tests/tools/taglist-cli"
SEED_EXPR="latest,3.[789].?,3.[789].??,3.??.?,3.??.??,3.??.??-*,3.??.?-*,3-*,3.[789].?-*,3.[789].??-*,3.6-*,3.9.??-slim-*,3.10.?-slim*'"
ESC=$(printf '\033')

# prev ARGS...: run preview; stdout in $out, stderr in $errout, status in $rc.
prev() {
	tm preview "$@" >"$TMPD/out" 2>"$TMPD/err"
	rc=$?
	out=$(cat "$TMPD/out")
	errout=$(cat "$TMPD/err")
}
tags_of() { printf '%s\n' "$1" | grep -v '^#'; }

# --- offline: the seed report's expression on the shared list ---
prev --tag-list "$TAGS" --tags "$SEED_EXPR"
is "$rc" 0 "tag list: exit 0"
is "$(tags_of "$out" | wc -l)" 392 "the seed expression selects 392 of 787"
is "$(tags_of "$out")" "$("$CLI" --natural "$SEED_EXPR" <"$TAGS")" \
	"the same tags, in the same natural order, as tagexpr-cli"
like "$out" "^# 392 of 787 tags selected by 13 items$" "summary line"
like "$(printf '%s\n' "$out" | tail -1)" \
	"^#  13  3\.10\.\?-slim\*' +0 matched  warning: matches no tag$" \
	"the last item (stray quote) carries a warning"
like "$out" "^#   1  latest +1 matched$" "per-item count for 'latest'"
stdin_out=$(tm preview --tag-list - --tags "$SEED_EXPR" <"$TAGS")
is "$stdin_out" "$out" "--tag-list - reads stdin"

# --- JSON ---
prev --tag-list "$TAGS" --tags "$SEED_EXPR" --json
is "$rc" 0 "json: exit 0"
check=$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
last = d["items"][-1]
print(d["source"], d["total_tags"], len(d["matched"]), len(d["items"]),
      last["item"], last["matched"],
      any("item 13" in w and last["item"] in w for w in d["warnings"]))
print("\n".join(d["matched"]), file=open(sys.argv[1], "w"))' "$TMPD/json-tags")
is "$check" "$TAGS 787 392 13 3.10.?-slim*' 0 True" \
	"json: source, total_tags, matched, items, and a warning naming item 13"
is "$(cat "$TMPD/json-tags")" "$("$CLI" --natural "$SEED_EXPR" <"$TAGS")" \
	"json: matched tags in natural order"

# --- exit codes and messages ---
prev --tag-list "$TAGS" --tags 'latest, re:(3'
is "$rc" 1 "bad regex: exit 1"
like "$errout" "item 2 're:\(3' at column 9: bad regex" "the error names the item and its position"
is "$out" "" "nothing on stdout after an expression error"
prev --tag-list "$TAGS" --tags 'latest,!'
is "$rc" 1 "empty exclude: exit 1"
prev --tag-list "$TAGS"
is "$rc" 1 "no --tags: exit 1"
like "$errout" "--tags" "and says --tags is missing"
prev --tags '*'
is "$rc" 1 "no SOURCE: exit 1"
prev a b --tags '*'
is "$rc" 1 "two SOURCEs: exit 1"
prev --tag-list "$TMPD/nonexistent" --tags '*'
is "$rc" 1 "unreadable tag list: exit 1"
like "$errout" "nonexistent" "and names the file"
prev --tag-list "$TAGS" --tags '*' --bogus
is "$rc" 1 "unknown option: exit 1"
prev --tag-list "$TAGS" --tags 'nomatch*,!x'
is "$rc" 0 "nothing matched: still exit 0"
like "$errout" "warning: nothing matched" "with a warning on stderr"
like "$out" "excludes no tag" "an exclude that removes nothing is flagged"
prev --tag-list "$TAGS" --tags '!*-*,!*rc*' --json
is "$(printf '%s' "$out" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["matched"]))')" \
	"$(grep -v -e - -e rc "$TAGS" | wc -l)" "only excludes: every other tag"
prev --help
is "$rc" 0 "--help: exit 0"
like "$out" "Usage: tagmirror preview" "--help prints usage"

# --- hostile names and items never reach the terminal raw ---
printf '3.1\n  3.2 \r\n\n3.1\nx%s]0;owned%s\nred%s[31m\n' "$ESC" "$(printf '\007')" "$ESC" >"$TMPD/hostile"
prev --tag-list "$TMPD/hostile" --tags "*,$ESC[2J*"
is "$rc" 0 "hostile list: exit 0"
is "$(tags_of "$out" | tr '\n' ' ')" "3.1 3.2 " "blanks trimmed, repeats dropped, invalid names skipped"
like "$errout" "warning: skipped 2 names that are not valid tag names" "skipped names are counted on stderr"
case "$out$errout" in *"$ESC"*) r=1 ;; *) r=0 ;; esac
is "$r" 0 "no escape character on stdout or stderr"
prev --tag-list "$TMPD/hostile" --tags "*,$ESC[2J*" --json
ok "json with a hostile item is valid JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMPD/out"
case "$out" in *"$ESC"*) r=1 ;; *) r=0 ;; esac
is "$r" 0 "no escape character in the JSON"

# --- a real registry: one image, tagged 1,201 times ---
registry_start src
seed "$src_addr" lib/python "$TMPD/seed.out" --tags latest >"$TMPD/seed.log" 2>&1 ||
	bail "seeding failed: $(tail -3 "$TMPD/seed.log")"
# Tagging through the API costs a manifest PUT per tag; the registry's
# storage holds a tag as a small directory of links, so copy that
# instead.  The registry still lists and serves them itself.
grep -vx latest "$ALL" | head -1200 >"$TMPD/names"
echo latest >>"$TMPD/names"
tag_on_disk() {	# REGISTRY_DIR REPO NAMES_FILE
	python3 - "$1/data/docker/registry/v2/repositories/$2/_manifests/tags" "$3" <<'PY'
import os, shutil, sys
base, names = sys.argv[1], open(sys.argv[2], encoding="latin-1").read().split("\n")
for n in filter(None, names):
	if not os.path.exists(os.path.join(base, n)):
		shutil.copytree(os.path.join(base, "latest"), os.path.join(base, n))
PY
}
tag_on_disk "$src_dir" lib/python "$TMPD/names" || bail "cannot tag on disk"

prev "$src_addr/lib/python" --tags '*'
is "$rc" 0 "registry: exit 0"
is "$(tags_of "$out" | sort)" "$(sort "$TMPD/names")" "all 1201 tags, none twice"
prev "$src_addr/lib/python" --tags "$SEED_EXPR"
offline=$(tm preview --tag-list "$TMPD/names" --tags "$SEED_EXPR")
is "$out" "$offline" "registry preview = offline preview of the same names"
like "$out" "^# [1-9][0-9]* of 1201 tags selected" "the total counts every tag"
is "$("$LISTER" "$src_addr/lib/python" | wc -l)" 1201 "taglist_fetch lists all"

# A registry that sends an invalid name: skipped and counted, never shown.
printf 'ev%s[2Jil\n' "$ESC" >"$TMPD/evil"
tag_on_disk "$src_dir" lib/python "$TMPD/evil"
prev "$src_addr/lib/python" --tags '*'
is "$rc" 0 "registry with a hostile tag: exit 0"
is "$(tags_of "$out" | wc -l)" 1201 "the hostile name is not listed"
like "$errout" "warning: skipped 1 name that is not a valid tag name" "the skipped name is reported"
case "$out$errout" in *"$ESC"*) r=1 ;; *) r=0 ;; esac
is "$r" 0 "no escape character reaches the terminal"

# Failures: exit 2 naming host, status and registry code.
port=$(free_port)
prev "127.0.0.1:$port/lib/python" --tags '*'
is "$rc" 2 "registry down: exit 2"
like "$errout" "127\.0\.0\.1:$port" "the message names the host"
prev "$src_addr/lib/nothing" --tags '*'
is "$rc" 2 "unknown repository: exit 2"
like "$errout" "$src_addr.*404.*NAME_UNKNOWN" "names host, 404 and NAME_UNKNOWN"
prev "$src_addr/lib/python:latest" --tags '*'
is "$rc" 1 "a tag in SOURCE is a usage error"

# --- pagination with Docker Hub style bearer tokens ---
# Distribution 2.8 ignores n= and sends every tag at once, so the proxy,
# which also plays Docker Hub's token service, serves tags/list in pages
# of 1000 with Link headers, as Docker Hub does: 3,915 names, 4 pages.
proxy_start hub "$src_url" --bearer
python3 - "$ALL" >"$TMPD/pages.json" <<'PY'
import json, re, sys
names = sorted(open(sys.argv[1]).read().split())
base = "/v2/lib/python/tags/list"
rules, after = [], None
for i in range(0, len(names), 1000):
	page = names[i:i + 1000]
	rule = {"action": "respond", "body": {"name": "lib/python", "tags": page},
	        "match": "^GET " + re.escape(base + ("?n=1000" if after is None else
	            "?last=%s&n=1000" % after)) + "$"}
	if i + 1000 < len(names):
		rule["headers"] = {"Link": '<%s?last=%s&n=1000>; rel="next"' % (base, page[-1])}
	rules.append(rule)
	after = page[-1]
print(json.dumps(rules))
PY
proxy_rules hub "$(cat "$TMPD/pages.json")"
prev "$hub_addr/lib/python" --tags "$SEED_EXPR"
is "$rc" 0 "bearer + pages: exit 0"
is "$(tags_of "$out" | wc -l)" 1691 "the seed expression selects 1691 of 3915 over 4 pages"
is "$out" "$(tm preview --tag-list "$ALL" --tags "$SEED_EXPR")" "= the offline preview of all 3915"
is "$(proxy_count hub '^GET /v2/lib/python/tags/list\?last=')" 3 "the Link header was followed 3 times"
ev=$("$LISTER" --async "$hub_addr/lib/python" | tr '\n' ' ')
is "$ev" "page 1000 page 2000 page 3000 page 3915 done 3915 0 snapshot 3915 " \
	"taglist_start: a TL_PAGE per page, then TL_DONE, snapshot complete"
ev=$("$LISTER" --stop "$hub_addr/lib/python" | tr '\n' ' ')
is "$ev" "page 1000 stopped " "taglist_free stops a listing midway"

# --- htpasswd ---
registry_start sec --auth
seed "$sec_addr" lib/python "$TMPD/seed2.out" --tags latest >"$TMPD/seed2.log" 2>&1 ||
	bail "seeding failed: $(tail -3 "$TMPD/seed2.log")"
tag_on_disk "$sec_dir" lib/python "$TMPD/names"
want=$(tm preview --tag-list "$TMPD/names" --tags '2.7.1[0-9]*' | grep -v '^#')
printf '%s\n' "$sec_pass" | tm preview "$sec_addr/lib/python" --tags '2.7.1[0-9]*' \
	--src-creds "$sec_user" --src-password-stdin >"$TMPD/auth1.out" 2>"$TMPD/auth1.err"
is "$?" 0 "htpasswd, password on stdin: exit 0"
is "$(grep -v '^#' "$TMPD/auth1.out")" "$want" "htpasswd: the same tags as offline"
isnt "$want" "" "(and that is not nothing)"
tm preview "$sec_addr/lib/python" --tags '*' --src-creds "$sec_user:$sec_pass" >"$TMPD/auth2.out" 2>"$TMPD/auth2.err"
is "$?" 0 "htpasswd, USER:PASS: exit 0"
is "$(grep -vc '^#' "$TMPD/auth2.out")" 1201 "htpasswd: every tag"
prev "$sec_addr/lib/python" --tags '*' --src-creds "$sec_user:wrong-$sec_pass"
is "$rc" 2 "wrong password: exit 2"
like "$errout" "$sec_addr.*401.*UNAUTHORIZED" "names host, 401 and UNAUTHORIZED"
cp "$TMPD/err" "$TMPD/auth3.err"
prev "$sec_addr/lib/python" --tags '*'
is "$rc" 2 "no credentials: exit 2"
like "$errout" "$sec_addr.*401.*UNAUTHORIZED" "names host, 401 and UNAUTHORIZED"
assert_no_secret "$TMPD"/auth*.out "$TMPD"/auth*.err

# A token service that wants a password.
TM_HUB_PASS="pw-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export TM_HUB_PASS
proxy_start hubauth "$src_url" --bearer-user tester --bearer-password-env TM_HUB_PASS
printf '%s\n' "$TM_HUB_PASS" | tm preview "$hubauth_addr/lib/python" --tags 'latest' \
	--src-creds tester --src-password-stdin >"$TMPD/hub.out" 2>"$TMPD/hub.err"
is "$?" 0 "token service with a user: exit 0"
is "$(grep -v '^#' "$TMPD/hub.out")" latest "token service with a user: the tag"
prev "$hubauth_addr/lib/python" --tags '*' --src-creds tester:nope
is "$rc" 2 "token service, wrong password: exit 2"
like "$errout" "$hubauth_addr.*401" "names the host and 401"
cp "$TMPD/err" "$TMPD/hub2.err"
assert_no_secret "$TMPD"/hub*

done_testing
