# Each tag's own numbers in the report and on --json lines: how its blobs
# got there (copied, mounted, skipped) and how long it took.  Two
# single-arch images that share their base and version layers: 4 blobs
# each (config, base, version, own layer), 2 of them shared.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/it/engine_lib.sh"

registry_start up
registry_start down
seed "$up_addr" lib/app "$TMPD/up" --tags 1.0.1,1.0.2 --multiarch-every 0 \
	--alias-every 0 >/dev/null || bail "seed"
src="$up_addr/lib/app"

# blobs FILE TAG: "blobs copied mounted skipped" of a tag in a report.
blobs() {
	jq -r --arg t "$2" '.tags[] | select(.tag == $t) |
		"\(.blobs) \(.blobs_copied) \(.blobs_mounted) \(.blobs_skipped)"' "$1"
}

# Cold: an empty destination gets every blob streamed.
tmrun run "$src" "$down_addr/one" --tags 1.0.1 -j 1 --report "$TMPD/cold.json"
is "$rc" 0 "a cold copy of one tag: SUCCESS"
is "$(blobs "$TMPD/cold.json" 1.0.1)" "4 4 0 0" "cold: its 4 blobs copied"
jq_is "$TMPD/cold.json" '.tags[0].seconds > 0' true "cold: its time is counted"
jq_is "$TMPD/cold.json" '.tags[0].seconds <= .elapsed_seconds' true \
	"and is no longer than the run"

# The other tag into the same repository: the shared layers are there.
tmrun run "$src" "$down_addr/one" --tags 1.0.2 -j 1 --report "$TMPD/next.json"
is "$rc" 0 "the second tag, another run: SUCCESS"
is "$(blobs "$TMPD/next.json" 1.0.2)" "4 2 0 2" \
	"the 2 layers it shares were in the destination: skipped"

# Warm: the tag is gone but its blobs stay in the repository; the run
# finds all four there (1.0.1 keeps the repository from looking empty).
d=$(seeded "$TMPD/up" | awk '$1 == "1.0.2" { print $2 }')
is "$("$REGTOOL" --no-auth-files manifest-delete "$down_addr" one "$d")" deleted \
	"1.0.2 deleted from the destination, its blobs left"
tmrun run "$src" "$down_addr/one" --tags 1.0.2 -j 1 --report "$TMPD/warm.json"
is "$rc" 0 "a warm run: SUCCESS"
is "$(blobs "$TMPD/warm.json" 1.0.2)" "4 0 0 4" "warm: all 4 skipped, none copied"
jq_is "$TMPD/warm.json" '.tags[0].seconds > 0' true "warm: its time is counted too"

# One run, both tags, one worker: the second needs the 2 shared layers the
# first brought (the run moves each blob once): skipped, not copied again.
tmrun run "$src" "$down_addr/both" --tags '1.0.*' -j 1 --report "$TMPD/both.json"
is "$rc" 0 "both tags in one run: SUCCESS"
is "$(blobs "$TMPD/both.json" 1.0.1)" "4 4 0 0" "the first tag copies all 4"
is "$(blobs "$TMPD/both.json" 1.0.2)" "4 2 0 2" \
	"the second copies its own 2 and skips the 2 the first brought"
jq_is "$TMPD/both.json" '[.summary.blobs_copied, .summary.blobs_skipped] |
	map(tostring) | join(" ")' "6 2" "the tags' numbers add up to the summary's"
jq_is "$TMPD/both.json" '[.tags[].seconds > 0] | all' true "each tag has its time"

# Up to date: nothing visited, nothing timed.
tmrun run "$src" "$down_addr/both" --tags '1.0.*' --report "$TMPD/again.json"
is "$(blobs "$TMPD/again.json" 1.0.1)" "0 0 0 0" "an up-to-date tag visits no blob"
jq_is "$TMPD/again.json" '.tags[0].seconds' 0 "and has no copy time"

# Within one registry the blobs are mounted from the source repository.
tmrun run "$src" "$up_addr/mirror/app" --tags 1.0.1 --report "$TMPD/mount.json"
is "$rc" 0 "within one registry: SUCCESS"
is "$(blobs "$TMPD/mount.json" 1.0.1)" "4 0 4 0" "all 4 mounted"

# --json: a copied tag's line carries the same numbers.
tmrun run "$src" "$down_addr/json" --tags '1.0.*' -j 1 --json
is "$rc" 0 "--json run: SUCCESS"
is "$(printf '%s\n' "$out" | jq -r 'select(.type == "tag") |
	"\(.tag) \(.blobs_copied) \(.blobs_mounted) \(.blobs_skipped) \(.seconds > 0)"')" \
	"1.0.1 4 0 0 true
1.0.2 2 0 2 true" "each copied line: copied, mounted, skipped, a time"
tmrun run "$src" "$down_addr/json" --tags '1.0.*' --json
is "$(printf '%s\n' "$out" | jq -r 'select(.type == "tag") | has("blobs_copied")' |
	sort -u)" false "an up-to-date line has none of them"
done_testing
