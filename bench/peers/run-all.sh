#!/usr/bin/env bash
# Runs every peer engine and deit4j in one sitting, alternating engines per model, and writes all
# JSON lines to one file, then prints a summary table. See bench/peers/README.md.
#
# Environment (defaults in brackets):
#   TIMM_SRC      folder holding a timm source copy (its timm/ package) [/tmp/peers-timm]
#   TIMM_MIRROR   git directory to copy timm from when TIMM_SRC is empty
#                 [/work/.mirror/huggingface+pytorch-image-models/repo]
#   TIMM_REF      timm tag or commit to copy [v1.0.28]
#   MODELS        inference models [deit_tiny_patch16_224,deit_small_patch16_224,deit_base_patch16_224]
#   BATCHES       inference batch sizes [1,8,32,64]
#   STUDENT       training student [deit_tiny_distilled_patch16_224]
#   TEACHER       training teacher, same for every engine [regnety_160]
#   TRAIN_BATCHES training batch sizes [64,32]
#   THREADS       intra-op threads for every engine [2]
#   WARMUP, RUNS, MIN_SECONDS   inference warm-up runs, least timed runs, least timed seconds [2, 5, 3]
#   TRAIN_WARMUP, TRAIN_RUNS    training warm-up steps, timed steps [1, 3]
#   ROUNDS        how many times the whole alternation is repeated [1]
#   ENGINES       which engines run [onnxruntime,pytorch,deit4j]
#   ORT_SPINNING  ORT intra-op spinning: default, on or off [off: faster on a shared 2-core box]
#   SKIP_TRAIN    1 = inference only [0]
#   INFER_SPINCOUNT  GOMP_SPINCOUNT for deit4j and PyTorch inference, as deit4j's launcher sets it [100000; 0 = passive only]
#   DEIT          the deit4j launcher to measure [this checkout's ./deit]
#   OUT           JSON lines file [target/peers/results-<UTC time>.jsonl]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

TIMM_SRC="${TIMM_SRC:-/tmp/peers-timm}"
TIMM_MIRROR="${TIMM_MIRROR:-/work/.mirror/huggingface+pytorch-image-models/repo}"
TIMM_REF="${TIMM_REF:-v1.0.28}"
MODELS="${MODELS:-deit_tiny_patch16_224,deit_small_patch16_224,deit_base_patch16_224}"
BATCHES="${BATCHES:-1,8,32,64}"
STUDENT="${STUDENT:-deit_tiny_distilled_patch16_224}"
TEACHER="${TEACHER:-regnety_160}"
TRAIN_BATCHES="${TRAIN_BATCHES:-64,32}"
THREADS="${THREADS:-2}"
ROUNDS="${ROUNDS:-1}"
WARMUP="${WARMUP:-2}"
RUNS="${RUNS:-5}"
MIN_SECONDS="${MIN_SECONDS:-3}"
TRAIN_WARMUP="${TRAIN_WARMUP:-1}"
TRAIN_RUNS="${TRAIN_RUNS:-3}"
timing=(--warmup "$WARMUP" --runs "$RUNS" --min-seconds "$MIN_SECONDS")
ENGINES="${ENGINES:-onnxruntime,pytorch,deit4j}"
SKIP_TRAIN="${SKIP_TRAIN:-0}"
ORT_SPINNING="${ORT_SPINNING:-off}"
mkdir -p target/peers
OUT="${OUT:-target/peers/results-$(date -u +%Y%m%dT%H%M%SZ).jsonl}"
DEIT="${DEIT:-$root/deit}"
PY=/usr/bin/python3 # Debian's interpreter: python3-torch lives there, not in a pyenv/venv python
onnx_dir="$root/target/peers/onnx"
ort_dir="$here/onnxruntime"

log() { echo "run-all: $*" >&2; }
has() { [[ ",$ENGINES," == *",$1,"* ]]; }

# Same process environment for every engine, as deit4j's launcher sets it for itself: passive
# OpenMP waiting (spinning workers fight over 2 shared cores) and tcmalloc when installed (glibc's
# mmap of every large tensor costs the Python peer 2x here as well).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# OpenBLAS kernels: deit4j's launcher drops an AVX2 OPENBLAS_CORETYPE pin (this workplace exports
# Haswell) on AVX-512 CPUs; Debian's OpenBLAS 0.3.21 then picks Cooperlake on this Zen 5, which is
# correct (sgemm vs float64 checked, README) and faster, so the PyTorch peer gets the same rule.
cpu_flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
if [ -n "${OPENBLAS_CORETYPE:-}" ] && [ -z "${PEERS_KEEP_OPENBLAS_CORETYPE:-}" ] &&
  [[ "$cpu_flags" == *" avx512f "* && "$cpu_flags" == *" avx512bw "* && "$cpu_flags" == *" avx512vl "* ]] &&
  [[ "$(echo "$OPENBLAS_CORETYPE" | tr '[:upper:]' '[:lower:]')" =~ ^(haswell|zen|sandybridge|nehalem|prescott)$ ]]; then
  log "dropping OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE for the peers, as deit4j's launcher does"
  unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE
fi
tcmalloc=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
peer_preload=""
if [ "${DEIT4J_MALLOC:-tcmalloc}" = tcmalloc ] && [ -f "$tcmalloc" ]; then peer_preload="$tcmalloc"; fi

