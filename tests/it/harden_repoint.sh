# Rollback never deletes a digest another tag may point at: on a registry
# that deletes by digest only (distribution 2.8), a tag the run added is
# pointed at a throwaway manifest of its own and that is deleted.  A tag
# someone pushes at the same digest while the rollback runs survives;
# where deletes are refused the tag is put back and the rest are left
# alone, reported; a tag left at a throwaway by an interrupted rollback
# is removed by the next one, not taken for someone else's push.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
proxy_start dn "$down_url"
seed "$up_addr" lib/app "$TMPD/up" --tags a,b >/dev/null || bail "seed up"
d_a=$(awk '$1 == "a" { print $2 }' "$TMPD/up")
rule_hit() { [ "$(proxy_stats dn | jq '.by_rule[0]')" -ge 1 ]; }

# --- an outside tag pushed at the same digest during the delete ----------
tmrun run "$up_addr/lib/app" "$dn_addr/lib/app" --tags a
is "$rc" 0 "the run adds a"
proxy_rules dn '[{"match": "^DELETE /v2/lib/app/manifests/sha256:", "action": "delay", "seconds": 3}]'
"$TAGMIRROR" rollback --last >"$TMPD/rb.out" 2>"$TMPD/rb.err" &
pid=$!
track_pid $pid
wait_for 30 rule_hit || bail "the rollback sent no delete: $(cat "$TMPD/rb.out" "$TMPD/rb.err")"
# Someone pushes the source's a (the very bytes the run mirrored) as
# their own tag, while a itself is being removed.
"$REGTOOL" --no-auth-files --out "$TMPD/a.json" manifest-get "$up_addr" lib/app a ||
	bail "manifest-get"
mt=$(jq -r .mediaType "$TMPD/a.json")
"$REGTOOL" --no-auth-files manifest-put "$down_addr" lib/app "$mt" "$TMPD/a.json" outside \
	>/dev/null || bail "the outside push failed"
wait $pid
is "$?" 0 "rollback: exit 0"
like "$(cat "$TMPD/rb.out")" "^ROLLED_BACK: " "it says the destination is as before the run"
is "$(listing "$down_addr" lib/app)" "outside $d_a" \
	"the outside tag at a's digest survives, a is gone"
is "$(proxy_count dn "^DELETE /v2/lib/app/manifests/$d_a")" 0 "a's own digest was never deleted"
is "$(proxy_count dn '^DELETE /v2/lib/app/manifests/sha256:')" 1 "one delete, of a throwaway"

# --- deletes refused: put back, the rest not tried, reported -------------
tmrun run "$up_addr/lib/app" "$dn_addr/lib/two" --tags a,b
is "$rc" 0 "the run adds a and b"
proxy_rules dn '[{"match": "^DELETE ", "action": "status", "status": 405,
  "code": "UNSUPPORTED", "message": "The operation is unsupported."}]'
proxy_reset dn
tmrun rollback --last
is "$rc" 2 "deletes refused: the rollback is incomplete, exit 2"
like "$out" "HTTP 405" "and says why"
is "$(listing "$down_addr" lib/two)" "$(seeded "$TMPD/up")" \
	"a and b are where the run put them, not at a throwaway"
is "$(proxy_count dn '^PUT /v2/lib/two/manifests/')" 2 \
	"one tag was re-pointed and put back; the other was not tried"

# --- interrupted between the re-point and the delete ---------------------
proxy_rules dn '[{"match": "^DELETE /v2/lib/two/manifests/sha256:", "action": "close"}]'
"$TAGMIRROR" rollback --last >"$TMPD/k.out" 2>&1 &
pid=$!
track_pid $pid
wait_for 30 rule_hit || bail "the rollback sent no delete: $(cat "$TMPD/k.out")"
kill -9 $pid
wait $pid 2>/dev/null
isnt "$(listing "$down_addr" lib/two)" "$(seeded "$TMPD/up")" "killed: a tag is left at a throwaway"
proxy_rules dn '[]'
tmrun rollback --last
is "$rc" 0 "the next rollback: exit 0, no conflict"
unlike "$out" "CONFLICT" "the throwaway is known as ours"
is "$(listing "$down_addr" lib/two)" "" "both tags are gone"
done_testing
