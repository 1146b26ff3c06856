// Elementwise math the compiler can vectorise, for the CPU fast paths. std::exp is a library call per
// element; fast_expf is straight-line arithmetic (Cephes' range reduction and degree-6 polynomial,
// ~1e-7 relative error), so `#pragma omp simd` loops over it become AVX-512/AVX2 code. Hot loops are
// compiled once per ISA level (XR_VECTOR_CLONES, picked at load time; never -march=native). The addon
// builds with -fopenmp-simd (the pragmas, including reductions — no global reassociation),
// -fno-math-errno and -fno-trapping-math (so the compares below if-convert into blends).
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define XR_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define XR_VECTOR_CLONES
#endif

namespace xr {

// exp(x); 0 below −87 (so exp(−inf) = 0), clamped at exp(88) above. Always inlined: a call per element
// is what this exists to avoid.
__attribute__((always_inline)) inline float fast_expf(float x) {
  // Written without nested conditionals: GCC if-converts these min/max and selects, not a ?: chain.
  const float clamped = std::min(std::max(x, -87.0f), 88.0f);
  // n = round(x / ln 2) through an integer conversion, r = x − n·ln 2 in two parts.
  const float t = clamped * 1.44269504088896341f;
  const int32_t ni = static_cast<int32_t>(t + (t >= 0.0f ? 0.5f : -0.5f));
  const float n = static_cast<float>(ni);
  const float r = clamped - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float poly = p * r * r + r + 1.0f;
  const int32_t bits = (ni + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  const float keep = x >= -87.0f ? 1.0f : 0.0f;  // exp(−inf) and underflow → exactly 0
  return poly * scale * keep;
}

}  // namespace xr
