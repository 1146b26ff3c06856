#include "op-checks.h"

#include <cmath>
#include <functional>
#include <map>
#include <stdexcept>

#include "../ops/cross-entropy.h"
#include "../random.h"

namespace xr {
namespace {

using Arrays = std::vector<std::vector<double>>;

template <class T>
std::vector<T> cast(const std::vector<double>& v) {
  return std::vector<T>(v.begin(), v.end());
}
template <class T>
std::vector<double> widen(const std::vector<T>& v) {
  return std::vector<double>(v.begin(), v.end());
}

std::vector<double> random_vec(Rng& rng, int64_t n, double scale = 1.0) {
  std::vector<double> v(static_cast<size_t>(n));
  for (auto& x : v) x = scale * rng.symmetric();
  return v;
}

// One op under test: its differentiable inputs and how to run it in either precision.
struct OpCase {
  Arrays inputs;
  std::function<Arrays(const Backend&, DType, const Arrays&)> forward;
  std::function<Arrays(const Backend&, DType, const Arrays&, const Arrays&)> backward;
};

// Calls f(ops, T{}) with the table of the requested precision.
template <class F>
Arrays dispatch(const Backend& b, DType dtype, F&& f) {
  if (dtype == DType::f64) return f(ops_of<double>(b), double{});
  return f(ops_of<float>(b), float{});
}

OpCase gemm_case(Rng& rng, bool ta, bool tb) {
  const int64_t m = 5, n = 4, k = 6;
  const double alpha = 0.7, beta = 0.3;
  OpCase c;
  c.inputs = {random_vec(rng, m * k), random_vec(rng, k * n), random_vec(rng, m * n)};
  c.forward = [=](const Backend& b, DType d, const Arrays& in) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto A = cast<T>(in[0]), B = cast<T>(in[1]), C = cast<T>(in[2]);
      ops.gemm(ta, tb, m, n, k, T(alpha), A.data(), ta ? m : k, B.data(), tb ? k : n, T(beta), C.data(), n);
      return Arrays{widen(C)};
    });
  };
  // The Linear layer's backward formulas, written with the same gemm.
  c.backward = [=](const Backend& b, DType d, const Arrays& in, const Arrays& dout) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto A = cast<T>(in[0]), B = cast<T>(in[1]), dC = cast<T>(dout[0]);
      std::vector<T> dA(A.size()), dB(B.size()), dC0(dC.size());
      // dop(A) = alpha dC op(B)ᵀ ; dop(B) = alpha op(A)ᵀ dC
      if (!ta)
        ops.gemm(false, !tb, m, k, n, T(alpha), dC.data(), n, B.data(), tb ? k : n, T(0), dA.data(), k);
      else
        ops.gemm(tb, true, k, m, n, T(alpha), B.data(), tb ? k : n, dC.data(), n, T(0), dA.data(), m);
      if (!tb)
        ops.gemm(!ta, false, k, n, m, T(alpha), A.data(), ta ? m : k, dC.data(), n, T(0), dB.data(), n);
      else
        ops.gemm(true, ta, n, k, m, T(alpha), dC.data(), n, A.data(), ta ? m : k, T(0), dB.data(), k);
      for (size_t i = 0; i < dC.size(); ++i) dC0[i] = T(beta) * dC[i];
      return Arrays{widen(dA), widen(dB), widen(dC0)};
    });
  };
  return c;
}

OpCase rmsnorm_case(Rng& rng) {
  const int64_t rows = 3, dim = 8;
  OpCase c;
  c.inputs = {random_vec(rng, rows * dim, 2.0), random_vec(rng, dim)};
  c.forward = [=](const Backend& b, DType d, const Arrays& in) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto x = cast<T>(in[0]), w = cast<T>(in[1]);
      std::vector<T> y(x.size()), rstd(rows);
      ops.rmsnorm_forward(rows, dim, T(1e-5), x.data(), w.data(), y.data(), rstd.data());
      return Arrays{widen(y)};
    });
  };
  c.backward = [=](const Backend& b, DType d, const Arrays& in, const Arrays& dout) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto x = cast<T>(in[0]), w = cast<T>(in[1]), dy = cast<T>(dout[0]);
      std::vector<T> y(x.size()), rstd(rows), dx(x.size()), dw(w.size(), T(0));
      ops.rmsnorm_forward(rows, dim, T(1e-5), x.data(), w.data(), y.data(), rstd.data());
      ops.rmsnorm_backward(rows, dim, x.data(), w.data(), rstd.data(), dy.data(), dx.data(), dw.data());
      return Arrays{widen(dx), widen(dw)};
    });
  };
  return c;
}

