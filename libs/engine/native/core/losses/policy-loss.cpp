#include "policy-loss.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace xr {

// Per-token weights of the three aggregations (they differ only in how tokens are averaged):
//   grpo     mean over sequences of the mean over each sequence's tokens
//   dr_grpo  sum over tokens / (B · L_max), no length normalisation (Dr. GRPO)
//   dapo     mean over all tokens of the batch (token-level, DAPO)
template <class T>
PolicyLossStats policy_loss(const PolicyLossOptions& o, int64_t B, int64_t S, const int32_t* targets, const T* logp,
                            T* dlogp) {
  PolicyLossStats st;
  if (o.kind == PolicyKind::none) return st;
  const int64_t N = B * S;
  if (static_cast<int64_t>(o.old_logp.size()) != N) throw std::invalid_argument("policy: old logprobs must hold batch × seq values");
  if (static_cast<int64_t>(o.advantages.size()) != B) throw std::invalid_argument("policy: one advantage per sequence");
  const bool kl = !o.ref_logp.empty();
  if (kl && static_cast<int64_t>(o.ref_logp.size()) != N) throw std::invalid_argument("policy: reference logprobs must hold batch × seq values");
  std::vector<int64_t> count(B, 0);
  int64_t total = 0, longest = 0, live = 0;
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t t = 0; t < S; ++t) count[b] += targets[b * S + t] >= 0;
    total += count[b];
    longest = std::max(longest, count[b]);
    live += count[b] > 0;
  }
  st.tokens = total;
  if (total == 0) return st;
  const double l_max = o.max_tokens > 0 ? o.max_tokens : double(longest);
  int64_t clipped = 0;
  double kl_sum = 0;
  for (int64_t b = 0; b < B; ++b) {
    if (count[b] == 0) continue;
    double w = 0;
    switch (o.kind) {
      case PolicyKind::grpo: w = 1.0 / (double(count[b]) * double(live)); break;
      case PolicyKind::dr_grpo: w = 1.0 / (double(B) * l_max); break;
      case PolicyKind::dapo: w = 1.0 / double(total); break;
      case PolicyKind::none: break;
    }
    const double adv = o.advantages[b];
    for (int64_t t = 0; t < S; ++t) {
      const int64_t r = b * S + t;
      if (targets[r] < 0) continue;
      const double lp = double(logp[r]);
      const double ratio = std::exp(lp - o.old_logp[r]);
      const double clamped = std::min(std::max(ratio, 1.0 - o.eps_low), 1.0 + o.eps_high);
      const double unclipped_term = ratio * adv, clipped_term = clamped * adv;
      // min(r·A, clip(r)·A): the gradient flows only when the unclipped term is the smaller one.
      const bool flows = unclipped_term <= clipped_term;
      double token_loss = -std::min(unclipped_term, clipped_term);
      double grad = flows ? -ratio * adv : 0.0;
      if (!flows) ++clipped;
      if (kl) {
        const double d = o.ref_logp[r] - lp;
        const double k3 = std::exp(d) - d - 1;
        kl_sum += k3;
        token_loss += o.kl_beta * k3;
        grad += o.kl_beta * (1 - std::exp(d));
      }
      st.loss += w * token_loss;
      dlogp[r] += T(w * grad);
    }
  }
  st.clip_fraction = double(clipped) / double(total);
  st.kl = kl_sum / double(total);
  return st;
}

template PolicyLossStats policy_loss<float>(const PolicyLossOptions&, int64_t, int64_t, const int32_t*, const float*, float*);
template PolicyLossStats policy_loss<double>(const PolicyLossOptions&, int64_t, int64_t, const int32_t*, const double*, double*);

}  // namespace xr
