// The dropout mask as a pure function of (seed, element index): no mask is stored, the backward
// recomputes it, and every backend (and the reference) draws the same mask. The splitmix64 finaliser
// of seed + (index + 1)·φ — the same mixer as Rng — compiled for host and device alike.
#pragma once
#include <cstdint>

#ifdef __CUDACC__
#define XR_HOST_DEVICE __host__ __device__
#else
#define XR_HOST_DEVICE
#endif

namespace xr {

XR_HOST_DEVICE inline bool dropout_keep(uint64_t seed, uint64_t i, double p) {
  uint64_t z = seed + (i + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return double(z >> 11) * (1.0 / 9007199254740992.0) >= p;
}

}  // namespace xr
