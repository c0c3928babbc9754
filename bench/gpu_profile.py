#!/usr/bin/python3
"""What a GPU training step asks of the GPU, measured without one.

Compiles each example for the GPU with the CUDA emulator's host kernels
(nnc --target=nvptx --gpu-emulate), trains it for a few steps under the
emulator with NNC_EMU_TRACE, and prints per training step: kernel launches,
one-thread launches, host waits (synchronizations) and copies between the
first and the last kernel of the step, the driver calls that launch them
(a replayed CUDA graph is one call, plus one per node whose parameters
changed), and the kernels that took the emulator longest (a rough guide to where the GPU's time goes: the emulator
runs a thread's work one after another, so a kernel of few threads with
long loops stands out less than it would on a GPU; their thread counts are
printed beside them).

With --host it measures instead what the host spends per training step
(the runtime's and the compiled host code's work: batches, launches,
copies, waits), with the emulator's launches not running their kernels
(NNC_EMU_SKIP_KERNELS=1) and costing the host --launch-us each, as a
driver's do (busy-waiting; a graph launch and a graph node's parameter
update cost as much as a launch): the step rate the host alone would
allow, with the step's kernels replayed as a CUDA graph (the default) and
launched one by one (NNRT_CUDA_GRAPHS=0).

Usage: bench/gpu_profile.py [--models mlp,mlp_bn,cnn] [--steps 3] [--top 5]
       bench/gpu_profile.py --host [--steps 300] [--threads 2] [--launch-us 3]
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEP_KERNEL = "nnc_train_step_kernel"


def threads(grid, block):
    count = 1
    for dims in (grid, block):
        for n in dims.split("x"):
            count *= int(n)
    return count


def annotated(trace):
    """The trace's lines as fields, each launch that a graph made marked
    with a sixth field: the number of the graph's node updates before it
    on its first node, "" on the others; "graph" lines dropped."""
    in_graph, sets = 0, None
    for line in trace:
        fields = line.rstrip("\n").split("\t")
        if fields[0] == "graph":
            in_graph, sets = int(fields[1]), fields[2]
            continue
        if fields[0] == "launch" and in_graph:
            fields.append(sets if sets is not None else "")
            in_graph, sets = in_graph - 1, None
        yield fields


def steps_of(trace):
    """The trace lines of each training step: from its first kernel to its
    last one. Kernels are shared between entry points (nnc-nvptx-dedupe-
    kernels), so a step is told by its sequence of kernels: that from the
    first training-step kernel launched to the next launch of it."""
    fields = list(annotated(trace))
    launches = [i for i, f in enumerate(fields) if f[0] == "launch"]
    first = next((fields[i][1] for i in launches
                  if fields[i][1].startswith(STEP_KERNEL)), None)
    starts = [i for i in launches if fields[i][1] == first]
    if len(starts) < 2:
        return []
    signature = [fields[i][1] for i in launches if starts[0] <= i < starts[1]]
    steps = []
    for start in starts:
        mine = [i for i in launches if i >= start][:len(signature)]
        if [fields[i][1] for i in mine] == signature:
            steps.append(fields[start:mine[-1] + 1])
    return steps


def summarize(step):
    launches = [f for f in step if f[0] == "launch"]
    direct = sum(len(f) == 5 for f in launches)
    graphs = [int(f[5]) for f in launches if len(f) == 6 and f[5]]
    return {
        "launches": len(launches),
        "calls": direct + len(graphs) + sum(graphs),
        "one_thread": sum(threads(f[2], f[3]) == 1 for f in launches),
        "waits": sum(f[0] == "sync" for f in step),
        "copies": sum(f[0] in ("htod", "dtoh", "dtod") for f in step),
        "ms": sum(float(f[4]) for f in launches) / 1000,
    }


def profile(nnc, model, steps, tmp):
    binary = compile_emulated(nnc, model, tmp)
    trace = tmp / f"{model}.tsv"
    env = dict(os.environ, NNRT_LIBCUDA=str(ROOT / "build/lib/libnnc-cuda-emulator.so"),
               NNC_EMU_TRACE=str(trace))
    subprocess.run([str(binary), "train", "--steps", str(steps), "--no-shuffle"],
                   env=env, check=True, capture_output=True)
    per_step = steps_of(trace.read_text().splitlines())
    if not per_step:
        sys.exit(f"gpu_profile: no training step of {model} in the trace")
    # The first step allocates; the last is typical.
    return summarize(per_step[-1]), per_step[-1]


def compile_emulated(nnc, model, tmp):
    binary = tmp / model
    subprocess.run([str(nnc), str(ROOT / f"examples/{model}.mlir"), "--target=nvptx",
                    "--gpu-emulate", "-o", str(binary)], check=True)
    return binary


def host_time(binary, steps, threads, launch_us, graphs, tmp):
    """Microseconds per training step of the host with kernels skipped."""
    metrics = tmp / f"{binary.name}.jsonl"
    env = dict(os.environ, NNRT_LIBCUDA=str(ROOT / "build/lib/libnnc-cuda-emulator.so"),
               NNC_EMU_SKIP_KERNELS="1", NNC_EMU_LAUNCH_US=str(launch_us),
               NNRT_CUDA_GRAPHS="1" if graphs else "0")
    subprocess.run([str(binary), "train", "--steps", str(steps), "--threads",
                    str(threads), "--metrics", str(metrics)],
                   env=env, check=True, capture_output=True)
    rates = [json.loads(line)["samples_per_s"]
             for line in metrics.read_text().splitlines() if "samples_per_s" in line]
    return 128 / rates[-1] * 1e6


def main_host(nnc, args):
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for model in args.models.split(","):
            binary = compile_emulated(nnc, model, Path(tmp))
            rows.append((model, *(host_time(binary, args.steps, args.threads,
                                            args.launch_us, graphs, Path(tmp))
                                  for graphs in (True, False))))
    print(f"{'model':<10}{'host us/step':>14}{'samples/s':>12}"
          f"{'one by one':>12}{'samples/s':>12}")
    for model, graph_us, direct_us in rows:
        print(f"{model:<10}{graph_us:>14.1f}{128 / graph_us * 1e6:>12.0f}"
              f"{direct_us:>12.1f}{128 / direct_us * 1e6:>12.0f}")
    print(f"(kernels not run, {args.launch_us} us of host time per launch, "
          f"--threads {args.threads}, shuffled batches of 128, {args.steps} steps)")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="mlp,mlp_bn,cnn")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--top", type=int, default=5)
    ap.add_argument("--host", action="store_true",
                    help="the host's time per step, kernels not run")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--launch-us", type=float, default=3.0,
                    help="host time of one launch with --host")
    args = ap.parse_args()
    nnc = ROOT / "build/bin/nnc"
    if not nnc.exists():
        sys.exit("gpu_profile: build nnc first (tools/setup.sh)")
    if args.host:
        if args.steps < 20:
            args.steps = 300
        return main_host(nnc, args)
    rows, tops = [], collections.OrderedDict()
    with tempfile.TemporaryDirectory() as tmp:
        for model in args.models.split(","):
            summary, step = profile(nnc, model, args.steps, Path(tmp))
            rows.append((model, summary))
            launches = sorted((f for f in step if f[0] == "launch"),
                              key=lambda f: -float(f[4]))
            tops[model] = launches[:args.top]
    print(f"{'model':<10}{'launches':>10}{'driver calls':>14}{'1-thread':>10}"
          f"{'host waits':>12}{'copies':>8}{'emulated ms':>13}")
    for model, s in rows:
        print(f"{model:<10}{s['launches']:>10}{s['calls']:>14}{s['one_thread']:>10}"
              f"{s['waits']:>12}{s['copies']:>8}{s['ms']:>13.1f}")
    print("(per training step, between its first and last kernel)")
    for model, launches in tops.items():
        print(f"\n{model}: kernels that took the emulator longest")
        for f in launches:
            print(f"  {f[1]:<32} grid {f[2]:<10} block {f[3]:<10}"
                  f" {threads(f[2], f[3]):>8} threads {float(f[4]) / 1000:>8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
