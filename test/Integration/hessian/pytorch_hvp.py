#!/usr/bin/python3
"""nnc_hvp of an example network against PyTorch's double backward.

Uses the networks of ../pytorch/agreement.py: PyTorch's initial weights
(seed 0, rounded to float32, saved as safetensors for nnc), the first
Fashion-MNIST batch, training mode (BatchNorm on batch statistics). For 2
random directions v over the trainable parameters, compares nnc's H·v
(float32) with PyTorch's in float64: ‖nnc − torch‖ / ‖torch‖ ≤ --tolerance.

PyTorch 1.13's fused weight norm (torch._weight_norm) saves the norms of v
as constants for the double backward, so its second derivatives miss the
norm's dependence on v (2–5% off against float64 finite differences, where
nnc is within their own error): the weight is computed here by the composite
formula v·(g/‖v‖) instead, which PyTorch differentiates twice correctly.

pytorch_hvp.py --model NAME --nnc BINARY --workdir DIR
"""
import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pytorch"))
from agreement import MODELS, batches, nnc_name, save_safetensors  # noqa: E402

# (torch.nn.utils.weight_norm names the function; the module is in sys.modules.)
sys.modules["torch.nn.utils.weight_norm"]._weight_norm = lambda v, g, dim: v * (g / torch.norm_except_dim(v, 2, dim))


def state_layout(binary):
    """(name, offset, count) of every tensor, from `BINARY info`."""
    out = subprocess.run([binary, "info"], capture_output=True, text=True, check=True).stdout
    layout, offset, table = [], 0, False
    for line in out.splitlines():
        if line.startswith("tensor "):
            table = True
            continue
        fields = line.split()
        if not table or not fields:
            table = table and bool(fields)
            continue
        count = int(fields[-1].replace(",", ""))
        layout.append((fields[0], offset, count))
        offset += count
    return layout, offset


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, choices=sorted(MODELS))
    ap.add_argument("--nnc", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--tolerance", type=float, default=1e-4)
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    model, shape = MODELS[args.model]()
    state = {nnc_name(args.model, k): v for k, v in model.state_dict().items()
             if not k.endswith("num_batches_tracked")}
    save_safetensors(work / "init.safetensors", state)
    model.double().train()

    layout, size = state_layout(args.nnc)
    offsets = {name: (offset, count) for name, offset, count in layout}
    params = [(nnc_name(args.model, k), p) for k, p in model.named_parameters()]
    x, y = next(batches(1, 128, shape))
    loss = torch.nn.functional.cross_entropy(model(x.double()), y)
    grads = torch.autograd.grad(loss, [p for _, p in params], create_graph=True)

    rng = np.random.default_rng(3)
    worst = 0.0
    for k in range(2):
        v = np.zeros(size, dtype=np.float32)
        directions = []
        for name, p in params:
            offset, count = offsets[name]
            d = rng.normal(size=count).astype(np.float32)
            v[offset:offset + count] = d
            directions.append(torch.from_numpy(d.astype(np.float64)).reshape(p.shape))
        hv = torch.autograd.grad(grads, [p for _, p in params], grad_outputs=directions,
                                 retain_graph=True)
        want = np.zeros(size)
        for (name, _), h in zip(params, hv):
            offset, count = offsets[name]
            want[offset:offset + count] = h.detach().numpy().ravel()
        np.save(work / f"v{k}.npy", v)
        subprocess.run([args.nnc, "hessian", "--load", str(work / "init.safetensors"),
                        "--vector", str(work / f"v{k}.npy"),
                        "--product", str(work / f"hv{k}.npy")],
                       check=True, stdout=subprocess.DEVNULL)
        got = np.load(work / f"hv{k}.npy").astype(np.float64)
        worst = max(worst, np.linalg.norm(got - want) / np.linalg.norm(want))
    print(f"H·v: max relative error {worst:.3g} over 2 vectors ({size} state elements)")
    ok = worst <= args.tolerance
    print("hvp: " + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
