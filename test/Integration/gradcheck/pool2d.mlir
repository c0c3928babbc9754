// Gradient check of nn.max_pool2d (disjoint and overlapping windows, padding) and nn.avg_pool2d: the compiled float32 gradient against float64
// central finite differences of the compiled loss, every parameter element.
// RUN: nnc --gradcheck %s -o %t
// RUN: %t gradcheck | FileCheck %s
// CHECK: ok{{ +}}conv.weight [
// CHECK: ok{{ +}}conv.bias [
// CHECK: ok{{ +}}fc.weight [
// CHECK-NOT: FAIL
// CHECK: gradcheck: PASS
nn.model @g_pool {
  nn.param @conv.weight : tensor<3x2x3x3xf32> init = #nn.kaiming_uniform
  nn.param @conv.bias : tensor<3xf32> init = #nn.constant<0.05>
  nn.param @fc.weight : tensor<3x48xf32> init = #nn.xavier_uniform
  nn.forward(%x: tensor<2x2x6x6xf32>, %y: tensor<2xi32>) {
    %c = nn.conv2d %x, @conv.weight, @conv.bias {padding = array<i64: 1, 1>}
        : tensor<2x2x6x6xf32> -> tensor<2x3x6x6xf32>
    %a = nn.elu %c : tensor<2x3x6x6xf32>
    %m = nn.max_pool2d %a {kernel = array<i64: 2, 2>} : tensor<2x3x6x6xf32> -> tensor<2x3x3x3xf32>
    %o = nn.max_pool2d %a {kernel = array<i64: 3, 3>, stride = array<i64: 2, 2>, padding = array<i64: 1, 1>}
        : tensor<2x3x6x6xf32> -> tensor<2x3x3x3xf32>
    %s = nn.add %m, %o : tensor<2x3x3x3xf32>
    %p = nn.avg_pool2d %s {kernel = array<i64: 2, 2>, stride = array<i64: 1, 1>, padding = array<i64: 1, 1>}
        : tensor<2x3x3x3xf32> -> tensor<2x3x4x4xf32>
    %f = nn.flatten %p : tensor<2x3x4x4xf32> -> tensor<2x48xf32>
    %z = nn.dense %f, @fc.weight : tensor<2x48xf32> -> tensor<2x3xf32>
    %l = nn.softmax_cross_entropy %z, %y : tensor<2x3xf32>, tensor<2xi32> -> tensor<f32>
    nn.return %z, %l : tensor<2x3xf32>, tensor<f32>
  }
}