OpCase rope_case(Rng& rng, double theta) {
  const RopeShape s{5, 2, 8, theta};
  std::vector<int32_t> pos = {0, 1, 7, 300, 4095};
  OpCase c;
  c.inputs = {random_vec(rng, s.tokens * s.heads * s.head_dim)};
  c.forward = [=](const Backend& b, DType d, const Arrays& in) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto x = cast<T>(in[0]);
      std::vector<T> y(x.size());
      ops.rope_forward(s, pos.data(), x.data(), y.data());
      return Arrays{widen(y)};
    });
  };
  c.backward = [=](const Backend& b, DType d, const Arrays&, const Arrays& dout) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto dy = cast<T>(dout[0]);
      std::vector<T> dx(dy.size());
      ops.rope_backward(s, pos.data(), dy.data(), dx.data());
      return Arrays{widen(dx)};
    });
  };
  return c;
}

// Two sequences of 5: the first left-padded by two, the second packing two documents.
OpCase attention_case(Rng& rng, int64_t q_heads, int64_t kv_heads) {
  const AttentionShape s{2, 5, 5, 5, q_heads, kv_heads, 4, 0};
  const std::vector<int32_t> seg = {0, 0, 1, 1, 1, 1, 1, 2, 2, 2};
  OpCase c;
  const int64_t qn = s.batch * s.q_len * q_heads * s.head_dim, kn = s.batch * s.kv_len * kv_heads * s.head_dim;
  c.inputs = {random_vec(rng, qn, 2.0), random_vec(rng, kn, 2.0), random_vec(rng, kn)};
  c.forward = [=](const Backend& b, DType d, const Arrays& in) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto q = cast<T>(in[0]), k = cast<T>(in[1]), v = cast<T>(in[2]);
      std::vector<T> o(q.size()), lse(static_cast<size_t>(s.batch * q_heads * s.q_len));
      ops.attention_forward(s, q.data(), k.data(), v.data(), seg.data(), seg.data(), o.data(), lse.data());
      return Arrays{widen(o)};
    });
  };
  c.backward = [=](const Backend& b, DType d, const Arrays& in, const Arrays& dout) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto q = cast<T>(in[0]), k = cast<T>(in[1]), v = cast<T>(in[2]), d_o = cast<T>(dout[0]);
      std::vector<T> o(q.size()), lse(static_cast<size_t>(s.batch * q_heads * s.q_len));
      std::vector<T> dq(q.size()), dk(k.size()), dv(v.size());
      ops.attention_forward(s, q.data(), k.data(), v.data(), seg.data(), seg.data(), o.data(), lse.data());
      ops.attention_backward(s, q.data(), k.data(), v.data(), seg.data(), seg.data(), o.data(), lse.data(),
                             d_o.data(), dq.data(), dk.data(), dv.data());
      return Arrays{widen(dq), widen(dk), widen(dv)};
    });
  };
  return c;
}

OpCase swiglu_case(Rng& rng) {
  const int64_t n = 24;
  OpCase c;
  c.inputs = {random_vec(rng, n, 4.0), random_vec(rng, n)};
  c.forward = [=](const Backend& b, DType d, const Arrays& in) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto g = cast<T>(in[0]), u = cast<T>(in[1]);
      std::vector<T> h(g.size());
      ops.swiglu_forward(n, g.data(), u.data(), h.data());
      return Arrays{widen(h)};
    });
  };
  c.backward = [=](const Backend& b, DType d, const Arrays& in, const Arrays& dout) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto g = cast<T>(in[0]), u = cast<T>(in[1]), dh = cast<T>(dout[0]);
      std::vector<T> dg(g.size()), du(u.size());
      ops.swiglu_backward(n, g.data(), u.data(), dh.data(), dg.data(), du.data());
      return Arrays{widen(dg), widen(du)};
    });
  };
  return c;
}

