// Checks of the training objectives and taps (GRPO family, InfoNCE, injected gradients, input
// embeddings): the double decoder's analytic gradient — of its loss plus Σ_k <inject_k, h_k> — against
// central differences, for parameters and input embeddings; and the float decoder against the double one.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../model/config.h"
#include "model-checks.h"

namespace xr {

// kind: grpo, dr_grpo, dapo, grpo_kl, info_nce, inject, input_embeds
ModelCheckResult check_objective(const ModelConfig& config, const std::string& kind, uint64_t seed);
std::vector<std::string> objective_check_names();

}  // namespace xr
