# Hostile input through the commands, offline: the regression inputs the
# fuzzers and issue 12 found (tests/fuzz/regress/) must each end in one
# clear error line and exit 1, quickly, never a crash or a runaway.
. "$top_srcdir/tests/lib.sh"

regress="$top_srcdir/tests/fuzz/regress"

# run_bounded CMD...: $rc, $err and $secs of CMD held to 1 GB of address
# space (none under ASan, which reserves terabytes) and 20 s.
run_bounded() {
	local t0 limit=""
	sanitized || limit="ulimit -v 1048576;"
	t0=$(date +%s%N)
	bash -c "$limit"' exec timeout 20 "$@"' tm "$@" >"$TMPD/out" 2>"$TMPD/err"
	rc=$?
	secs=$((($(date +%s%N) - t0) / 1000000000))
	err=$(cat "$TMPD/err")
}

printf '1\n11\nlatest\n' >"$TMPD/tags"
for f in "$regress"/tagexpr/*; do
	run_bounded "$TAGMIRROR" preview --tag-list "$TMPD/tags" --tags "$(cat "$f")"
	name=${f##*/}
	is "$rc" 1 "preview with regex $name exits 1"
	like "$err" "^tagmirror: tag expression: item 1 're:.*' at column 1: regex refused at column [0-9]+: " \
		"preview with $name: the error names the item and the column"
	is "$(printf '%s\n' "$err" | wc -l)" 1 "preview with $name: one line"
	is "$secs" 0 "preview with $name: under a second"
done

for f in "$regress"/journal/*; do
	name=${f##*/}
	cp "$f" "$TMPD/$name.journal"
	run_bounded "$TAGMIRROR" rollback "$TMPD/$name.journal"
	is "$rc" 1 "rollback of journal $name exits 1"
	like "$err" "^tagmirror: local journal: .*$name.journal:[0-9]+: [a-z]" \
		"rollback of $name: the error names the file and line"
	is "$(printf '%s\n' "$err" | grep -c 'journal:')" 1 "rollback of $name: one error line"
	unlike "$err" "Sanitizer|runtime error|Segmentation" "rollback of $name: no crash"
done

for f in "$regress"/ref/*; do
	name=${f##*/}
	run_bounded "$TAGMIRROR" preview "$(cat "$f")" --tags a
	is "$rc" 1 "preview of reference $name exits 1"
	like "$err" "^tagmirror: .*: (host|reference|invalid|tag|missing) " \
		"preview of $name: the error says what is wrong"
	is "$(printf '%s\n' "$err" | wc -l)" 1 "preview of $name: one line"
	unlike "$err" "Sanitizer|runtime error|Segmentation" "preview of $name: no crash"
done

done_testing
