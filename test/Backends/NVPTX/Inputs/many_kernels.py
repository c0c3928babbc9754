#!/usr/bin/python3
"""Writes IR with more kernel parameters than PTX allows in one kernel.

many_kernels.py updates N   N independent updates of slices of one state
                            buffer (scf.parallel each) by slices of a
                            gradient buffer: two views each
many_kernels.py copies N    two copies of a gpu.func on N slices of the
                            state at different offsets, and a kernel of
                            N buffer parameters
many_kernels.py norm N      a scale from the sum of N scalars in N device
                            buffers (a global norm), used by a kernel
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


def norm(n):
    args = ", ".join(f"%n{k}: memref<f32>" for k in range(n))
    print(f"func.func @norm({args}, %w: memref<8xf32>) {{")
    print("  %c0 = arith.constant 0 : index\n  %c1 = arith.constant 1 : index\n"
          "  %c8 = arith.constant 8 : index")
    for k in range(n):
        print(f"  %v{k} = memref.load %n{k}[] : memref<f32>")
    print("  %s1 = arith.addf %v0, %v1 : f32")
    for k in range(2, n):
        print(f"  %s{k} = arith.addf %s{k - 1}, %v{k} : f32")
    print(f"  %scale = math.sqrt %s{n - 1} : f32")
    print("  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {\n"
          "    %x = memref.load %w[%i] : memref<8xf32>\n"
          "    %y = arith.mulf %scale, %x : f32\n"
          "    memref.store %y, %w[%i] : memref<8xf32>\n"
          "    scf.reduce\n  }\n  return\n}")


if __name__ == "__main__":
    {"updates": updates, "copies": copies, "norm": norm}[sys.argv[1]](int(sys.argv[2]))
