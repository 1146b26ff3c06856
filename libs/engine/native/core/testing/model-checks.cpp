#include "model-checks.h"

#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>

#include "../model/decoder.h"
#include "../random.h"

namespace xr {
namespace {

// Two sequences of 6: the first left-padded by one with a target-free prompt, the second packing two
// documents; targets are the next tokens within each document.
Batch check_batch(int64_t vocab, Rng& rng) {
  Batch b;
  b.batch = 2;
  b.seq = 6;
  b.segments = {0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2};
  b.positions = {0, 0, 1, 2, 3, 4, 0, 1, 2, 0, 1, 2};
  for (int i = 0; i < 12; ++i) b.ids.push_back(static_cast<int32_t>(rng.below(vocab)));
  b.targets.assign(12, -100);
  for (int i = 0; i + 1 < 12; ++i)
    if (b.segments[i] != 0 && b.segments[i] == b.segments[i + 1] && (i % 6) != 5 && i != 1) b.targets[i] = b.ids[i + 1];
  return b;
}

template <class T>
void randomize(Decoder<T>& model, uint64_t seed) {
  Rng rng(seed);
  model.params().for_each([&](const std::string& name, Param<T>& p) {
    const bool norm = name.find("norm") != std::string::npos;
    std::vector<T> host(p.value.size());
    for (auto& x : host) x = T(norm ? 1.0 + 0.3 * rng.symmetric() : 0.5 * rng.symmetric());
    p.value.upload(host);
  });
}

}  // namespace

ModelCheckResult check_model(const ModelConfig& config, const char* mode, uint64_t seed) {
  // lora_dropout: LoRA with dropout 0.3 in a training-mode call; the mask is a function of the
  // seed, so the finite differences see the same mask as the backward.
  const bool dropout = std::strcmp(mode, "lora_dropout") == 0;
  const bool lora = dropout || std::strcmp(mode, "lora") == 0;
  if (!lora && std::strcmp(mode, "full") != 0) throw std::invalid_argument(std::string("unknown mode '") + mode + "'");
  const std::optional<uint64_t> dropout_seed = dropout ? std::optional<uint64_t>(seed + 3) : std::nullopt;
  Decoder<double> ref(cpu_backend(), config);
  Decoder<float> fast(cpu_backend(), config);
  randomize(ref, seed);
  LoraConfig lc;
  lc.rank = 2;
  lc.alpha = 3;
  lc.targets = lora_target_names();
  lc.seed = seed + 1;
  lc.zero_b = false;
  lc.dropout = dropout ? 0.3 : 0.0;
  if (lora) {
    ref.add_lora(lc);
  } else {
    ref.set_base_trainable(true);
  }
  // The float model gets the same values (after LoRA init, so the factors match too).
  if (lora) fast.add_lora(lc);
  for (const auto& name : ref.params().names()) {
    const std::vector<double> src = ref.params().at(name).value.download();
    auto& dst = fast.params().at(name);
    dst.value.upload(std::vector<float>(src.begin(), src.end()));
    dst.set_trainable(ref.params().at(name).trainable());
  }

  Rng rng(seed + 7);
  const Batch batch = check_batch(config.vocab, rng);
  const double loss = ref.loss(batch, true, nullptr, dropout_seed);
  const double loss_f = fast.loss(batch, true, nullptr, dropout_seed);

  ModelCheckResult r;
  std::vector<double> analytic, numeric, grads_d, grads_f;
  const double eps = 1e-6;
  for (const auto& name : ref.params().names()) {
    Param<double>& p = ref.params().at(name);
    if (!p.trainable()) continue;
    const std::vector<double> grad = p.grad.download();
    const std::vector<float> grad_f = fast.params().at(name).grad.download();
    grads_d.insert(grads_d.end(), grad.begin(), grad.end());
    grads_f.insert(grads_f.end(), grad_f.begin(), grad_f.end());
    // Probe a few entries of every tensor (all of them for the small ones).
    const int64_t probes = std::min<int64_t>(p.numel(), 6);
    for (int64_t j = 0; j < probes; ++j) {
      const int64_t i = p.numel() <= 6 ? j : rng.below(p.numel());
      const double saved = p.value.get(i);
      p.value.set(i, saved + eps);
      const double up = ref.loss(batch, false, nullptr, dropout_seed);
      p.value.set(i, saved - eps);
      const double down = ref.loss(batch, false, nullptr, dropout_seed);
      p.value.set(i, saved);
      numeric.push_back((up - down) / (2 * eps));
      analytic.push_back(grad[i]);
      ++r.checked;
    }
  }
  r.grad_error = normalized_error(analytic, numeric);
  r.loss_error = std::abs(loss_f - loss) / std::max(1e-12, std::abs(loss));
  r.float_grad_error = normalized_error(grads_f, grads_d);
  return r;
}

}  // namespace xr
