# --shard K/N: N processes over one set, started together, run disjoint
# shards whose union is the whole set (each mirror exactly once), with
# no coordinator; and the shards are a pure function of the sources.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
{
	echo "defaults:"
	echo "  registry: $down_addr"
	echo "mirrors:"
	for i in 1 2 3 4 5 6 7 8; do
		seed "$up_addr" "org/r$i" "$TMPD/seed$i" --tags v1 --seed "$i" >/dev/null || bail "seed"
		printf '  - source: %s/org/r%s\n    tags: "*"\n' "$up_addr" "$i"
	done
} >"$TMPD/set.yaml"
all=$(for i in 1 2 3 4 5 6 7 8; do echo "$up_addr/org/r$i"; done | sort)

n=3
for k in 0 1 2; do
	"$TAGMIRROR" sync "$TMPD/set.yaml" --shard "$k/$n" --report "$TMPD/r$k.json" \
		>"$TMPD/out$k" 2>"$TMPD/err$k" &
	pids="${pids:-} $!"
done
rcs=""
for p in $pids; do wait "$p"; rcs="$rcs$?"; done
is "$rcs" 000 "three shards ran at once, each exit 0"
got=$(jq -r '.mirrors[].source' "$TMPD"/r[012].json | sort)
is "$got" "$all" "their union is the set, each mirror exactly once"
is "$(jq -r '.mirrors[].source' "$TMPD"/r[012].json | sort | uniq -d)" "" "no mirror in two shards"
total=0
for k in 0 1 2; do
	c=$(jq '.mirrors | length' "$TMPD/r$k.json")
	like "$(cat "$TMPD/err$k")" "shard $k/3: $c of 8 mirrors" "shard $k says what it took"
	jq_is "$TMPD/r$k.json" .shard "$k/3" "report $k names its shard"
	total=$((total + c))
done
is "$total" 8 "8 mirrors in all"
for i in 1 2 3 4 5 6 7 8; do
	is "$(listing "$down_addr" "org/r$i")" "$(seeded "$TMPD/seed$i")" "org/r$i mirrored once"
done

# The same shard again picks the same mirrors (stable hash).
"$TAGMIRROR" sync "$TMPD/set.yaml" --shard 1/3 --report "$TMPD/again.json" >/dev/null 2>&1
is "$(jq -r '.mirrors[].source' "$TMPD/again.json")" "$(jq -r '.mirrors[].source' "$TMPD/r1.json")" \
	"a shard is stable across runs"
tmrun sync "$TMPD/set.yaml" --shard 3/3
is "$rc" 1 "K must be below N"
like "$err" "K from 0 to N-1" "and the error says the range"
done_testing
