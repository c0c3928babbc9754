/* Calls the functions of abi-exec.mlir through the bare-pointer ABI and
 * compares their results with references computed here in double precision.
 * Prints one line per check; exits 1 if any check fails. */
#include <math.h>
#include <stdio.h>
#include <string.h>

extern const char nnc_manifest[];
void nn(const float *a, const float *b, float *c);
void nt(const float *a, const float *b, float *c);
void tn(const float *a, const float *b, float *c);
void activations(const float *x, const float *bias, float *relu, float *exp,
                 float *tanh, float *log1p);
void column_sum(const float *x, float *out);
void sgd(float *state, const float *grad, const float *hyper);

enum { M = 20, N = 80, K = 37 };
static int failures;

/* Deterministic values in [-1, 1). */
static void fill(float *p, int n, unsigned seed) {
  for (int i = 0; i < n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    p[i] = (float)(seed >> 8) / (float)(1u << 23) - 1.0f;
  }
}

static void check(const char *name, const float *got, const double *want,
                  int n, double tolerance) {
  double maxError = 0;
  for (int i = 0; i < n; ++i) {
    double error = fabs(got[i] - want[i]) / (1.0 + fabs(want[i]));
    if (!(error <= maxError)) /* also catches NaN */
      maxError = error;
  }
  int ok = maxError <= tolerance;
  failures += !ok;
  printf("%s: max error %.3g %s\n", name, maxError, ok ? "ok" : "FAILED");
}

int main(void) {
  static float a[M * K], b[K * N], at[K * M], bt[N * K], c[M * N];
  static double ref[M * N];
  fill(a, M * K, 1);
  fill(b, K * N, 2);
  for (int i = 0; i < M; ++i)
    for (int k = 0; k < K; ++k)
      at[k * M + i] = a[i * K + k];
  for (int k = 0; k < K; ++k)
    for (int j = 0; j < N; ++j)
      bt[j * K + k] = b[k * N + j];
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      double s = 0;
      for (int k = 0; k < K; ++k)
        s += (double)a[i * K + k] * b[k * N + j];
      ref[i * N + j] = s;
    }

  int manifestOk = strcmp(nnc_manifest, "nnc 1\nmodel abi_test\n") == 0;
  failures += !manifestOk;
  printf("manifest: %s\n", manifestOk ? "ok" : "FAILED");

  nn(a, b, c);
  check("nn", c, ref, M * N, 1e-5);
  nt(a, bt, c);
  check("nt", c, ref, M * N, 1e-5);
  tn(at, b, c);
  check("tn", c, ref, M * N, 1e-5);

  static float x[M * N], bias[N], relu[M * N], ex[M * N], th[M * N],
      lp[M * N];
  static double want[M * N];
  fill(x, M * N, 3);
  for (int i = 0; i < M * N; ++i)
    x[i] *= 8; /* exercise the approximations' range reduction */
  fill(bias, N, 4);
  activations(x, bias, relu, ex, th, lp);
  for (int i = 0; i < M * N; ++i)
    want[i] = fmax(x[i] + bias[i % N], 0.0);
  check("relu(x+b)", relu, want, M * N, 1e-6);
  for (int i = 0; i < M * N; ++i)
    want[i] = exp(x[i]);
  check("exp", ex, want, M * N, 1e-6);
  for (int i = 0; i < M * N; ++i)
    want[i] = tanh(x[i]);
  check("tanh", th, want, M * N, 1e-6);
  for (int i = 0; i < M * N; ++i)
    want[i] = log1p(fabs(x[i]));
  check("log1p", lp, want, M * N, 1e-6);

  float sums[N];
  double wantSums[N];
  column_sum(x, sums);
  for (int j = 0; j < N; ++j) {
    wantSums[j] = 0;
    for (int i = 0; i < M; ++i)
      wantSums[j] += x[i * N + j];
  }
  check("column sum", sums, wantSums, N, 1e-5);

  float state[100], grad[80], hyper[1] = {0.5f};
  double wantState[100];
  fill(state, 100, 5);
  fill(grad, 80, 6);
  for (int i = 0; i < 100; ++i)
    wantState[i] = state[i] - (i >= 10 && i < 90 ? 0.5 * grad[i - 10] : 0.0);
  sgd(state, grad, hyper);
  check("sgd in place", state, wantState, 100, 1e-6);

  if (failures) {
    printf("%d checks failed\n", failures);
    return 1;
  }
  printf("all ok\n");
  return 0;
}
