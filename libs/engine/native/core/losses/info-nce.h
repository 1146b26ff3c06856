// Contrastive InfoNCE on masked-mean-pooled hidden states (mid-align). Forward and backward in one
// pass: dhidden receives += weight · ∂loss/∂hidden, so the decoder adds it at the pooled layer.
#pragma once
#include <cstdint>

#include "../model/objective.h"

namespace xr {

template <class T>
double info_nce(const ContrastiveOptions& o, int64_t batch, int64_t seq, int64_t hidden, const T* h,
                const int32_t* segments, T* dh);

}  // namespace xr
