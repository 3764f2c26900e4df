#!/bin/sh
# Builds dejavm's Linux guest: a small riscv64 Linux 6.1 kernel (tinyconfig
# plus scripts/linux-guest/kernel.config) from Debian's linux-source-6.1, and
# an uncompressed initramfs whose /init is test/guests/src/linux-init/init.c.
#
# Everything is built in a cache directory outside the repository:
# $DEJAVM_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/dejavm/linux. A step
# is skipped when its inputs (kernel source version, cross compiler version,
# config fragment or init source, and this script) hash to the same key as
# last time, so a repeated run only prints the paths of the two images.
#
# Missing Debian packages are installed with apt-get when running as root;
# otherwise the script names them and stops.
#
# Usage: scripts/linux-guest/build.sh      (or: npm run guest:linux)
# Prints:  kernel: <cache>/Image
#          initramfs: <cache>/initramfs.cpio
# Boot:    qemu-system-riscv64 -M virt -m 128M -nographic -kernel Image \
#              -initrd initramfs.cpio -append "console=ttyS0 earlycon=sbi"
set -eu

script_dir=$(cd "$(dirname "$0")" && pwd)
repo_root=$(cd "$script_dir/../.." && pwd)
fragment="$script_dir/kernel.config"
cpio_list_template="$script_dir/initramfs.list"
init_source="$repo_root/test/guests/src/linux-init/init.c"
cache_dir=${DEJAVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dejavm/linux}
source_tarball=/usr/src/linux-source-6.1.tar.xz
source_dir="$cache_dir/linux-source-6.1"
kernel_build_dir="$cache_dir/kernel-build"
cross=riscv64-linux-gnu-
jobs=$(nproc 2>/dev/null || echo 2)

export LC_ALL=C ARCH=riscv CROSS_COMPILE=$cross
# A reproducible kernel: /proc/version and uname print the same on every build.
export KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 1970'
export KBUILD_BUILD_USER=dejavm KBUILD_BUILD_HOST=dejavm KBUILD_BUILD_VERSION=1
unset SOURCE_DATE_EPOCH

log() {
    echo "guest:linux: $*" >&2
}

# ensure_packages PACKAGE... : installs the Debian packages that are missing.
ensure_packages() {
    missing=
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed'; then
            missing="$missing $package"
        fi
    done
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        log "missing Debian packages:$missing (apt-get install$missing)"
        exit 127
    fi
    log "installing$missing"
    # shellcheck disable=SC2086 # one word per package name
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >&2
}

# package_version PACKAGE : the installed Debian version of PACKAGE.
package_version() {
    dpkg-query -W -f='${Version}' "$1"
}

# key_of WORD... : a SHA-256 over the words and the contents of the files
# among them, so a step's key changes when any of its inputs does.
key_of() {
    for word in "$@"; do
        if [ -f "$word" ]; then
            sha256sum <"$word"
        else
            echo "$word"
        fi
    done | sha256sum | cut -d' ' -f1
}

# up_to_date OUTPUT KEY : true when OUTPUT exists and was built for KEY.
up_to_date() {
    [ -f "$1" ] && [ -f "$1.key" ] && [ "$(cat "$1.key")" = "$2" ]
}

unpack_source() {
    version=$(package_version linux-source-6.1)
    stamp="$source_dir/.dejavm-unpacked"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ]; then
        return 0
    fi
    log "unpacking linux-source-6.1 $version into $source_dir"
    rm -rf "$source_dir" "$kernel_build_dir"
    mkdir -p "$cache_dir"
    tar -xJf "$source_tarball" -C "$cache_dir"
    echo "$version" >"$stamp"
}

# check_config : stops if Kconfig dropped or changed a line of the fragment.
check_config() {
    config="$kernel_build_dir/.config"
    status=0
    while IFS= read -r line; do
        case $line in
        CONFIG_*=*)
            grep -qxF "$line" "$config" || { log "not in .config: $line"; status=1; }
            ;;
        "# CONFIG_"*" is not set")
            name=${line#"# "}
            name=${name%" is not set"}
            ! grep -q "^$name=" "$config" || { log "still set in .config: $name"; status=1; }
            ;;
        esac
    done <"$fragment"
    return $status
}

build_kernel() {
    image="$cache_dir/Image"
    key=$(key_of "$(package_version linux-source-6.1)" "$("${cross}gcc" --version | head -n 1)" \
        "$fragment" "$script_dir/build.sh")
    if up_to_date "$image" "$key"; then
        return 0
    fi
    log "configuring the kernel (tinyconfig + $(basename "$fragment"))"
    mkdir -p "$kernel_build_dir"
    make -C "$source_dir" O="$kernel_build_dir" -s tinyconfig >/dev/null
    (cd "$source_dir" && scripts/kconfig/merge_config.sh -m -O "$kernel_build_dir" \
        "$kernel_build_dir/.config" "$fragment" >/dev/null)
    make -C "$source_dir" O="$kernel_build_dir" -s olddefconfig >&2
    check_config
    log "building the kernel with $jobs jobs"
    started=$(date +%s)
    make -C "$source_dir" O="$kernel_build_dir" -s -j"$jobs" Image >&2
    log "kernel built in $(($(date +%s) - started)) s"
    cp "$kernel_build_dir/arch/riscv/boot/Image" "$image"
    echo "$key" >"$image.key"
}

build_initramfs() {
    archive="$cache_dir/initramfs.cpio"
    key=$(key_of "$(package_version linux-source-6.1)" "$("${cross}gcc" --version | head -n 1)" \
        "$init_source" "$cpio_list_template" "$script_dir/build.sh")
    if up_to_date "$archive" "$key"; then
        return 0
    fi
    log "building /init and the initramfs"
    work_dir="$cache_dir/initramfs-build"
    rm -rf "$work_dir"
    mkdir -p "$work_dir"
    "${cross}gcc" -O2 -static -nostdlib -nostartfiles -ffreestanding -fno-builtin \
        -Wall -Wextra -Werror -Wl,--build-id=none \
        -o "$work_dir/init" "$init_source"
    cc -O2 -o "$work_dir/gen_init_cpio" "$source_dir/usr/gen_init_cpio.c"
    # gen_init_cpio takes a file's mtime from the file (-t covers the rest).
    touch -d @0 "$work_dir/init"
    sed "s|@INIT@|$work_dir/init|" "$cpio_list_template" >"$work_dir/initramfs.list"
    "$work_dir/gen_init_cpio" -t 0 "$work_dir/initramfs.list" >"$archive"
    echo "$key" >"$archive.key"
}

ensure_packages linux-source-6.1 gcc-riscv64-linux-gnu gcc make bc flex bison xz-utils
unpack_source
build_kernel
build_initramfs
echo "kernel: $cache_dir/Image"
echo "initramfs: $cache_dir/initramfs.cpio"
