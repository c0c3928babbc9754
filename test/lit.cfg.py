# -*- Python -*- lit configuration for nnc.
import os
import shutil

import lit.formats
from lit.llvm import llvm_config

config.name = "NNC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.nnc_obj_root, "test")

config.substitutions.append(("%nnc_src_root", config.nnc_src_root))
llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.nnc_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(["nnc-opt", "nnc"], [config.nnc_tools_dir])
# The C compiler of LLVM's toolchain, for test harnesses linked with objects
# that nnc emits.
config.substitutions.append(("%clang", os.path.join(config.llvm_tools_dir, "clang")))

if os.path.exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"):
    config.available_features.add("fashion-mnist")
config.substitutions.append(("%python", "/usr/bin/python3"))
if os.system('/usr/bin/python3 -c "import torch" >/dev/null 2>&1') == 0:
    config.available_features.add("torch")
config.substitutions.append(("%examples", os.path.join(config.nnc_src_root, "examples")))

# The CUDA driver API over host copies of the kernels (nnc --gpu-emulate): the
# GPU path's tests on machines without a GPU.
config.substitutions.append(
    ("%cuda_emulator", os.path.join(config.nnc_obj_root, "lib", "libnnc-cuda-emulator.so")))

# GPU tests run only where a GPU answers; elsewhere lit reports them UNSUPPORTED.
if shutil.which("nvidia-smi") and os.system("nvidia-smi -L >/dev/null 2>&1") == 0:
    config.available_features.add("gpu")
ptxas = shutil.which("ptxas") or "/usr/local/cuda/bin/ptxas"
if os.path.exists(ptxas):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
# The toolkit's libdevice, for tests that make a toolkit of their own.
for root in [os.path.dirname(os.path.dirname(ptxas)), "/usr/local/cuda"]:
    libdevice = os.path.join(root, "nvvm", "libdevice", "libdevice.10.bc")
    if os.path.exists(libdevice):
        config.available_features.add("libdevice")
        config.substitutions.append(("%libdevice", libdevice))
        break
