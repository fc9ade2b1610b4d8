# Shared by every shell test: TAP assertions, a private temp dir, and real
# Debian docker-registry instances on 127.0.0.1 (plain, htpasswd, TLS)
# that are always stopped when the test exits, pass or fail.
#
#   . "$top_srcdir/tests/lib.sh"
#   registry_start src               # $src_addr, $src_dir
#   registry_start dst --auth --tls  # + $dst_user $dst_pass $dst_certdir
#   is "$got" "$want" "what it proves"; ok "desc" cmd args; done_testing
#
# Every helper talks to loopback only.

set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
TAGMIRROR="$top_builddir/tagmirror"
TM_DATA="$top_srcdir/tests/data"

TMPD=$(mktemp -d "${TMPDIR:-/tmp}/tm-test.XXXXXX")
# Pin the environment: no user config, no real auth files, UTC, UTF-8.
export HOME="$TMPD/home" XDG_CONFIG_HOME="$TMPD/home/.config" \
	XDG_STATE_HOME="$TMPD/home/.local/state" XDG_RUNTIME_DIR="$TMPD/run" \
	TZ=UTC LC_ALL=C.UTF-8
unset REGISTRY_AUTH_FILE DOCKER_CONFIG REPO_MIRROR_ROLLBACK NO_COLOR \
	http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export no_proxy='*'
# The demo at full speed, with no staged failure: only tui_demo.sh watches
# it throttled (it unsets this).
export TAGMIRROR_DEMO_FAST=1
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" "$TMPD/bin"
chmod 700 "$XDG_RUNTIME_DIR"
# A version manager's python3 shim can cost a second per start; tests start
# python3 often, so put the real interpreter first in PATH.
_tm_py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) &&
	ln -s "$_tm_py" "$TMPD/bin/python3" && PATH="$TMPD/bin:$PATH"

_tap_n=0
_tap_failed=0

_tm_cleanup() {
	local p
	if [ -f "$TMPD/pids" ]; then
		while read -r p; do
			kill "$p" 2>/dev/null
		done <"$TMPD/pids"
		while read -r p; do
			wait "$p" 2>/dev/null
		done <"$TMPD/pids"
	fi
	[ -n "${TM_KEEP_TMP:-}" ] || rm -rf "$TMPD"
}
trap _tm_cleanup EXIT
trap 'exit 130' INT TERM

# Remember a background pid so cleanup stops it.
track_pid() { echo "$1" >>"$TMPD/pids"; }

_tap_result() {	# status desc
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		_tap_failed=$((_tap_failed + 1))
		echo "not ok $_tap_n - $2"
	fi
}

# diag MSG: a TAP comment.
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# is GOT WANT DESC
is() {
	if [ "$1" = "$2" ]; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		diag "got:  '$1'" "want: '$2'"
	fi
}

# isnt GOT UNWANTED DESC
isnt() {
	if [ "$1" != "$2" ]; then _tap_result 0 "$3"; else _tap_result 1 "$3"; diag "got unwanted '$1'"; fi
}

# like TEXT ERE DESC / unlike TEXT ERE DESC
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		_tap_result 0 "$3"
	else
		_tap_result 1 "$3"
		diag "no match for /$2/ in:" "$(printf '%s\n' "$1" | head -20)"
	fi
}
unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		_tap_result 1 "$3"
		diag "unexpected match for /$2/ in:" "$(printf '%s\n' "$1" | grep -E -- "$2" | head -5)"
	else
		_tap_result 0 "$3"
	fi
}

# ok DESC CMD [ARGS...]: passes when CMD exits 0.  nok: when it does not.
ok() { local d="$1"; shift; "$@" >/dev/null 2>&1; _tap_result $? "$d"; }
nok() { local d="$1"; shift; if "$@" >/dev/null 2>&1; then _tap_result 1 "$d"; else _tap_result 0 "$d"; fi; }

skip_all() { echo "1..0 # SKIP $*"; exit 0; }
# skip DESC REASON: one assertion that cannot be made in this build.
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n - $1 # SKIP $2"; }
# sanitized: true in an --enable-sanitizers build (ASan inflates memory
# and cannot run under valgrind).
sanitized() { [ "${TM_SANITIZERS:-no}" = yes ]; }

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
	exit $?
}

# bail MSG: abort the whole test file (counts as a failure).
bail() { echo "Bail out! $*"; exit 1; }

