#!/usr/bin/python3
"""Random differential testing of nnc against PyTorch.

From an integer seed, builds a random small network (dense, conv2d, pooling,
normalization layers, weight norm, residual adds, activations, a CE or MSE
loss), writes it both as an `nn` dialect model and as a torch.nn module,
makes a small random `.npy` data set, compiles the model with nnc, trains it
for a few unshuffled SGD steps in both (PyTorch in float64, from the same
float32 initial weights), and compares the per-step losses and gradient
norms, the final tensors (BatchNorm running statistics included), and
`predict` / `eval` on the test set against PyTorch's model.eval().

random_models.py --seeds A-B [--nnc build/bin/nnc] [--workdir DIR]
                 [--keep] [--verbose] [--seed-list 3,7,...]

Prints one line per seed and `N passed, N failed` at the end. A seed whose
network has kinks (ReLU family, max pooling) is compared with PyTorch's own
float32 run too: a loss or weight difference no larger than a few times the
float32-vs-float64 distance of PyTorch is blamed on a kink decided by
rounding, not reported.

A spec can also be written as JSON (`--dump-spec`) and replayed
(`--spec FILE`), which is how findings are shrunk.
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

from agreement import load_safetensors, save_safetensors

ACTS = ["relu", "sigmoid", "tanh", "leaky_relu", "elu"]
KINKY_ACTS = {"relu", "leaky_relu"}


# ----------------------------------------------------------------------------
# Random specs
# ----------------------------------------------------------------------------

def conv_out(n, k, s, p, d):
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def pool_out(n, k, s, p):
    return (n + 2 * p - k) // s + 1


def random_spec(seed, profile="mixed"):
    r = random.Random(seed if profile == "mixed" else f"{profile}-{seed}")
    spec = {"seed": seed, "profile": profile}
    big = r.random() < 0.3 or profile == "big"
    huge = big and (r.random() < 0.3 or profile == "big")
    spec["big"] = big
    spec["huge"] = huge
    B = r.choice([1, 2, 2, 3, 4, 5, 7, 8] + ([16, 13, 32, 64, 33] if big else []))
    spec["batch"] = B
    image = r.random() < 0.6
    if image:
        if huge:
            shape = [B, r.randint(1, 20), r.randint(8, 33), r.randint(8, 33)]
        elif big:
            shape = [B, r.randint(1, 8), r.randint(3, 17), r.randint(3, 17)]
        else:
            shape = [B, r.randint(1, 3), r.randint(3, 9), r.randint(3, 9)]
    else:
        shape = [B, r.randint(2, 40 if big else 12)]
    maxc = 40 if huge else 20 if big else 5
    maxf = 300 if huge else 40 if big else 10
    maxelems = 20000 if huge else 3000 if big else 400
    if huge and not image:
        shape[1] = r.randint(40, 300)
    spec["input"] = shape
    loss = r.choice(["ce", "ce", "mse", "mse_sum"])
    spec["loss"] = loss
    nodes = []       # each: dict(op, name?, inputs=[value idx], attrs, out shape)
    vals = [shape]   # value shapes; value 0 is the input
    counter = [0]

    def fresh(prefix):
        counter[0] += 1
        return f"{prefix}{counter[0]}"

    def add(op, ins, out, **attrs):
        nodes.append({"op": op, "in": ins, "out": list(out), **attrs})
        vals.append(list(out))
        return len(vals) - 1

    cur = 0
    nlayers = r.randint(1, 8 if big else 6)
    for _ in range(nlayers):
        s = vals[cur]
        if len(s) == 4:
            N, C, H, W = s
            choices = ["conv", "conv", "maxpool", "avgpool", "bn", "gn", "in",
                       "ln", "act", "act", "res", "wnconv", "flatten", "convbn", "convbn", "branch", "selfadd"]
        else:
            N, Fdim = s
            choices = ["dense", "dense", "wndense", "ln", "act", "act", "res", "gn",
                       "branch", "tied", "selfadd", "flatten"]
            if N >= 2:
                choices += ["bn", "densebn", "densebn"]
        op = r.choice(choices)
        if op in ("conv", "wnconv"):
            for _try in range(20):
                kh, kw = r.randint(1, 3), r.randint(1, 3)
                sh, sw = r.choice([1, 1, 2, 3]), r.choice([1, 1, 2])
                ph, pw = r.randint(0, 2), r.randint(0, 2)
                dh, dw = r.choice([1, 1, 2]), r.choice([1, 1, 2])
                Ho, Wo = conv_out(H, kh, sh, ph, dh), conv_out(W, kw, sw, pw, dw)
                if Ho >= 1 and Wo >= 1 and Ho * Wo * C <= maxelems:
                    break
            else:
                continue
            co = r.randint(1, maxc)
            cur = add(op, [cur], [N, co, Ho, Wo], name=fresh("conv"), cin=C,
                      k=[kh, kw], stride=[sh, sw], pad=[ph, pw], dil=[dh, dw],
                      bias=r.random() < 0.7)
        elif op in ("maxpool", "avgpool"):
            for _try in range(20):
                kh, kw = r.randint(1, 3), r.randint(1, 3)
                st = r.choice([None, [r.randint(1, 3), r.randint(1, 3)]])
                sh, sw = st if st else (kh, kw)
                ph, pw = r.randint(0, kh // 2), r.randint(0, kw // 2)
                Ho, Wo = pool_out(H, kh, sh, ph), pool_out(W, kw, sw, pw)
                if Ho >= 1 and Wo >= 1:
                    break
            else:
                continue
            cur = add(op, [cur], [N, C, Ho, Wo], k=[kh, kw], stride=st, pad=[ph, pw])
        elif op == "bn":
            if len(s) == 4 and N * s[2] * s[3] < 2:
                continue
            cur = add("bn", [cur], s, name=fresh("bn"), C=s[1],
                      momentum=r.choice([0.1, 0.1, 0.3, 0.9, 1.0, 0.0]),
                      eps=r.choice([1e-5, 1e-5, 1e-3, 0.1]))
        elif op == "gn":
            C = s[1]
            divs = [g for g in range(1, C + 1) if C % g == 0]
            g = r.choice(divs)
            elems = (C // g) * (s[2] * s[3] if len(s) == 4 else 1)
            if elems < 2:
                continue
            cur = add("gn", [cur], s, name=fresh("gn"), C=C, groups=g,
                      affine=r.random() < 0.6, eps=r.choice([1e-5, 1e-3]))
        elif op == "in":
            if s[2] * s[3] < 2:
                continue
            cur = add("in", [cur], s, name=fresh("inorm"), C=s[1],
                      affine=r.random() < 0.5, eps=r.choice([1e-5, 1e-3]))
        elif op == "ln":
            if len(s) == 4:
                k = r.choice([1, 2, 3])
            else:
                k = 1
            nshape = s[len(s) - k:]
            if int(np.prod(nshape)) < 2:
                continue
            cur = add("ln", [cur], s, name=fresh("ln"), nshape=nshape,
                      eps=r.choice([1e-5, 1e-3]))
        elif op == "act":
            a = r.choice(ACTS)
            attrs = {}
            if a == "leaky_relu":
                attrs["alpha"] = r.choice([0.01, 0.2, 0.0])
            if a == "elu":
                attrs["alpha"] = r.choice([1.0, 0.5, 2.0])
            cur = add(a, [cur], s, **attrs)
        elif op == "res":
            start = cur
            if len(s) == 4:
                k = r.choice([1, 3])
                h = add("conv", [cur], s, name=fresh("conv"), cin=s[1], k=[k, k],
                        stride=[1, 1], pad=[k // 2, k // 2], dil=[1, 1],
                        bias=r.random() < 0.7)
            else:
                h = add("dense", [cur], s, name=fresh("fc"), fin=s[1],
                        bias=r.random() < 0.7)
            a = r.choice(ACTS)
            attrs = {"alpha": 0.1} if a in ("leaky_relu", "elu") else {}
            h = add(a, [h], s, **attrs)
            cur = add("add", [start, h] if r.random() < 0.5 else [h, start], s)
        elif op == "selfadd":
            cur = add("add", [cur, cur], s)
        elif op == "branch":
            if len(s) == 4:
                co = r.randint(1, maxc)
                hs = []
                for k in r.sample([1, 3, 5], 2):
                    h = add("conv", [cur], [N, co, H, W], name=fresh("conv"), cin=C, k=[k, k],
                            stride=[1, 1], pad=[k // 2, k // 2], dil=[1, 1],
                            bias=r.random() < 0.5)
                    if r.random() < 0.5 and N * H * W >= 2:
                        h = add("bn", [h], [N, co, H, W], name=fresh("bn"), C=co,
                                momentum=0.1, eps=1e-5)
                    hs.append(h)
            else:
                out = r.randint(1, maxf)
                hs = []
                for _b in range(2):
                    h = add("dense", [cur], [N, out], name=fresh("fc"), fin=Fdim,
                            bias=r.random() < 0.5)
                    if r.random() < 0.5 and N >= 2:
                        h = add("bn", [h], [N, out], name=fresh("bn"), C=out,
                                momentum=0.1, eps=1e-5)
                    hs.append(h)
            cur = add("add", hs, vals[hs[0]])
        elif op == "tied":
            first = add("dense", [cur], s, name=fresh("fc"), fin=Fdim, bias=r.random() < 0.6)
            a = r.choice(["tanh", "sigmoid", "elu"])
            h = add(a, [first], s, **({"alpha": 1.0} if a == "elu" else {}))
            cur = add("dense", [h], s, name=nodes[first - 1]["name"], fin=Fdim,
                      bias=nodes[first - 1]["bias"], tied=True)
        elif op == "flatten":
            cur = add("flatten", [cur], [s[0], int(np.prod(s[1:]))])
        elif op in ("dense", "wndense"):
            out = r.randint(1, maxf)
            cur = add(op, [cur], [N, out], name=fresh("fc"), fin=Fdim,
                      bias=r.random() < 0.7)
        elif op == "densebn":
            out = r.randint(1, maxf)
            h = add("dense", [cur], [N, out], name=fresh("fc"), fin=Fdim,
                    bias=r.random() < 0.7)
            h = add("bn", [h], [N, out], name=fresh("bn"), C=out,
                    momentum=r.choice([0.1, 0.1, 0.3, 1.0]), eps=r.choice([1e-5, 1e-5, 1e-3]))
            if r.random() < 0.8:
                a = r.choice(ACTS)
                attrs = {"alpha": r.choice([0.1, 0.3] if a == "leaky_relu" else [0.1, 1.0])} \
                    if a in ("leaky_relu", "elu") else {}
                h = add(a, [h], [N, out], **attrs)
            cur = h
        elif op == "convbn":
            k = r.choice([1, 3, 3, 5])
            st = r.choice([1, 1, 2])
            p = r.choice([0, k // 2])
            Ho, Wo = conv_out(H, k, st, p, 1), conv_out(W, k, st, p, 1)
            if Ho < 1 or Wo < 1 or N * Ho * Wo < 2:
                continue
            co = r.randint(1, maxc)
            h = add("conv", [cur], [N, co, Ho, Wo], name=fresh("conv"), cin=C, k=[k, k],
                    stride=[st, st], pad=[p, p], dil=[1, 1], bias=r.random() < 0.6)
            h = add("bn", [h], [N, co, Ho, Wo], name=fresh("bn"), C=co,
                    momentum=r.choice([0.1, 0.1, 0.3, 1.0]), eps=r.choice([1e-5, 1e-5, 1e-3]))
            if r.random() < 0.8:
                a = r.choice(ACTS)
                attrs = {"alpha": r.choice([0.1, 0.3] if a == "leaky_relu" else [0.1, 1.0])} \
                    if a in ("leaky_relu", "elu") else {}
                h = add(a, [h], [N, co, Ho, Wo], **attrs)
            cur = h
    # head
    s = vals[cur]
    if loss == "ce":
        K = r.randint(2, 10 if big else 5)
        if len(s) == 4:
            cur = add("flatten", [cur], [s[0], int(np.prod(s[1:]))])
            s = vals[cur]
        cur = add("dense", [cur], [s[0], K], name=fresh("fc"), fin=s[1],
                  bias=r.random() < 0.8)
        spec["classes"] = K
    else:
        if len(s) == 4 and r.random() < 0.4:
            cur = add("conv", [cur], [s[0], r.randint(1, 2), s[2], s[3]],
                      name=fresh("conv"), cin=s[1], k=[1, 1], stride=[1, 1],
                      pad=[0, 0], dil=[1, 1], bias=True)
        else:
            if len(s) == 4:
                cur = add("flatten", [cur], [s[0], int(np.prod(s[1:]))])
                s = vals[cur]
            cur = add("dense", [cur], [s[0], r.randint(1, 4)], name=fresh("fc"),
                      fin=s[1], bias=r.random() < 0.8)
    spec["nodes"] = nodes
    spec["output"] = cur
    # training setup
    spec["ntrain"] = B * r.randint(1, 4) + r.choice([0, 0, r.randint(0, B - 1) if B > 1 else 0])
    spec["ntest"] = r.randint(1, 3 * B + 2)
    spec["steps"] = r.randint(3, 12)
    spec["lr"] = r.choice([0.01, 0.05, 0.1, 0.2]) if loss != "mse_sum" else \
        r.choice([0.1, 0.5]) / (B * int(np.prod(vals[cur][1:])))
    spec["clip"] = r.choice([0.0, 0.0, 0.05, 0.5, 1000.0])
    spec["freeze"] = []
    pnodes = [n for n in nodes[:-1] if params_of(n)] or [n for n in nodes if params_of(n)]
    if pnodes and r.random() < 0.25:
        n = r.choice(pnodes)
        if True:
            if n["op"] in ("bn",):
                spec["freeze"] = [f"{n['name']}.weight", f"{n['name']}.bias"]
            else:
                spec["freeze"] = [n["name"]]
    spec["data_seed"] = r.randint(0, 2**31)
    spec["threads"] = r.choice([1, 1, 2])
    spec["target_scale"] = r.choice([0.5, 1.0, 3.0])
    spec["input_scale"] = r.choice([1.0, 1.0, 1.0, 10.0, 100.0])
    return spec


# ----------------------------------------------------------------------------
# Param tables (names, shapes) shared by the MLIR and torch sides
# ----------------------------------------------------------------------------

def params_of(node):
    """List of (name, shape, kind) with kind in param/buffer."""
    op, n = node["op"], node.get("name")
    out = []
    if node.get("tied"):
        return out
    if op == "dense":
        o, i = node["out"][1], node["fin"]
        out.append((f"{n}.weight", [o, i], "param"))
        if node["bias"]:
            out.append((f"{n}.bias", [o], "param"))
    elif op == "wndense":
        o, i = node["out"][1], node["fin"]
        if node["bias"]:
            out.append((f"{n}.bias", [o], "param"))
        out.append((f"{n}.weight_g", [o, 1], "param"))
        out.append((f"{n}.weight_v", [o, i], "param"))
    elif op == "conv":
        co, ci = node["out"][1], node["cin"]
        out.append((f"{n}.weight", [co, ci] + node["k"], "param"))
        if node["bias"]:
            out.append((f"{n}.bias", [co], "param"))
    elif op == "wnconv":
        co, ci = node["out"][1], node["cin"]
        if node["bias"]:
            out.append((f"{n}.bias", [co], "param"))
        out.append((f"{n}.weight_g", [co, 1, 1, 1], "param"))
        out.append((f"{n}.weight_v", [co, ci] + node["k"], "param"))
    elif op == "bn":
        C = node["C"]
        out += [(f"{n}.weight", [C], "param"), (f"{n}.bias", [C], "param"),
                (f"{n}.running_mean", [C], "buffer"), (f"{n}.running_var", [C], "buffer")]
    elif op in ("gn", "in"):
        if node["affine"]:
            C = node["C"]
            out += [(f"{n}.weight", [C], "param"), (f"{n}.bias", [C], "param")]
    elif op == "ln":
        out += [(f"{n}.weight", node["nshape"], "param"),
                (f"{n}.bias", node["nshape"], "param")]
    return out


# ----------------------------------------------------------------------------
# MLIR emission
# ----------------------------------------------------------------------------

def tt(shape, et="f32"):
    return "tensor<" + "x".join(str(d) for d in shape) + ("x" if shape else "") + et + ">"


def fl(x):
    return f"{float(x):.9e}"


def emit_mlir(spec):
    lines = []
    lines.append(f"nn.model @rnd{spec['seed']} attributes {{lr = 0.05, clip_norm = 0.0}} {{")
    for node in spec["nodes"]:
        for name, shape, kind in params_of(node):
            init = "#nn.zeros" if name.endswith("bias") or name.endswith("running_mean") \
                else "#nn.ones" if name.endswith("running_var") or name.endswith("weight_g") \
                or node["op"] in ("bn", "gn", "in", "ln") else "#nn.kaiming_uniform"
            lines.append(f"  nn.param @{name} : {tt(shape)} init = {init}"
                         + (" buffer" if kind == "buffer" else ""))
    shapes = [spec["input"]]
    for node in spec["nodes"]:
        shapes.append(node["out"])
    B = spec["batch"]
    if spec["loss"] == "ce":
        ytype = tt([B], "i32")
    else:
        ytype = tt(shapes[spec["output"]])
    lines.append(f"  nn.forward(%v0: {tt(spec['input'])}, %y: {ytype}) {{")
    for i, node in enumerate(spec["nodes"], start=1):
        op, n = node["op"], node.get("name")
        ins = [f"%v{j}" for j in node["in"]]
        it = tt(shapes[node["in"][0]])
        ot = tt(node["out"])
        if op == "dense":
            b = f", @{n}.bias" if node["bias"] else ""
            s = f"nn.dense {ins[0]}, @{n}.weight{b} : {it} -> {ot}"
        elif op == "wndense":
            wt = tt([node["out"][1], node["fin"]])
            lines.append(f"    %w{i} = nn.weight_norm @{n}.weight_g, @{n}.weight_v : {wt}")
            b = f", @{n}.bias" if node["bias"] else ""
            s = f"nn.dense {ins[0]}, %w{i}{b} : {it}, {wt} -> {ot}"
        elif op in ("conv", "wnconv"):
            attrs = (f"{{stride = array<i64: {node['stride'][0]}, {node['stride'][1]}>, "
                     f"padding = array<i64: {node['pad'][0]}, {node['pad'][1]}>, "
                     f"dilation = array<i64: {node['dil'][0]}, {node['dil'][1]}>}}")
            b = f", @{n}.bias" if node["bias"] else ""
            if op == "conv":
                s = f"nn.conv2d {ins[0]}, @{n}.weight{b} {attrs} : {it} -> {ot}"
            else:
                wt = tt([node["out"][1], node["cin"]] + node["k"])
                lines.append(f"    %w{i} = nn.weight_norm @{n}.weight_g, @{n}.weight_v : {wt}")
                s = f"nn.conv2d {ins[0]}, %w{i}{b} {attrs} : {it}, {wt} -> {ot}"
        elif op in ("maxpool", "avgpool"):
            mn = "max_pool2d" if op == "maxpool" else "avg_pool2d"
            a = [f"kernel = array<i64: {node['k'][0]}, {node['k'][1]}>"]
            if node["stride"]:
                a.append(f"stride = array<i64: {node['stride'][0]}, {node['stride'][1]}>")
            if node["pad"] != [0, 0] or random.Random(i).random() < 0.3:
                a.append(f"padding = array<i64: {node['pad'][0]}, {node['pad'][1]}>")
            s = f"nn.{mn} {ins[0]} {{{', '.join(a)}}} : {it} -> {ot}"
        elif op == "bn":
            s = (f"nn.batch_norm {ins[0]}, @{n}.weight, @{n}.bias, @{n}.running_mean, "
                 f"@{n}.running_var {{epsilon = {fl(node['eps'])} : f32, "
                 f"momentum = {fl(node['momentum'])} : f32}} : {ot}")
        elif op == "gn":
            wb = f", @{n}.weight, @{n}.bias" if node["affine"] else ""
            s = (f"nn.group_norm {ins[0]}{wb} {{groups = {node['groups']} : i64, "
                 f"epsilon = {fl(node['eps'])} : f32}} : {ot}")
        elif op == "in":
            wb = f", @{n}.weight, @{n}.bias" if node["affine"] else ""
            s = f"nn.instance_norm {ins[0]}{wb} {{epsilon = {fl(node['eps'])} : f32}} : {ot}"
        elif op == "ln":
            s = (f"nn.layer_norm {ins[0]}, @{n}.weight, @{n}.bias "
                 f"{{epsilon = {fl(node['eps'])} : f32}} : {ot}")
        elif op in ("relu", "sigmoid", "tanh"):
            s = f"nn.{op} {ins[0]} : {ot}"
        elif op in ("leaky_relu", "elu"):
            s = f"nn.{op} {ins[0]} {{alpha = {fl(node['alpha'])} : f32}} : {ot}"
        elif op == "add":
            s = f"nn.add {ins[0]}, {ins[1]} : {ot}"
        elif op == "flatten":
            s = f"nn.flatten {ins[0]} : {it} -> {ot}"
        else:
            raise ValueError(op)
        lines.append(f"    %v{i} = {s}")
    o = spec["output"]
    ot = tt(shapes[o])
    if spec["loss"] == "ce":
        lines.append(f"    %loss = nn.softmax_cross_entropy %v{o}, %y : {ot}, {ytype} -> tensor<f32>")
    elif spec["loss"] == "mse":
        lines.append(f"    %loss = nn.mse %v{o}, %y : {ot} -> tensor<f32>")
    else:
        lines.append(f"    %loss = nn.mse %v{o}, %y {{reduction = \"sum\"}} : {ot} -> tensor<f32>")
    lines.append(f"    nn.return %v{o}, %loss : {ot}, tensor<f32>")
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------
# Torch module
# ----------------------------------------------------------------------------

class Net(nn.Module):
    def __init__(self, spec):
        super().__init__()
        self.spec = spec
        self.order = []
        for node in spec["nodes"]:
            op, n = node["op"], node.get("name")
            m = None
            if op in ("dense", "wndense"):
                m = nn.Linear(node["fin"], node["out"][1], bias=node["bias"])
            elif op in ("conv", "wnconv"):
                m = nn.Conv2d(node["cin"], node["out"][1], tuple(node["k"]),
                              stride=tuple(node["stride"]), padding=tuple(node["pad"]),
                              dilation=tuple(node["dil"]), bias=node["bias"])
            elif op == "bn":
                cls = nn.BatchNorm2d if len(node["out"]) == 4 else nn.BatchNorm1d
                m = cls(node["C"], eps=node["eps"], momentum=node["momentum"])
            elif op == "gn":
                m = nn.GroupNorm(node["groups"], node["C"], eps=node["eps"], affine=node["affine"])
            elif op == "in":
                m = nn.InstanceNorm2d(node["C"], eps=node["eps"], affine=node["affine"])
            elif op == "ln":
                m = nn.LayerNorm(node["nshape"], eps=node["eps"])
            if op in ("wndense", "wnconv"):
                m = torch.nn.utils.weight_norm(m)
            if m is not None and not node.get("tied"):
                setattr(self, n, m)

    def forward(self, x):
        vals = [x]
        for node in self.spec["nodes"]:
            op = node["op"]
            a = vals[node["in"][0]]
            if op in ("dense", "wndense", "conv", "wnconv", "bn", "gn", "in", "ln"):
                if op == "gn" and a.dim() == 2:
                    y = getattr(self, node["name"])(a)
                else:
                    y = getattr(self, node["name"])(a)
            elif op == "maxpool":
                y = F.max_pool2d(a, tuple(node["k"]), tuple(node["stride"] or node["k"]),
                                 tuple(node["pad"]))
            elif op == "avgpool":
                y = F.avg_pool2d(a, tuple(node["k"]), tuple(node["stride"] or node["k"]),
                                 tuple(node["pad"]), count_include_pad=True)
            elif op == "relu":
                y = F.relu(a)
            elif op == "sigmoid":
                y = torch.sigmoid(a)
            elif op == "tanh":
                y = torch.tanh(a)
            elif op == "leaky_relu":
                y = F.leaky_relu(a, node["alpha"])
            elif op == "elu":
                y = F.elu(a, node["alpha"])
            elif op == "add":
                y = a + vals[node["in"][1]]
            elif op == "flatten":
                y = a.flatten(1)
            else:
                raise ValueError(op)
            vals.append(y)
        return vals[self.spec["output"]]


def make_torch(spec):
    torch.manual_seed(spec["seed"])
    model = Net(spec)
    g = torch.Generator().manual_seed(spec["seed"] + 17)
    with torch.no_grad():
        # Non-trivial affine parameters and running statistics.
        for name, t in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            node = name.split(".")[0]
            op = next(n["op"] for n in spec["nodes"] if n.get("name") == node)
            if op in ("bn", "gn", "in", "ln"):
                if name.endswith("weight"):
                    t.copy_(0.5 + torch.rand(t.shape, generator=g))
                elif name.endswith("bias"):
                    t.copy_(0.2 * torch.randn(t.shape, generator=g))
                elif name.endswith("running_mean"):
                    t.copy_(0.2 * torch.randn(t.shape, generator=g))
                elif name.endswith("running_var"):
                    t.copy_(0.5 + torch.rand(t.shape, generator=g))
            if name.endswith("weight_g"):
                t.mul_(0.5 + torch.rand(t.shape, generator=g))
    return model


def state_of(model):
    return {k: v.detach().clone() for k, v in model.state_dict().items()
            if not k.endswith("num_batches_tracked")}


# ----------------------------------------------------------------------------
# IO helpers
# ----------------------------------------------------------------------------

def make_data(spec, out_shape):
    rng = np.random.default_rng(spec["data_seed"])
    sample = spec["input"][1:]
    d = {}
    for split, n in (("train", spec["ntrain"]), ("test", spec["ntest"])):
        d[f"{split}-x"] = (spec.get("input_scale", 1.0) *
                           rng.standard_normal([n] + sample)).astype(np.float32)
        if spec["loss"] == "ce":
            d[f"{split}-y"] = rng.integers(0, spec["classes"], n).astype(np.int32)
        else:
            d[f"{split}-y"] = (spec["target_scale"] *
                               rng.standard_normal([n] + out_shape[1:])).astype(np.float32)
    return d


RUN_ENV = None  # set by --gpu-emulate: NNRT_LIBCUDA for the emulated GPU build


def run(cmd, timeout=300, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          env=RUN_ENV, **kw)


# ----------------------------------------------------------------------------
# Reference training in PyTorch
# ----------------------------------------------------------------------------

def loss_fn(spec, out, y):
    if spec["loss"] == "ce":
        return F.cross_entropy(out, y)
    return F.mse_loss(out, y, reduction="sum" if spec["loss"] == "mse_sum" else "mean")


def torch_train(spec, init, data, dtype):
    model = make_torch(spec)
    model.load_state_dict({**model.state_dict(), **{k: v.clone() for k, v in init.items()}})
    model = model.to(dtype)
    frozen = spec["freeze"]

    def is_frozen(k):
        return any(k == f or k.startswith(f + ".") for f in frozen)

    for k, p in model.named_parameters():
        p.requires_grad_(not is_frozen(k))
    trainable = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.SGD(trainable, lr=spec["lr"]) if trainable else None
    model.train()
    B = spec["batch"]
    per_epoch = spec["ntrain"] // B
    X = torch.from_numpy(data["train-x"]).to(dtype)
    if spec["loss"] == "ce":
        Y = torch.from_numpy(data["train-y"]).long()
    else:
        Y = torch.from_numpy(data["train-y"]).to(dtype)
    losses, norms = [], []
    for step in range(spec["steps"]):
        k = step % per_epoch
        x, y = X[k * B:(k + 1) * B], Y[k * B:(k + 1) * B]
        if opt:
            opt.zero_grad()
        loss = loss_fn(spec, model(x), y)
        if trainable:
            loss.backward()
            gn = torch.sqrt(sum((p.grad.double() ** 2).sum() for p in trainable)).item()
            if spec["clip"] > 0:
                torch.nn.utils.clip_grad_norm_(trainable, spec["clip"])
            opt.step()
        else:
            gn = 0.0
        losses.append(loss.item())
        norms.append(gn)
    return model, losses, norms


def torch_eval(spec, model, data, dtype):
    model.eval()
    with torch.no_grad():
        x = torch.from_numpy(data["test-x"]).to(dtype)
        out = model(x)
        if spec["loss"] == "ce":
            y = torch.from_numpy(data["test-y"]).long()
            loss = F.cross_entropy(out, y).item()
            acc = (out.argmax(1) == y).double().mean().item()
        else:
            y = torch.from_numpy(data["test-y"]).to(dtype)
            loss = F.mse_loss(out, y, reduction="mean").item()
            if spec["loss"] == "mse_sum":
                # The model's loss on a batch of B samples, averaged over
                # the test set: B times the mean per-sample sum.
                loss = F.mse_loss(out, y, reduction="sum").item() * spec["batch"] / len(y)
            acc = None
    return out.numpy(), loss, acc


def relerr_seq(a, b):
    return max([abs(x - y) / max(abs(y), 1e-12) for x, y in zip(a, b)] or [0.0])


def tensor_err(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-12))


# ----------------------------------------------------------------------------
# One seed
# ----------------------------------------------------------------------------

def kinky(spec):
    return any(n["op"] in ("maxpool", "relu", "leaky_relu") for n in spec["nodes"])


def check(spec, nnc, work, verbose=False, tol_loss=1e-5, tol_w=1e-4, extra_nnc_args=()):
    work.mkdir(parents=True, exist_ok=True)
    (work / "spec.json").write_text(json.dumps(spec, indent=1))
    mlir = emit_mlir(spec)
    (work / "model.mlir").write_text(mlir)
    out_shape = spec["nodes"][spec["output"] - 1]["out"]
    data = make_data(spec, out_shape)
    dd = work / "data"
    dd.mkdir(exist_ok=True)
    for k, v in data.items():
        np.save(dd / f"{k}.npy", v)
    torch.set_num_threads(1)
    model = make_torch(spec)
    init = state_of(model)
    save_safetensors(work / "init.safetensors", init)
    model64, t_losses, t_norms = torch_train(spec, init, data, torch.float64)
    if max(abs(x) for x in t_losses) > 1e4 * max(abs(t_losses[0]), 1e-3) or \
            not all(math.isfinite(x) for x in t_losses):
        return "SKIP", "diverged in PyTorch", {}
    exe = work / "model"
    t0 = time.time()
    try:
        r = run(["nice", "-n", "10", nnc, str(work / "model.mlir"), "--no-hessian", "-o", str(exe),
                 *extra_nnc_args], timeout=600)
    except subprocess.TimeoutExpired:
        return "FAIL", "compile hang (>600 s)", {}
    tc = time.time() - t0
    if r.returncode != 0:
        return "FAIL", f"compile error rc={r.returncode}: {(r.stderr or r.stdout).strip()[:400]}", {}
    cmd = [str(exe), "train", "--data", str(dd), "--steps", str(spec["steps"]), "--no-shuffle",
           "--lr", str(spec["lr"]), "--clip", str(spec["clip"]), "--threads", str(spec.get("threads", 1)),
           "--init-from", str(work / "init.safetensors"), "--save", str(work / "out.safetensors"),
           "--metrics", str(work / "m.jsonl"), "--log-every", "1"]
    if spec["freeze"]:
        cmd += ["--freeze", ",".join(spec["freeze"])]
    (work / "cmd.txt").write_text(" ".join(cmd) + "\n")
    try:
        r = run(["nice", "-n", "10"] + cmd, timeout=300)
    except subprocess.TimeoutExpired:
        return "FAIL", "train hang (>300 s)", {}
    if r.returncode != 0:
        return "FAIL", f"train error rc={r.returncode}: {(r.stderr or r.stdout).strip()[-400:]}", {}
    recs = [json.loads(l) for l in (work / "m.jsonl").read_text().splitlines()]
    steps = [x for x in recs if "loss" in x and "train_loss" not in x]
    nnc_losses = [x["loss"] for x in steps]
    nnc_norms = [x["grad_norm"] for x in steps]

    info = {"compile_s": round(tc, 1)}
    problems = []
    if len(nnc_losses) != len(t_losses):
        problems.append(f"steps {len(nnc_losses)} vs {len(t_losses)}")
    le = relerr_seq(nnc_losses, t_losses)
    ge = relerr_seq(nnc_norms, t_norms) if any(t_norms) else 0.0
    info["loss_err"], info["gnorm_err"] = le, ge
    ours = load_safetensors(work / "out.safetensors")
    theirs = state_of(model64)
    werr = {}
    for k, v in theirs.items():
        if k not in ours:
            problems.append(f"missing tensor {k}")
            continue
        werr[k] = tensor_err(ours[k], v.numpy())
    for k in ours:
        if k not in theirs:
            problems.append(f"extra tensor {k}")
    info["w_err"] = max(werr.values() or [0.0])
    info["w_worst"] = max(werr, key=werr.get) if werr else None
    # frozen tensors unchanged
    for k in ours:
        if any(k == f or k.startswith(f + ".") for f in spec["freeze"]) and \
                "running" not in k and not np.array_equal(ours[k], init[k].numpy()):
            problems.append(f"frozen {k} changed")

    # the same run on another number of threads, and split by --resume:
    # both bit-identical to the first
    rr = random.Random(spec["seed"] * 7 + 1)
    if rr.random() < 0.5:
        other = 2 if spec.get("threads", 1) == 1 else 1
        c2 = list(cmd)
        c2[c2.index("--threads") + 1] = str(other)
        c2[c2.index("--save") + 1] = str(work / "out-t.safetensors")
        c2[c2.index("--metrics") + 1] = str(work / "m-t.jsonl")
        r = run(["nice", "-n", "10"] + c2, timeout=300)
        if r.returncode != 0:
            problems.append(f"train --threads {other} rc={r.returncode}")
        else:
            o2 = load_safetensors(work / "out-t.safetensors")
            diff = [k for k in ours if not np.array_equal(ours[k], o2[k])]
            if diff:
                problems.append(f"--threads {other} differs from --threads "
                                f"{spec.get('threads', 1)} in {','.join(diff[:4])}")
    if spec["steps"] >= 2 and rr.random() < 0.5:
        k = rr.randint(1, spec["steps"] - 1)
        c1 = list(cmd)
        c1[c1.index("--steps") + 1] = str(k)
        c1[c1.index("--save") + 1] = str(work / "half.safetensors")
        c1[c1.index("--metrics") + 1] = str(work / "m-h.jsonl")
        r1 = run(["nice", "-n", "10"] + c1, timeout=300)
        c3 = [str(exe), "train", "--data", str(dd), "--steps", str(spec["steps"]),
              "--threads", str(spec.get("threads", 1)), "--resume", str(work / "half.safetensors"),
              "--save", str(work / "half.safetensors")]
        r3 = run(["nice", "-n", "10"] + c3, timeout=300) if r1.returncode == 0 else r1
        if r3.returncode != 0:
            problems.append(f"resume run rc={r3.returncode}: {r3.stderr.strip()[:200]}")
        else:
            o3 = load_safetensors(work / "half.safetensors")
            diff = [k2 for k2 in ours if not np.array_equal(ours[k2], o3[k2])]
            if diff:
                e = max(tensor_err(o3[k2], ours[k2]) for k2 in diff)
                problems.append(f"--resume after {k} steps differs (max rel {e:.1e}) in "
                                f"{','.join(diff[:4])}")

    # predict / eval on the trained weights
    np.save(work / "pred-in.npy", data["test-x"])
    r = run([str(exe), "predict", "--threads", str(spec.get("threads", 1)), "--load", str(work / "out.safetensors"),
             "--input", str(work / "pred-in.npy"), "--output", str(work / "pred.npy")])
    t_out, t_eloss, t_acc = torch_eval(spec, model64, data, torch.float64)
    if r.returncode != 0:
        problems.append(f"predict rc={r.returncode}: {r.stderr.strip()[:300]}")
        info["pred_err"] = None
    else:
        p = np.load(work / "pred.npy")
        if list(p.shape) != list(t_out.shape):
            problems.append(f"predict shape {p.shape} vs {t_out.shape}")
            info["pred_err"] = None
        else:
            info["pred_err"] = tensor_err(p, t_out)
    # predict with torch from nnc's own weights (isolates inference from training drift)
    m2 = make_torch(spec).double()
    m2.load_state_dict({**m2.state_dict(),
                        **{k: torch.from_numpy(v.copy()).double() for k, v in ours.items()}})
    t2_out, t2_eloss, t2_acc = torch_eval(spec, m2, data, torch.float64)
    if info.get("pred_err") is not None:
        info["pred_err_same_w"] = tensor_err(p, t2_out)
    r = run([str(exe), "eval", "--threads", str(spec.get("threads", 1)), "--load", str(work / "out.safetensors"),
             "--data", str(dd)])
    if r.returncode != 0:
        problems.append(f"eval rc={r.returncode}: {r.stderr.strip()[:300]}")
    else:
        el = None
        for line in r.stdout.splitlines():
            if line.startswith("test loss:"):
                el = float(line.split()[2])
        info["eval_loss"] = el
        info["torch_eval_loss"] = t2_eloss
        if el is None:
            problems.append("eval printed no test loss")
        else:
            # `test loss: X` has 6 decimals
            info["eval_err"] = max(abs(el - t2_eloss) - 1e-6, 0.0) / max(abs(t2_eloss), 1e-6)

    # verdict
    fails = []
    if le > tol_loss:
        fails.append(f"loss rel err {le:.2e}")
    if ge > tol_loss * 10 and spec["clip"] >= 0:
        fails.append(f"grad-norm rel err {ge:.2e}")
    if info["w_err"] > tol_w:
        fails.append(f"weight err {info['w_err']:.2e} ({info['w_worst']})")
    if info.get("pred_err_same_w") is not None and info["pred_err_same_w"] > 1e-5:
        # PyTorch's own float32 inference on the same weights
        m3 = make_torch(spec)
        m3.load_state_dict({**m3.state_dict(),
                            **{k: torch.from_numpy(v.copy()) for k, v in ours.items()}})
        t3_out, _, _ = torch_eval(spec, m3, data, torch.float32)
        info["t32_pred_err"] = tensor_err(t3_out, t2_out)
        if info["pred_err_same_w"] > max(10 * info["t32_pred_err"], 1e-5):
            fails.append(f"predict err (same weights) {info['pred_err_same_w']:.2e} "
                         f"(PyTorch float32: {info['t32_pred_err']:.2e})")
    if info.get("eval_err") is not None and info["eval_err"] > 2e-5:
        fails.append(f"eval loss {info['eval_loss']} vs {t2_eloss:.7g}")
    if max(abs(x) for x in t_losses) > 1e4 * max(abs(t_losses[0]), 1e-3) or \
            not all(math.isfinite(x) for x in t_losses):
        return "SKIP", "diverged in PyTorch", info
    if fails:
        # how far does PyTorch's own float32 run land from float64?
        m32, l32, n32 = torch_train(spec, init, data, torch.float32)
        info["t32_loss_err"] = relerr_seq(l32, t_losses)
        info["t32_gnorm_err"] = relerr_seq(n32, t_norms) if any(t_norms) else 0.0
        s32 = state_of(m32)
        info["t32_w_err"] = max([tensor_err(s32[k].numpy(), theirs[k].numpy()) for k in theirs]
                                or [0.0])
        # sensitivity: float32-rounding-sized perturbations of the initial
        # weights in float64 PyTorch
        g = torch.Generator().manual_seed(0)
        pl = pn = pw = 0.0
        for _t in range(3):
            pert = {k: v.double() * (1 + 6e-8 * torch.randn(v.shape, generator=g, dtype=torch.float64))
                    for k, v in init.items()}
            mp, lp, np_ = torch_train(spec, pert, data, torch.float64)
            pl = max(pl, relerr_seq(lp, t_losses))
            pn = max(pn, relerr_seq(np_, t_norms) if any(t_norms) else 0.0)
            sp = state_of(mp)
            pw = max([pw] + [tensor_err(sp[k].numpy(), theirs[k].numpy()) for k in theirs])
        info["pert_loss_err"], info["pert_gnorm_err"], info["pert_w_err"] = pl, pn, pw
        info["t32_loss_err"] = max(info["t32_loss_err"], pl)
        info["t32_gnorm_err"] = max(info["t32_gnorm_err"], pn)
        info["t32_w_err"] = max(info["t32_w_err"], pw)
        fl_ = []
        for f in fails:
            if f.startswith("loss") and le <= max(10 * info["t32_loss_err"], tol_loss):
                continue
            if f.startswith("grad-norm") and ge <= max(10 * info["t32_gnorm_err"], 10 * tol_loss):
                continue
            if f.startswith("weight") and info["w_err"] <= max(10 * info["t32_w_err"], tol_w):
                continue
            fl_.append(f)
        if len(fl_) < len(fails):
            info["excused_by_f32"] = [f for f in fails if f not in fl_]
        fails = fl_
    if any(f.startswith(("loss", "grad-norm", "weight")) for f in fails):
        sw = stepwise_check(spec, exe, work, data)
        info["stepwise"] = sw
        if sw is not None and sw[0] <= 1e-5 and sw[1] <= 1e-4 and sw[2] <= 1e-5:
            info["excused_by_stepwise"] = [f for f in fails
                                           if f.startswith(("loss", "grad-norm", "weight"))]
            fails = [f for f in fails if not f.startswith(("loss", "grad-norm", "weight"))]
    problems += fails
    if problems:
        return "FAIL", "; ".join(problems), info
    return "PASS", "", info


def stepwise_check(spec, exe, work, data):
    """Replays nnc's run one step at a time: from nnc's own weights after k
    steps, one nnc step and one PyTorch float64 step on batch k. Returns the
    worst (loss, grad-norm, weight) relative errors of single steps: small
    ones mean every step is computed right and a drift of the whole run is
    the trajectory's sensitivity (a kink crossed, an ill-conditioned net)."""
    B = spec["batch"]
    per = spec["ntrain"] // B
    d = work / "stepwise"
    d.mkdir(exist_ok=True)
    for k in ("test-x", "test-y"):
        np.save(d / f"{k}.npy", data[k])
    prev = work / "init.safetensors"
    worst = [0.0, 0.0, 0.0]
    for k in range(spec["steps"]):
        j = k % per
        bx, by = data["train-x"][j * B:(j + 1) * B], data["train-y"][j * B:(j + 1) * B]
        np.save(d / "train-x.npy", bx)
        np.save(d / "train-y.npy", by)
        nxt = d / f"s{k + 1}.safetensors"
        cmd = [str(exe), "train", "--data", str(d), "--steps", "1", "--no-shuffle",
               "--lr", str(spec["lr"]), "--clip", str(spec["clip"]), "--threads", "1",
               "--init-from", str(prev), "--save", str(nxt), "--metrics", str(d / "m.jsonl"),
               "--log-every", "1"]
        if spec["freeze"]:
            cmd += ["--freeze", ",".join(spec["freeze"])]
        r = run(cmd)
        if r.returncode != 0:
            return None
        rec = json.loads((d / "m.jsonl").read_text().splitlines()[0])
        w = load_safetensors(prev)
        sp = dict(spec, steps=1, ntrain=B)
        m, l, n = torch_train(sp, {a: torch.from_numpy(b.copy()) for a, b in w.items()},
                              {"train-x": bx, "train-y": by}, torch.float64)
        ours = load_safetensors(nxt)
        th = state_of(m)
        worst[0] = max(worst[0], abs(rec["loss"] - l[0]) / max(abs(l[0]), 1e-12))
        if n[0]:
            worst[1] = max(worst[1], abs(rec["grad_norm"] - n[0]) / n[0])
        worst[2] = max([worst[2]] + [tensor_err(ours[a], th[a].numpy()) for a in th])
        prev = nxt
    return worst


