#include "adamw.h"

#include <cmath>

#include "../thread-pool.h"

namespace xr {

template <class T>
double AdamW<T>::step(ParameterStore<T>& params, const AdamWOptions& o) {
  double sq = 0;
  params.for_each([&](const std::string&, Param<T>& p) {
    for (T g : p.grad) sq += double(g) * double(g);
  });
  const double norm = std::sqrt(sq);
  const double clip = (o.max_grad_norm > 0 && norm > o.max_grad_norm) ? o.max_grad_norm / (norm + 1e-6) : 1.0;
  ++t_;
  const double c1 = 1.0 - std::pow(o.beta1, double(t_)), c2 = 1.0 - std::pow(o.beta2, double(t_));
  params.for_each([&](const std::string& name, Param<T>& p) {
    if (!p.trainable()) return;
    Moments& s = state_[name];
    if (s.m.size() != p.value.size()) {
      s.m.assign(p.value.size(), T(0));
      s.v.assign(p.value.size(), T(0));
    }
    parallel_for(p.numel(), 4096, [&](int64_t i0, int64_t i1) {
      for (int64_t i = i0; i < i1; ++i) {
        const double g = double(p.grad[i]) * clip;
        const double m = o.beta1 * double(s.m[i]) + (1 - o.beta1) * g;
        const double v = o.beta2 * double(s.v[i]) + (1 - o.beta2) * g * g;
        s.m[i] = T(m);
        s.v[i] = T(v);
        double w = double(p.value[i]);
        w -= o.lr * o.weight_decay * w;
        w -= o.lr * (m / c1) / (std::sqrt(v / c2) + o.eps);
        p.value[i] = T(w);
      }
    });
  });
  return norm;
}

template class AdamW<float>;
template class AdamW<double>;

}  // namespace xr
