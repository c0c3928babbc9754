#!/usr/bin/python3
"""Random differential testing of nnc's curvature, gradcheck, diagnose and
training options against PyTorch (float64).

Reuses random_models.py's generator (random_spec, the .mlir writer, the
torch.nn module, make_data, torch_train) and adds, per seed:

  hvp       `hessian --vector v.npy --product hv.npy` (one and two compiled
            batches) against torch.autograd double backward of the same mean
            loss in training mode (BatchNorm on batch statistics);
  hessian   top eigenvalue (--exact-trace, tight tolerance) and trace
            (exact, and Hutchinson within 4.5 sigma) against the exact float64
            Hessian, for models with few parameters;
  gradcheck `gradcheck` on the first batch of the data and on the synthetic
            batch; a failure is analysed against PyTorch's gradient and
            PyTorch's own finite differences at the same element and step;
            `--tolerance 1e-12` must fail (rc 1);
  diagnose  `diagnose --json` per layer (variance, variance_ratio, cosine,
            cosine_pre, dead_fraction), per-parameter gradient norms and the
            loss against PyTorch on the same weights and batch; its curvature
            rows against `hessian` with the same options;
  reinit    `train --init-from --reinit R --freeze A,B`: re-drawn tensors
            equal a fresh initialization bit for bit, others equal the
            checkpoint, frozen ones stay bit-identical, the rest follows a
            float64 PyTorch run from the same tensors;
  noise     `train --noise EPS`: (nnc − PyTorch's noiseless step)/sqrt(EPS)
            over the trained elements ~ N(0, 1) (mean, variance, kurtosis),
            independent between steps and tensors; frozen tensors untouched;
  uint8     uint8 `.npy` inputs (and uint8/int64 labels) train and predict
            bit-identically to float32 inputs x/255 (int32 labels);
  gram      models may start with nn.dense whose weight is nn.gram @u.

random_curvature.py --seeds A-B [--nnc build/bin/nnc] [--workdir DIR]
                    [--seed-list 3,7] [--only hvp,diagnose,...] [--keep]
Prints one line per seed and `N passed, N failed` at the end.
"""
import argparse
import json
import math
import os
import random
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "hessian"))
import random_models as rm  # noqa: E402
from agreement import load_safetensors, save_safetensors  # noqa: E402
# Also replaces PyTorch 1.13's fused weight norm, whose double backward is
# wrong, by the composite v·(g/‖v‖) (see pytorch_hvp.py).
from pytorch_hvp import state_layout  # noqa: E402

NOISE = []  # standardized noise of every seed, pooled at the end
CHECKS = ["hvp", "hessian", "gradcheck", "diagnose", "reinit", "noise", "uint8"]


# ----------------------------------------------------------------------------
# Philox 4x32-10 (docs/abi.md), to rebuild gradcheck's synthetic batch
# ----------------------------------------------------------------------------

def philox(c, key):
    """c: 4 arrays of uint32 (counters), key: (k0, k1). Returns 4 arrays."""
    M0, M1, W0, W1 = 0xD2511F53, 0xCD9E8D57, 0x9E3779B9, 0xBB67AE85
    c = [np.asarray(x, dtype=np.uint64) for x in c]
    k0, k1 = np.uint64(key[0]), np.uint64(key[1])
    mask = np.uint64(0xFFFFFFFF)
    for r in range(10):
        p0 = np.uint64(M0) * c[0]
        p1 = np.uint64(M1) * c[2]
        hi0, lo0 = p0 >> np.uint64(32), p0 & mask
        hi1, lo1 = p1 >> np.uint64(32), p1 & mask
        c = [(hi1 ^ c[1] ^ k0) & mask, lo1, (hi0 ^ c[3] ^ k1) & mask, lo0]
        k0 = (k0 + np.uint64(W0)) & mask
        k1 = (k1 + np.uint64(W1)) & mask
    return c


def uniform24(w):
    return (w >> np.uint64(8)).astype(np.float64) * 2.0 ** -24


def synthetic_batch(seed, xn, yn, classes):
    key = (seed & 0xFFFFFFFF, seed >> 32)
    i = np.arange(xn, dtype=np.uint64)
    x = uniform24(philox([i, np.zeros_like(i), np.zeros_like(i), np.full_like(i, 3)], key)[0])
    j = np.arange(yn, dtype=np.uint64)
    u = uniform24(philox([j, np.ones_like(j), np.zeros_like(j), np.full_like(j, 3)], key)[0])
    y = (u * classes).astype(np.int32) if classes else u.astype(np.float32)
    return x.astype(np.float32), y


assert [int(w) for w in philox([[0], [0], [0], [0]], (0, 0))] == \
    [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8], "philox known answer"


# ----------------------------------------------------------------------------
# Specs: random_models' small models, optionally with a gram-weight dense
# ----------------------------------------------------------------------------

class GramLinear(nn.Module):
    """y = x·(U Uᵀ)ᵀ + b: nn.dense whose weight is nn.gram @u."""

    def __init__(self, f, rank, bias):
        super().__init__()
        self.u = nn.Parameter(torch.empty(f, rank))
        nn.init.kaiming_uniform_(self.u)
        with torch.no_grad():
            self.u.mul_(f ** -0.5)
        self.bias = nn.Parameter(0.3 * (2 * torch.rand(f) - 1)) if bias else None

    def forward(self, x):
        return F.linear(x, self.u @ self.u.t(), self.bias)


_orig_make_torch = rm.make_torch


def make_torch(spec):
    model = _orig_make_torch(spec)
    for n in spec["nodes"]:
        if n.get("gram"):
            setattr(model, n["name"], GramLinear(n["fin"], n["rank"], n["bias"]))
    return model


rm.make_torch = make_torch  # torch_train builds its models through it


def curv_spec(seed):
    for k in range(100):
        spec = rm.random_spec(seed + 1_000_003 * k)
        if not spec["big"]:
            break
    r = random.Random(f"curv-{seed}")
    spec["curv_seed"] = seed
    B = spec["batch"]
    if len(spec["input"]) == 2 and r.random() < 0.4:
        f = spec["input"][1]
        for n in spec["nodes"]:
            n["in"] = [j + 1 for j in n["in"]]
        spec["nodes"].insert(0, {"op": "wndense", "gram": True, "name": "gram0", "in": [0],
                                 "out": [B, f], "fin": f, "bias": r.random() < 0.5,
                                 "rank": r.randint(1, f)})
        spec["output"] += 1
        spec["freeze"] = []
    spec["ntrain"] = max(spec["ntrain"], 2 * B)
    spec["steps"] = min(spec["steps"], 6)
    return spec