# 1. timm source copy (never committed): from the mirror's git history, at a version that imports
#    on Debian's torch 1.13.
if [ ! -f "$TIMM_SRC/timm/__init__.py" ]; then
  log "copying timm $TIMM_REF from $TIMM_MIRROR into $TIMM_SRC"
  mkdir -p "$TIMM_SRC"
  git --git-dir="$TIMM_MIRROR" archive "$TIMM_REF" timm | tar -x -C "$TIMM_SRC"
fi
export PYTHONPATH="$TIMM_SRC${PYTHONPATH:+:$PYTHONPATH}"

# 2. ONNX exports (random seeded weights) and the ORT harness, when missing.
if has onnxruntime; then
  for m in ${MODELS//,/ }; do
    [ -f "$onnx_dir/$m.onnx" ] || LD_PRELOAD="$peer_preload" "$PY" "$here/export_onnx.py" --out "$onnx_dir" "$m" >&2
  done
  if [ ! -f "$ort_dir/target/peer-onnxruntime.jar" ]; then
    log "building the ONNX Runtime harness"
    mvn -B -q -f "$ort_dir/pom.xml" package >&2
  fi
fi

# 3. deit4j: `deit bench` if this checkout has the verb.
deit4j_bench=0
if has deit4j; then
  # `deit bench --help` exits 0 even without the verb (the top-level help), so read the verb list.
  if "$DEIT" --help 2>/dev/null | grep -qE '^ +bench '; then deit4j_bench=1; else
    log "$DEIT has no 'bench' verb: deit4j is skipped (see README)"
  fi
fi

run_ort() {
  java -cp "$ort_dir/target/peer-onnxruntime.jar:$ort_dir/target/lib/*" org.deit4j.peers.OrtBench \
    --onnx-dir "$onnx_dir" --models "$1" --batches "$BATCHES" --threads "$THREADS" --spinning "$ORT_SPINNING" "${timing[@]}" >>"$OUT"
}
# Inference: deit4j's launcher spins libgomp's workers briefly for inference verbs
# (GOMP_SPINCOUNT=100000, kept when set); the PyTorch peer, on libgomp too, gets the same.
# INFER_SPINCOUNT=0 measures both with passive waiting only.
INFER_SPINCOUNT="${INFER_SPINCOUNT:-100000}"
infer_env=()
if [ "$INFER_SPINCOUNT" != 0 ]; then infer_env=(GOMP_SPINCOUNT="$INFER_SPINCOUNT"); fi
run_torch_infer() {
  env "${infer_env[@]}" LD_PRELOAD="$peer_preload" "$PY" "$here/pytorch_bench.py" --mode infer --models "$1" \
    --batches "$BATCHES" --threads "$THREADS" "${timing[@]}" >>"$OUT"
}
run_deit4j_infer() {
  env "${infer_env[@]}" DEIT4J_THREADS="$THREADS" "$DEIT" bench infer --model "$1" --batch "$BATCHES" --dtype "${DTYPES:-fp32,bf16}" \
    --threads "$THREADS" "${timing[@]}" --json >>"$OUT"
}

log "writing $OUT (engines: $ENGINES, $THREADS threads, $ROUNDS round(s))"
for ((r = 1; r <= ROUNDS; r++)); do
  # Alternate per model; odd rounds run the engines in one order, even rounds in the reverse, so
  # that a slow drift of the background load does not always favour the same engine.
  order=(onnxruntime pytorch deit4j)
  if ((r % 2 == 0)); then order=(deit4j pytorch onnxruntime); fi
  for m in ${MODELS//,/ }; do
    for e in "${order[@]}"; do
      has "$e" || continue
      log "round $r: $e infer $m"
      # A failing engine is reported and skipped; the others still run.
      case $e in
        onnxruntime) run_ort "$m" || log "FAILED: onnxruntime $m" ;;
        pytorch) run_torch_infer "$m" || log "FAILED: pytorch $m" ;;
        deit4j) if ((deit4j_bench)); then run_deit4j_infer "$m" || log "FAILED: deit4j $m"; fi ;;
      esac
    done
  done
  if [ "$SKIP_TRAIN" != 1 ]; then
    for e in "${order[@]}"; do
      case $e in
        pytorch)
          has pytorch || continue
          log "round $r: pytorch train $STUDENT + $TEACHER"
          LD_PRELOAD="$peer_preload" "$PY" "$here/pytorch_bench.py" --mode train --student "$STUDENT" \
            --teacher "$TEACHER" --train-batches "$TRAIN_BATCHES" --threads "$THREADS" \
            --train-warmup "$TRAIN_WARMUP" --train-runs "$TRAIN_RUNS" >>"$OUT" || log "FAILED: pytorch train"
          ;;
        deit4j)
          has deit4j && ((deit4j_bench)) || continue
          log "round $r: deit4j train $STUDENT + $TEACHER"
          DEIT4J_THREADS="$THREADS" "$DEIT" bench train --model "$STUDENT" --teacher "$TEACHER" \
            --batch "$TRAIN_BATCHES" --dtype "${DTYPES:-fp32,bf16}" --threads "$THREADS" --warmup "$TRAIN_WARMUP" \
            --runs "$TRAIN_RUNS" --min-seconds 0 --json >>"$OUT" || log "FAILED: deit4j train"
          ;;
      esac
    done
  fi
done

"$PY" "$here/summarize.py" "$OUT"
log "JSON lines: $OUT"
