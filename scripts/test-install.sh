#!/bin/sh
# Install into a temporary prefix and use the install as a distribution user
# would: the installed crashsig runs (RUNPATH), man pages are there, a small
# program builds and runs through pkg-config (shared and static) and through
# CMake find_package (shared and static), and the shared library exports
# only crashsig_*.
# usage: scripts/test-install.sh [BUILD_DIR]   (default: build)
set -eu
cd "$(dirname "$0")/.."
src=$(pwd)
build=${1:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test-install: FAIL: $*" >&2; exit 1; }
cc=${CC:-cc}
expected="0.1.0 | general protection fault in xsk_poll | 6.1.0-56-cloud-amd64"

prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
libdir=$(ls -d "$prefix"/lib*/ | head -1)
libdir=${libdir%/}
[ -f "$prefix/share/man/man1/crashsig.1" ] || fail "no crashsig.1"
[ -f "$prefix/share/man/man3/libcrashsig.3" ] || fail "no libcrashsig.3"
[ -f "$prefix/share/doc/crashsig/LICENSE" ] || fail "no LICENSE"
[ -f "$libdir/pkgconfig/crashsig.pc" ] || fail "no crashsig.pc"
[ -f "$libdir/cmake/crashsig/crashsigConfig.cmake" ] || fail "no CMake package config"

# The installed tool runs from a non-system prefix (RUNPATH), with a clean
# environment.
out=$(env -i "$prefix/bin/crashsig" "$src/fixtures/samples/gpf.log") ||
	fail "installed crashsig does not run (RUNPATH?)"
[ -n "$out" ] || fail "installed crashsig printed nothing"
readelf -d "$prefix/bin/crashsig" | grep -q 'RUNPATH.*\$ORIGIN' || fail "no \$ORIGIN RUNPATH"
echo "test-install: installed crashsig runs: $out"

# libpq (and its Kerberos, LDAP, TLS dependencies) is loaded at run time for
# PostgreSQL stores only: neither the library nor the tool links it.
if readelf -d "$libdir/libcrashsig.so" "$prefix/bin/crashsig" | grep -q 'NEEDED.*libpq'; then
	fail "libcrashsig.so or crashsig links libpq (it is loaded with dlopen)"
fi
grep -q -- '-lpq\|libpq' "$libdir/pkgconfig/crashsig.pc" && fail "crashsig.pc names libpq"

# Only the public API is exported.
extra=$(nm -D --defined-only "$libdir/libcrashsig.so" | awk '$2 ~ /^[TDBRVW]$/ && $3 !~ /^crashsig_/ { print $3 }')
[ -z "$extra" ] || fail "libcrashsig.so exports non-API symbols: $extra"
echo "test-install: libcrashsig.so exports $(nm -D --defined-only "$libdir/libcrashsig.so" | grep -c ' crashsig_') crashsig_* symbols and nothing else"

# man pages render without warnings
if command -v groff >/dev/null; then
	for m in "$prefix"/share/man/man1/*.1 "$prefix"/share/man/man3/*.3; do
		w=$(groff -man -Tutf8 -ww -z "$m" 2>&1) || fail "groff $m"
		[ -z "$w" ] || fail "man page warnings in $m: $w"
	done
fi

export PKG_CONFIG_PATH="$libdir/pkgconfig"
# pkg-config, shared
# shellcheck disable=SC2046
$cc -o "$tmp/pc_shared" "$src/tests/install/consumer.c" $(pkg-config --cflags --libs crashsig)
# (a program of the user's own has no RUNPATH into the prefix)
[ "$(LD_LIBRARY_PATH=$libdir "$tmp/pc_shared")" = "$expected" ] || fail "pkg-config shared program"
LD_LIBRARY_PATH=$libdir ldd "$tmp/pc_shared" | grep -q "$libdir/libcrashsig.so" ||
	fail "pc_shared is not using the installed .so"
echo "test-install: pkg-config (shared) ok"

# pkg-config, static: a prefix with only the archive; --static must list
# everything libcrashsig.a needs.
sprefix=$tmp/static-prefix
cmake --install "$build" --prefix "$sprefix" >/dev/null
rm -f "$sprefix"/lib*/libcrashsig.so*
# shellcheck disable=SC2046
PKG_CONFIG_PATH=$(ls -d "$sprefix"/lib*/ | head -1)pkgconfig \
	$cc -o "$tmp/pc_static" "$src/tests/install/consumer.c" \
	$(PKG_CONFIG_PATH=$(ls -d "$sprefix"/lib*/ | head -1)pkgconfig pkg-config --static --cflags --libs crashsig)
[ "$("$tmp/pc_static")" = "$expected" ] || fail "pkg-config static program"
if ldd "$tmp/pc_static" | grep -q libcrashsig; then fail "pc_static links libcrashsig.so"; fi
echo "test-install: pkg-config (static) ok"

# CMake find_package, shared and static
cmake -S "$src/tests/install" -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null ||
	fail "find_package(crashsig)"
cmake --build "$tmp/cmake" >/dev/null || fail "building against the CMake package"
[ "$("$tmp/cmake/consumer_shared")" = "$expected" ] || fail "CMake shared program"
[ "$("$tmp/cmake/consumer_static")" = "$expected" ] || fail "CMake static program"
if ldd "$tmp/cmake/consumer_static" | grep -q libcrashsig; then fail "static CMake program links the .so"; fi
echo "test-install: CMake find_package (shared and static) ok"

# RUNPATH only for non-system prefixes (Debian policy: none into /usr/lib).
for p in /usr /opt/crashsig; do
	cmake -S "$src" -B "$tmp/cfg" -DCMAKE_INSTALL_PREFIX="$p" -DCRASHSIG_TESTS=OFF >/dev/null ||
		fail "configure with prefix $p"
	if grep -q 'ORIGIN' "$tmp/cfg/cmake_install.cmake"; then has=yes; else has=no; fi
	case "$p:$has" in
	/usr:no | /opt/crashsig:yes) ;;
	*) fail "prefix $p: \$ORIGIN RUNPATH in the install rules: $has" ;;
	esac
	rm -rf "$tmp/cfg"
done
echo "test-install: RUNPATH for /opt/crashsig, none for /usr"
