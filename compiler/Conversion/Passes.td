//===- Passes.td - nnc conversion passes -------------------*- tablegen -*-===//

#ifndef NNC_CONVERSION_PASSES_TD
#define NNC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def NNLowerToLinalgPass : Pass<"nn-lower-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lowers a trained model's nn functions to linalg on tensors";
  let description = [{
    Replaces the module's single `nn.model` (after `nn-autodiff` and
    `nn-optimizer`) with the C entry points of `runtime/include/nnrt/nnrt.h`
    and the `nnc_manifest` string (docs/abi.md). Parameters become slices of
    one flat state buffer; the training step updates it in place. nn ops
    become linalg/tensor/arith/math ops on tensors, split by op family.
  }];
  let options = [
    Option<"gradcheck", "gradcheck", "bool", "false",
           "Also emit nnc_gradient and nnc_loss_f64 for ./model gradcheck">,
    Option<"hessian", "hessian", "bool", "false",
           "Also emit nnc_hvp, Hessian-vector products by forward-mode "
           "differentiation of the gradient (docs/curvature.md)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"
  ];
}

def NNForwardModePass : Pass<"nn-forward-mode", "::mlir::ModuleOp"> {
  let summary = "Adds the forward-mode derivative (JVP) of every function";
  let description = [{
    For every `func.func @f(%a...) -> (%r...)` on tensors and scalars (code
    after `nn-lower-to-linalg`), adds `@f_jvp(%a..., %da...) -> (%r...,
    %dr...)`, one tangent per float argument and result: the
    transformation behind `nnc_hvp` (docs/curvature.md), exposed for tests.
    linalg.generic ops become generics computing primal and tangent;
    matmuls use the product rule; structural tensor ops apply to tangents.
    An op without a known derivative is an error naming it.

    ```mlir
    func.func @square(%x: f32) -> f32 {
      %y = arith.mulf %x, %x : f32
      return %y : f32
    }
    // adds @square_jvp(%x: f32, %dx: f32) -> (f32, f32) returning
    // (x·x, dx·x + x·dx)
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect"
  ];
}

#endif // NNC_CONVERSION_PASSES_TD
