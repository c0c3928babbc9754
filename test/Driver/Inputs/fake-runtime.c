/* Stands in for libnnrt in the link test: a main() that calls the model. */
#include <stdio.h>

extern const char nnc_manifest[];
void nnc_predict(const float *state, const float *x, float *output);

int main(void) {
  float state[10] = {1, 0, 0, 0, 0, 1, 1, 0, 0.5f, -1};
  float x[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  float y[6];
  nnc_predict(state, x, y);
  printf("%.18s\n", nnc_manifest); /* "nnc 1\nmodel linear" */
  for (int i = 0; i < 6; ++i)
    printf("%g ", y[i]);
  printf("\n");
  return 0;
}
