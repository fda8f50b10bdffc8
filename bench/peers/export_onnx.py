#!/usr/bin/python3
"""Export timm DeiT models to ONNX for the ONNX Runtime peer benchmark.

Runs on Debian's python3-torch (1.13) with timm imported from a source copy on PYTHONPATH (see
README.md: the copy lives outside the repository and is never committed). Weights are random but
seeded: the benchmark measures cost, and the same architecture has the same cost whatever its
weights, so no hub download is needed.

Usage: PYTHONPATH=/tmp/peers-timm /usr/bin/python3 bench/peers/export_onnx.py [--out DIR] [MODEL ...]
"""

import argparse
import os
import sys
import time

import torch

import timm

DEFAULT_MODELS = [
    "deit_tiny_patch16_224",
    "deit_small_patch16_224",
    "deit_base_patch16_224",
    "deit_tiny_distilled_patch16_224",
]

# torch 1.13 exports at most opset 17. 17 has a LayerNormalization op, so LayerNorm leaves the
# exporter as one node instead of a ReduceMean/Sub/Pow/Sqrt chain that ORT would have to re-fuse.
OPSET = 17


def export(name, out_dir, seed):
    torch.manual_seed(seed)
    # pretrained=False: random weights from timm's own init (trunc_normal_ etc.), no hub access.
    model = timm.create_model(name, pretrained=False).eval()
    example = torch.randn(1, 3, 224, 224)
    path = os.path.join(out_dir, name + ".onnx")
    t0 = time.time()
    with torch.no_grad():
        # Eval-mode distilled models return (cls_head + dist_head) / 2, one (B, 1000) tensor, as
        # timm's VisionTransformerDistilled.forward_head does at inference.
        torch.onnx.export(
            model,
            (example,),
            path,
            opset_version=OPSET,
            input_names=["input"],
            output_names=["logits"],
            dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
            do_constant_folding=True,
        )
    # Sanity check with ORT's answer is done by the Java harness; here compare nothing but size.
    size_mb = os.path.getsize(path) / 1e6
    params = sum(p.numel() for p in model.parameters())
    print(f"{name}: {params / 1e6:.2f} M params -> {path} ({size_mb:.1f} MB, {time.time() - t0:.1f} s)")
    # A reference output for the harness to check ORT against: the same seeded input, batch 2.
    torch.manual_seed(seed + 1)
    probe = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        ref = model(probe)
    probe.numpy().astype("<f4").tofile(os.path.join(out_dir, name + ".probe-input.f32"))
    ref.numpy().astype("<f4").tofile(os.path.join(out_dir, name + ".probe-output.f32"))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", default=DEFAULT_MODELS)
    parser.add_argument("--out", default="target/peers/onnx")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(2)
    print(f"torch {torch.__version__}, timm {timm.__version__} from {os.path.dirname(timm.__file__)}")
    for name in args.models:
        export(name, args.out, args.seed)


if __name__ == "__main__":
    main(sys.argv[1:])
