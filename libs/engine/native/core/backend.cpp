// Backend pieces shared by every implementation.
#include "backend.h"

namespace xr {

bool Backend::supports(const std::string& op, DType dtype) const {
  const OpTable<float>* f32 = ops_f32();
  const OpTable<double>* f64 = ops_f64();
#define XR_SUPPORTS(name)                                                     \
  if (op == #name) return dtype == DType::f32 ? (f32 && f32->name != nullptr) \
                                              : (f64 && f64->name != nullptr);
  XR_OPS(XR_SUPPORTS)
#undef XR_SUPPORTS
  return false;
}

template <>
const OpTable<float>& ops_of<float>(const Backend& backend) {
  return *backend.ops_f32();
}
template <>
const OpTable<double>& ops_of<double>(const Backend& backend) {
  return *backend.ops_f64();
}

}  // namespace xr
