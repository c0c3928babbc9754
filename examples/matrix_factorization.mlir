// Symmetric low-rank matrix factorization, a saddle-point example:
//   f(U) = ‖U Uᵀ − M‖²_F,   U ∈ R^{16×2}, zero-initialized.
// U = 0 is a stationary point (∇f = 4 (U Uᵀ − M) U = 0) but not a minimum:
// plain gradient descent never leaves it, `train --noise ε` does and then
// converges to a factor of M (docs/diagnostics.md, "Saddle escape").
// M is the training target: `examples/make_low_rank_data.py DIR` writes
// train-y.npy = M (16×16, rank 2) and train-x.npy = I (unused by the
// network; the "batch" is M's 16 rows, so --no-shuffle keeps them in order):
//   ./matrix_factorization train --data DIR --no-shuffle --noise 1e-8
nn.model @matrix_factorization attributes {lr = 0.01, clip_norm = 0.0, noise = 0.0, epochs = 1500} {
  nn.param @u : tensor<16x2xf32> init = #nn.zeros
  nn.forward(%x: tensor<16x16xf32>, %m: tensor<16x16xf32>) {
    %p = nn.gram @u : tensor<16x16xf32>
    %loss = nn.mse %p, %m {reduction = "sum"} : tensor<16x16xf32> -> tensor<f32>
    nn.return %p, %loss : tensor<16x16xf32>, tensor<f32>
  }
}
