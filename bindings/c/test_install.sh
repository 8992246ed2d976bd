#!/usr/bin/env bash
# Tests bindings/c/install.sh: installs a built libaxon.so under a temporary prefix, checks the
# installed files (SONAME libaxon.so.ABI, the libaxon.so symlink, axon.pc's version, the size
# of the stripped library), then compiles a small C program with the one line the README shows,
#
#     cc app.c $(pkg-config --cflags --libs axon)
#
# and runs it against the installed library. Called by run_tests.sh after its build.
#
# Usage: bash bindings/c/test_install.sh LIBRARY   (a libaxon.so with the SONAME libaxon.so.ABI)
# Environment: CC (default gcc).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
library=${1:?usage: test_install.sh LIBRARY}
cc=${CC:-gcc}
max_bytes=$((8 * 1024 * 1024))
command -v pkg-config >/dev/null || { echo "test_install.sh: pkg-config is not installed" >&2; exit 1; }

fail() { echo "test_install.sh: $*" >&2; exit 1; }
version=$(sed -n 's/^#define AXON_VERSION "\(.*\)"$/\1/p' "$root/include/axon.h")
abi=$(sed -n 's/^#define AXON_ABI_VERSION \([0-9]*\)$/\1/p' "$root/include/axon.h")

prefix=$(mktemp -d /tmp/axon_install_XXXXXX)
trap 'rm -rf "$prefix"' EXIT
bash "$root/bindings/c/install.sh" --prefix "$prefix" --library "$library" >/dev/null

[[ -f $prefix/include/axon.h ]] || fail "include/axon.h not installed"
cmp -s "$prefix/include/axon.h" "$root/include/axon.h" || fail "installed axon.h differs from include/axon.h"
installed="$prefix/lib/libaxon.so.$abi"
[[ -f $installed && ! -L $installed ]] || fail "lib/libaxon.so.$abi is not installed as a file"
[[ $(readlink "$prefix/lib/libaxon.so") == "libaxon.so.$abi" ]] || fail "lib/libaxon.so is not a symlink to it"
soname=$(readelf -d "$installed" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[[ $soname == "libaxon.so.$abi" ]] || fail "SONAME is '$soname', not libaxon.so.$abi"
bytes=$(wc -c <"$installed")
((bytes <= max_bytes)) || fail "the installed library is $bytes bytes, more than $max_bytes"
readelf -S "$installed" | grep -q '\.symtab' && fail "the installed library is not stripped"

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[[ $(pkg-config --modversion axon) == "$version" ]] || fail "axon.pc has version $(pkg-config --modversion axon)"

cat >"$prefix/app.c" <<'EOF'
/* A program as a user writes it: only axon.h, found through pkg-config. */
#include <axon.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    const float a[4] = {1, 2, 3, 4}, b[2] = {1, -1};
    const int64_t sa[2] = {2, 2}, sb[1] = {2};
    axon_tensor *ta = NULL, *tb = NULL, *tc = NULL;
    float c[2] = {0, 0};
    size_t live = 1;
    int ok = axon_abi_version() == AXON_ABI_VERSION && strcmp(axon_version(), AXON_VERSION) == 0;
    ok = ok && axon_tensor_new(&ta, a, 4, sa, 2, 0) == AXON_OK && axon_tensor_new(&tb, b, 2, sb, 1, 0) == AXON_OK;
    ok = ok && axon_tensor_matmul(&tc, ta, tb) == AXON_OK && axon_tensor_copy_data(tc, c, 2) == AXON_OK;
    ok = ok && c[0] == -1 && c[1] == -1;
    axon_tensor_free(ta);
    axon_tensor_free(tb);
    axon_tensor_free(tc);
    ok = ok && axon_live_handles(&live, NULL) == AXON_OK && live == 0;
    printf("app: libaxon %s, matmul %s\n", axon_version(), ok ? "ok" : "WRONG");
    return ok ? 0 : 1;
}
EOF
(cd "$prefix" && "$cc" app.c $(pkg-config --cflags --libs axon) -o app)
readelf -d "$prefix/app" | grep -q "NEEDED.*\[libaxon.so.$abi\]" || fail "app does not record libaxon.so.$abi"
LD_LIBRARY_PATH="$prefix/lib" "$prefix/app" || fail "the installed program failed"
echo "test_install.sh: installed, compiled with pkg-config and ran; library $bytes bytes, SONAME $soname"
