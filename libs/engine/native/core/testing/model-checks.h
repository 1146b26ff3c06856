// Whole-model checks: the double-precision decoder's analytic gradient against central differences
// of its loss, and the float decoder (the backend's fast ops) against the double one.
#pragma once
#include <cstdint>

#include "../model/config.h"

namespace xr {

struct ModelCheckResult {
  double grad_error = 0;         // analytic vs finite differences (double)
  double loss_error = 0;         // |float loss − double loss| / |double loss|
  double float_grad_error = 0;   // float gradients vs double gradients
  int64_t checked = 0;           // finite-difference probes
};

// mode: "full" (every base parameter trainable) or "lora" (LoRA on every linear, random B).
ModelCheckResult check_model(const ModelConfig& config, const char* mode, uint64_t seed);

}  // namespace xr
