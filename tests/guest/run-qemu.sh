#!/bin/sh
# run-qemu.sh OUTDIR TEST... : run each OUTDIR/TEST.elf on QEMU's virt
# machine (the reference) and print PASS/FAIL per test.  The guest exits
# QEMU through the sifive_test device: status 0 = pass, n = failed check n.
# Exit status: 0 if every test passed, 1 otherwise.
QEMU=${QEMU:-qemu-system-riscv64}
out=$1; shift
fails=0
for t in "$@"; do
  case $t in
    bench_*) to=${BENCH_TIMEOUT:-120} ;;
    *)       to=${TEST_TIMEOUT:-10} ;;
  esac
  start=$(date +%s.%N)
  timeout "$to" "$QEMU" -M virt -m 128M -bios none -nographic -monitor none \
      -serial none -kernel "$out/$t.elf" </dev/null >/dev/null 2>&1
  rc=$?
  end=$(date +%s.%N)
  secs=$(echo "$end $start" | awk '{printf "%.2f", $1 - $2}')
  if [ $rc -eq 0 ]; then
    printf 'PASS  %-12s (%ss)\n' "$t" "$secs"
  elif [ $rc -eq 124 ]; then
    printf 'FAIL  %-12s timeout after %ss\n' "$t" "$to"; fails=$((fails + 1))
  else
    printf 'FAIL  %-12s check %d (%ss)\n' "$t" "$rc" "$secs"; fails=$((fails + 1))
  fi
done
echo "$fails failure(s)"
[ $fails -eq 0 ]
