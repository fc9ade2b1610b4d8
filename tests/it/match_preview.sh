# `tagmirror preview` offline (--tag-list): the seed report's expression,
# JSON, exit codes, hostile names.  Registries: match_registry.sh.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/match.lib"

TAGS="$TM_DATA/python-tags.txt"
ALL="$TM_DATA/python-tags-all.txt"
[ -r "$TAGS" ] && [ -r "$ALL" ] || bail "tag lists not found under $TM_DATA"
CLI="$top_builddir/tests/tools/tagexpr-cli"

# --- offline: the seed report's expression on the python tag list ---
prev --tag-list "$TAGS" --tags "$SEED_EXPR"
is "$rc" 0 "tag list: exit 0"
is "$(tags_of "$out" | wc -l)" 392 "the seed expression selects 392 of 787"
is "$(tags_of "$out")" "$("$CLI" --natural "$SEED_EXPR" <"$TAGS")" \
	"the same tags, in the same natural order, as tagexpr-cli"
like "$errout" "^# 392 of 787 tags selected by 13 items$" "summary line, on stderr"
is "$(printf '%s\n' "$out" | grep -c '^#')" 0 "stdout holds tag names only"
like "$(printf '%s\n' "$errout" | tail -1)" \
	"^#  13  3\.10\.\?-slim\*' +0 matched  warning: matches no tag$" \
	"the last item (stray quote) carries a warning"
like "$errout" "^#   1  latest +1 matched$" "per-item count for 'latest'"
stdin_out=$(tm preview --tag-list - --tags "$SEED_EXPR" <"$TAGS")
is "$stdin_out" "$out" "--tag-list - reads stdin"

# --- JSON (checked by Python at the end: one python3 start) ---
prev --tag-list "$TAGS" --tags "$SEED_EXPR" --json
is "$rc" 0 "json: exit 0"
cp "$TMPD/out" "$TMPD/seed.json"
"$CLI" --natural "$SEED_EXPR" <"$TAGS" >"$TMPD/seed.natural"

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
like "$errout" "excludes no tag" "an exclude that removes nothing is flagged"
prev --tag-list "$TAGS" --tags '!*-*,!*rc*'
is "$(tags_of "$out")" "$(grep -v -e - -e rc "$TAGS" | "$CLI" --sort)" "only excludes: every other tag"
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
cp "$TMPD/out" "$TMPD/hostile.json"
case "$out" in *"$ESC"*) r=1 ;; *) r=0 ;; esac
is "$r" 0 "no escape character in the JSON"

check=$(python3 - "$TMPD" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1] + "/seed.json")]
d = lines[-1]
assert d["type"] == "summary" and [l["tag"] for l in lines[:-1]] == d["matched"]
last = d["items"][-1]
print(d["source"].rsplit("/", 1)[-1], d["total_tags"], len(d["matched"]),
      len(d["items"]), last["item"], last["kind"], last["matched"],
      any("item 13" in w and last["item"] in w for w in d["warnings"]),
      d["matched"] == open(sys.argv[1] + "/seed.natural").read().split())
h = [json.loads(l) for l in open(sys.argv[1] + "/hostile.json")][-1]
print(h["total_tags"], h["matched"], [i["matched"] for i in h["items"]], len(h["warnings"]))
PY
)
is "$(printf '%s\n' "$check" | head -1)" "python-tags.txt 787 392 13 3.10.?-slim*' glob 0 True True" \
	"json: source, total_tags, matched (natural order), items, a warning naming item 13"
is "$(printf '%s\n' "$check" | tail -1)" "2 ['3.1', '3.2'] [2, 0] 2" \
	"json with a hostile item parses: counts and warnings"

done_testing
