# Referrer counts in the preview (issue 16): `tagmirror preview` counts,
# per selected tag, the referrers and cosign artefacts a run would bring,
# by the run's own walk.  Against distribution 2.8 (the tag schema) and
# through the fault proxy's referrers API, the preview's count per tag
# equals what `run --json` then reports per tag, --referrer-types
# included; --no-referrers sends no HEAD and no referrers request; the
# API costs one GET per digest; the TUI's preview (tmux, 80x24) shows
# the same counts beside the tags, and none with --no-referrers.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"
. "$top_srcdir/tests/it/tui.lib"

registry_start up
registry_start down
# a: an image, b: a multi-arch index (its first child has artefacts too),
# c: an image; then z, an image with none.
seed "$up_addr" lib/app "$TMPD/up" --tags a,b,c --multiarch-every 2 --oci-every 0 \
	--alias-every 0 --referrers "$TMPD/refs" >/dev/null || bail "seed up"
seed "$up_addr" lib/app "$TMPD/z" --tags z --seed 7 --multiarch-every 0 >/dev/null ||
	bail "seed z"
proxy_start tags "$up_url"
proxy_start api "$up_url" --referrers-api 10

# counts JSONL: "TAG N" per tag line, sorted.
counts() {
	printf '%s\n' "$1" | jq -r 'select(.type == "tag") | "\(.tag) \(.referrers)"' |
		LC_ALL=C sort
}

# --- the tag schema (no API): the preview's counts are the run's --------
tmrun preview "$tags_addr/lib/app" --tags 'a,b,c,z' --json
is "$rc" 0 "preview: exit 0"
pv=$(counts "$out")
is "$(printf '%s\n' "$pv" | awk '$2 > 0' | wc -l)" 3 "a, b and c have referrers"
is "$(printf '%s\n' "$pv" | awk '$1 == "z" { print $2 }')" 0 "z has none"
is "$(printf '%s\n' "$out" | tail -1 | jq -r .referrers)" \
	"$(printf '%s\n' "$pv" | awk '{ n += $2 } END { print n }')" "the summary sums them"
tmrun run "$tags_addr/lib/app" "$down_addr/tags/app" --tags 'a,b,c,z' --json
is "$rc" 0 "the run: SUCCESS"
is "$(counts "$out")" "$pv" "the run copies per tag what the preview counted"

# --- --referrer-types: the same filter -------------------------------------
tmrun preview "$tags_addr/lib/app" --tags 'a,b' --json --referrer-types signature
pv=$(counts "$out")
tmrun run "$tags_addr/lib/app" "$down_addr/sig/app" --tags 'a,b' --json \
	--referrer-types signature
is "$(counts "$out")" "$pv" "signatures only: the preview's counts are the run's"
like "$pv" "^a 1$" "a: its one .sig"

# --- the referrers API: one GET per digest -----------------------------------
proxy_reset api
tmrun preview "$api_addr/lib/app" --tags 'a,c' --json
pv=$(counts "$out")
a=$(awk '$1 == "a" { print $2 }' "$TMPD/up")
is "$(proxy_count api "^GET /v2/lib/app/referrers/$a")" 1 "a's digest: one referrers GET"
is "$(proxy_count api "^GET /v2/lib/app/manifests/sha256-")" 2 \
	"the tag schema's index never asked; each .sig read once (a and c)"
tmrun run "$api_addr/lib/app" "$down_addr/api/app" --tags 'a,c' --json
is "$(counts "$out")" "$pv" "through the API too, the preview's counts are the run's"

# --- no API, no artefact tag: at most one probe per connection ------------
seed "$up_addr" lib/bare "$TMPD/bare" --tags 1,2,3,4,5,6,7,8,9,10,11,12 \
	--multiarch-every 0 >/dev/null || bail "seed bare"