OpCase embedding_case(Rng& rng) {
  const int64_t vocab = 7, dim = 5;
  const std::vector<int32_t> ids = {3, 0, 3, 6, 1, 3};  // repeats: the backward must add, not overwrite
  const int64_t tokens = static_cast<int64_t>(ids.size());
  OpCase c;
  c.inputs = {random_vec(rng, vocab * dim)};
  c.forward = [=](const Backend& b, DType d, const Arrays& in) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto table = cast<T>(in[0]);
      std::vector<T> out(static_cast<size_t>(tokens * dim));
      ops.embedding_forward(tokens, dim, ids.data(), table.data(), out.data());
      return Arrays{widen(out)};
    });
  };
  c.backward = [=](const Backend& b, DType d, const Arrays&, const Arrays& dout) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto dy = cast<T>(dout[0]);
      std::vector<T> dtable(static_cast<size_t>(vocab * dim), T(0));
      ops.embedding_backward(tokens, dim, ids.data(), dy.data(), dtable.data());
      return Arrays{widen(dtable)};
    });
  };
  return c;
}

OpCase logprobs_case(Rng& rng) {
  const int64_t rows = 4, vocab = 9;
  const std::vector<int32_t> targets = {2, -100, 8, 0};
  OpCase c;
  c.inputs = {random_vec(rng, rows * vocab, 3.0)};
  c.forward = [=](const Backend& b, DType d, const Arrays& in) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto z = cast<T>(in[0]);
      std::vector<T> logp(rows), lse(rows), entropy(rows);
      ops.logprobs_forward(rows, vocab, z.data(), targets.data(), logp.data(), lse.data(), entropy.data());
      return Arrays{widen(logp)};
    });
  };
  c.backward = [=](const Backend& b, DType d, const Arrays& in, const Arrays& dout) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto z = cast<T>(in[0]), dlogp = cast<T>(dout[0]);
      std::vector<T> logp(rows), lse(rows), dz(z.size());
      ops.logprobs_forward(rows, vocab, z.data(), targets.data(), logp.data(), lse.data(), nullptr);
      ops.logprobs_backward(rows, vocab, z.data(), targets.data(), lse.data(), dlogp.data(), dz.data());
      return Arrays{widen(dz)};
    });
  };
  return c;
}

OpCase cross_entropy_case(Rng& rng) {
  const int64_t rows = 5, vocab = 6;
  const std::vector<int32_t> targets = {1, -100, 5, 0, -100};
  OpCase c;
  c.inputs = {random_vec(rng, rows * vocab, 3.0)};
  c.forward = [=](const Backend& b, DType d, const Arrays& in) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto z = cast<T>(in[0]);
      CrossEntropy<T> ce;
      return Arrays{{ce.forward(ops, rows, vocab, z.data(), targets.data())}};
    });
  };
  c.backward = [=](const Backend& b, DType d, const Arrays& in, const Arrays& dout) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto z = cast<T>(in[0]);
      CrossEntropy<T> ce;
      ce.forward(ops, rows, vocab, z.data(), targets.data());
      std::vector<T> dz(z.size());
      ce.backward(ops, rows, vocab, z.data(), targets.data(), dout[0][0], dz.data());
      return Arrays{widen(dz)};
    });
  };
  return c;
}

// The residual add and a linear layer's bias: y = x + y0 and y = y0 + 1 bᵀ.
OpCase add_case(Rng& rng) {
  const int64_t n = 21;
  OpCase c;
  c.inputs = {random_vec(rng, n), random_vec(rng, n)};
  c.forward = [=](const Backend& b, DType d, const Arrays& in) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto x = cast<T>(in[0]), y = cast<T>(in[1]);
      ops.add(n, x.data(), y.data());
      return Arrays{widen(y)};
    });
  };
  c.backward = [=](const Backend&, DType, const Arrays&, const Arrays& dout) { return Arrays{dout[0], dout[0]}; };
  return c;
}

