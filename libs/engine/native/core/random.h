// Deterministic random numbers (sampling, initialisation, checks) and the normalised error the
// checks report.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace xr {

// splitmix64: tiny, fast, and the same sequence on every platform.
struct Rng {
  uint64_t state;
  explicit Rng(uint64_t seed) : state(seed * 0x9E3779B97F4A7C15ull + 1) {}
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }  // [0, 1)
  double symmetric() { return 2.0 * uniform() - 1.0; }                            // [-1, 1)
  double normal() {
    const double u1 = uniform() + 1e-300, u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  int64_t below(int64_t n) { return static_cast<int64_t>(next() % static_cast<uint64_t>(n)); }
};

// ‖a − b‖ / max(‖a‖, ‖b‖, floor): 0 for equal vectors, ~1 for unrelated ones.
inline double normalized_error(const std::vector<double>& a, const std::vector<double>& b, double floor = 1e-12) {
  double diff = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    diff += (a[i] - b[i]) * (a[i] - b[i]);
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (a.size() != b.size()) return INFINITY;
  return std::sqrt(diff) / std::max({std::sqrt(na), std::sqrt(nb), floor});
}

}  // namespace xr
