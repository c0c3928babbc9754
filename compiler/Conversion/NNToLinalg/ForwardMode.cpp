//===- ForwardMode.cpp - tangents of lowered code (JVP) -------------------===//
//
// Tangents are built op by op in program order. A null tangent means zero,
// so code that does not depend on the seeds costs nothing. Scalar ops (at
// the top level and inside linalg bodies) use the derivative rules of
// `scalarTangent`; a linalg.generic becomes one generic with the tangents
// as extra inputs and outputs, its body computing both; matmul uses the
// product rule with two more matmuls; structural tensor ops are applied to
// the tangents as they are.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/NNToLinalg/ForwardMode.h"
#include "compiler/Conversion/NNToLinalg/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace nnc;

bool nnc::hasTangentType(Type type) {
  return isa<FloatType>(getElementTypeOrSelf(type));
}

Value nnc::zeroTangent(OpBuilder &b, Location loc, Type type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type))
    return filledTensor(b, loc, tensor, 0.0);
  return floatConstant(b, loc, type, 0.0);
}

namespace {

/// Float arithmetic on tangents where null stands for zero.
struct TangentArith {
  OpBuilder &b;
  Location loc;

  Value constant(Value like, double v) {
    return floatConstant(b, loc, like.getType(), v);
  }
  Value orZero(Value t, Value like) { return t ? t : constant(like, 0.0); }
  Value add(Value x, Value y) {
    if (!x || !y)
      return x ? x : y;
    return arith::AddFOp::create(b, loc, x, y);
  }
  Value neg(Value x) { return x ? arith::NegFOp::create(b, loc, x) : x; }
  Value sub(Value x, Value y) {
    if (!y)
      return x;
    return x ? arith::SubFOp::create(b, loc, x, y).getResult() : neg(y);
  }
  Value mul(Value x, Value y) {
    if (!x || !y)
      return nullptr;
    return arith::MulFOp::create(b, loc, x, y);
  }
  Value div(Value x, Value y) {
    return x ? arith::DivFOp::create(b, loc, x, y).getResult() : x;
  }
  /// cond ? x : y for tangents x, y of values like `like`.
  Value select(Value cond, Value x, Value y, Value like) {
    if (!x && !y)
      return nullptr;
    return arith::SelectOp::create(b, loc, cond, orZero(x, like),
                                   orZero(y, like));
  }
  Value compare(arith::CmpFPredicate predicate, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, predicate, x, y);
  }
};

/// The tangent of the result of the scalar op `op` from its operands'
/// tangents `d`, built at `b`'s insertion point; failure where the
/// derivative of the op is unknown.
FailureOr<Value> scalarTangent(OpBuilder &b, Operation *op, ArrayRef<Value> d) {
  TangentArith t{b, op->getLoc()};
  auto x = op->getOperands();
  Value r = op->getNumResults() == 1 ? op->getResult(0) : Value();
  using P = arith::CmpFPredicate;
  return llvm::TypeSwitch<Operation *, FailureOr<Value>>(op)
      .Case<arith::AddFOp>([&](auto) { return t.add(d[0], d[1]); })
      .Case<arith::SubFOp>([&](auto) { return t.sub(d[0], d[1]); })
      .Case<arith::MulFOp>(
          [&](auto) { return t.add(t.mul(d[0], x[1]), t.mul(x[0], d[1])); })
      .Case<arith::DivFOp>(
          [&](auto) { return t.div(t.sub(d[0], t.mul(r, d[1])), x[1]); })
      .Case<arith::NegFOp>([&](auto) { return t.neg(d[0]); })
      .Case<arith::MaximumFOp, arith::MaxNumFOp>([&](auto) {
        return t.select(t.compare(P::OGE, x[0], x[1]), d[0], d[1], r);
      })
      .Case<arith::MinimumFOp, arith::MinNumFOp>([&](auto) {
        return t.select(t.compare(P::OLE, x[0], x[1]), d[0], d[1], r);
      })
      .Case<arith::SelectOp>(
          [&](auto) { return t.select(x[0], d[1], d[2], r); })
      .Case<arith::ExtFOp>([&](auto) -> Value {
        return arith::ExtFOp::create(b, op->getLoc(), r.getType(), d[0]);
      })
      .Case<arith::TruncFOp>([&](auto) -> Value {
        return arith::TruncFOp::create(b, op->getLoc(), r.getType(), d[0]);
      })
      .Case<math::ExpOp>([&](auto) { return t.mul(d[0], r); })
      .Case<math::ExpM1Op>(
          [&](auto) { return t.mul(d[0], t.add(r, t.constant(r, 1.0))); })
      .Case<math::LogOp>([&](auto) { return t.div(d[0], x[0]); })
      .Case<math::Log1pOp>(
          [&](auto) { return t.div(d[0], t.add(x[0], t.constant(r, 1.0))); })
      .Case<math::TanhOp>([&](auto) {
        return t.mul(d[0], t.sub(t.constant(r, 1.0), t.mul(r, r)));
      })
      .Case<math::SqrtOp>(
          [&](auto) { return t.div(t.mul(d[0], t.constant(r, 0.5)), r); })
      .Case<math::RsqrtOp>([&](auto) {
        // d(a^-1/2) = -a^-3/2 / 2 · da
        return t.mul(d[0], t.mul(t.constant(r, -0.5), t.mul(r, t.mul(r, r))));
      })
      .Case<math::PowFOp>([&](auto) {
        Value exponent = t.sub(x[1], t.constant(r, 1.0));
        Value dBase = t.mul(
            d[0],
            t.mul(x[1], math::PowFOp::create(b, op->getLoc(), x[0], exponent)));
        Value dExponent =
            d[1] ? t.mul(d[1],
                         t.mul(r, math::LogOp::create(b, op->getLoc(), x[0])))
                 : Value();
        return t.add(dBase, dExponent);
      })
      .Case<math::AbsFOp>([&](auto) {
        return t.select(t.compare(P::OGE, x[0], t.constant(r, 0.0)), d[0],
                        t.neg(d[0]), r);
      })
      .Case<math::FmaOp>([&](auto) {
        return t.add(t.add(t.mul(d[0], x[1]), t.mul(x[0], d[1])), d[2]);
      })
      .Default([](Operation *) { return failure(); });
}

