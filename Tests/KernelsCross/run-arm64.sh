#!/usr/bin/env bash
# Cross-compiles SLMKernels with kernel_check.c for arm64 and runs it under qemu-aarch64:
# NEON with dotprod (-cpu max, like a Raspberry Pi 5), NEON without it (-cpu cortex-a72,
# like a Pi 4) and the scalar path, each against the committed quant fixtures.
# Needs Debian's gcc-aarch64-linux-gnu and qemu-user.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
aarch64-linux-gnu-gcc -O2 -ffp-contract=off -static -Wall -Werror \
  -I"$root/Sources/SLMKernels/include" -I"$root/Sources/SLMKernels" \
  "$root"/Sources/SLMKernels/*.c "$root/Tests/KernelsCross/kernel_check.c" \
  -lm -lpthread -o "$out/kernel_check"
fixtures="$root/Tests/Fixtures/quant"
check() {
  local label=$1; shift
  echo "== arm64 $label"
  "$@" "$out/kernel_check" "$fixtures"
}
check "neon-dotprod (qemu -cpu max)" qemu-aarch64 -cpu max
check "neon without dotprod (qemu -cpu cortex-a72)" qemu-aarch64 -cpu cortex-a72
check "forced neon on a dotprod CPU" env SLM_KERNELS=neon qemu-aarch64 -cpu max
check "forced scalar" env SLM_KERNELS=scalar qemu-aarch64 -cpu max