# need TOOL...: bail, naming the Debian package, when a program this test
# calls is missing.  setup.sh installs every one of them, so a missing tool
# is a broken set-up, reported as such rather than as an obscure failure.
need() {
	local t pkg
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 && continue
		case "$t" in
		docker-registry) pkg=docker-registry ;;
		htpasswd) pkg=apache2-utils ;;
		pgrep | pkill | ps) pkg=procps ;;
		/usr/bin/time) pkg=time ;;
		sha256sum | od | timeout) pkg=coreutils ;;
		*) pkg=$t ;;
		esac
		bail "$t is not installed (Debian package $pkg; sh setup.sh installs it)"
	done
}
need python3 curl od sha256sum

# A TCP port that was free a moment ago on 127.0.0.1.
free_port() {
	python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local limit=$(( $1 * 10 )) i=0
	shift
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ "$i" -ge "$limit" ] && return 1
		sleep 0.1
	done
	return 0
}

# A throwaway CA and a server certificate for 127.0.0.1/localhost, made
# once per test.  Sets $TM_CA (CA certificate) and $TM_CERTDIR (a
# skopeo-style --cert-dir holding ca.crt).
make_ca() {
	[ -n "${TM_CA:-}" ] && return 0
	local d="$TMPD/pki"
	need openssl
	mkdir -p "$d/certdir"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=tagmirror test CA" \
		-keyout "$d/ca.key" -out "$d/ca.crt" >/dev/null 2>&1 || bail "openssl: cannot make a CA"
	openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
		-keyout "$d/server.key" -out "$d/server.csr" >/dev/null 2>&1 || bail "openssl: csr"
	printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >"$d/ext.cnf"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
		-CAcreateserial -days 2 -extfile "$d/ext.cnf" -out "$d/server.crt" \
		>/dev/null 2>&1 || bail "openssl: sign"
	cp "$d/ca.crt" "$d/certdir/ca.crt"
	TM_CA="$d/ca.crt"
	TM_CERTDIR="$d/certdir"
}

# registry_start NAME [--auth] [--tls]
# Starts docker-registry on a free port with temp storage and deletes
# enabled.  Sets ${NAME}_addr (127.0.0.1:PORT), ${NAME}_url, ${NAME}_dir;
# with --auth also ${NAME}_user and ${NAME}_pass (htpasswd, bcrypt);
# with --tls also ${NAME}_certdir.
registry_start() {
	local name="$1" auth=0 tls=0 port dir scheme=http i
	shift
	for i in "$@"; do
		case "$i" in
		--auth) auth=1 ;;
		--tls) tls=1 ;;
		*) bail "registry_start: unknown option $i" ;;
		esac
	done
	dir="$TMPD/reg-$name"
	mkdir -p "$dir/data"
	port=$(free_port)
	{
		echo "version: 0.1"
		echo "log: {level: error, accesslog: {disabled: true}}"
		echo "storage:"
		echo "  filesystem: {rootdirectory: $dir/data}"
		echo "  delete: {enabled: true}"
		echo "  maintenance: {uploadpurging: {enabled: false}}"
		echo "http:"
		echo "  addr: 127.0.0.1:$port"
		if [ $tls = 1 ]; then
			make_ca
			echo "  tls: {certificate: $TMPD/pki/server.crt, key: $TMPD/pki/server.key}"
			scheme=https
		fi
		if [ $auth = 1 ]; then
			local pass
			need htpasswd
			pass="pw-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
			htpasswd -Bbn tester "$pass" >"$dir/htpasswd" 2>/dev/null || bail "htpasswd failed"
			echo "auth: {htpasswd: {realm: tagmirror-test, path: $dir/htpasswd}}"
			eval "${name}_user=tester; ${name}_pass=\$pass"
		fi
	} >"$dir/config.yml"
	need docker-registry
	docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
	track_pid $!
	eval "${name}_addr=127.0.0.1:$port ${name}_url=$scheme://127.0.0.1:$port ${name}_dir=$dir"
	[ $tls = 1 ] && eval "${name}_certdir=\$TM_CERTDIR"
	wait_for 20 _registry_up "$scheme://127.0.0.1:$port" ||
		bail "registry $name did not start: $(tail -3 "$dir/log")"
}
_registry_up() {
	local code
	code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "${TM_CA:-/dev/null}" "$1/v2/")
	[ "$code" = 200 ] || [ "$code" = 401 ]
}

