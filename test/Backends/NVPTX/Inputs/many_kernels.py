#!/usr/bin/python3
"""Writes IR with more kernel parameters than PTX allows in one kernel.

many_kernels.py updates N   N independent updates of slices of one state
                            buffer (scf.parallel each) by slices of a
                            gradient buffer: two views each
many_kernels.py copies N    two copies of a gpu.func on N slices of the
                            state at different offsets, and a kernel of
                            N buffer parameters
"""
import sys


def updates(n):
    print(f"func.func @updates(%state: memref<{4 * n}xf32>, %grads: memref<{4 * n}xf32>, %lr: f32) {{")
    print("  %c0 = arith.constant 0 : index\n  %c1 = arith.constant 1 : index\n"
          "  %c4 = arith.constant 4 : index")
    for k in range(n):
        view = f"memref<4xf32, strided<[1], offset: {4 * k}>>"
        for name, buffer in (("w", "state"), ("g", "grads")):
            print(f"  %{name}{k} = memref.subview %{buffer}[{4 * k}] [4] [1] : "
                  f"memref<{4 * n}xf32> to {view}")
        print(f"  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {{\n"
              f"    %a = memref.load %w{k}[%i] : {view}\n"
              f"    %b = memref.load %g{k}[%i] : {view}\n"
              f"    %c = arith.mulf %b, %lr : f32\n"
              f"    %d = arith.subf %a, %c : f32\n"
              f"    memref.store %d, %w{k}[%i] : {view}\n"
              f"    scf.reduce\n  }}")
    print("  return\n}")


def copies(n):
    def kernel(name, base):
        views = [f"memref<4xf32, strided<[1], offset: {base + 4 * k}>>" for k in range(n)]
        args = ", ".join(f"%w{k}: {v}" for k, v in enumerate(views))
        print(f"    gpu.func @{name}({args}) kernel {{\n      %i = gpu.thread_id x")
        for k, v in enumerate(views):
            print(f"      %x{k} = memref.load %w{k}[%i] : {v}\n"
                  f"      %y{k} = arith.addf %x{k}, %x{k} : f32\n"
                  f"      memref.store %y{k}, %w{k}[%i] : {v}")
        print("      gpu.return\n    }")
        return views

    print("module attributes {gpu.container_module} {\n  gpu.module @nnc_kernels {")
    first = kernel("twice", 0)
    second = kernel("twice_0", 4 * n)
    print("  }")
    print(f"  func.func @step(%state: memref<{8 * n}xf32>) {{\n"
          "    %c1 = arith.constant 1 : index\n    %c4 = arith.constant 4 : index")
    for name, views, base in (("twice", first, 0), ("twice_0", second, 4 * n)):
        for k, v in enumerate(views):
            print(f"    %{name}{k} = memref.subview %state[{base + 4 * k}] [4] [1] : "
                  f"memref<{8 * n}xf32> to {v}")
        args = ", ".join(f"%{name}{k} : {v}" for k, v in enumerate(views))
        print(f"    gpu.launch_func @nnc_kernels::@{name} blocks in (%c1, %c1, %c1) "
              f"threads in (%c4, %c1, %c1) args({args})")
    print("    return\n  }\n}")


if __name__ == "__main__":
    {"updates": updates, "copies": copies}[sys.argv[1]](int(sys.argv[2]))
