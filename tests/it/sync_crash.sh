# kill -9 in the middle of a set run, then `tagmirror rollback --last`:
# --last finds the set journal (not one repository's), and every
# repository of the set, from 2 source registries, is exactly as before
# (skopeo inspect digests before and after).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up1
registry_start up2
registry_start down
proxy_start h1 "$up1_url"
proxy_start h2 "$up2_url"
tags=$(seq -f 't%02g' 1 8 | paste -sd,)
seed "$up1_addr" lib/a "$TMPD/a" --tags "$tags" >/dev/null || bail "seed"
seed "$up1_addr" lib/b "$TMPD/b" --tags "$tags" --seed 2 >/dev/null || bail "seed"
seed "$up2_addr" org/c "$TMPD/c" --tags "$tags" --seed 3 >/dev/null || bail "seed"
seed "$up2_addr" org/d "$TMPD/d" --tags "$tags" --seed 4 >/dev/null || bail "seed"
# The destination already has some of those tags, at other digests.
for r in lib/a lib/b org/c org/d; do
	seed "$down_addr" $r "$TMPD/old" --tags t01,t02,keep --variant old >/dev/null || bail "seed down"
done

# state: every repository's tags as skopeo reads them ("-" when absent).
state() {
	local r t
	for r in lib/a lib/b org/c org/d; do
		for t in $(echo "$tags" | tr , ' ') keep; do
			if skopeo inspect --raw --tls-verify=false "docker://$down_addr/$r:$t" \
				>"$TMPD/m" 2>/dev/null; then
				echo "$r:$t sha256:$(sha256sum <"$TMPD/m" | cut -d' ' -f1)"
			else
				echo "$r:$t -"
			fi
		done
	done
}
before=$(state)
like "$before" "lib/a:t01 sha256:" "skopeo sees the old tags before the run"

# Slow the blobs down so the run is caught in the middle.
for p in h1 h2; do
	proxy_rules $p '[{"match": "^GET /v2/.*/blobs/", "action": "delay", "seconds": 0.2}]'
done
cat >"$TMPD/set.yaml" <<YAML
defaults:
  registry: $down_addr
  jobs: 4
mirrors:
  - source: $h1_addr/lib/a
    tags: 't*'
  - source: $h1_addr/lib/b
    tags: 't*'
  - namespace: $h2_addr/org
    list: [c, d]
    tags: 't*'
YAML
"$TAGMIRROR" sync "$TMPD/set.yaml" >"$TMPD/run.out" 2>&1 &
pid=$!
track_pid $pid
# changed: how many tags of the 4 repositories have moved so far.
changed() { state | diff <(echo "$before") - | grep -c '^>'; }
wait_for 120 sh -c "[ \$(cat '$XDG_STATE_HOME'/tagmirror/*.journal 2>/dev/null | grep -c '^done ') -ge 6 ]" ||
	bail "the run copied nothing: $(cat "$TMPD/run.out")"
kill -9 $pid
wait $pid 2>/dev/null
n=$(changed)
ok "killed mid-run, the destination has changed ($n tags)" test "$n" -gt 0
nok "and not every tag was copied" test "$n" -ge 32
sj=$(grep -l '^tagmirror-set-journal 1$' "$XDG_STATE_HOME"/tagmirror/*.journal)
is "$(echo "$sj" | wc -l)" 1 "one set journal"
unlike "$(tail -1 "$sj")" '^end ' "it has no end record"
ok "it names the repositories that journaled" test "$(grep -c '^member ' "$sj")" -ge 2

tmrun rollback --last
is "$rc" 0 "rollback --last after kill -9 exits 0"
like "$err" "--last: the set run of .*, [0-9]+ repositor" "--last picked the set run"
like "$out" '^ROLLED_BACK: ' "and says ROLLED_BACK"
is "$(state)" "$before" "every repository is exactly as before (skopeo)"
is "$(tail -1 "$sj")" "end ROLLED_BACK" "the set journal is finished now"
tmrun rollback "$sj"
is "$rc" 0 "rolling back again changes nothing and still succeeds"
is "$(state)" "$before" "still as before"
done_testing
