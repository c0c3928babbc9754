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
           "Also emit nnc_gradient and nnc_loss_f64 for ./model gradcheck">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"
  ];
}

#endif // NNC_CONVERSION_PASSES_TD
