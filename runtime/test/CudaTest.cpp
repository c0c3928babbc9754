//===- CudaTest.cpp - the CUDA driver layer without a GPU -----------------===//

#include "runtime/src/Cuda.h"
#include "runtime/src/Error.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

using namespace nnrt;
using namespace nnrt::cuda;
using ::testing::AllOf;
using ::testing::HasSubstr;

namespace {

/// The message of the Error that Device::open throws with $NNRT_LIBCUDA set
/// to `library`.
std::string openError(const char *library) {
  setenv("NNRT_LIBCUDA", library, 1);
  try {
    Device::open();
  } catch (const Error &e) {
    unsetenv("NNRT_LIBCUDA");
    EXPECT_EQ(e.exitCode(), ExitFailure);
    return e.what();
  }
  unsetenv("NNRT_LIBCUDA");
  ADD_FAILURE() << "Device::open succeeded with " << library;
  return "";
}

TEST(Cuda, MissingDriverSaysWhatToDo) {
  EXPECT_THAT(openError("/nonexistent/libcuda.so.1"),
              AllOf(HasSubstr("/nonexistent/libcuda.so.1"),
                    HasSubstr("cannot load the NVIDIA CUDA driver"),
                    HasSubstr("nnc --target=nvptx"),
                    HasSubstr("--target=cpu")));
}

TEST(Cuda, LibraryWithoutTheDriverApiIsNamed) {
  EXPECT_THAT(openError("libz.so.1"),
              AllOf(HasSubstr("libz.so.1: is not a CUDA driver"),
                    HasSubstr("cuInit")));
}

TEST(Cuda, DriverWithoutDeviceSaysNoGPU) {
  EXPECT_THAT(openError(FAKE_LIBCUDA),
              AllOf(HasSubstr("no CUDA GPU found"),
                    HasSubstr("CUDA_ERROR_NO_DEVICE (no CUDA-capable device "
                              "is detected)"),
                    HasSubstr("--target=cpu")));
}

TEST(Cuda, DescribeNamesTheError) {
  DriverApi api{};
  EXPECT_EQ(describe(api, 700), "CUDA error 700");
  api.getErrorName = [](CUresult, const char **name) {
    *name = "CUDA_ERROR_ILLEGAL_ADDRESS";
    return kSuccess;
  };
  api.getErrorString = [](CUresult, const char **text) {
    *text = "an illegal memory access was encountered";
    return kSuccess;
  };
  EXPECT_EQ(describe(api, 700), "CUDA_ERROR_ILLEGAL_ADDRESS (an illegal "
                                "memory access was encountered)");
}

} // namespace
