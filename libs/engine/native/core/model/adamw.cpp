#include "adamw.h"

#include <cmath>

namespace xr {

template <class T>
double AdamW<T>::step(ParameterStore<T>& params, const AdamWOptions& o) {
  double sq = 0;
  params.for_each([&](const std::string&, Param<T>& p) {
    if (p.trainable()) sq += ops_of<T>(p.grad.backend()).sum_squares(p.numel(), p.grad.data());
  });
  const double norm = std::sqrt(sq);
  const double clip = (o.max_grad_norm > 0 && norm > o.max_grad_norm) ? o.max_grad_norm / (norm + 1e-6) : 1.0;
  ++t_;
  const AdamWUpdate u{o.lr,  o.beta1, o.beta2, o.eps, o.weight_decay, clip, 1.0 - std::pow(o.beta1, double(t_)),
                      1.0 - std::pow(o.beta2, double(t_))};
  params.for_each([&](const std::string& name, Param<T>& p) {
    if (!p.trainable()) return;
    auto it = state_.find(name);
    if (it == state_.end()) it = state_.emplace(name, Moments(p.value.backend())).first;
    Moments& s = it->second;
    if (s.m.size() != p.value.size()) {
      s.m.zeros(p.value.size());
      s.v.zeros(p.value.size());
    }
    ops_of<T>(p.value.backend()).adamw(p.numel(), u, p.value.data(), p.grad.data(), s.m.data(), s.v.data());
  });
  return norm;
}

template class AdamW<float>;
template class AdamW<double>;

}  // namespace xr
