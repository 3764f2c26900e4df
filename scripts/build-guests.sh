#!/bin/sh
# Rebuilds every dejavm guest image from test/guests/src into OUTPUT_DIR
# (default: test/guests/bin) with Debian's riscv64-unknown-elf-gcc.
#
# The output is byte-identical from run to run and from checkout to checkout:
# fixed flags, sources in C-locale sorted order, the source directory mapped
# to "." in debug info, no build id, and no dependence on the date
# (__DATE__/__TIME__ are rejected, SOURCE_DATE_EPOCH is ignored).
#
# Usage: scripts/build-guests.sh [OUTPUT_DIR]
set -eu

repo_root=$(cd "$(dirname "$0")/.." && pwd)
source_root="$repo_root/test/guests/src"
output_dir=$(mkdir -p "${1:-$repo_root/test/guests/bin}" && cd "${1:-$repo_root/test/guests/bin}" && pwd)
CC=${CC:-riscv64-unknown-elf-gcc}

export LC_ALL=C
unset SOURCE_DATE_EPOCH

if ! command -v "$CC" >/dev/null 2>&1; then
    echo "build-guests: $CC not found (Debian package gcc-riscv64-unknown-elf)" >&2
    exit 127
fi

common_flags="-march=rv64gc -mabi=lp64d -mcmodel=medany -static -nostdlib -nostartfiles
    -g -ffile-prefix-map=$source_root=. -Wa,--debug-prefix-map=$source_root=.
    -Wall -Wextra -Werror -Wdate-time
    -Wl,--build-id=none -Wl,--no-warn-rwx-segments -Wl,-T,common/virt.ld"
c_flags="-O2 -ffreestanding -fno-builtin -fno-math-errno -fno-tree-loop-distribute-patterns"

object_dir=$(mktemp -d)
trap 'rm -rf "$object_dir"' EXIT

# build NAME SOURCE... : compiles the sources (paths relative to source_root)
# and links them into NAME.elf. Objects get fixed names, because the linker
# records object file names in the symbol table (gcc's own would be random).
build() {
    name=$1
    shift
    objects=
    for source in "$@"; do
        object="$object_dir/$(echo "$source" | tr / _).o"
        # shellcheck disable=SC2086 # the flag lists are meant to split into words
        (cd "$source_root" && "$CC" $common_flags $c_flags -frandom-seed="$source" -c "$source" -o "$object")
        objects="$objects $object"
    done
    # shellcheck disable=SC2086
    (cd "$source_root" && "$CC" $common_flags $objects -lgcc -o "$output_dir/$name.elf")
    rm -f $objects
    echo "built $name.elf"
}

# sorted_sources DIR PATTERN : the matching files of DIR in C-locale order.
sorted_sources() {
    (cd "$source_root" && find "$1" -maxdepth 1 -type f -name "$2" | sort)
}

build hello hello/hello.S
build demo demo/demo.S
# shellcheck disable=SC2046 # one word per source path (no spaces in them)
build bench $(sorted_sources bench '*.c') $(sorted_sources bench '*.S')
for program in $(sorted_sources htif '*.S'); do
    test_name=$(basename "$program" .S)
    [ "$test_name" = runtime ] && continue
    build "htif-$test_name" htif/runtime.S "$program"
done