# tm ARGS...: run the built binary (stdout and stderr as is).
tm() { "$TAGMIRROR" "$@"; }

# assert_no_secret FILE... : no file mentions any password of this test.
assert_no_secret() {
	local v leaked=""
	for v in $(set | sed -n 's/^\([A-Za-z_]*_pass\)=.*/\1/p'); do
		eval "pw=\${$v}"
		[ -n "$pw" ] || continue
		if grep -rqF -- "$pw" "$@" 2>/dev/null; then leaked="$leaked $v"; fi
	done
	is "$leaked" "" "no password appears in: $*"
}

# --- test bed: seeding and the fault proxy ---
# Tools in tests/bed (python3, stdlib only); reference: tests/bed/README.md.
TM_BED="$top_srcdir/tests/bed"

# tm_python ARGS...: python3, resolved once into $TM_PYTHON, the real
# interpreter (a version manager's shim can cost most of a second per
# start).  Resolved outside $(...) (seed and proxy_start do it), it stays.
tm_python_path() {
	[ -n "${TM_PYTHON:-}" ] ||
		TM_PYTHON=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null) ||
		TM_PYTHON=python3
}
tm_python() { tm_python_path; "$TM_PYTHON" "$@"; }

# The manifest types a test asks a registry for.
MT_ALL='application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json'

# listing ADDR REPO: "TAG DIGEST" per tag, sorted, nothing for no tags: a
# registry's state to compare before and after.  Read back with python's
# http.client over one connection, independent of tagmirror's client.
listing() {
	python3 - "$1" "$2" "$MT_ALL" <<'PY'
import http.client, json, sys
addr, repo, accept = sys.argv[1:4]
c = http.client.HTTPConnection(addr, timeout=30)
c.request("GET", "/v2/%s/tags/list?n=10000" % repo)
r = c.getresponse()
body = r.read()
tags = (json.loads(body).get("tags") or []) if r.status == 200 else []
for t in sorted(tags):
    c.request("HEAD", "/v2/%s/manifests/%s" % (repo, t), headers={"Accept": accept})
    h = c.getresponse()
    h.read()
    if h.status == 200:
        print(t, h.getheader("Docker-Content-Digest"))
PY
}

# repo_tags ADDR REPO: the tag names, sorted, on one line.
repo_tags() {
	curl -sf "http://$1/v2/$2/tags/list?n=10000" | python3 -c '
import json, sys
print(" ".join(sorted(json.load(sys.stdin).get("tags") or [])))'
}

# has_tags ADDR REPO N: the registry at ADDR lists at least N tags in REPO:
# a background run's progress seen from outside (a human run prints its
# tag lines only at the end).
has_tags() { [ "$(repo_tags "$1" "$2" 2>/dev/null | wc -w)" -ge "$3" ]; }

# rss_under FILE MIB [WHAT]: the peak RSS GNU time -v wrote into FILE is
# under MIB (skipped under the sanitizers, whose shadow memory counts).
rss_under() {
	local rss what="${3:-peak RSS}"
	rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$1")
	if sanitized; then
		skip "$what is under $2 MiB" "ASan's shadow memory and quarantine"
	else
		ok "$what ${rss:-unknown} KiB is under $2 MiB" test "${rss:-999999}" -lt $(($2 * 1024))
	fi
}

# _bed_name ADDR: the NAME of the registry or proxy started here whose
# ${NAME}_addr is ADDR (empty when none).
_bed_name() {
	set | sed -n "s/^\([A-Za-z_][A-Za-z0-9_]*\)_addr='\{0,1\}$1'\{0,1\}\$/\1/p" | head -1
}

# seed ADDR REPO OUTFILE [seed.py options...]
# Pushes images with tests/bed/seed.py into the registry at ADDR
# (127.0.0.1:PORT) and writes "TAG DIGEST MEDIATYPE" lines to OUTFILE.
# When ADDR belongs to a registry_start/proxy_start of this test, its
# scheme, CA ($TM_CA) and credentials (${NAME}_user/_pass, passed through
# the environment, never on the command line) are added automatically;
# options given here come later and win.
seed() {
	local addr="$1" repo="$2" out="$3" name url user pass
	shift 3
	set -- --registry "$addr" --repo "$repo" --out "$out" "$@"
	name=$(_bed_name "$addr")
	if [ -n "$name" ]; then
		eval "url=\${${name}_url:-} user=\${${name}_user:-} pass=\${${name}_pass:-}"
		case "$url" in
		https:*) set -- --scheme https --cacert "$TM_CA" "$@" ;;
		esac
		if [ -n "$user" ]; then
			set -- --user "$user" --password-env TM_SEED_PASS "$@"
		fi
	else
		pass=""
	fi
	tm_python_path
	TM_SEED_PASS="$pass" "$TM_PYTHON" "$TM_BED/seed.py" "$@"
}

