//===- Philox.cpp - counter-based normal random numbers in generated code -===//
//
// Philox 4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2,
// 3", SC'11) needs only 32-bit multiplies, xors and adds, so every element
// of a tensor can draw its own numbers independently: the result depends on
// (seed, counter) alone, never on thread count or order.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/NNToLinalg/Builders.h"
#include "compiler/Conversion/NNToLinalg/NNToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <array>
#include <cmath>

using namespace mlir;

namespace {
struct I32 {
  OpBuilder &b;
  Location loc;

  Value cst(uint32_t v) const {
    return arith::ConstantOp::create(b, loc, b.getI32Type(),
                                     b.getI32IntegerAttr(int32_t(v)));
  }
  Value xorI(Value x, Value y) const { return arith::XOrIOp::create(b, loc, x, y); }
  Value addI(Value x, Value y) const { return arith::AddIOp::create(b, loc, x, y); }
  /// The 32 low and high bits of the 64-bit product m·x.
  std::pair<Value, Value> mulHiLo(uint32_t m, Value x) const {
    auto prod = arith::MulUIExtendedOp::create(b, loc, cst(m), x);
    return {prod.getLow(), prod.getHigh()};
  }
  Value trunc(Value i64) const {
    return arith::TruncIOp::create(b, loc, b.getI32Type(), i64);
  }
  Value high(Value i64) const {
    Value shifted = arith::ShRUIOp::create(
        b, loc, i64,
        arith::ConstantOp::create(b, loc, b.getI64Type(), b.getI64IntegerAttr(32)));
    return trunc(shifted);
  }
};

/// (bits >> 8) · 2⁻²⁴ + offset: a uniform number from the top 24 bits.
Value toUniform(OpBuilder &b, Location loc, Value bits, Type f, double offset) {
  Value top = arith::ShRUIOp::create(
      b, loc, bits,
      arith::ConstantOp::create(b, loc, b.getI32Type(), b.getI32IntegerAttr(8)));
  Value asFloat = arith::UIToFPOp::create(b, loc, f, top);
  Value shifted = arith::AddFOp::create(b, loc, asFloat,
                                        nnc::floatConstant(b, loc, f, offset));
  return arith::MulFOp::create(b, loc, shifted,
                               nnc::floatConstant(b, loc, f, 1.0 / 16777216.0));
}
} // namespace

Value nnc::buildPhiloxNormal(OpBuilder &b, Location loc, Value index,
                             Value stream, Value seed, Value step, Type f) {
  I32 i{b, loc};
  std::array<Value, 4> ctr = {
      index, stream, i.trunc(step),
      arith::OrIOp::create(b, loc, i.high(step), i.cst(0x80000000u))};
  std::array<Value, 2> key = {i.trunc(seed), i.high(seed)};
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key[0] = i.addI(key[0], i.cst(0x9E3779B9u));
      key[1] = i.addI(key[1], i.cst(0xBB67AE85u));
    }
    auto [lo0, hi0] = i.mulHiLo(0xD2511F53u, ctr[0]);
    auto [lo1, hi1] = i.mulHiLo(0xCD9E8D57u, ctr[2]);
    ctr = {i.xorI(i.xorI(hi1, ctr[1]), key[0]), lo1,
           i.xorI(i.xorI(hi0, ctr[3]), key[1]), lo0};
  }
  // Box–Muller: u1 ∈ (0, 1) so that log(u1) is finite.
  Value u1 = toUniform(b, loc, ctr[0], f, 0.5);
  Value u2 = toUniform(b, loc, ctr[1], f, 0.0);
  Value radius = math::SqrtOp::create(
      b, loc,
      arith::MulFOp::create(b, loc, floatConstant(b, loc, f, -2.0),
                            math::LogOp::create(b, loc, u1)));
  Value angle =
      arith::MulFOp::create(b, loc, floatConstant(b, loc, f, 2.0 * M_PI), u2);
  return arith::MulFOp::create(b, loc, radius,
                               math::CosOp::create(b, loc, angle));
}
