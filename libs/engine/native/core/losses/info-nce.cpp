#include "info-nce.h"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace xr {

template <class T>
double info_nce(const ContrastiveOptions& o, int64_t B, int64_t S, int64_t H, const T* h, const int32_t* segments,
                T* dh) {
  const int64_t P = static_cast<int64_t>(o.anchors.size());
  if (P == 0 || static_cast<int64_t>(o.positives.size()) != P)
    throw std::invalid_argument("contrastive: anchors and positives must be non-empty and of equal length");
  if (!(o.temperature > 0)) throw std::invalid_argument("contrastive: temperature must be positive");
  // Pool each sequence once: z_b = Σ_t m_bt h_bt / Σ_t m_bt, u_b = z_b / |z_b|.
  std::vector<double> z(B * H, 0.0), u(B * H), norm(B, 0.0), mass(B, 0.0);
  auto m = [&](int64_t r) { return o.pool_mask.empty() ? (segments[r] != 0 ? 1.0 : 0.0) : o.pool_mask[r]; };
  for (int64_t b = 0; b < B; ++b) {
    for (int64_t t = 0; t < S; ++t) {
      const double w = m(b * S + t);
      if (w == 0) continue;
      mass[b] += w;
      for (int64_t i = 0; i < H; ++i) z[b * H + i] += w * double(h[(b * S + t) * H + i]);
    }
  }
  for (int64_t b = 0; b < B; ++b) {
    if (mass[b] == 0) continue;
    double n2 = 0;
    for (int64_t i = 0; i < H; ++i) n2 += (z[b * H + i] /= mass[b]) * z[b * H + i];
    norm[b] = std::sqrt(n2) + 1e-12;
    for (int64_t i = 0; i < H; ++i) u[b * H + i] = z[b * H + i] / norm[b];
  }
  for (int64_t p = 0; p < P; ++p)
    for (int32_t b : {o.anchors[p], o.positives[p]})
      if (b < 0 || b >= B || mass[b] == 0) throw std::invalid_argument("contrastive: a pair names a sequence with nothing to pool");
  // s_ij = u_a(i) · u_p(j) / τ; loss = mean_i (logsumexp_j s_ij − s_ii).
  std::vector<double> s(P * P), du(B * H, 0.0);
  double loss = 0;
  for (int64_t i = 0; i < P; ++i) {
    double mx = -1e300;
    for (int64_t j = 0; j < P; ++j) {
      double dot = 0;
      for (int64_t k = 0; k < H; ++k) dot += u[o.anchors[i] * H + k] * u[o.positives[j] * H + k];
      s[i * P + j] = dot / o.temperature;
      mx = std::max(mx, s[i * P + j]);
    }
    double sum = 0;
    for (int64_t j = 0; j < P; ++j) sum += std::exp(s[i * P + j] - mx);
    const double lse = mx + std::log(sum);
    loss += (lse - s[i * P + i]) / double(P);
    for (int64_t j = 0; j < P; ++j) {
      const double ds = (std::exp(s[i * P + j] - lse) - (i == j ? 1.0 : 0.0)) / double(P) / o.temperature;
      for (int64_t k = 0; k < H; ++k) {
        du[o.anchors[i] * H + k] += ds * u[o.positives[j] * H + k];
        du[o.positives[j] * H + k] += ds * u[o.anchors[i] * H + k];
      }
    }
  }
  // Through the normalisation (dz = (du − u·(u·du)) / |z|) and the masked mean.
  for (int64_t b = 0; b < B; ++b) {
    if (mass[b] == 0) continue;
    double ud = 0;
    for (int64_t k = 0; k < H; ++k) ud += u[b * H + k] * du[b * H + k];
    for (int64_t t = 0; t < S; ++t) {
      const double w = m(b * S + t);
      if (w == 0) continue;
      const double f = o.weight * w / (mass[b] * norm[b]);
      for (int64_t k = 0; k < H; ++k) dh[(b * S + t) * H + k] += T(f * (du[b * H + k] - u[b * H + k] * ud));
    }
  }
  return loss;
}

template double info_nce<float>(const ContrastiveOptions&, int64_t, int64_t, int64_t, const float*, const int32_t*, float*);
template double info_nce<double>(const ContrastiveOptions&, int64_t, int64_t, int64_t, const double*, const int32_t*, double*);

}  // namespace xr
