#!/usr/bin/env bash
# Step time of 1 process x global batch versus N processes x (global batch / N), same data and
# model, runs alternated so background load affects both alike. Prints one line per run and the
# median step time of each setting (the last epoch only: the first includes warm-up).
#
#   [COMPARE_MODES=1] scripts/dist-scaling.sh [--model M] [--model-args A] [--batch 64] [--nproc 2] [--pairs 2] \
#     [--per-class 100] [--epochs 2] [--data DIR] [--out DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model=vit_fm_patch4_28; margs="num_classes=10"; batch=64; nproc=2; pairs=2
perclass=100; epochs=2; data=""; out="$(mktemp -d)"
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2;; --model-args) margs="$2"; shift 2;;
    --batch) batch="$2"; shift 2;; --nproc) nproc="$2"; shift 2;; --pairs) pairs="$2"; shift 2;;
    --per-class) perclass="$2"; shift 2;; --epochs) epochs="$2"; shift 2;;
    --data) data="$2"; shift 2;; --out) out="$2"; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
if [ -z "$data" ]; then # the bundled Fashion-MNIST subset
  data="$out/fm"; mkdir -p "$data"
  cp "$here"/src/main/resources/org/deit4j/quickstart/*.gz "$data/"
fi
run() { # $1 = output folder, rest = extra flags
  local o="$1"; shift
  "$here/deit" train --model "$model" --model-args "$margs" --data "$data:train" \
    --per-class "$perclass" --epochs "$epochs" --warmup-epochs 0 --no-repeated-aug --recipe none \
    --aa none --reprob 0 --mixup 0 --cutmix 0 --drop-path 0 --no-model-ema --num-workers 1 \
    --mean 0.2860,0.2860,0.2860 --std 0.3530,0.3530,0.3530 --output-dir "$o" "$@" >/dev/null 2>"$o.err"
  python3 - "$o/metrics.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(rows[-1]["epoch_seconds"])
PY
}
steps=$(( perclass * 10 / batch ))
echo "model $model ($margs), global batch $batch, $steps steps/epoch, last of $epochs epochs"
one=(); many=()
for i in $(seq 1 "$pairs"); do
  s=$(run "$out/one$i" --batch-size "$batch"); one+=("$s")
  echo "pair $i: 1 x $batch   epoch ${s} s  step $(python3 -c "print(f'{$s/$steps:.3f}')") s"
  s=$(run "$out/many$i" --batch-size $(( batch / nproc )) --nproc-per-node "$nproc"); many+=("$s")
  echo "pair $i: $nproc x $(( batch / nproc ))   epoch ${s} s  step $(python3 -c "print(f'{$s/$steps:.3f}')") s  (all-reduce during backward)"
  if [ -n "${COMPARE_MODES:-}" ]; then
    s=$(DEIT4J_DDP_MODE=after-backward run "$out/after$i" --batch-size $(( batch / nproc )) --nproc-per-node "$nproc")
    echo "pair $i: $nproc x $(( batch / nproc ))   epoch ${s} s  step $(python3 -c "print(f'{$s/$steps:.3f}')") s  (all-reduce after backward)"
  fi
done
grep -h "data parallel:" "$out"/many1.err || true
python3 - "$steps" "${one[*]}" "${many[*]}" <<'PY'
import statistics, sys
steps = int(sys.argv[1]); one = [float(x) for x in sys.argv[2].split()]; many = [float(x) for x in sys.argv[3].split()]
a, b = statistics.median(one) / steps, statistics.median(many) / steps
print(f"median step: 1 process {a:.3f} s, several {b:.3f} s; speed-up {a / b:.2f}x")
PY
