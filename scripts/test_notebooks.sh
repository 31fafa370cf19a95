#!/usr/bin/env bash
# `make test`'s notebook passes: every notebook on the cpu preset (at its test size, cpu-test), and again on colab-sim
# (the colab-t4 recipe, offline) for those whose result depends on the preset. Two workers run at once with one torch
# thread each: on 2 cores, two 2-thread processes oversubscribe them and run several times slower, but one thread each
# keeps both cores busy through the single-threaded parts too (kernel starts, imports, tokenizing, grading).
#   worker 1: the lessons and the notebooks that reuse 02_train's adapter (cpu-test);
#   worker 2: the colab-sim pass, then the rest of the cpu pass (by then the cpu-test adapter is trained: measured,
#   the other order left 11_cli waiting about 4 minutes for it).
# An adapter two notebooks need is trained once, by whichever asks first, under a file lock (train.ensure_adapter).
# colab-sim skips what does not depend on the preset: config resolution (10), the command line's parsing, exits and
# messages (11; the stages it calls run under colab-sim in 12), shared writes under two processes (13), the offline
# builders (14), RWKV-7 against the rwkv package (15), bad input caught before any model loads (16), measurement on a
# tiny stand-in (17), prediction files (18), scratch-model files (19), the JSONL reader (20), the model card with
# export's guards (25), the scratch models' resume and command (26; 06 trains them under colab-sim), the plain-text
# prompt format, which loads its own preset, cpu-base (27), the config sections' defaults (28) and GRPO's resume and
# one-line errors (29; 07 trains under colab-sim).
#   scripts/test_notebooks.sh [BIN] [TMPDIR]
set -u
BIN=${1:-.venv/bin}; TMP=$(realpath "${2:-.tmp-test}")
mkdir -p "$TMP"
FIRST='0[0-8]_|12_|2[1-4]_'
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 TMPDIR="$TMP"
( "$BIN/nbdev_test" --n_workers 1 --timing --file_re "^($FIRST)" > "$TMP/worker1.log" 2>&1; echo $? > "$TMP/worker1.rc" ) &
( echo "== colab-sim ==" > "$TMP/worker2.log"  # first: meanwhile worker 1 trains the cpu-test adapter that 11 and 29 reuse
  TINY_REASON_PRESET=colab-sim "$BIN/nbdev_test" --n_workers 1 --timing --skip_file_re '^([_.]|1[013-9]_|2[05-9]_)' >> "$TMP/worker2.log" 2>&1
  echo $? > "$TMP/worker2.rc"
  echo "== cpu ==" >> "$TMP/worker2.log"
  "$BIN/nbdev_test" --n_workers 1 --timing --skip_file_re "^([_.]|$FIRST)" >> "$TMP/worker2.log" 2>&1; echo $? >> "$TMP/worker2.rc" ) &
wait
status=0
for w in 1 2; do
  echo "== worker $w: $([ $w = 1 ] && echo 'lessons and adapter users, cpu preset' || echo 'colab-sim, then the rest of the cpu pass') =="
  cat "$TMP/worker$w.log"
  { [ -s "$TMP/worker$w.rc" ] && ! grep -qv "^0$" "$TMP/worker$w.rc"; } || status=1
done
exit $status