LogicalResult unsupported(Operation *op) {
  return op->emitOpError(
      "has no forward-mode derivative (needed for the Hessian-vector "
      "product)");
}

class ForwardMode {
public:
  explicit ForwardMode(TangentMap &tangents) : tangents(tangents) {}

  LogicalResult run(Block &block) {
    auto ops = llvm::map_to_vector(block, [](Operation &op) { return &op; });
    for (Operation *op : ops)
      if (needsTangent(op) && failed(differentiate(op)))
        return failure();
    return success();
  }

private:
  Value tangent(Value v) const { return tangents.lookup(v); }

  Value tangentOrZero(OpBuilder &b, Location loc, Value v) {
    Value t = tangent(v);
    return t ? t : zeroTangent(b, loc, v.getType());
  }

  /// Whether some float result of `op` depends on a value with a tangent,
  /// through its operands or through values its regions capture.
  bool needsTangent(Operation *op) const {
    if (llvm::none_of(op->getResultTypes(), hasTangentType))
      return false;
    auto hasTangent = [&](Value v) { return bool(tangent(v)); };
    if (llvm::any_of(op->getOperands(), hasTangent))
      return true;
    llvm::SetVector<Value> captured;
    getUsedValuesDefinedAbove(op->getRegions(), captured);
    return llvm::any_of(captured, hasTangent);
  }

