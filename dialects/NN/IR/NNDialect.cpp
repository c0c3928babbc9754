//===- NNDialect.cpp - nn dialect registration ----------------------------===//

#include "dialects/NN/IR/NNDialect.h"
#include "dialects/NN/IR/NNOps.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::nn;

#include "dialects/NN/IR/NNDialect.cpp.inc"
#include "dialects/NN/IR/NNEnums.cpp.inc"
#include "dialects/NN/IR/NNAttrInterfaces.cpp.inc"
#include "dialects/NN/IR/NNOpInterfaces.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "dialects/NN/IR/NNAttrs.cpp.inc"

void NNDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/NN/IR/NNAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/NN/IR/NNOps.cpp.inc"
      >();
}

LogicalResult NNDialect::verifyOperationAttribute(Operation *op,
                                                  NamedAttribute attr) {
  if (attr.getName() == kParamsAttrName) {
    auto params = dyn_cast<ArrayAttr>(attr.getValue());
    if (!params || !llvm::all_of(params, llvm::IsaPred<FlatSymbolRefAttr>))
      return op->emitError("'")
             << kParamsAttrName << "' must be an array of parameter symbols";
    return success();
  }
  return op->emitError("unknown nn dialect attribute '")
         << attr.getName().strref() << "'"
         << (isa<ModelOp>(op) ? " (hyperparameters have no 'nn.' prefix)"
                              : "");
}