proxy_reset tags
tmrun preview "$tags_addr/lib/bare" --tags '*' --json
is "$(counts "$out" | awk '{ print $2 }' | sort -u)" 0 "12 tags, none with referrers"
heads=$(proxy_count tags '^HEAD ')
probes=$(proxy_count tags '/referrers/')
ok "after the API's 404, no HEAD more than one per connection ($heads)" test "$heads" -le 4
ok "  nor a referrers request ($probes)" test "$probes" -le 4

# --- --no-referrers: the listing only ---------------------------------------
proxy_reset tags
tmrun preview "$tags_addr/lib/app" --tags 'a,b,c,z' --json --no-referrers
is "$rc" 0 "--no-referrers: exit 0"
is "$(proxy_count tags '^HEAD ')" 0 "no HEAD"
is "$(proxy_count tags '/referrers/|/manifests/')" 0 "no referrers or manifest request"
is "$(printf '%s\n' "$out" | jq -r 'select(.type == "tag") | has("referrers")' | sort -u)" \
	false "no count on the tag lines"

# --- a tag that cannot be counted: named, the others counted -------------
proxy_rules tags '[{"match": "^HEAD /v2/lib/app/manifests/c$", "action": "status",
	"status": 404, "code": "MANIFEST_UNKNOWN", "message": "manifest unknown"}]'
tmrun preview "$tags_addr/lib/app" --tags 'a,c' --json
is "$rc" 0 "a tag not counted is no failure of the preview"
is "$(printf '%s\n' "$out" | jq -r 'select(.tag == "c") | "\(.referrers) \(.referrers_error)"')" \
	"null the tag is gone from the source" "c: null, and why"
is "$(printf '%s\n' "$out" | jq -r 'select(.tag == "a") | .referrers')" 3 "a still counted"
tmrun preview "$tags_addr/lib/app" --tags 'c'
like "$err" "^#   c +not counted: the tag is gone" "the human form says it too"
proxy_rules tags '[]'

# --- the human form: counts on stderr, stdout stays names ------------------
tmrun preview "$tags_addr/lib/app" --tags 'a,z'
is "$out" "a
z" "stdout holds the tag names only"
like "$err" "^# [0-9]+ referrers would come with 1 of 2 tags" "the sum on a '#' line"
like "$err" "^#   a +[0-9]+$" "a's count on its own line"

# --- the TUI: "+N" beside each tag, counted in the background -------------
tmrun preview "$tags_addr/lib/app" --tags 'a,b,c,z' --json
want=$(counts "$out" | awk '$2 > 0 { printf "%s +%s\n", $1, $2 }')
# shown: "TAG +N" for each grid cell with a count, sorted.
shown() {
	screen | grep -oE '(^| )[abcz] +\+[0-9]+' | sed 's/^ //; s/  */ /' | LC_ALL=C sort
}
tui_start 80 24
wait_screen 30 "set up a mirror" || bail "the TUI did not start"
type_text "$tags_addr/lib/app"
keys Tab
type_text "127.0.0.1:9/lib/app"
keys Tab
type_text "a,b,c,z"
shown_all() { [ "$(shown)" = "$want" ]; }
wait_for 30 shown_all
is "$(shown)" "$want" "the TUI's counts appear, the headless preview's"
is "$(printf '%s\n' "$want" | wc -l)" 3 "  (a, b and c have some)"
like "$(screen)" "\+N referrers" "the status line says what +N is"
keys C-c
is "$(tui_exit 10)" 0 "Ctrl-C quits"
tui_start 80 24 --no-referrers
wait_screen 30 "set up a mirror" || bail "the TUI did not start"
proxy_reset tags
type_text "$tags_addr/lib/app"
keys Tab Tab
type_text "a,b,c,z"
wait_screen 30 "Matched 4 of" || bail "no match"
sleep 1
is "$(shown)" "" "--no-referrers: no count shown"
is "$(proxy_count tags '^HEAD |/referrers/|/manifests/')" 0 "and none asked"
keys C-c
tui_exit 10 >/dev/null
done_testing
