#!/usr/bin/python3
"""nnc's Hessian-vector products, top eigenvalue and trace against the exact
Hessian that PyTorch computes in float64 for the same tiny model, weights
and batch.

The weights come from PyTorch (rounded to float32, saved as safetensors,
used by both); the batch is random and written as .npy files. The exact
Hessian is torch.autograd.functional.hessian of the loss with respect to the
trainable parameters, laid out like nnc's state (buffers: zero rows).
Checks, exiting 1 past a tolerance:
  - H·v for 3 random v: ‖nnc − exact‖ / ‖exact‖ ≤ 1e-4;
  - top eigenvalue (largest magnitude, with sign): relative error ≤ 1e-3,
    iterated to a relative change of 1e-7 and with the default rule (1e-4);
  - exact trace (Σ e_iᵀHe_i): |nnc − exact| ≤ 1e-4 · Σ|H_ii|;
  - Hutchinson trace with 1000 probes: within 4 standard deviations of the
    estimator, σ² = 2(‖H‖²_F − Σ H_ii²)/K for Rademacher probes.

exact_hessian.py --model NAME --nnc BINARY --workdir DIR
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pytorch"))
from agreement import save_safetensors  # noqa: E402

BATCH, IN, HIDDEN = 8, 5, 6
EPS = 1e-5


def dense(x, w, b=None):
    return x @ w.T + (b if b is not None else 0)


def batch_norm(h, weight, bias):
    mean = h.mean(0)
    var = h.var(0, unbiased=False)
    return (h - mean) / torch.sqrt(var + EPS) * weight + bias


def ce(z, y):
    return torch.nn.functional.cross_entropy(z, y)


def mse(p, y):
    return ((p - y) ** 2).mean()


# name -> (state tensors in nnc's order: (name, shape, trainable),
#          loss(params dict, x, y), output classes or regression width)
MODELS = {
    "tanh_mse": ([("fc1.weight", (HIDDEN, IN), True), ("fc1.bias", (HIDDEN,), True),
                  ("fc2.weight", (2, HIDDEN), True), ("fc2.bias", (2,), True)],
                 lambda p, x, y: mse(dense(torch.tanh(dense(x, p["fc1.weight"], p["fc1.bias"])),
                                           p["fc2.weight"], p["fc2.bias"]), y),
                 ("f32", 2)),
    "sigmoid_ce": ([("fc1.weight", (HIDDEN, IN), True), ("fc1.bias", (HIDDEN,), True),
                    ("fc2.weight", (3, HIDDEN), True), ("fc2.bias", (3,), True)],
                   lambda p, x, y: ce(dense(torch.sigmoid(dense(x, p["fc1.weight"], p["fc1.bias"])),
                                            p["fc2.weight"], p["fc2.bias"]), y),
                   ("i32", 3)),
    "bn_ce": ([("fc1.weight", (HIDDEN, IN), True), ("bn1.weight", (HIDDEN,), True),
               ("bn1.bias", (HIDDEN,), True), ("bn1.running_mean", (HIDDEN,), False),
               ("bn1.running_var", (HIDDEN,), False), ("fc2.weight", (3, HIDDEN), True),
               ("fc2.bias", (3,), True)],
              lambda p, x, y: ce(dense(torch.tanh(batch_norm(dense(x, p["fc1.weight"]),
                                                             p["bn1.weight"], p["bn1.bias"])),
                                       p["fc2.weight"], p["fc2.bias"]), y),
              ("i32", 3)),
}


def run(binary, *args):
    out = subprocess.run([binary, "hessian", *map(str, args)], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{binary} hessian failed:\n{out.stdout}{out.stderr}")
    return out.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, choices=sorted(MODELS))
    ap.add_argument("--nnc", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()
    work = Path(args.workdir)
    (work / "data").mkdir(parents=True, exist_ok=True)
    tensors, loss_fn, (target, width) = MODELS[args.model]

    rng = np.random.default_rng(7)
    # Weights: random, rounded to float32 so that both sides use the same.
    state = {}
    for name, shape, trainable in tensors:
        if name.endswith("running_var"):
            value = np.ones(shape)
        elif name.endswith("running_mean"):
            value = np.zeros(shape)
        else:
            value = rng.normal(0.0, 0.7, shape)
        state[name] = torch.from_numpy(value.astype(np.float32))
    save_safetensors(work / "weights.safetensors", state)
    x = rng.normal(0.0, 1.0, (BATCH, IN)).astype(np.float32)
    if target == "i32":
        y = rng.integers(0, width, BATCH).astype(np.int32)
    else:
        y = rng.normal(0.0, 1.0, (BATCH, width)).astype(np.float32)
    for split in ("train", "test"):
        np.save(work / "data" / f"{split}-x.npy", x)
        np.save(work / "data" / f"{split}-y.npy", y)

    # Exact Hessian over the trainable tensors, in the state's layout.
    offsets, size = [], 0
    for name, shape, trainable in tensors:
        offsets.append(size)
        size += int(np.prod(shape))
    train = [(name, shape, off) for (name, shape, t), off in zip(tensors, offsets) if t]
    flat0 = torch.cat([state[n].double().flatten() for n, _, _ in train])
    xt = torch.from_numpy(x).double()
    yt = torch.from_numpy(y).long() if target == "i32" else torch.from_numpy(y).double()

    def loss_of(flat):
        params, at = {}, 0
        for name, shape, _ in train:
            n = int(np.prod(shape))
            params[name] = flat[at:at + n].reshape(shape)
            at += n
        return loss_fn(params, xt, yt)

    h_train = torch.autograd.functional.hessian(loss_of, flat0).numpy()
    index = np.concatenate([np.arange(off, off + int(np.prod(shape)))
                            for _, shape, off in train])
    hessian = np.zeros((size, size))
    hessian[np.ix_(index, index)] = h_train
    mask = np.zeros(size)
    mask[index] = 1

    common = ["--load", work / "weights.safetensors", "--data", work / "data"]
    ok = True

    worst = 0.0
    for k in range(3):
        v = (rng.normal(0.0, 1.0, size) * mask).astype(np.float32)
        np.save(work / f"v{k}.npy", v)
        run(args.nnc, *common, "--vector", work / f"v{k}.npy", "--product", work / f"hv{k}.npy")
        got = np.load(work / f"hv{k}.npy").astype(np.float64)
        want = hessian @ v.astype(np.float64)
        worst = max(worst, np.linalg.norm(got - want) / np.linalg.norm(want))
    print(f"H·v: max relative error {worst:.3g} over 3 vectors ({size} state elements)")
    ok &= worst <= 1e-4

    eig = np.linalg.eigvalsh(h_train)
    top = eig[np.argmax(np.abs(eig))]
    run(args.nnc, *common, "--exact-trace", "--hessian-iters", 5000, "--hessian-tol", 1e-7,
        "--json", work / "exact.json")
    report = json.loads((work / "exact.json").read_text())
    got_top = report["hessian_top_eigenvalue"]
    top_error = abs(got_top - top) / abs(top)
    print(f"top eigenvalue: nnc {got_top:.9g}, exact {top:.9g} (next {sorted(eig, key=abs)[-2]:.6g}), "
          f"relative error {top_error:.3g}, {report['power_iterations']} iterations")
    ok &= top_error <= 1e-3

    run(args.nnc, *common, "--hessian-probes", 0, "--json", work / "default.json")
    default = json.loads((work / "default.json").read_text())
    default_error = abs(default["hessian_top_eigenvalue"] - top) / abs(top)
    print(f"top eigenvalue with the default stopping rule: relative error {default_error:.3g}, "
          f"{default['power_iterations']} iterations")
    ok &= default_error <= 1e-3

    trace = np.trace(h_train)
    scale = np.abs(np.diag(h_train)).sum()
    trace_error = abs(report["hessian_trace"] - trace) / scale
    print(f"exact trace: nnc {report['hessian_trace']:.9g}, exact {trace:.9g}, "
          f"error {trace_error:.3g} of sum |H_ii|")
    ok &= trace_error <= 1e-4

    probes = 1000
    run(args.nnc, *common, "--hessian-probes", probes, "--json", work / "hutchinson.json")
    hutchinson = json.loads((work / "hutchinson.json").read_text())["hessian_trace"]
    sigma = np.sqrt(2 * ((h_train ** 2).sum() - (np.diag(h_train) ** 2).sum()) / probes)
    print(f"Hutchinson trace ({probes} probes): nnc {hutchinson:.6g}, exact {trace:.6g}, "
          f"{abs(hutchinson - trace) / sigma:.2f} standard deviations (sigma {sigma:.3g})")
    ok &= abs(hutchinson - trace) <= 4 * sigma

    print("hessian: " + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
