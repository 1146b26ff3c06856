// The GRPO family's clipped surrogate with an optional k3 KL term, on per-token logprobs. Forward and
// backward in one pass (the loss is cheap next to the model): dlogp receives += weight · ∂loss/∂logp.
#pragma once
#include <cstdint>

#include "../model/objective.h"

namespace xr {

struct PolicyLossStats {
  double loss = 0, clip_fraction = 0, kl = 0;
  int64_t tokens = 0;
};

template <class T>
PolicyLossStats policy_loss(const PolicyLossOptions& o, int64_t batch, int64_t seq, const int32_t* targets,
                            const T* logp, T* dlogp);

}  // namespace xr
