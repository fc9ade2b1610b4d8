#!/bin/sh
# tagmirror against skopeo sync and the floor copier (issues #6 and #17).
#
#   sh bench/run.sh [--quick] [--runs N] [--scenario 1,2,3,4,5,6,7] [--jobs N]
#                   [--rtt-ms MS] [--rate-mbit MBIT] [--wan-jobs 8,16,32]
#                   [--scale N] [--no-tui] [--cache DIR] [--results FILE]
#
# Installs what is missing (setup.sh), builds tagmirror and bench/floor.c,
# then runs bench/bench.py inside a private network namespace, so the
# loopback byte counters see only the bench's own traffic.  Every registry
# listens on 127.0.0.1 with storage under one temp dir removed at exit.
# Seeded templates are kept in $XDG_CACHE_HOME/tagmirror-bench (--cache).
# A full run writes its table into bench/RESULTS.md; --quick only prints.
# Not part of `make check`.  See bench/README.md.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

orig="$*"
quick=0
results=""
cache=""
for a in "$@"; do
	case "$a" in
	--quick) quick=1 ;;
	--results|--results=*) results=given ;;
	--cache|--cache=*) cache=given ;;
	-h|--help)
		sed -n '2,15s/^# \{0,1\}//p' "$0"
		exit 0 ;;
	esac
done
[ $quick = 0 ] && [ -z "$results" ] && set -- "$@" --results "$top/bench/RESULTS.md"
[ -z "$cache" ] && set -- "$@" --cache "${XDG_CACHE_HOME:-$HOME/.cache}/tagmirror-bench"

if [ "${BENCH_NO_SETUP:-}" != 1 ]; then
	sh ./setup.sh
	# GNU time measures peak RSS; ip brings up the namespace's loopback.
	need=""
	[ -x /usr/bin/time ] || need="$need time"
	command -v ip >/dev/null 2>&1 || need="$need iproute2"
	if [ -n "$need" ]; then
		SUDO=""
		[ "$(id -u)" -eq 0 ] || SUDO=sudo
		echo "bench: installing$need"
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
		    --no-install-recommends $need >/dev/null
	fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tm-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

cc -O2 -Wall -o "$work/floor" bench/floor.c -lcurl -lcjson -lpthread
# A snapshot, so a rebuild of the tree during a long run changes nothing.
cp "$top/tagmirror" "$work/tagmirror"

# The seed report's expression, stray quote included: 392 of the 787 tags.
expr="latest,3.[789].?,3.[789].??,3.??.?,3.??.??,3.??.??-*,3.??.?-*,3-*,3.[789].?-*,3.[789].??-*,3.6-*,3.9.??-slim-*,3.10.?-slim*'"
data="$top/tests/data"

set -- python3 bench/bench.py --work "$work" --srcdir "$top" \
    --tagmirror "$work/tagmirror" --floor "$work/floor" \
    --tags "$data/python-tags.txt" --all-tags "$data/python-tags-all.txt" \
    --expr "$expr" --argv="$orig" "$@"
if command -v ip >/dev/null 2>&1 && unshare -n true 2>/dev/null; then
	unshare -n -- sh -c 'ip link set lo up && BENCH_NETNS=1 exec "$@"' sh "$@"
else
	echo "bench: no private network namespace: bytes include other loopback traffic" >&2
	"$@"
fi