  LogicalResult differentiate(Operation *op) {
    OpBuilder b(op->getContext());
    b.setInsertionPointAfter(op);
    Location loc = op->getLoc();
    return llvm::TypeSwitch<Operation *, LogicalResult>(op)
        .Case<linalg::GenericOp>([&](linalg::GenericOp g) {
          return isBilinearSum(g) ? differentiateBilinear(b, g)
                                  : differentiateGeneric(g);
        })
        .Case<linalg::MatmulOp>(
            [&](linalg::MatmulOp m) { return differentiateBilinear(b, m); })
        .Case<linalg::FillOp>([&](linalg::FillOp fill) {
          if (Value d = tangent(fill.getInputs()[0]))
            tangents[fill.getResult(0)] =
                linalg::FillOp::create(b, loc, d, fill.getOutputs()[0])
                    .getResult(0);
          return success();
        })
        .Case<linalg::LinalgOp>([&](linalg::LinalgOp linalgOp) {
          IRRewriter rewriter(b);
          rewriter.setInsertionPoint(op);
          auto generic = linalg::generalizeNamedOp(rewriter, linalgOp);
          if (failed(generic))
            return unsupported(op);
          return differentiateGeneric(*generic);
        })
        .Case<tensor::ExtractOp>([&](tensor::ExtractOp extract) {
          tangents[extract] = tensor::ExtractOp::create(
              b, loc, tangent(extract.getTensor()), extract.getIndices());
          return success();
        })
        .Case<tensor::ExtractSliceOp, tensor::ExpandShapeOp,
              tensor::CollapseShapeOp, tensor::CastOp, tensor::ReshapeOp>(
            [&](Operation *) {
              // Linear in operand 0; other operands are shapes and indices.
              Operation *t = b.clone(*op);
              t->setOperand(0, tangent(op->getOperand(0)));
              tangents[op->getResult(0)] = t->getResult(0);
              return success();
            })
        .Case<tensor::InsertSliceOp, tensor::FromElementsOp, tensor::ConcatOp>(
            [&](Operation *) {
              // Linear in every float operand.
              SmallVector<Value> operands(op->getOperands());
              for (Value &operand : operands)
                if (hasTangentType(operand.getType()))
                  operand = tangentOrZero(b, loc, operand);
              Operation *t = b.clone(*op);
              t->setOperands(operands);
              tangents[op->getResult(0)] = t->getResult(0);
              return success();
            })
        .Case<tensor::PadOp>([&](tensor::PadOp pad) {
          auto yield =
              cast<tensor::YieldOp>(pad.getRegion().front().getTerminator());
          if (tangent(yield.getValue()))
            return unsupported(op);
          auto t = cast<tensor::PadOp>(b.clone(*op));
          t.getSourceMutable().assign(tangent(pad.getSource()));
          auto tYield =
              cast<tensor::YieldOp>(t.getRegion().front().getTerminator());
          OpBuilder inside(tYield);
          tYield.getValueMutable().assign(
              zeroTangent(inside, loc, yield.getValue().getType()));
          tangents[pad.getResult()] = t.getResult();
          return success();
        })
        .Default([&](Operation *) {
          if (op->getNumRegions() != 0 || op->getNumResults() != 1)
            return unsupported(op);
          SmallVector<Value> d = llvm::map_to_vector(
              op->getOperands(), [&](Value v) { return tangent(v); });
          FailureOr<Value> t = scalarTangent(b, op, d);
          if (failed(t))
            return unsupported(op);
          if (*t)
            tangents[op->getResult(0)] = *t;
          return success();
        });
  }

