#!/bin/sh
# Installs what tagmirror needs to build and test (Debian 12 packages),
# then builds it.  Safe to run again: it installs only what is missing.
set -eu
cd "$(dirname "$0")"

# Build: compiler, autotools, libraries.  Tests and benches: the registry,
# skopeo (the independent checker and the peer), tmux (TUI tests), jq,
# python3 (test bed, oracles), htpasswd (apache2-utils), openssl (test CAs),
# curl, procps (pgrep, ps), valgrind, GNU time (peak RSS), bash-completion,
# clang + its runtime (libFuzzer, sanitizers), iproute2 (bench network
# namespace).
PKGS="build-essential autoconf automake pkg-config
libncurses-dev libcurl4-openssl-dev libcjson-dev libssl-dev libyaml-dev
docker-registry skopeo tmux jq python3 apache2-utils openssl curl ca-certificates
procps valgrind time bash-completion clang libclang-rt-14-dev iproute2"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	echo "setup: installing$missing"
	$SUDO apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
# The Debian package may start a system registry on :5000; tagmirror's
# tests and demo start their own on free ports and do not need it.
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
	./autogen.sh >/dev/null 2>&1
fi
[ -f Makefile ] || ./configure --enable-werror >/dev/null
make -j"$(nproc)" >/dev/null
echo "setup: built ./tagmirror"