OpCase bias_case(Rng& rng) {
  const int64_t rows = 5, dim = 7;
  OpCase c;
  c.inputs = {random_vec(rng, dim), random_vec(rng, rows * dim)};
  c.forward = [=](const Backend& b, DType d, const Arrays& in) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto bias = cast<T>(in[0]), y = cast<T>(in[1]);
      ops.bias_forward(rows, dim, bias.data(), y.data());
      return Arrays{widen(y)};
    });
  };
  c.backward = [=](const Backend& b, DType d, const Arrays&, const Arrays& dout) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto dy = cast<T>(dout[0]);
      std::vector<T> db(static_cast<size_t>(dim), T(0));
      ops.bias_backward(rows, dim, dy.data(), db.data());
      return Arrays{widen(db), dout[0]};
    });
  };
  return c;
}

// Dropout at p = 0.4 with a fixed seed: the backward is the same op on dy.
OpCase dropout_case(Rng& rng) {
  const int64_t n = 40;
  const double p = 0.4;
  const uint64_t seed = rng.next();
  OpCase c;
  c.inputs = {random_vec(rng, n)};
  c.forward = [=](const Backend& b, DType d, const Arrays& in) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto x = cast<T>(in[0]);
      std::vector<T> y(x.size());
      ops.dropout(n, p, seed, x.data(), y.data());
      return Arrays{widen(y)};
    });
  };
  c.backward = [=](const Backend& b, DType d, const Arrays&, const Arrays& dout) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto dy = cast<T>(dout[0]);
      ops.dropout(n, p, seed, dy.data(), dy.data());
      return Arrays{widen(dy)};
    });
  };
  return c;
}

// One AdamW update as a function of (w, g, m, v) → (w', m', v'), clipping and weight decay on. The
// update is smooth where v' > 0, so its Jacobian-vector product is checked like any op's.
OpCase adamw_case(Rng& rng) {
  const int64_t n = 9;
  const AdamWUpdate u{0.05, 0.9, 0.99, 1e-3, 0.1, 0.7, 1 - std::pow(0.9, 3), 1 - std::pow(0.99, 3)};
  OpCase c;
  Arrays in = {random_vec(rng, n), random_vec(rng, n), random_vec(rng, n, 0.1), random_vec(rng, n, 0.01)};
  for (auto& v : in[3]) v = std::abs(v) + 0.01;
  c.inputs = in;
  c.forward = [=](const Backend& b, DType d, const Arrays& in) {
    return dispatch(b, d, [&](const auto& ops, auto zero) {
      using T = decltype(zero);
      auto w = cast<T>(in[0]), g = cast<T>(in[1]), m = cast<T>(in[2]), v = cast<T>(in[3]);
      ops.adamw(n, u, w.data(), g.data(), m.data(), v.data());
      return Arrays{widen(w), widen(m), widen(v), {ops.sum_squares(n, g.data())}};
    });
  };
  // d/dw' etc. by hand: m' = β1 m + (1−β1) s g, v' = β2 v + (1−β2) s² g², w' = w(1 − lr λ) − lr m̂ / (√v̂ + ε).
  c.backward = [=](const Backend&, DType, const Arrays& in, const Arrays& dout) {
    Arrays grads(4, std::vector<double>(n));
    for (int64_t i = 0; i < n; ++i) {
      const double g = in[1][i] * u.grad_scale;
      const double m = u.beta1 * in[2][i] + (1 - u.beta1) * g, v = u.beta2 * in[3][i] + (1 - u.beta2) * g * g;
      const double root = std::sqrt(v / u.bias_correction2), den = root + u.eps;
      const double dw_dm = -u.lr / u.bias_correction1 / den;
      const double dw_dv = u.lr * (m / u.bias_correction1) / (den * den) * 0.5 / root / u.bias_correction2;
      const double dm = dout[1][i] + dout[0][i] * dw_dm, dv = dout[2][i] + dout[0][i] * dw_dv;
      grads[0][i] = dout[0][i] * (1 - u.lr * u.weight_decay);
      grads[1][i] = (dm * (1 - u.beta1) + dv * (1 - u.beta2) * 2 * g) * u.grad_scale + dout[3][0] * 2 * in[1][i];
      grads[2][i] = dm * u.beta1;
      grads[3][i] = dv * u.beta2;
    }
    return grads;
  };
  return c;
}

