//===- Builders.cpp - linalg building blocks for the nn lowering ----------===//

#include "compiler/Conversion/NNToLinalg/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

Value nnc::floatConstant(OpBuilder &b, Location loc, Type type, double value) {
  return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, value));
}

Value nnc::filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                        double value) {
  Value empty = tensor::EmptyOp::create(b, loc, type.getShape(),
                                        type.getElementType());
  Value v = floatConstant(b, loc, type.getElementType(), value);
  return linalg::FillOp::create(b, loc, v, empty).getResult(0);
}

Value nnc::buildGeneric(OpBuilder &b, Location loc, ValueRange inputs,
                        ArrayRef<AffineMap> inputMaps, Value init,
                        AffineMap outputMap,
                        ArrayRef<utils::IteratorType> iterators,
                        BodyBuilder body) {
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(outputMap);
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), inputs, init, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        linalg::YieldOp::create(nested, nestedLoc,
                                body(nested, nestedLoc, args));
      });
  return generic.getResult(0);
}

Value nnc::buildElementwise(OpBuilder &b, Location loc, RankedTensorType type,
                            ValueRange inputs, BodyBuilder body) {
  auto identity = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<AffineMap> inputMaps(inputs.size(), identity);
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  Value empty = tensor::EmptyOp::create(b, loc, type.getShape(),
                                        type.getElementType());
  return buildGeneric(b, loc, inputs, inputMaps, empty, identity, iterators,
                      body);
}

namespace {
/// The result type, output map and iterators of reducing `type` over the
/// sorted dimensions `dims`, which are dropped.
struct ReductionShape {
  RankedTensorType resultType;
  AffineMap outputMap;
  SmallVector<utils::IteratorType> iterators;
};

ReductionShape reductionShape(OpBuilder &b, RankedTensorType type,
                              ArrayRef<int64_t> dims) {
  SmallVector<int64_t> kept;
  SmallVector<AffineExpr> keptExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    bool reduced = llvm::is_contained(dims, i);
    iterators.push_back(reduced ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
    if (!reduced) {
      kept.push_back(type.getDimSize(i));
      keptExprs.push_back(b.getAffineDimExpr(i));
    }
  }
  return {RankedTensorType::get(kept, type.getElementType()),
          AffineMap::get(type.getRank(), 0, keptExprs, b.getContext()),
          iterators};
}
} // namespace

Value nnc::buildReduction(OpBuilder &b, Location loc, Value input,
                          ArrayRef<int64_t> dims, double init,
                          BodyBuilder body) {
  auto type = cast<RankedTensorType>(input.getType());
  ReductionShape shape = reductionShape(b, type, dims);
  Value acc = filledTensor(b, loc, shape.resultType, init);
  return buildGeneric(b, loc, input, b.getMultiDimIdentityMap(type.getRank()),
                      acc, shape.outputMap, shape.iterators, body);
}

Value nnc::buildSum(OpBuilder &b, Location loc, ValueRange inputs,
                    ArrayRef<AffineMap> inputMaps, RankedTensorType resultType,
                    AffineMap outputMap, ArrayRef<utils::IteratorType> iterators,
                    BodyBuilder term) {
  Type f64 = b.getF64Type();
  auto wideType = RankedTensorType::get(resultType.getShape(), f64);
  Value wide = buildGeneric(
      b, loc, inputs, inputMaps, filledTensor(b, loc, wideType, 0.0), outputMap,
      iterators, [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
        Value t = term(b, loc, args.drop_back());
        Value ext = arith::ExtFOp::create(b, loc, f64, t);
        return arith::AddFOp::create(b, loc, args.back(), ext);
      });
  return buildElementwise(b, loc, resultType, wide,
                          [&](OpBuilder &b, Location loc, ValueRange args) {
                            return arith::TruncFOp::create(
                                b, loc, resultType.getElementType(), args[0]);
                          });
}

Value nnc::buildDimSum(OpBuilder &b, Location loc, Value input,
                       ArrayRef<int64_t> dims, BodyBuilder term) {
  auto type = cast<RankedTensorType>(input.getType());
  ReductionShape shape = reductionShape(b, type, dims);
  return buildSum(b, loc, input, b.getMultiDimIdentityMap(type.getRank()),
                  shape.resultType, shape.outputMap, shape.iterators, term);
}

Value nnc::buildTotalSum(OpBuilder &b, Location loc, Value input) {
  auto type = cast<RankedTensorType>(input.getType());
  auto all = llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
  return buildDimSum(b, loc, input, all,
                     [](OpBuilder &, Location, ValueRange args) {
                       return args[0];
                     });
}

/// out = op(lhs) · op(rhs) + init, as one linalg.matmul whose indexing maps
/// express the transposes (no transposed copy is materialized).
Value nnc::buildMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs,
                  bool transposeLhs, bool transposeRhs, Value init) {
  MLIRContext *ctx = b.getContext();
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  auto map = [&](AffineExpr r, AffineExpr c) {
    return AffineMap::get(3, 0, {r, c}, ctx);
  };
  SmallVector<Attribute> maps = {
      AffineMapAttr::get(transposeLhs ? map(k, m) : map(m, k)),
      AffineMapAttr::get(transposeRhs ? map(n, k) : map(k, n)),
      AffineMapAttr::get(map(m, n))};
  auto matmul = linalg::MatmulOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs}, ValueRange{init},
      {b.getNamedAttr("indexing_maps", b.getArrayAttr(maps))});
  return matmul.getResult(0);
}