def describe(spec):
    ops = []
    for n in spec["nodes"]:
        o = n["op"]
        if o in ("conv", "wnconv"):
            o += f"(k{n['k'][0]}x{n['k'][1]} s{n['stride'][0]}{n['stride'][1]} p{n['pad'][0]}{n['pad'][1]} d{n['dil'][0]}{n['dil'][1]}{'' if n['bias'] else ' nb'})"
        elif o in ("maxpool", "avgpool"):
            o += f"(k{n['k'][0]}x{n['k'][1]} s{n['stride']} p{n['pad'][0]}{n['pad'][1]})"
        elif o in ("dense", "wndense"):
            o += f"({n['fin']}->{n['out'][1]}{'' if n['bias'] else ' nb'})"
        elif o == "gn":
            o += f"(g{n['groups']}{'' if n['affine'] else ' na'})"
        elif o == "in":
            o += "" if n["affine"] else "(na)"
        elif o == "bn":
            o += f"(m{n['momentum']})"
        ops.append(o)
    return (f"B{spec['batch']} in{spec['input'][1:]} {spec['loss']} n{spec['ntrain']}/{spec['ntest']} "
            f"steps{spec['steps']} clip{spec['clip']}"
            + (f" freeze={','.join(spec['freeze'])}" if spec["freeze"] else "")
            + " | " + " ".join(ops))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="0-9", help="A-B (inclusive)")
    ap.add_argument("--seed-list", default="")
    ap.add_argument("--nnc", default="build/bin/nnc")
    ap.add_argument("--workdir", default="/tmp/fuzz-torch/work")
    ap.add_argument("--spec", help="replay a JSON spec instead of random seeds")
    ap.add_argument("--dump-spec", action="store_true")
    ap.add_argument("--profile", choices=["mixed", "big"], default="mixed",
                    help="big: every model in the large-size regime (tiling, vector tails)")
    ap.add_argument("--keep", action="store_true", help="keep passing seeds' directories")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--nnc-arg", action="append", default=[])
    ap.add_argument("--gpu-emulate", action="store_true",
                    help="compile for --target=nvptx --gpu-emulate --gpu-matmul=fp32 and run "
                         "on the CUDA emulator (build/lib/libnnc-cuda-emulator.so)")
    args = ap.parse_args()
    if args.gpu_emulate:
        global RUN_ENV
        lib = Path(args.nnc).resolve().parent.parent / "lib" / "libnnc-cuda-emulator.so"
        RUN_ENV = {**os.environ, "NNRT_LIBCUDA": str(lib)}
        args.nnc_arg += ["--target=nvptx", "--gpu-emulate", "--gpu-matmul=fp32",
                         "--gpu-sass=false"]
    nnc = os.path.abspath(args.nnc)
    work = Path(args.workdir)
    if args.spec:
        specs = [json.loads(Path(args.spec).read_text())]
    else:
        if args.seed_list:
            seeds = [int(s) for s in args.seed_list.split(",")]
        else:
            a, _, b = args.seeds.partition("-")
            seeds = range(int(a), int(b or a) + 1)
        specs = [random_spec(s, args.profile) for s in seeds]
    passed = failed = skipped = 0
    for spec in specs:
        if args.dump_spec:
            print(json.dumps(spec))
            continue
        d = work / f"seed{spec['seed']}"
        if d.exists():
            shutil.rmtree(d)
        try:
            verdict, why, info = check(spec, nnc, d, args.verbose, extra_nnc_args=args.nnc_arg)
        except Exception as e:  # noqa
            verdict, why, info = "FAIL", "harness exception: " + repr(e), {}
            if args.verbose:
                traceback.print_exc()
        short = {k: (f"{v:.1e}" if isinstance(v, float) else v) for k, v in info.items()}
        print(f"seed {spec['seed']}: {verdict} {why} [{describe(spec)}] {short if args.verbose or verdict == 'FAIL' else ''}",
              flush=True)
        if verdict == "SKIP":
            skipped += 1
            shutil.rmtree(d, ignore_errors=True)
        elif verdict == "PASS":
            passed += 1
            if not args.keep and not args.spec:
                shutil.rmtree(d, ignore_errors=True)
        else:
            failed += 1
    print(f"{passed} passed, {failed} failed" + (f" ({skipped} skipped: diverged)" if skipped else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
