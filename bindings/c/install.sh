#!/usr/bin/env bash
# Builds and installs the C door of Axon: the shipped libaxon.so, its header and a pkg-config
# file, so that a C program builds with
#
#     cc app.c $(pkg-config --cflags --libs axon)
#
# Installed files (PREFIX defaults to /usr/local; DESTDIR, if set, is prepended to every path
# written but not to the paths recorded in axon.pc, for staged packaging):
#
#     PREFIX/include/axon.h
#     PREFIX/lib/libaxon.so.ABI         the library, stripped, SONAME libaxon.so.ABI
#     PREFIX/lib/libaxon.so             a symlink to it, for -laxon
#     PREFIX/lib/pkgconfig/axon.pc      Version is AXON_VERSION of the header
#
# ABI is AXON_ABI_VERSION of include/axon.h (1 for now), so programs record libaxon.so.1 and
# keep working across compatible updates.
#
# The library is built as the tests build it: release, the Swift runtime linked in statically
# (-Xswiftc -static-stdlib: it needs only libc, libm, libstdc++ and libgcc_s) and for
# x86-64-v3 (-Xcc -march=x86-64-v3). CPU REQUIREMENT: that is AVX2, FMA, BMI1/2, F16C, LZCNT
# and MOVBE, i.e. Intel Haswell (2013) or AMD Excavator (2015) and later; on an older x86-64
# CPU the library dies with an illegal instruction. The script warns when the machine it runs
# on lacks AVX2 or FMA.
#
# Usage: bash bindings/c/install.sh [--prefix PREFIX] [--library PATH] [--scratch-path DIR]
#   --prefix PREFIX      where to install (default /usr/local)
#   --library PATH       install this already built libaxon.so instead of building one; it must
#                        have the SONAME libaxon.so.ABI (build it with -Xlinker -soname=libaxon.so.ABI)
#   --scratch-path DIR   SwiftPM scratch directory for the build (default .build)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
header="$root/include/axon.h"
prefix=/usr/local
library=
scratch=.build

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
fail() { echo "install.sh: $*" >&2; exit 1; }

while (($#)); do
    case $1 in
        --prefix) (($# >= 2)) || fail "--prefix needs a directory"; prefix=$2; shift 2 ;;
        --library) (($# >= 2)) || fail "--library needs a path"; library=$2; shift 2 ;;
        --scratch-path) (($# >= 2)) || fail "--scratch-path needs a directory"; scratch=$2; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) fail "unknown argument '$1' (see --help)" ;;
    esac
done
[[ $prefix == /* ]] || fail "the prefix '$prefix' must be an absolute path"

version=$(sed -n 's/^#define AXON_VERSION "\([0-9][0-9.]*\)"$/\1/p' "$header")
abi=$(sed -n 's/^#define AXON_ABI_VERSION \([0-9][0-9]*\)$/\1/p' "$header")
[[ -n $version && -n $abi ]] || fail "cannot read AXON_VERSION and AXON_ABI_VERSION from $header"
soname="libaxon.so.$abi"

if [[ -z $library ]]; then
    export PATH="/opt/swift/usr/bin:$PATH"
    echo "install.sh: building libaxon $version (release, static Swift runtime, x86-64-v3, SONAME $soname)"
    (cd "$root" && swift build -c release -Xswiftc -static-stdlib -Xcc -march=x86-64-v3 \
        -Xlinker -soname="$soname" -Xlinker --icf=safe -Xlinker --gc-sections \
        -Xlinker --version-script="$root/Sources/AxonC/exports.map" --product axon --scratch-path "$scratch")
    library="$root/$scratch/release/libaxon.so"
    [[ $scratch == /* ]] && library="$scratch/release/libaxon.so"
fi
[[ -f $library ]] || fail "library '$library' not found"
found=$(readelf -d "$library" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[[ $found == "$soname" ]] ||
    fail "'$library' has SONAME '${found:-none}', not $soname (link it with -Xlinker -soname=$soname)"

if [[ -r /proc/cpuinfo ]] && ! { grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; }; then
    echo "install.sh: warning: this CPU lacks AVX2 or FMA; the x86-64-v3 library will not run on it" >&2
fi

dest="${DESTDIR:-}$prefix"
mkdir -p "$dest/include" "$dest/lib/pkgconfig"
install -m 0644 "$header" "$dest/include/axon.h"
tmp=$(mktemp "$dest/lib/.libaxon.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cp "$library" "$tmp"
strip --strip-unneeded "$tmp"
chmod 0755 "$tmp"
mv -f "$tmp" "$dest/lib/$soname"
ln -sfn "$soname" "$dest/lib/libaxon.so"
cat >"$dest/lib/pkgconfig/axon.pc" <<EOF
prefix=$prefix
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: axon
Description: Axon, an embeddable neural-network runtime (C API; built for x86-64-v3: AVX2 and FMA)
Version: $version
Libs: -L\${libdir} -laxon
Cflags: -I\${includedir}
EOF
echo "install.sh: installed libaxon $version ($soname, $(wc -c <"$dest/lib/$soname") bytes) under $dest"
