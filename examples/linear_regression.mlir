// Linear regression y = x·wᵀ + b with the mean squared error, 8 features,
// batch 32, trained by SGD. Data: .npy arrays (see the README's
// "Regression data"); examples/make_regression_data.py writes a synthetic set.
nn.model @linear_regression attributes {lr = 0.05, clip_norm = 0.0, epochs = 20} {
  nn.param @fc.weight : tensor<1x8xf32> init = #nn.zeros
  nn.param @fc.bias : tensor<1xf32> init = #nn.zeros
  nn.forward(%x: tensor<32x8xf32>, %y: tensor<32x1xf32>) {
    %p = nn.dense %x, @fc.weight, @fc.bias : tensor<32x8xf32> -> tensor<32x1xf32>
    %l = nn.mse %p, %y : tensor<32x1xf32> -> tensor<f32>
    nn.return %p, %l : tensor<32x1xf32>, tensor<f32>
  }
}
