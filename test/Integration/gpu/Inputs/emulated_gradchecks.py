"""Runs every gradient check of test/Integration/gradcheck on the GPU path,
under the CUDA emulator: each file is compiled as its own first RUN line
says, plus --target=nvptx --gpu-emulate --gpu-matmul=fp32 (finite
differences need f32 products), and its `gradcheck` must PASS.

usage: emulated_gradchecks.py NNC EMULATOR WORKDIR FILE...
Prints one line per file and a final `N passed, N failed`.
"""
import os
import re
import shlex
import subprocess
import sys

from emulated_suite import run_suite


def nnc_flags(path):
    """The flags of the file's `RUN: nnc ... %s -o %t` line."""
    with open(path) as f:
        for line in f:
            match = re.search(r"RUN: nnc (.*) %s -o %t", line)
            if match:
                return shlex.split(match.group(1))
    return []


def main():
    nnc, emulator, workdir, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    env = dict(os.environ, NNRT_LIBCUDA=emulator)
    paths = {os.path.splitext(os.path.basename(path))[0]: path for path in files}

    def check(name):
        path, exe = paths[name], os.path.join(workdir, name)
        compile = subprocess.run(
            [nnc, *nnc_flags(path), "--target=nvptx", "--gpu-emulate", "--gpu-matmul=fp32", path, "-o", exe],
            capture_output=True, text=True)
        if compile.returncode != 0:
            return False, f"compile\n{compile.stderr}"
        run = subprocess.run([exe, "gradcheck"], capture_output=True, text=True, env=env)
        if run.returncode == 0 and "gradcheck: PASS" in run.stdout:
            return True, "gradcheck: PASS"
        return False, f"exit {run.returncode}\n{run.stdout}{run.stderr}"

    return run_suite(paths, check)


if __name__ == "__main__":
    sys.exit(main())
