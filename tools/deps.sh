#!/bin/sh
# deps.sh [--fuzz]: install the Debian packages bzj builds and tests with,
# when they are missing.  As root it runs apt-get; otherwise it prints the
# exact command and fails.  libpq-dev is a build dependency (bzj links
# libpq for its PostgreSQL driver, core/store_pg.c: issue 16).  The
# PostgreSQL server, for tests/pg, is installed too as root; without root
# its absence is only reported, with the command, because SQLite stays
# the default and make check skips tests/pg then.
set -u
need=""
pg=""
have_pc() { pkg-config --exists "$1" 2>/dev/null; }
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pc ncursesw || need="$need libncurses-dev"
have_pc sqlite3 || need="$need libsqlite3-dev"
have_pc libconfig || need="$need libconfig-dev"
have_pc cmocka || need="$need libcmocka-dev"
have_pc nettle || need="$need nettle-dev"
have_cmd pkg-config || need="$need pkg-config"
have_cmd cc || need="$need gcc"
have_cmd make || need="$need make"
have_cmd tmux || need="$need tmux"
have_cmd msgfmt || need="$need gettext"
have_cmd sqlite3 || need="$need sqlite3"
have_cmd python3 || need="$need python3"
have_cmd locale-gen || need="$need locales"
have_pc libpq || need="$need libpq-dev"
sh "$(dirname "$0")/../tests/pg/server.sh" have >/dev/null 2>&1 || pg="$pg postgresql"
if [ -n "$pg" ] && [ "$(id -u)" = 0 ]; then
	need="$need$pg"
elif [ -n "$pg" ]; then
	echo "deps: PostgreSQL is not installed (tests/pg will be skipped); to test it run:" >&2
	echo "  sudo apt-get update && sudo apt-get install -y$pg" >&2
fi
if [ "${1:-}" = "--fuzz" ]; then
	have_cmd clang || need="$need clang"
	[ -n "$(ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ] ||
		need="$need libclang-rt-dev"
fi
if [ "${1:-}" = "--bench" ]; then
	have_cmd visidata || need="$need visidata"
fi
if [ -n "$need" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "deps: installing$need"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq >/dev/null && apt-get install -y -qq $need >/dev/null ||
			{ echo "deps: apt-get install failed:$need" >&2; exit 1; }
	else
		echo "deps: missing packages; run:" >&2
		echo "  sudo apt-get update && sudo apt-get install -y$need" >&2
		exit 1
	fi
fi
# The console tests run under zh_CN.UTF-8; generate it when missing.
if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
	if [ "$(id -u)" = 0 ]; then
		if ! grep -q '^zh_CN.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then
			echo 'zh_CN.UTF-8 UTF-8' >>/etc/locale.gen
		fi
		if ! grep -q '^en_US.UTF-8 UTF-8' /etc/locale.gen 2>/dev/null; then
			echo 'en_US.UTF-8 UTF-8' >>/etc/locale.gen
		fi
		locale-gen >/dev/null 2>&1 || { echo "deps: locale-gen failed" >&2; exit 1; }
	else
		echo "deps: the zh_CN.UTF-8 locale is missing; run:" >&2
		echo "  echo 'zh_CN.UTF-8 UTF-8' | sudo tee -a /etc/locale.gen && sudo locale-gen" >&2
		exit 1
	fi
fi
exit 0