  /// A generic whose body is out + in0·in1 (a direct convolution, any
  /// contraction): its tangent is two more of the same op.
  static bool isBilinearSum(linalg::GenericOp op) {
    if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
        op.hasIndexSemantics())
      return false;
    Block &body = op.getRegion().front();
    if (body.getOperations().size() != 3)
      return false;
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    auto add = yield.getValues()[0].getDefiningOp<arith::AddFOp>();
    if (!add)
      return false;
    Value out = body.getArgument(2);
    Value product = add.getLhs() == out ? add.getRhs() : add.getLhs();
    auto mul = product.getDefiningOp<arith::MulFOp>();
    if (!mul || (add.getLhs() != out && add.getRhs() != out))
      return false;
    Value in0 = body.getArgument(0), in1 = body.getArgument(1);
    return (mul.getLhs() == in0 && mul.getRhs() == in1) ||
           (mul.getLhs() == in1 && mul.getRhs() == in0);
  }

  /// C = C0 + A·B  ⇒  dC = dC0 + dA·B + A·dB, as ops like `op` (a matmul
  /// with its indexing maps, transposes included, or a bilinear generic):
  /// each keeps the fast path of the original, where one generic computing
  /// C and dC together would have two outputs and lose it.
  LogicalResult differentiateBilinear(OpBuilder &b, linalg::LinalgOp op) {
    Value a = op.getDpsInputs()[0], bMat = op.getDpsInputs()[1],
          c = op.getDpsInits()[0];
    Value acc = tangentOrZero(b, op.getLoc(), c);
    auto product = [&](Value lhs, Value rhs) {
      Operation *m = b.clone(*op);
      m->setOperands({lhs, rhs, acc});
      acc = m->getResult(0);
    };
    if (Value da = tangent(a))
      product(da, bMat);
    if (Value db = tangent(bMat))
      product(a, db);
    tangents[op->getResult(0)] = acc;
    return success();
  }

  /// Replaces `op` by a generic with inputs (x..., dx...) and outputs
  /// (y..., dy...) whose body computes the primal and the tangent.
  LogicalResult differentiateGeneric(linalg::GenericOp op) {
    OpBuilder b(op);
    Location loc = op.getLoc();
    auto maps = op.getIndexingMapsArray();
    int64_t numInputs = op.getNumDpsInputs();
    SmallVector<Value> inputs(op.getInputs()), outputs(op.getOutputs());
    SmallVector<AffineMap> newMaps(maps.begin(), maps.begin() + numInputs);
    // Block argument of each input's tangent, position among the outputs of
    // each output's tangent; -1 for none.
    SmallVector<int64_t> inputTangent(numInputs, -1);
    for (int64_t i = 0; i < numInputs; ++i)
      if (Value d = tangent(inputs[i])) {
        inputTangent[i] = inputs.size();
        inputs.push_back(d);
        newMaps.push_back(maps[i]);
      }
    Block &body = op.getRegion().front();
    SmallVector<int64_t> outputTangent(outputs.size(), -1);
    int64_t numOutputs = outputs.size();
    newMaps.append(maps.begin() + numInputs, maps.end());
    for (int64_t j = 0; j < numOutputs; ++j) {
      Value init = op.getOutputs()[j];
      if (!hasTangentType(init.getType()))
        continue;
      outputTangent[j] = outputs.size();
      // The body reads the output only in reductions: their tangent starts
      // from the init's.
      bool read = !body.getArgument(numInputs + j).use_empty();
      outputs.push_back(
          read ? tangentOrZero(b, loc, init)
               : tensor::EmptyOp::create(
                     b, loc, cast<RankedTensorType>(init.getType()).getShape(),
                     getElementTypeOrSelf(init.getType())));
      newMaps.push_back(maps[numInputs + j]);
    }

    LogicalResult status = success();
    auto buildBody = [&](OpBuilder &nb, Location nloc, ValueRange args) {
      IRMapping mapping;
      TangentMap inner;
      for (int64_t i = 0; i < numInputs; ++i) {
        mapping.map(body.getArgument(i), args[i]);
        if (inputTangent[i] >= 0)
          inner[body.getArgument(i)] = args[inputTangent[i]];
      }
      for (int64_t j = 0; j < numOutputs; ++j) {
        mapping.map(body.getArgument(numInputs + j), args[inputs.size() + j]);
        if (outputTangent[j] >= 0)
          inner[body.getArgument(numInputs + j)] =
              args[inputs.size() + outputTangent[j]];
      }
      auto tangentIn = [&](Value v) {
        Value t = inner.lookup(v);
        return t ? t : tangent(v);
      };
      for (Operation &old : body.without_terminator()) {
        Operation *primal = nb.clone(old, mapping);
        if (llvm::none_of(primal->getResultTypes(), hasTangentType))
          continue;
        if (auto extract = dyn_cast<tensor::ExtractOp>(old)) {
          if (Value d = tangent(extract.getTensor()))
            inner[extract] = tensor::ExtractOp::create(
                nb, nloc, d, cast<tensor::ExtractOp>(primal).getIndices());
          continue;
        }
        SmallVector<Value> d =
            llvm::map_to_vector(old.getOperands(), tangentIn);
        if (llvm::all_of(d, [](Value v) { return !v; }))
          continue;
        FailureOr<Value> t =
            primal->getNumResults() == 1 && primal->getNumRegions() == 0
                ? scalarTangent(nb, primal, d)
                : FailureOr<Value>(failure());
        if (failed(t)) {
          status = unsupported(&old);
          break;
        }
        if (*t)
          inner[old.getResult(0)] = *t;
      }
      auto yield = cast<linalg::YieldOp>(body.getTerminator());
      SmallVector<Value> results =
          llvm::map_to_vector(yield.getValues(), [&](Value v) {
            return mapping.lookupOrDefault(v);
          });
      for (int64_t j = 0; j < numOutputs; ++j)
        if (outputTangent[j] >= 0) {
          Value t = tangentIn(yield.getValues()[j]);
          results.push_back(
              t ? t : floatConstant(nb, nloc, results[j].getType(), 0.0));
        }
      linalg::YieldOp::create(nb, nloc, results);
    };
    auto generic = linalg::GenericOp::create(
        b, loc, TypeRange(ValueRange(outputs)), inputs, outputs, newMaps,
        op.getIteratorTypesArray(), buildBody);
    if (failed(status)) {
      generic.erase();
      return failure();
    }
    for (int64_t j = 0; j < numOutputs; ++j) {
      op.getResult(j).replaceAllUsesWith(generic.getResult(j));
      if (outputTangent[j] >= 0)
        tangents[generic.getResult(j)] = generic.getResult(outputTangent[j]);
    }
    op.erase();
    return success();
  }

  TangentMap &tangents;
};
} // namespace

LogicalResult nnc::differentiateForward(Block &block, TangentMap &tangents) {
  return ForwardMode(tangents).run(block);
}
