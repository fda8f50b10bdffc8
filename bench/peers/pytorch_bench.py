#!/usr/bin/python3
"""Debian PyTorch (1.13) + timm eager: the Python peer of `deit bench infer|train`.

Inference: images/s of timm DeiT models in eval mode under torch.inference_mode, fp32, a fixed
number of threads, warm-up then the median of timed runs per batch size.
Training: the step rate of deit_tiny_distilled_patch16_224 with a frozen RegNetY teacher, following
facebookresearch/deit's `main.py` + `losses.DistillationLoss` (hard distillation): student in train
mode (drop path 0.1), teacher in eval mode under no_grad, loss = (1 - alpha) * base + alpha *
CE(dist_head, teacher.argmax), backward, AdamW (lr 5e-4 * batch / 512, weight decay 0.05 except on
biases, norms and tokens). The base loss is SoftTargetCrossEntropy on Mixup-style targets (deit's
recipe mixes every batch), as `deit bench train` does. The batch is random and already in memory:
no data loading is measured. The teacher's forward is also timed alone, so the student's share of the
step (and its MFU) can be reported as deit4j reports it.

Prints a table on stderr and one JSON line per measurement on stdout (keys of `deit bench --json`).
Usage: PYTHONPATH=/tmp/peers-timm /usr/bin/python3 bench/peers/pytorch_bench.py --help
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F

import timm
from timm.loss import SoftTargetCrossEntropy

ENGINE = "pytorch-1.13+timm"
# The process environment that matters for speed, recorded in every JSON line.
SETTINGS = "OMP_WAIT_POLICY={} LD_PRELOAD={} OPENBLAS_CORETYPE={}".format(
    os.environ.get("OMP_WAIT_POLICY", "unset"),
    os.path.basename(os.environ.get("LD_PRELOAD", "")) or "none",
    os.environ.get("OPENBLAS_CORETYPE", "unset"),
)
INFER_MODELS = "deit_tiny_patch16_224,deit_small_patch16_224,deit_base_patch16_224"


def vit_gflops(model):
    """2 x MACs of the matrix products of one image, counted as deit4j's ModelStats counts them."""
    d, depth = model.embed_dim, len(model.blocks)
    patches = model.patch_embed.num_patches
    tokens = patches + model.num_prefix_tokens
    hidden = model.blocks[0].mlp.fc1.out_features
    p = model.patch_embed.patch_size[0]
    macs = patches * d * 3 * p * p  # patch projection
    block = tokens * d * 3 * d  # qkv
    block += 2 * tokens * tokens * d  # q k^T and attn v
    block += tokens * d * d  # proj
    block += 2 * tokens * d * hidden  # fc1 + fc2
    macs += block * depth
    heads = 2 if getattr(model, "head_dist", None) is not None else 1
    macs += heads * d * model.num_classes
    return 2.0 * macs / 1e9


def conv_linear_gflops(model, size=224):
    """2 x MACs of every Conv2d and Linear in one forward of one image (hooks; for CNN teachers)."""
    total = [0]

    def hook(mod, inp, out):
        if isinstance(mod, torch.nn.Conv2d):
            kh, kw = mod.kernel_size
            total[0] += out.numel() * (mod.in_channels // mod.groups) * kh * kw
        else:
            total[0] += out.numel() * mod.in_features

    handles = [
        m.register_forward_hook(hook)
        for m in model.modules()
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))
    ]
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    model.train(was_training)
    for h in handles:
        h.remove()
    return 2.0 * total[0] / 1e9


def timed(fn, warmup, runs, min_seconds):
    """Milliseconds of each timed call of fn: warm-up calls, then >= runs calls and >= min_seconds."""
    for _ in range(warmup):
        fn()
    ms = []
    start = time.perf_counter()
    while len(ms) < runs or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1e3)
    return ms


def fmt(v, digits):
    return None if v is None or v != v else round(v, digits)


def line(mode, model, batch, threads, ips, ms, gflops, peak, student_ms=None, **extra):
    """One JSON line; in training the MFU counts the student's share of the step (student_ms)."""
    achieved = gflops * batch * 1e3 / (student_ms or ms)
    rec = {
        "mode": mode,
        "engine": ENGINE,
        "engine_version": f"torch {torch.__version__}, timm {timm.__version__}",
        "model": model,
        "batch": batch,
        "dtype": "fp32",
        "threads": threads,
        "images_per_s": fmt(ips, 3),
        "ms_per_batch": fmt(ms, 2),
        "gflops_per_image": fmt(gflops, 4),
        "achieved_gflops": fmt(achieved, 1),
        "peak_gflops": peak,
        "mfu": fmt(achieved / peak, 4) if peak else None,
    }
    rec["settings"] = SETTINGS
    rec.update(extra)
    print(json.dumps(rec, separators=(",", ":")), flush=True)


