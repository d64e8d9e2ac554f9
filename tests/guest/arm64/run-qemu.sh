#!/bin/sh
# run-qemu.sh OUTDIR TEST... : run each OUTDIR/TEST.elf on QEMU's aarch64
# virt machine (the reference) and print PASS/FAIL per test.  The guest
# exits QEMU through semihosting SYS_EXIT_EXTENDED: status 0 = pass,
# n = failed check n; on failure the guest's own line is shown.
# Exit status: 0 if every test passed, 1 otherwise.
QEMU=${QEMU:-qemu-system-aarch64}
out=$1; shift
fails=0
log=$(mktemp)
for t in "$@"; do
  to=${TEST_TIMEOUT:-10}
  start=$(date +%s.%N)
  timeout "$to" "$QEMU" -M virt,gic-version=3 -cpu max -m 128M -nographic -monitor none \
      -serial none -nic none -semihosting -kernel "$out/$t.elf" </dev/null >"$log" 2>&1
  rc=$?
  end=$(date +%s.%N)
  secs=$(echo "$end $start" | awk '{printf "%.2f", $1 - $2}')
  if [ $rc -eq 0 ]; then
    printf 'PASS  %-12s (%ss)\n' "$t" "$secs"
  elif [ $rc -eq 124 ]; then
    printf 'FAIL  %-12s timeout after %ss\n' "$t" "$to"; fails=$((fails + 1))
  else
    printf 'FAIL  %-12s code %d (%ss): %s\n' "$t" "$rc" "$secs" \
      "$(tr -d '\r' <"$log" | tail -n 1)"
    fails=$((fails + 1))
  fi
done
rm -f "$log"
echo "$fails failure(s)"
[ $fails -eq 0 ]