def emit(spec):
    text = rm.emit_mlir(spec)
    for n in spec["nodes"]:
        if not n.get("gram"):
            continue
        nm, f = n["name"], n["fin"]
        out = []
        for line in text.split("\n"):
            s = line.strip()
            if s.startswith(f"nn.param @{nm}.weight_g"):
                out.append(f"  nn.param @{nm}.u : tensor<{f}x{n['rank']}xf32> init = #nn.kaiming_uniform")
            elif s.startswith(f"nn.param @{nm}.weight_v"):
                continue
            elif f"nn.weight_norm @{nm}.weight_g" in s:
                out.append(line.split("=")[0] + f"= nn.gram @{nm}.u : tensor<{f}x{f}xf32>")
            else:
                out.append(line)
        text = "\n".join(out)
    return text


def describe(spec):
    d = rm.describe(spec)
    if spec["nodes"][0].get("gram"):
        d = d.replace("| wndense", "| gramdense", 1)
    return d


def kinky(spec):
    return any(n["op"] in ("maxpool", "relu", "leaky_relu") or
               (n["op"] == "elu" and n.get("alpha") != 1.0) for n in spec["nodes"])


# ----------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------

def run(cmd, timeout=300):
    t0 = time.time()
    try:
        r = subprocess.run(["nice", "-n", "10"] + [str(c) for c in cmd], capture_output=True,
                           text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        r = subprocess.CompletedProcess(cmd, 124, "", f"timeout after {timeout} s")
    r.wall = time.time() - t0
    return r


class Ctx:
    pass


def torch_model(ctx, state, dtype=torch.float64):
    m = make_torch(ctx.spec)
    m.load_state_dict({**m.state_dict(), **{k: torch.as_tensor(np.array(v)) for k, v in state.items()}})
    return m.to(dtype).train()


def xy(ctx, lo, hi, dtype=torch.float64, data=None):
    data = data or ctx.data
    x = torch.from_numpy(data["train-x"][lo:hi]).to(dtype)
    if ctx.spec["loss"] == "ce":
        y = torch.from_numpy(data["train-y"][lo:hi]).long()
    else:
        y = torch.from_numpy(data["train-y"][lo:hi]).to(dtype)
    return x, y


def mean_loss(ctx, model, nb, dtype=torch.float64, data=None):
    B = ctx.spec["batch"]
    total = 0
    for b in range(nb):
        x, y = xy(ctx, b * B, (b + 1) * B, dtype, data)
        total = total + rm.loss_fn(ctx.spec, model(x), y)
    return total / nb


def flat_params(ctx, model):
    """[(state name, parameter)] of the trainable parameters."""
    return [(k, p) for k, p in model.named_parameters()]


def to_state_vec(ctx, parts, names):
    v = np.zeros(ctx.size, np.float64)
    for name, t in zip(names, parts):
        off, cnt = ctx.offsets[name]
        v[off:off + cnt] = t.detach().double().reshape(-1).numpy()
    return v


def param_mask(ctx, names):
    m = np.zeros(ctx.size, bool)
    for name in names:
        off, cnt = ctx.offsets[name]
        m[off:off + cnt] = True
    return m


def torch_hvps(ctx, state, vecs, nb, dtype=torch.float64):
    model = torch_model(ctx, state, dtype)
    params = flat_params(ctx, model)
    names = [k for k, _ in params]
    loss = mean_loss(ctx, model, nb, dtype)
    grads = torch.autograd.grad(loss, [p for _, p in params], create_graph=True)
    out = []
    for v in vecs:
        vs = [torch.from_numpy(v[ctx.offsets[k][0]:ctx.offsets[k][0] + ctx.offsets[k][1]]
                               .reshape(p.shape)).to(dtype) for k, p in params]
        hv = torch.autograd.grad(grads, [p for _, p in params], grad_outputs=vs, retain_graph=True,
                                 allow_unused=True)
        hv = [h if h is not None else torch.zeros_like(p) for h, (_, p) in zip(hv, params)]
        out.append(to_state_vec(ctx, hv, names))
    return out, names


def tensor_err(a, b):
    """max |a − b| relative to max |b|, with a floor of 1e-3 (a tensor that
    stays at 0, such as the bias before a BatchNorm, has no scale)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-3))


def perturbed(state, rel, seed):
    g = np.random.default_rng(seed)
    return {k: (np.asarray(v, np.float64) * (1 + rel * g.standard_normal(np.shape(v))))
            for k, v in state.items()}


# ----------------------------------------------------------------------------
# Checks
# ----------------------------------------------------------------------------

def check_hvp(ctx):
    spec, B = ctx.spec, ctx.spec["batch"]
    rng = np.random.default_rng(spec["curv_seed"])
    fails = []
    nbs = [1, 2] if ctx.rr.random() < 0.5 else [1]
    for nb in nbs:
        vecs = [rng.standard_normal(ctx.size).astype(np.float32) for _ in range(2)]
        ref, names = torch_hvps(ctx, ctx.init, [v.astype(np.float64) for v in vecs], nb)
        pm = param_mask(ctx, names)
        for k, v in enumerate(vecs):
            np.save(ctx.work / "v.npy", v)
            out = ctx.work / "hv.npy"
            if out.exists():
                out.unlink()
            r = run([ctx.exe, "hessian", "--data", ctx.dd, "--load", ctx.work / "init.safetensors",
                     "--batch-size", nb * B, "--vector", ctx.work / "v.npy", "--product", out,
                     "--threads", ctx.threads])
            if r.returncode != 0:
                return [f"hessian --vector rc={r.returncode}: {r.stderr.strip()[:300]}"]
            hv = np.load(out).astype(np.float64)
            if hv.shape != (ctx.size,):
                return [f"hessian --product shape {hv.shape} vs state {ctx.size}"]
            if np.any(hv[~pm] != 0):
                fails.append("H·v nonzero on buffer coordinates")
            t = ref[k]
            nrm = np.linalg.norm(t)
            err = np.linalg.norm(hv - t) / max(nrm, 1e-30) if nrm > 1e-12 else np.linalg.norm(hv - t)
            ctx.info.setdefault("hvp_err", 0.0)
            ctx.info["hvp_err"] = max(ctx.info["hvp_err"], err)
            if not np.all(np.isfinite(hv)):
                bad = [n for n in names if not np.all(np.isfinite(hv[ctx.offsets[n][0]:sum(ctx.offsets[n])]))]
                fails.append(f"H·v has non-finite values (batches {nb}, tensors {','.join(bad[:4])}) where "
                             f"PyTorch's is finite (max |H·v| {np.abs(t).max():.3g})")
                continue
            if err > 1e-4:
                # rounding sensitivity: PyTorch float32 and float64 at
                # float32-rounding-sized perturbations of the weights
                t32, _ = torch_hvps(ctx, ctx.init, [v.astype(np.float64)], nb, torch.float32)
                e32 = np.linalg.norm(t32[0] - t) / max(nrm, 1e-30)
                ep = 0.0
                for s in range(2):
                    tp, _ = torch_hvps(ctx, perturbed(ctx.init, 6e-8, s), [v.astype(np.float64)], nb)
                    ep = max(ep, np.linalg.norm(tp[0] - t) / max(nrm, 1e-30))
                worst_t = max(names, key=lambda n: np.linalg.norm(
                    (hv - t)[ctx.offsets[n][0]:sum(ctx.offsets[n])]))
                ctx.info["hvp_sens"] = max(e32, ep)
                if err > 10 * max(e32, ep, 1e-5):
                    fails.append(f"H·v rel err {err:.2e} (batches {nb}, worst tensor {worst_t}; "
                                 f"PyTorch f32 {e32:.1e}, perturbed {ep:.1e})")
                else:
                    ctx.info.setdefault("excused", []).append(f"hvp {err:.1e} (sens {max(e32, ep):.1e})")
    return fails


def exact_hessian(ctx, nb=1):
    model = torch_model(ctx, ctx.init)
    params = flat_params(ctx, model)
    ps = [p for _, p in params]
    loss = mean_loss(ctx, model, nb)
    grads = torch.autograd.grad(loss, ps, create_graph=True)
    flat = torch.cat([g.reshape(-1) for g in grads])
    n = flat.numel()
    H = np.zeros((n, n))
    for i in range(n):
        row = torch.autograd.grad(flat[i], ps, retain_graph=True, allow_unused=True)
        row = [r if r is not None else torch.zeros_like(p) for r, p in zip(row, ps)]
        H[i] = torch.cat([r.reshape(-1) for r in row]).numpy()
    return H


def check_hessian(ctx):
    fails = []
    n = sum(int(np.prod(p.shape)) for _, p in make_torch(ctx.spec).named_parameters())
    ctx.info["nparams"] = n
    base = [ctx.exe, "hessian", "--data", ctx.dd, "--load", ctx.work / "init.safetensors",
            "--threads", ctx.threads]
    # Default options: also what diagnose must report.
    r = run(base + ["--json", ctx.work / "hdef.json"])
    if r.returncode != 0:
        return [f"hessian rc={r.returncode}: {r.stderr.strip()[:300]}"]
    ctx.hdef = json.loads((ctx.work / "hdef.json").read_text())
    if n > 600 or n == 0:
        return fails
    H = exact_hessian(ctx)
    H = (H + H.T) / 2
    w = np.linalg.eigvalsh(H)
    order = np.argsort(-np.abs(w))
    l1 = w[order[0]]
    others = [x for x in w[order] if abs(abs(x) - abs(l1)) > 1e-9 * abs(l1)]
    l2 = others[0] if others else 0.0
    ratio = abs(l2) / abs(l1) if l1 != 0 else 1.0
    tr = np.trace(H)
    scale = np.abs(np.diag(H)).sum()
    r = run(base + ["--exact-trace", "--hessian-tol", "1e-8", "--hessian-iters", "3000",
                    "--json", ctx.work / "hex.json"])
    if r.returncode != 0:
        return [f"hessian --exact-trace rc={r.returncode}: {r.stderr.strip()[:300]}"]
    j = json.loads((ctx.work / "hex.json").read_text())
    lam, t = j["hessian_top_eigenvalue"], j["hessian_trace"]
    ctx.info.update(lam=lam, lam_exact=l1, gap=ratio, trace=t, trace_exact=tr)
    if j["trace_products"] != n:
        fails.append(f"exact trace used {j['trace_products']} products for {n} parameters")
    terr = abs(t - tr) / max(scale, 1e-30)
    ctx.info["trace_err"] = terr
    if terr > 1e-4 and abs(t - tr) > 1e-6:
        fails.append(f"exact trace {t:.9g} vs {tr:.9g} (rel to sum|Hii| {terr:.1e})")
    lerr = abs(lam - l1) / max(abs(l1), 1e-30)
    ctx.info["lam_err"] = lerr
    if abs(l1) < 1e-7:
        pass
    elif j["converged"] and ratio < 0.98 and lerr > 1e-4:
        fails.append(f"top eigenvalue {lam:.9g} vs exact {l1:.9g} (rel {lerr:.1e}, |l2/l1| "
                     f"{ratio:.3f}, {j['power_iterations']} iterations)")
    elif not (w[0] - 1e-5 * abs(l1) <= lam <= w[-1] + 1e-5 * abs(l1)):
        fails.append(f"Rayleigh quotient {lam:.9g} outside the spectrum [{w[0]:.6g}, {w[-1]:.6g}]")
    # the default run (tol 1e-4, 100 products) converges when the gap is wide
    if abs(l1) > 1e-6 and ratio < 0.5:
        if not ctx.hdef["converged"]:
            fails.append(f"default power iteration did not converge (|l2/l1| {ratio:.3f})")
        elif abs(ctx.hdef["hessian_top_eigenvalue"] - l1) > 1e-3 * abs(l1):
            fails.append(f"default top eigenvalue {ctx.hdef['hessian_top_eigenvalue']:.9g} vs exact {l1:.9g}")
    # Hutchinson: within 4.5 sigma of the exact trace.
    K = 200
    r = run(base + ["--hessian-probes", K, "--json", ctx.work / "hh.json"])
    if r.returncode != 0:
        return fails + [f"hessian --hessian-probes rc={r.returncode}"]
    j = json.loads((ctx.work / "hh.json").read_text())
    sigma = math.sqrt(max(2 * ((H ** 2).sum() - (np.diag(H) ** 2).sum()) / K, 0))
    dev = abs(j["hessian_trace"] - tr)
    ctx.info["hutch_sigmas"] = dev / sigma if sigma > 0 else dev
    if dev > 4.5 * sigma + 1e-5 * scale + 1e-6:
        fails.append(f"Hutchinson trace {j['hessian_trace']:.6g} vs exact {tr:.6g}: {dev / max(sigma, 1e-30):.1f} sigma")
    if sigma > 1e-6 and not (sigma / 3 < j["trace_std_error"] < 3 * sigma):
        fails.append(f"Hutchinson std error {j['trace_std_error']:.3g} vs exact sigma {sigma:.3g}")
    return fails


GRADLINE = None


def parse_gradcheck(text):
    import re
    rows = []
    for line in text.splitlines():
        m = re.match(r"(ok|FAIL)\s+(\S+) \[[^\]]*\]: (\d+) of (\d+) elements, max error (\S+)"
                     r"(?: \(element (\d+): analytic (\S+), numeric (\S+)\))?", line)
        if m:
            rows.append({"ok": m[1] == "ok", "name": m[2], "err": float(m[5]),
                         "elem": int(m[6]) if m[6] else None,
                         "a": float(m[7]) if m[7] else None, "n": float(m[8]) if m[8] else None})
    verdict = "PASS" if "gradcheck: PASS" in text else "FAIL" if "gradcheck: FAIL" in text else None
    return rows, verdict


def torch_grad_fd(ctx, data, name, elem, h_rel=1e-5):
    """PyTorch float64: gradient of element `elem` of tensor `name`, and the
    central difference with gradcheck's step."""
    model = torch_model(ctx, ctx.init)
    params = dict(model.named_parameters())
    p = params[name]
    loss = mean_loss(ctx, model, 1, data=data)
    g = torch.autograd.grad(loss, [p])[0].reshape(-1)[elem].item()
    vals = []
    x0 = p.detach().reshape(-1)[elem].item()
    h = h_rel * max(1.0, abs(x0))
    for s in (1, -1):
        m2 = torch_model(ctx, ctx.init)
        with torch.no_grad():
            dict(m2.named_parameters())[name].view(-1)[elem] += s * h
            vals.append(mean_loss(ctx, m2, 1, data=data).item())
    m0 = torch_model(ctx, ctx.init)
    ps0 = list(m0.parameters())
    gall = torch.autograd.grad(mean_loss(ctx, m0, 1, data=data), ps0, allow_unused=True)
    G = max(x.abs().max().item() for x in gall if x is not None)
    m32 = torch_model(ctx, ctx.init, torch.float32)
    p32 = dict(m32.named_parameters())[name]
    l32 = mean_loss(ctx, m32, 1, torch.float32, data=data)
    g32 = torch.autograd.grad(l32, [p32])[0].reshape(-1)[elem].item()
    sens = abs(g32 - g)
    for sd in range(2):
        mp = torch_model(ctx, perturbed(ctx.init, 6e-8, sd))
        dp = dict(data, **{"train-x": (data["train-x"].astype(np.float64) *
                                       (1 + 6e-8 * np.random.default_rng(sd).standard_normal(
                                           data["train-x"].shape)))})
        gp = torch.autograd.grad(mean_loss(ctx, mp, 1, data=dp), [dict(mp.named_parameters())[name]])[0]
        sens = max(sens, abs(gp.reshape(-1)[elem].item() - g))
    return g, (vals[0] - vals[1]) / (2 * h), sens, G


def check_gradcheck(ctx):
    fails = []
    spec, B = ctx.spec, ctx.spec["batch"]
    seed = 0
    out_shape = spec["nodes"][spec["output"] - 1]["out"]
    xn = int(np.prod(spec["input"]))
    yn = B if spec["loss"] == "ce" else int(np.prod(out_shape))
    sx, sy = synthetic_batch(seed, xn, yn, spec.get("classes") if spec["loss"] == "ce" else None)
    synth = {"train-x": sx.reshape(spec["input"]),
             "train-y": sy if spec["loss"] == "ce" else sy.reshape(out_shape)}
    for label, extra, data in (("data", ["--data", ctx.dd], ctx.data), ("synthetic", [], synth)):
        r = run([ctx.exe, "gradcheck", "--load", ctx.work / "init.safetensors", "--seed", seed,
                 "--threads", ctx.threads] + extra)
        rows, verdict = parse_gradcheck(r.stdout)
        if verdict is None or (verdict == "PASS") != (r.returncode == 0) or r.returncode not in (0, 1):
            fails.append(f"gradcheck ({label}) rc={r.returncode} verdict={verdict}: {r.stderr.strip()[:200]}")
            continue
        nparam = len(list(make_torch(spec).named_parameters()))
        if len(rows) != nparam:
            fails.append(f"gradcheck ({label}) reported {len(rows)} tensors, model has {nparam}")
        # loss line vs PyTorch
        import re
        m = re.search(r"loss: (\S+) \(float32\), (\S+) \(float64\)", r.stdout)
        if m:
            model = torch_model(ctx, ctx.init)
            tl = mean_loss(ctx, model, 1, data=data).item()
            l64 = float(m[2])
            # (1e-7: the model's epsilons are f32 attributes)
            if abs(l64 - tl) > 1e-7 * max(abs(tl), 1e-3) + 1e-12:
                # the f64 loss runs on float32 weights and inputs: same as torch's
                fails.append(f"gradcheck ({label}) float64 loss {l64!r} vs PyTorch {tl!r}")
        for row in rows:
            if row["ok"]:
                continue
            g, fd, sens, G = torch_grad_fd(ctx, data, row["name"], row["elem"])
            a, n_ = row["a"], row["n"]
            sc = max(abs(g), abs(fd), 1e-6)
            a_ok = abs(a - g) <= 1e-4 * sc + 1e-7
            n_ok = abs(n_ - fd) <= 1e-4 * max(abs(fd), 1e-6) + 1e-7
            torch_kink = abs(fd - g) > 1e-3 * sc
            what = (f"gradcheck ({label}) FAIL {row['name']}[{row['elem']}] err {row['err']:.2e}: "
                    f"analytic {a:.9g} numeric {n_:.9g}; PyTorch grad {g:.9g} fd {fd:.9g} (f32/perturbed: ±{sens:.2g}), "
                    f"largest gradient {G:.3g}")
            if a_ok and n_ok and torch_kink and kinky(spec):
                ctx.info.setdefault("excused", []).append("kink: " + what)
            elif n_ok and abs(a - g) <= max(10 * sens, 1e-6 * G):
                # float32 round-off of a gradient that cancels (PyTorch's
                # float32 gradient is as far off, or the error is below
                # float32 resolution of the largest gradient): a false alarm
                ctx.warn.append("gradcheck false alarm: " + what)
            else:
                fails.append(what)
    # a failure must be reported as one
    r = run([ctx.exe, "gradcheck", "--load", ctx.work / "init.safetensors", "--data", ctx.dd,
             "--tolerance", "1e-12", "--threads", ctx.threads])
    rows, verdict = parse_gradcheck(r.stdout)
    if any(x["err"] > 1e-12 for x in rows) and (verdict != "FAIL" or r.returncode != 1):
        fails.append(f"gradcheck --tolerance 1e-12: verdict {verdict} rc {r.returncode}")
    return fails


class Recorder:
    """Records (kind, pre, post) of every activation call of rm.Net.forward."""

    def __init__(self):
        self.rows = []
        self.realF, self.realT = rm.F, rm.torch
        rec = self

        class FProxy:
            def __getattr__(self, k):
                return getattr(rec.realF, k)

            def relu(self, a):
                return rec.add("relu", a, rec.realF.relu(a))

            def leaky_relu(self, a, alpha):
                return rec.add("leaky_relu", a, rec.realF.leaky_relu(a, alpha))

            def elu(self, a, alpha):
                return rec.add("elu", a, rec.realF.elu(a, alpha))

        class TProxy:
            def __getattr__(self, k):
                return getattr(rec.realT, k)

            def sigmoid(self, a):
                return rec.add("sigmoid", a, rec.realT.sigmoid(a))

            def tanh(self, a):
                return rec.add("tanh", a, rec.realT.tanh(a))

        self.fp, self.tp = FProxy(), TProxy()

    def add(self, kind, pre, post):
        self.rows.append((kind, pre, post))
        return post

    def __enter__(self):
        rm.F, rm.torch = self.fp, self.tp
        return self

    def __exit__(self, *a):
        rm.F, rm.torch = self.realF, self.realT


def stats(pre, post, kind):
    z = pre.reshape(pre.shape[0], -1).astype(np.float64)
    a = post.reshape(post.shape[0], -1).astype(np.float64)
    n = z.shape[0]
    mu = z.mean(0)
    var = ((z - mu) ** 2).sum()
    ms = (z ** 2).sum()

    def cos(m):
        if n < 2:
            return 0.0
        nr = np.linalg.norm(m, axis=1)
        u = np.where(nr[:, None] > 0, m / np.where(nr > 0, nr, 1)[:, None], 0)
        G = u @ u.T
        return (G.sum() - np.trace(G)) / (n * (n - 1))
    dead = None
    if kind == "relu":
        dead = float(np.mean(~(z > 0).any(0)))
    return {"variance": var / z.size, "variance_ratio": var / ms if ms > 0 else 0.0,
            "cosine": cos(a), "cosine_pre": cos(z), "dead_fraction": dead}


def check_diagnose(ctx):
    fails = []
    spec, B = ctx.spec, ctx.spec["batch"]
    nb = 2 if ctx.rr.random() < 0.4 else 1
    out = ctx.work / "diag.json"
    r = run([ctx.exe, "diagnose", "--data", ctx.dd, "--load", ctx.work / "init.safetensors",
             "--batch-size", nb * B, "--json", out, "--threads", ctx.threads])
    if r.returncode != 0:
        return [f"diagnose rc={r.returncode}: {r.stderr.strip()[:300]}"]
    j = json.loads(out.read_text())
    model = torch_model(ctx, ctx.init)
    layers = []
    loss = 0
    per_batch = []
    with Recorder() as rec:
        for b in range(nb):
            rec.rows = []
            x, y = xy(ctx, b * B, (b + 1) * B)
            o = model(x)
            loss = loss + rm.loss_fn(spec, o, y) / nb
            per_batch.append(rec.rows + [("output", o, o)])
    for k in range(len(per_batch[0])):
        kind = per_batch[0][k][0]
        pre = np.concatenate([pb[k][1].detach().numpy() for pb in per_batch])
        post = np.concatenate([pb[k][2].detach().numpy() for pb in per_batch])
        layers.append((kind, pre, post))
    params = dict(model.named_parameters())
    grads = torch.autograd.grad(loss, list(params.values()), allow_unused=True)
    gn = {k: (g.norm().item() if g is not None else 0.0) for k, g in zip(params, grads)}
    if abs(j["loss"] - loss.item()) > 1e-5 * max(abs(loss.item()), 1e-3):
        fails.append(f"diagnose loss {j['loss']:.9g} vs PyTorch {loss.item():.9g}")
    kinds = [l["kind"] for l in j["layers"]]
    tkinds = [l[0] for l in layers]
    if kinds != tkinds:
        return fails + [f"diagnose layers {kinds} vs PyTorch {tkinds}"]
    worst = 0.0
    for l, (kind, pre, post) in zip(j["layers"], layers):
        s = stats(pre, post, kind)
        if l["units"] != int(np.prod(pre.shape[1:])):
            fails.append(f"layer {l['index']} units {l['units']} vs {int(np.prod(pre.shape[1:]))}")
        for key in ("variance", "variance_ratio", "cosine", "cosine_pre"):
            a, b = l[key], s[key]
            if a is None:
                fails.append(f"layer {l['index']} ({l['name']}) {key} null")
                continue
            floor = {"variance": 1e-6 * (np.mean(pre.astype(np.float64) ** 2) + 1e-30),
                     "variance_ratio": 1e-6}.get(key, 2e-6)
            e = abs(a - b) / max(abs(b), floor / 1e-4)
            worst = max(worst, e)
            if e > 1e-4:
                fails.append(f"layer {l['index']} ({l['name']}, {kind}) {key} {a:.9g} vs PyTorch {b:.9g}")
        if (l["dead_fraction"] is None) != (s["dead_fraction"] is None):
            fails.append(f"layer {l['index']} dead_fraction {l['dead_fraction']} vs {s['dead_fraction']}")
        elif s["dead_fraction"] is not None and abs(l["dead_fraction"] - s["dead_fraction"]) > 1e-12:
            z = pre.reshape(pre.shape[0], -1)
            d = abs(l["dead_fraction"] - s["dead_fraction"]) * z.shape[1]
            near = np.sum(np.abs(z.max(0)) < 1e-5 * (np.abs(z).max() + 1e-30))
            if d > near:
                fails.append(f"layer {l['index']} dead_fraction {l['dead_fraction']} vs {s['dead_fraction']}")
    ctx.info["diag_err"] = worst
    jg = {g["name"]: g["norm"] for g in j["gradients"]}
    if set(jg) != set(gn):
        fails.append(f"diagnose gradients {sorted(jg)} vs {sorted(gn)}")
    top = max(list(gn.values()) + [1e-30])
    m32 = torch_model(ctx, ctx.init, torch.float32)
    l32 = mean_loss(ctx, m32, nb, torch.float32)
    p32 = dict(m32.named_parameters())
    g32 = torch.autograd.grad(l32, list(p32.values()), allow_unused=True)
    gn32 = {k: (g.norm().item() if g is not None else 0.0) for k, g in zip(p32, g32)}
    for k in gn:
        if k in jg:
            e = abs(jg[k] - gn[k])
            if e > max(1e-4 * gn[k], 1e-6 * top, 30 * abs(gn32[k] - gn[k])):
                what = (f"grad norm {k} {jg[k]:.9g} vs PyTorch {gn[k]:.9g} (PyTorch f32 {gn32[k]:.9g}, "
                        f"largest {top:.3g})")
                (ctx.warn if e <= 1e-5 * top else fails).append(what)
    # curvature rows = `hessian` with the same options and samples
    if nb == 1 and getattr(ctx, "hdef", None):
        c = j["curvature"]
        for key in ("hessian_top_eigenvalue", "hessian_trace"):
            if c[key] != ctx.hdef[key]:
                fails.append(f"diagnose {key} {c[key]} vs hessian {ctx.hdef[key]}")
    return fails


def trainable_names(ctx):
    return [k for k, _ in make_torch(ctx.spec).named_parameters()]


def selected(name, sel):
    return any(name == s or name.startswith(s + ".") for s in sel)


def check_reinit(ctx):
    fails = []
    spec = ctx.spec
    pn = [n["name"] for n in spec["nodes"] if rm.params_of(n) or n.get("gram")]
    if not pn:
        return []
    R = ctx.rr.choice(pn)
    names = list(ctx.offsets)
    cand = [k for k in trainable_names(ctx) if not selected(k, [R])]
    Fz = ctx.rr.sample(cand, min(len(cand), ctx.rr.randint(0, 2)))
    init = ctx.work / "init.safetensors"
    common = ["--data", ctx.dd, "--no-shuffle", "--threads", ctx.threads, "--seed", 5]
    # the re-initialized start: one step with a learning rate too small to move
    r = run([ctx.exe, "train", "--init-from", init, "--reinit", R, "--steps", 1, "--lr", "1e-30",
             "--clip", 0, "--save", ctx.work / "s0.safetensors"] + common)
    if r.returncode != 0:
        return [f"train --reinit {R} rc={r.returncode}: {r.stderr.strip()[:300]}"]
    r = run([ctx.exe, "train", "--steps", 1, "--lr", "1e-30", "--clip", 0,
             "--save", ctx.work / "fresh.safetensors"] + common)
    if r.returncode != 0:
        return [f"train (fresh) rc={r.returncode}: {r.stderr.strip()[:300]}"]
    s0, fresh = load_safetensors(ctx.work / "s0.safetensors"), load_safetensors(ctx.work / "fresh.safetensors")
    start = {}
    trn = set(trainable_names(ctx))
    for k in names:
        if k in trn:
            # a value of exactly 0 moves by 1e-30·g in that step
            got = np.where(np.abs(s0[k]) < 1e-20, 0, s0[k]).astype(np.float32)
            want = np.where(np.abs(fresh[k]) < 1e-20, 0, fresh[k]) if selected(k, [R]) else ctx.init[k]
            if not np.array_equal(got, want):
                fails.append(f"--reinit {R}: {k} is not the {'fresh initialization' if selected(k, [R]) else 'checkpoint value'}")
            start[k] = got
        else:  # buffers: running statistics, re-initialized to constants when selected
            start[k] = (np.zeros_like(ctx.init[k]) if k.endswith("running_mean") else np.ones_like(ctx.init[k])) \
                if selected(k, [R]) else ctx.init[k]
    if fails:
        return fails
    steps, lr = spec["steps"], spec["lr"]
    cmd = [ctx.exe, "train", "--init-from", init, "--reinit", R, "--steps", steps, "--lr", lr,
           "--clip", spec["clip"], "--save", ctx.work / "rf.safetensors",
           "--metrics", ctx.work / "rf.jsonl", "--log-every", 1] + common
    if Fz:
        cmd += ["--freeze", ",".join(Fz)]
    r = run(cmd)
    (ctx.work / "reinit-cmd.txt").write_text(" ".join(map(str, cmd)) + "\n")
    sp = dict(spec, freeze=Fz)
    st = {k: torch.from_numpy(np.array(v)) for k, v in start.items()}
    m64, l64, _ = rm.torch_train(sp, st, ctx.data, torch.float64)
    diverged = not all(math.isfinite(x) for x in l64) or max(map(abs, l64)) > 1e4 * max(abs(l64[0]), 1e-3)
    if r.returncode != 0:
        if diverged and "non-finite" in r.stderr:
            ctx.info["reinit"] = "diverged in both"
            return fails
        return [f"train --reinit --freeze rc={r.returncode}: {r.stderr.strip()[:300]}"]
    ours = load_safetensors(ctx.work / "rf.safetensors")
    for k in Fz:
        if not np.array_equal(ours[k], start[k]):
            fails.append(f"frozen {k} changed")
    recs = [json.loads(l) for l in (ctx.work / "rf.jsonl").read_text().splitlines()]
    losses = [x["loss"] for x in recs if "loss" in x and "train_loss" not in x]
    if diverged:
        ctx.info["reinit"] = "diverged"
        return fails
    le = rm.relerr_seq(losses, l64)
    th = rm.state_of(m64)
    we = max(tensor_err(ours[k], th[k].numpy()) for k in th)
    ctx.info["reinit_loss_err"], ctx.info["reinit_w_err"] = le, we
    if le > 1e-5 or we > 1e-4:
        m32, l32, _ = rm.torch_train(sp, st, ctx.data, torch.float32)
        s32 = rm.state_of(m32)
        e32l = rm.relerr_seq(l32, l64)
        e32w = max(tensor_err(s32[k].numpy(), th[k].numpy()) for k in th)
        if le > max(10 * e32l, 1e-5) or we > max(10 * e32w, 1e-4):
            fails.append(f"--reinit {R} --freeze {','.join(Fz) or '-'}: loss err {le:.1e} weight err "
                         f"{we:.1e} (PyTorch f32: {e32l:.1e}, {e32w:.1e})")
        else:
            ctx.info.setdefault("excused", []).append(f"reinit train {le:.1e}/{we:.1e}")
    return fails


def check_noise(ctx):
    fails = []
    spec = ctx.spec
    eps = 1e-4
    trn = trainable_names(ctx)
    Fz = ctx.rr.sample(trn, 1) if len(trn) > 1 and ctx.rr.random() < 0.5 else []
    lr = spec["lr"]
    common = ["--data", ctx.dd, "--no-shuffle", "--threads", ctx.threads, "--seed", 11,
              "--lr", lr, "--clip", spec["clip"], "--noise", eps]
    if Fz:
        common += ["--freeze", ",".join(Fz)]
    a, b = ctx.work / "n1.safetensors", ctx.work / "n2.safetensors"
    r = run([ctx.exe, "train", "--init-from", ctx.work / "init.safetensors", "--steps", 1,
             "--save", a] + common)
    if r.returncode != 0:
        return [f"train --noise rc={r.returncode}: {r.stderr.strip()[:300]}"]
    shutil.copy(a, b)
    r = run([ctx.exe, "train", "--resume", b, "--steps", 2, "--save", b,
             "--threads", ctx.threads, "--data", ctx.dd])
    if r.returncode != 0:
        return [f"train --resume (noise) rc={r.returncode}: {r.stderr.strip()[:300]}"]
    wa, wb = load_safetensors(a), load_safetensors(b)
    B = spec["batch"]
    zs = []
    for k, (before, after) in enumerate(((ctx.init, wa), (wa, wb))):
        sp = dict(spec, freeze=Fz, steps=1, ntrain=B)
        d = {"train-x": ctx.data["train-x"][k * B:(k + 1) * B], "train-y": ctx.data["train-y"][k * B:(k + 1) * B]}
        m, l, _ = rm.torch_train(sp, {n: torch.from_numpy(np.array(v)) for n, v in before.items()}, d,
                                 torch.float64)
        th = rm.state_of(m)
        move = max(np.abs(th[n].numpy() - np.asarray(before[n], np.float64)).max() for n in th if n in trn)
        if not all(map(math.isfinite, l)) or move * 1e-5 > 0.01 * math.sqrt(eps):
            ctx.info["noise"] = f"step {k + 1} moves {move:.2g}: noise not resolvable"
            return fails
        z = {}
        for n in th:
            diff = (after[n].astype(np.float64) - th[n].numpy()) / math.sqrt(eps)
            if n in Fz:
                if not np.array_equal(after[n], before[n]):
                    fails.append(f"frozen {n} changed under --noise (step {k + 1})")
            elif n in trn:
                z[n] = diff.reshape(-1)
            else:  # buffers: no noise, deterministic
                if np.abs(diff).max() * math.sqrt(eps) > 1e-5 * (np.abs(th[n].numpy()).max() + 1):
                    fails.append(f"buffer {n} off by {np.abs(diff).max() * math.sqrt(eps):.2e} under --noise")
        zs.append(z)
    allz = np.concatenate([np.concatenate(list(z.values())) for z in zs]) if zs[0] else np.zeros(0)
    n = allz.size
    ctx.noise_samples = allz
    if n >= 20:
        mean, var = allz.mean(), allz.var()
        ctx.info["noise_mean"], ctx.info["noise_var"] = mean, var
        if abs(mean) > 5 / math.sqrt(n):
            fails.append(f"noise mean {mean:.3f} over {n} (5 sigma {5 / math.sqrt(n):.3f})")
        if abs(var - 1) > 5 * math.sqrt(2 / n) + 0.02:
            fails.append(f"noise variance {var:.3f} (x eps) over {n}")
        z1 = np.concatenate(list(zs[0].values()))
        z2 = np.concatenate(list(zs[1].values()))
        c = np.corrcoef(z1, z2)[0, 1]
        if abs(c) > 5 / math.sqrt(z1.size) + 0.05:
            fails.append(f"noise of steps 1 and 2 correlated ({c:.3f})")
        names = list(zs[0])
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                u, v = zs[0][names[i]], zs[0][names[j]]
                m_ = min(u.size, v.size)
                if m_ >= 4 and np.allclose(u[:m_], v[:m_], atol=1e-3):
                    fails.append(f"same noise in {names[i]} and {names[j]}")
    return fails


def check_uint8(ctx):
    fails = []
    spec = ctx.spec
    rng = np.random.default_rng(spec["curv_seed"] + 99)
    d8, d32 = ctx.work / "u8", ctx.work / "f32"
    d8.mkdir(exist_ok=True)
    d32.mkdir(exist_ok=True)
    ints = {}
    for split in ("train", "test"):
        xs = ctx.data[f"{split}-x"]
        u = rng.integers(0, 256, xs.shape).astype(np.uint8)
        np.save(d8 / f"{split}-x.npy", u)
        np.save(d32 / f"{split}-x.npy", u.astype(np.float32) / np.float32(255))
        y = ctx.data[f"{split}-y"]
        if spec["loss"] == "ce":
            np.save(d8 / f"{split}-y.npy", y.astype(ctx.rr.choice([np.uint8, np.int64])))
            np.save(d32 / f"{split}-y.npy", y.astype(np.int32))
        else:
            np.save(d8 / f"{split}-y.npy", y)
            np.save(d32 / f"{split}-y.npy", y)
        ints[split] = u
    res = {}
    for tag, d in (("u8", d8), ("f32", d32)):
        r = run([ctx.exe, "train", "--data", d, "--init-from", ctx.work / "init.safetensors",
                 "--steps", spec["steps"], "--no-shuffle", "--lr", spec["lr"], "--clip", spec["clip"],
                 "--save", ctx.work / f"{tag}.safetensors", "--metrics", ctx.work / f"{tag}.jsonl",
                 "--log-every", 1, "--threads", ctx.threads])
        if r.returncode != 0:
            res[tag] = r.stderr
            if tag == "u8":
                continue
            if res.get("u8") == r.stderr and "non-finite" in r.stderr:
                ctx.info["u8"] = "both diverged alike"
                return fails
            return [f"train ({tag} data) rc={r.returncode}: {r.stderr.strip()[:300]}"]
        if tag == "f32" and isinstance(res.get("u8"), str):
            return [f"train (u8 data) failed, f32 did not: {res['u8'].strip()[:300]}"]
        pin = ctx.work / f"pin-{tag}.npy"
        np.save(pin, np.load(d / "test-x.npy"))
        r2 = run([ctx.exe, "predict", "--load", ctx.work / f"{tag}.safetensors", "--input", pin,
                  "--output", ctx.work / f"pred-{tag}.npy", "--threads", ctx.threads])
        if r2.returncode != 0:
            return [f"predict ({tag} input) rc={r2.returncode}: {r2.stderr.strip()[:300]}"]
        res[tag] = (load_safetensors(ctx.work / f"{tag}.safetensors"),
                    [l for l in (ctx.work / f"{tag}.jsonl").read_text().splitlines()],
                    np.load(ctx.work / f"pred-{tag}.npy"), r.stdout)
    w8, m8, p8, o8 = res["u8"]
    w32, m32, p32, o32 = res["f32"]
    strip = lambda ls: [{k: v for k, v in json.loads(l).items() if k not in ("samples_per_s", "wall_s")} for l in ls]
    if strip(m8) != strip(m32):
        fails.append("uint8 and float32 data: metrics differ")
    diff = [k for k in w8 if not np.array_equal(w8[k], w32[k])]
    if diff:
        fails.append(f"uint8 and float32 data: weights differ in {','.join(diff[:3])}")
    if not np.array_equal(p8, p32):
        fails.append(f"predict on uint8 vs float32 input differs (max {np.abs(p8 - p32).max():.2e})")
    # and the float32 run is PyTorch's on x/255
    d = {"train-x": np.load(d32 / "train-x.npy"), "train-y": ctx.data["train-y"]}
    m64, l64, _ = rm.torch_train(spec, {k: torch.from_numpy(np.array(v)) for k, v in ctx.init.items()}, d,
                                 torch.float64)
    losses = [json.loads(l)["loss"] for l in m32 if '"loss"' in l and "train_loss" not in l]
    # the first step's loss (the forward pass on x/255; later steps are
    # random_models.py's business)
    le = rm.relerr_seq(losses[:1], l64[:1])
    ctx.info["u8_loss_err"] = le
    if le > 1e-5 and all(map(math.isfinite, l64)):
        _, l32, _ = rm.torch_train(spec, {k: torch.from_numpy(np.array(v)) for k, v in ctx.init.items()}, d,
                                   torch.float32)
        if le > 10 * rm.relerr_seq(l32[:1], l64[:1]):
            fails.append(f"float32 x/255 training: first loss err {le:.1e} vs PyTorch")
    return fails


# ----------------------------------------------------------------------------
# One seed
# ----------------------------------------------------------------------------

def check_seed(seed, nnc, work, only):
    spec = curv_spec(seed)
    ctx = Ctx()
    ctx.spec, ctx.work, ctx.info, ctx.warn = spec, work, {}, []
    ctx.rr = random.Random(f"checks-{seed}")
    ctx.threads = spec.get("threads", 1)
    work.mkdir(parents=True, exist_ok=True)
    (work / "spec.json").write_text(json.dumps(spec, indent=1))
    (work / "model.mlir").write_text(emit(spec))
    out_shape = spec["nodes"][spec["output"] - 1]["out"]
    ctx.data = rm.make_data(spec, out_shape)
    ctx.dd = work / "data"
    ctx.dd.mkdir(exist_ok=True)
    for k, v in ctx.data.items():
        np.save(ctx.dd / f"{k}.npy", v)
    torch.set_num_threads(1)
    ctx.init = {k: v.numpy() for k, v in rm.state_of(make_torch(spec)).items()}
    save_safetensors(work / "init.safetensors", {k: torch.from_numpy(v) for k, v in ctx.init.items()})
    ctx.exe = work / "model"
    r = run([nnc, work / "model.mlir", "--gradcheck", "-o", ctx.exe], timeout=600)
    ctx.info["compile_s"] = round(r.wall, 1)
    if r.returncode != 0:
        return "FAIL", [f"compile rc={r.returncode}: {(r.stderr or r.stdout).strip()[:300]}"], ctx.info
    layout, ctx.size = state_layout(str(ctx.exe))
    ctx.offsets = {n: (o, c) for n, o, c in layout}
    if set(ctx.offsets) != set(ctx.init):
        return "FAIL", [f"state tensors {sorted(ctx.offsets)} vs {sorted(ctx.init)}"], ctx.info
    fails = []
    for name in CHECKS:
        if only and name not in only:
            continue
        try:
            f = globals()[f"check_{name}"](ctx)
        except Exception as e:  # noqa
            f = [f"{name}: harness exception {e!r}"]
            traceback.print_exc()
        fails += [f"[{name}] {x}" for x in f]
    ctx.info["warn"] = ctx.warn
    NOISE.append(getattr(ctx, "noise_samples", np.zeros(0)))
    return ("FAIL" if fails else "PASS"), fails, ctx.info


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="0-9")
    ap.add_argument("--seed-list", default="")
    ap.add_argument("--nnc", default="build/bin/nnc")
    ap.add_argument("--workdir", default="/tmp/fuzz-curv/work")
    ap.add_argument("--only", default="", help="comma list of " + ",".join(CHECKS))
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    nnc = os.path.abspath(args.nnc)
    if args.seed_list:
        seeds = [int(s) for s in args.seed_list.split(",")]
    else:
        a, _, b = args.seeds.partition("-")
        seeds = range(int(a), int(b or a) + 1)
    only = [x for x in args.only.split(",") if x]
    passed = failed = 0
    for seed in seeds:
        d = Path(args.workdir) / f"seed{seed}"
        if d.exists():
            shutil.rmtree(d)
        t0 = time.time()
        try:
            verdict, fails, info = check_seed(seed, nnc, d, only)
        except Exception as e:  # noqa
            traceback.print_exc()
            verdict, fails, info = "FAIL", [f"harness exception {e!r}"], {}
        short = {k: (f"{v:.2e}" if isinstance(v, float) else v) for k, v in info.items()}
        warn = info.pop("warn", []) if isinstance(info, dict) else []
        if warn:
            short.pop("warn", None)
            short["warnings"] = len(warn)
        print(f"seed {seed}: {verdict} ({time.time() - t0:.0f}s) {'; '.join(fails)}"
              f"{' WARN: ' + ' | '.join(warn) if warn else ''} "
              f"[{describe(curv_spec(seed))}] {short}", flush=True)
        if verdict == "PASS":
            passed += 1
            if not args.keep:
                shutil.rmtree(d, ignore_errors=True)
        else:
            failed += 1
    z = np.concatenate(NOISE) if NOISE else np.zeros(0)
    if z.size > 100:
        zs = np.sort(z)
        cdf = 0.5 * (1 + np.vectorize(math.erf)(zs / math.sqrt(2)))
        ks = np.max(np.abs(cdf - (np.arange(1, z.size + 1) - 0.5) / z.size))
        kurt = np.mean((z - z.mean()) ** 4) / z.var() ** 2
        print(f"noise pooled over seeds: n={z.size} mean {z.mean():.4f} var {z.var():.4f} "
              f"kurtosis {kurt:.3f} KS {ks:.4f} (5% critical {1.36 / math.sqrt(z.size):.4f})")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