def bench_infer(args):
    print(f"{'model':34s} {'batch':>5s} {'img/s':>10s} {'ms/batch':>10s} {'runs':>5s}", file=sys.stderr)
    for name in args.models.split(","):
        torch.manual_seed(0)
        model = timm.create_model(name, pretrained=False).eval()
        gflops = vit_gflops(model)
        for batch in args.batches:
            x = torch.randn(batch, 3, 224, 224, generator=torch.Generator().manual_seed(batch))

            def step():
                with torch.inference_mode():
                    model(x)

            ms = timed(step, args.warmup, args.runs, args.min_seconds)
            med = statistics.median(ms)
            ips = batch * 1e3 / med
            print(f"{name:34s} {batch:5d} {ips:10.2f} {med:10.1f} {len(ms):5d}", file=sys.stderr)
            line("infer", name, batch, args.threads, ips, med, gflops, args.peak_gflops)
        del model


def param_groups(model, weight_decay):
    """timm's param_groups_weight_decay (as deit's create_optimizer): no decay on 1-D and tokens."""
    skip = model.no_weight_decay() if hasattr(model, "no_weight_decay") else set()
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        (no_decay if p.ndim <= 1 or n in skip else decay).append(p)
    return [{"params": no_decay, "weight_decay": 0.0}, {"params": decay, "weight_decay": weight_decay}]


def bench_train(args):
    torch.manual_seed(0)
    student = timm.create_model(args.student, pretrained=False, drop_path_rate=0.1)
    student.set_distilled_training(True)  # forward returns (cls head, dist head) in train mode
    student.train()
    teacher = timm.create_model(args.teacher, pretrained=False).eval()
    for p in teacher.parameters():
        p.requires_grad_(False)
    s_gflops = vit_gflops(student)
    t_gflops = conv_linear_gflops(teacher)
    # Forward + backward of the student is 3x its forward (backward = 2 GEMMs per forward GEMM);
    # the teacher runs forward only.
    gflops = 3 * s_gflops  # as deit4j's ThroughputRow: the student's step; teacher reported apart
    base_criterion = SoftTargetCrossEntropy()  # deit main.py with Mixup/CutMix on
    alpha = 0.5
    print(
        f"train {args.student} + teacher {args.teacher}: student {s_gflops:.2f} GF fwd, "
        f"teacher {t_gflops:.2f} GF fwd, student step {gflops:.2f} GF/img",
        file=sys.stderr,
    )
    for batch in args.train_batches:
        opt = torch.optim.AdamW(param_groups(student, 0.05), lr=5e-4 * batch / 512)
        gen = torch.Generator().manual_seed(batch)
        x = torch.randn(batch, 3, 224, 224, generator=gen)
        y = torch.randint(0, 1000, (batch,), generator=gen)
        # Mixup-style soft targets: lam * smooth(y) + (1 - lam) * smooth(flipped y), smoothing 0.1
        smooth = torch.full((batch, 1000), 0.1 / 1000).scatter_(1, y[:, None], 0.9 + 0.1 / 1000)
        lam = 0.7
        target = lam * smooth + (1 - lam) * smooth.flip(0)

        def step():
            out, out_kd = student(x)
            with torch.no_grad():
                t_out = teacher(x)
            # deit losses.DistillationLoss, distillation_type='hard'
            base = base_criterion(out, target)
            dist = F.cross_entropy(out_kd, t_out.argmax(dim=1))
            loss = base * (1 - alpha) + dist * alpha
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

        def teacher_forward():
            with torch.no_grad():
                teacher(x)

        ms = timed(step, args.train_warmup, args.train_runs, 0)
        med = statistics.median(ms)
        t_med = statistics.median(timed(teacher_forward, 1, args.train_runs, 0))
        ips = batch * 1e3 / med
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{args.student:34s} {batch:5d} {ips:10.2f} {med:10.1f} {len(ms):5d}", file=sys.stderr)
        line(
            "train", args.student, batch, args.threads, ips, med, gflops, args.peak_gflops,
            student_ms=med - t_med,
            teacher=args.teacher,
            student_ms_per_batch=fmt(med - t_med, 2),
            teacher_ms_per_batch=fmt(t_med, 2),
            teacher_gflops_per_image=fmt(t_gflops, 4),
            peak_rss_mb=round(rss, 1),
        )


def main(argv):
    ints = lambda s: [int(v) for v in s.split(",")]  # noqa: E731
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mode", choices=["infer", "train", "all"], default="all")
    p.add_argument("--models", default=INFER_MODELS, help="comma-separated timm names (inference)")
    p.add_argument("--batches", type=ints, default=[1, 8, 32, 64])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--min-seconds", type=float, default=3.0)
    p.add_argument("--student", default="deit_tiny_distilled_patch16_224")
    p.add_argument("--teacher", default="regnety_160", help="deit main.py's default teacher")
    p.add_argument("--train-batches", type=ints, default=[64, 32])
    p.add_argument("--train-warmup", type=int, default=1)
    p.add_argument("--train-runs", type=int, default=3)
    p.add_argument("--peak-gflops", type=float, default=None, help="GEMM peak for mfu (else null)")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(
        f"{ENGINE}: torch {torch.__version__}, timm {timm.__version__}, "
        f"{torch.get_num_threads()} threads",
        file=sys.stderr,
    )
    if args.mode in ("infer", "all"):
        bench_infer(args)
    if args.mode in ("train", "all"):
        bench_train(args)


if __name__ == "__main__":
    main(sys.argv[1:])