# proxy_start NAME UPSTREAM_URL [--tls] [faultproxy options...]
# Starts tests/bed/faultproxy.py in front of UPSTREAM_URL (an https
# upstream is verified with $TM_CA).  --tls serves HTTPS with the test CA's
# server certificate.  Sets ${NAME}_addr (127.0.0.1:PORT), ${NAME}_url,
# ${NAME}_dir, ${NAME}_pid, and ${NAME}_log (the proxy's request log); with
# --bearer-user U --bearer-password-env VAR also ${NAME}_user and
# ${NAME}_pass (so seed and assert_no_secret know them).
proxy_start() {
	local name="$1" up="$2" dir port pid scheme=http a prev="" user="" pwvar=""
	shift 2
	dir="$TMPD/proxy-$name"
	mkdir -p "$dir"
	set -- --upstream "$up" --port-file "$dir/port" --log "$dir/requests.log" "$@"
	case "$up" in
	https:*) make_ca; set -- --upstream-cacert "$TM_CA" "$@" ;;
	esac
	for a in "$@"; do
		case "$prev" in
		--bearer-user) user="$a" ;;
		--bearer-password-env) pwvar="$a" ;;
		esac
		case "$a" in
		--tls) make_ca; scheme=https ;;
		--tls-cert) scheme=https ;;
		esac
		prev="$a"
	done
	if [ $scheme = https ]; then
		# Replace the --tls shorthand by the real options.
		for a in "$@"; do
			shift
			if [ "$a" = --tls ]; then
				set -- "$@" --tls-cert "$TMPD/pki/server.crt" --tls-key "$TMPD/pki/server.key"
			else
				set -- "$@" "$a"
			fi
		done
	fi
	tm_python_path
	"$TM_PYTHON" "$TM_BED/faultproxy.py" "$@" >"$dir/stderr" 2>&1 &
	pid=$!
	track_pid $pid
	wait_for 10 test -s "$dir/port" || bail "proxy $name did not start: $(tail -3 "$dir/stderr")"
	port=$(cat "$dir/port")
	eval "${name}_addr=127.0.0.1:$port ${name}_url=$scheme://127.0.0.1:$port" \
		"${name}_dir=\$dir ${name}_log=\$dir/requests.log ${name}_pid=$pid"
	if [ -n "$user" ] && [ -n "$pwvar" ]; then
		eval "${name}_user=\$user ${name}_pass=\${$pwvar:-}"
	fi
}

# _proxy_curl NAME METHOD PATH [curl options...]: a control API call.
_proxy_curl() {
	local url method="$2" path="$3"
	eval "url=\${$1_url}"
	shift 3
	curl -sS --fail-with-body --cacert "${TM_CA:-/dev/null}" -X "$method" "$url$path" "$@"
}

# proxy_rules NAME 'JSON': replace the proxy's rules (bails when refused).
proxy_rules() {
	local out
	out=$(_proxy_curl "$1" PUT /__proxy/rules --data-binary "$2" 2>&1) ||
		bail "proxy_rules $1: $out"
}

# proxy_stats NAME: print the stats JSON (requests, by_rule, log).
proxy_stats() { _proxy_curl "$1" GET /__proxy/stats; }

# proxy_reset NAME: clear the request counters, the log and rule counters.
proxy_reset() { _proxy_curl "$1" POST /__proxy/reset >/dev/null; }

# proxy_expire_tokens NAME: forget every bearer token the proxy issued.
proxy_expire_tokens() { _proxy_curl "$1" POST /__proxy/expire-tokens >/dev/null; }

# proxy_count NAME 'REGEX': how many logged requests match REGEX (Python
# re, searched) on 'METHOD PATH' (PATH includes the query), e.g.
# proxy_count p '^GET .*/manifests/'.  Requests to /__proxy/ never count.
proxy_count() {
	_proxy_curl "$1" GET /__proxy/count -G --data-urlencode "re=$2" |
		sed -n 's/^{"count": \([0-9]*\)}$/\1/p'
}