const std::map<std::string, std::function<OpCase(Rng&)>>& cases() {
  static const std::map<std::string, std::function<OpCase(Rng&)>> all = {
      {"gemm_nn", [](Rng& r) { return gemm_case(r, false, false); }},
      {"gemm_nt", [](Rng& r) { return gemm_case(r, false, true); }},
      {"gemm_tn", [](Rng& r) { return gemm_case(r, true, false); }},
      {"gemm_tt", [](Rng& r) { return gemm_case(r, true, true); }},
      {"rmsnorm", rmsnorm_case},
      {"rope", [](Rng& r) { return rope_case(r, 10000.0); }},
      {"rope_theta_1e6", [](Rng& r) { return rope_case(r, 1e6); }},
      {"attention_gqa", [](Rng& r) { return attention_case(r, 4, 2); }},
      {"attention_mha", [](Rng& r) { return attention_case(r, 2, 2); }},
      {"attention_mqa", [](Rng& r) { return attention_case(r, 3, 1); }},
      {"swiglu", swiglu_case},
      {"embedding", embedding_case},
      {"logprobs", logprobs_case},
      {"cross_entropy", cross_entropy_case},
      {"add", add_case},
      {"bias", bias_case},
      {"dropout", dropout_case},
      {"adamw", adamw_case},
  };
  return all;
}

double dot(const Arrays& a, const Arrays& w) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i)
    for (size_t j = 0; j < a[i].size(); ++j) s += a[i][j] * w[i][j];
  return s;
}

std::vector<double> flat(const Arrays& a) {
  std::vector<double> out;
  for (const auto& v : a) out.insert(out.end(), v.begin(), v.end());
  return out;
}

}  // namespace

std::vector<std::string> op_check_names() {
  std::vector<std::string> names;
  for (const auto& [name, _] : cases()) names.push_back(name);
  return names;
}

OpCheckResult check_op(const Backend& backend, const std::string& name, uint64_t seed) {
  auto it = cases().find(name);
  if (it == cases().end()) throw std::invalid_argument("unknown op check '" + name + "'");
  Rng rng(seed);
  OpCase c = it->second(rng);
  const Backend& ref = cpu_backend();  // the double tables of the CPU backend are the reference

  Arrays out = c.forward(ref, DType::f64, c.inputs);
  Arrays w;  // loss = Σ out · w, so dout = w
  for (const auto& o : out) w.push_back(random_vec(rng, static_cast<int64_t>(o.size())));
  Arrays grads = c.backward(ref, DType::f64, c.inputs, w);

  OpCheckResult result;
  std::vector<double> analytic, numeric;
  const double eps = 1e-6;
  for (size_t a = 0; a < c.inputs.size(); ++a) {
    for (size_t i = 0; i < c.inputs[a].size(); ++i) {
      Arrays plus = c.inputs, minus = c.inputs;
      plus[a][i] += eps;
      minus[a][i] -= eps;
      numeric.push_back((dot(c.forward(ref, DType::f64, plus), w) - dot(c.forward(ref, DType::f64, minus), w)) /
                        (2 * eps));
      analytic.push_back(grads[a][i]);
      ++result.checked;
    }
  }
  result.grad_error = normalized_error(analytic, numeric);
  result.forward_error = normalized_error(flat(c.forward(backend, DType::f32, c.inputs)), flat(out));
  result.backward_error = normalized_error(flat(c.backward(backend, DType::f32, c.inputs, w)), flat(grads));
  return result;
}

}  // namespace xr
