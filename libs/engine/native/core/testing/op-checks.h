// Op-by-op checks of a backend against the double-precision reference: a finite-difference
// gradient check of the reference backward (in double), and the normalised error of the backend's
// float forward and backward against the reference.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../backend.h"

namespace xr {

struct OpCheckResult {
  double grad_error = 0;      // reference analytic gradient vs central differences (double)
  double forward_error = 0;   // backend float forward vs reference
  double backward_error = 0;  // backend float gradients vs reference
  int64_t checked = 0;        // number of finite-difference probes
};

std::vector<std::string> op_check_names();
// Throws std::invalid_argument for an unknown name.
OpCheckResult check_op(const Backend& backend, const std::string& name, uint64_t seed);

}  // namespace xr
