//===- CurvatureTest.cpp - power iteration and Hutchinson on known H ------===//

#include "runtime/src/Curvature.h"

#include <cmath>
#include <gtest/gtest.h>

namespace nnrt {
namespace {

/// Dense symmetric matrix as a HessianProduct.
HessianProduct matrixProduct(std::vector<std::vector<double>> h) {
  return [h](const std::vector<float> &v, std::vector<float> &hv) {
    for (size_t i = 0; i < h.size(); ++i) {
      double sum = 0;
      for (size_t j = 0; j < h.size(); ++j)
        sum += h[i][j] * v[j];
      hv[i] = float(sum);
    }
  };
}

/// Q·diag(d)·Qᵀ with Q = I − 2uuᵀ/‖u‖², a reflection: eigenvalues d.
std::vector<std::vector<double>> withEigenvalues(const std::vector<double> &d) {
  size_t n = d.size();
  std::vector<double> u(n);
  double norm2 = 0;
  for (size_t i = 0; i < n; ++i) {
    u[i] = 1.0 + double(i);
    norm2 += u[i] * u[i];
  }
  auto q = [&](size_t i, size_t j) {
    return (i == j ? 1.0 : 0.0) - 2.0 * u[i] * u[j] / norm2;
  };
  std::vector<std::vector<double>> h(n, std::vector<double>(n, 0.0));
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j)
      for (size_t k = 0; k < n; ++k)
        h[i][j] += q(i, k) * d[k] * q(j, k);
  return h;
}

CurvatureOptions tight() {
  CurvatureOptions options;
  options.maxIterations = 1000;
  options.tolerance = 1e-9;
  return options;
}

TEST(Curvature, TopEigenvalueOfDenseMatrix) {
  auto h = withEigenvalues({4.0, 1.0, -2.0, 0.5, 3.0});
  CurvatureEstimate e =
      estimateCurvature(matrixProduct(h), std::vector<uint8_t>(5, 1), tight());
  EXPECT_TRUE(e.converged);
  EXPECT_NEAR(e.topEigenvalue, 4.0, 1e-5);
}

TEST(Curvature, LargestMagnitudeKeepsItsSign) {
  auto h = withEigenvalues({1.0, -5.0, 2.0, 3.0});
  CurvatureEstimate e =
      estimateCurvature(matrixProduct(h), std::vector<uint8_t>(4, 1), tight());
  EXPECT_NEAR(e.topEigenvalue, -5.0, 1e-5);
}

TEST(Curvature, DefaultToleranceStopsEarlyButClose) {
  auto h = withEigenvalues({4.0, 1.0, -2.0, 0.5, 3.0});
  CurvatureEstimate e = estimateCurvature(
      matrixProduct(h), std::vector<uint8_t>(5, 1), CurvatureOptions{});
  EXPECT_TRUE(e.converged);
  EXPECT_LT(e.iterations, 100);
  EXPECT_NEAR(e.topEigenvalue, 4.0, 4.0 * 1e-3);
}

TEST(Curvature, ExactTraceIsTheDiagonalSum) {
  auto h = withEigenvalues({4.0, 1.0, -2.0, 0.5, 3.0});
  CurvatureOptions options = tight();
  options.exactTrace = true;
  CurvatureEstimate e =
      estimateCurvature(matrixProduct(h), std::vector<uint8_t>(5, 1), options);
  EXPECT_NEAR(e.trace, 6.5, 1e-5);
  EXPECT_EQ(e.traceProducts, 5);
}

TEST(Curvature, HutchinsonIsWithinItsStandardError) {
  auto h = withEigenvalues({4.0, 1.0, -2.0, 0.5, 3.0});
  CurvatureOptions options = tight();
  options.probes = 2000;
  CurvatureEstimate e =
      estimateCurvature(matrixProduct(h), std::vector<uint8_t>(5, 1), options);
  EXPECT_GT(e.traceStdError, 0.0);
  EXPECT_NEAR(e.trace, 6.5, 4.0 * e.traceStdError);
}

TEST(Curvature, HutchinsonIsExactOnDiagonalMatrices) {
  // zᵢ² = 1 for Rademacher probes: every probe gives the trace.
  std::vector<std::vector<double>> h = {{2, 0, 0}, {0, -1, 0}, {0, 0, 5}};
  CurvatureEstimate e = estimateCurvature(
      matrixProduct(h), std::vector<uint8_t>(3, 1), CurvatureOptions{});
  EXPECT_NEAR(e.trace, 6.0, 1e-6);
  EXPECT_NEAR(e.traceStdError, 0.0, 1e-6);
}

TEST(Curvature, MaskedCoordinatesAreExcluded) {
  std::vector<std::vector<double>> h = {{10, 1, 0}, {1, 1, 0}, {0, 0, 2}};
  CurvatureOptions options = tight();
  options.exactTrace = true;
  CurvatureEstimate e = estimateCurvature(matrixProduct(h), {0, 1, 1}, options);
  EXPECT_NEAR(e.topEigenvalue, 2.0, 1e-5);
  EXPECT_NEAR(e.trace, 3.0, 1e-6);
}

TEST(Curvature, ZeroHessian) {
  std::vector<std::vector<double>> h(3, std::vector<double>(3, 0.0));
  CurvatureEstimate e = estimateCurvature(
      matrixProduct(h), std::vector<uint8_t>(3, 1), CurvatureOptions{});
  EXPECT_TRUE(e.converged);
  EXPECT_EQ(e.topEigenvalue, 0.0);
  EXPECT_EQ(e.trace, 0.0);
}

} // namespace
} // namespace nnrt
