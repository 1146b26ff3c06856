#include "objective-checks.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "../model/decoder.h"
#include "../random.h"

namespace xr {
namespace {

// Three sequences of 6 (the second right-padded by two) so in-batch negatives exist; targets on the
// completion (positions 2..), as in RL on prompts.
Batch objective_batch(int64_t vocab, Rng& rng) {
  Batch b;
  b.batch = 3;
  b.seq = 6;
  b.segments = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1};
  b.positions = {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 0, 0, 0, 1, 2, 3, 4, 5};
  for (int i = 0; i < 18; ++i) b.ids.push_back(static_cast<int32_t>(rng.below(vocab)));
  b.targets.assign(18, -100);
  for (int i = 0; i + 1 < 18; ++i)
    if (b.segments[i] != 0 && b.segments[i + 1] != 0 && (i % 6) != 5 && (i % 6) >= 1) b.targets[i] = b.ids[i + 1];
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

// The scalar whose gradient backward computes: the loss plus the injected gradients' inner products.
double objective_value(Decoder<double>& model, const Batch& batch, const Objective& obj) {
  Objective probe = obj;
  for (const auto& [k, g] : obj.inject) probe.capture_layers.push_back(k);
  ObjectiveResult<double> r;
  model.train(batch, probe, false, r);
  double v = r.loss;
  for (const auto& [k, g] : obj.inject)
    for (size_t i = 0; i < g.size(); ++i) v += g[i] * r.hidden[k][i];
  return v;
}

}  // namespace

std::vector<std::string> objective_check_names() {
  return {"grpo", "dr_grpo", "dapo", "grpo_kl", "info_nce", "inject", "input_embeds"};
}

ModelCheckResult check_objective(const ModelConfig& config, const std::string& kind, uint64_t seed) {
  const auto names = objective_check_names();
  if (std::find(names.begin(), names.end(), kind) == names.end())
    throw std::invalid_argument("unknown objective check '" + kind + "'");
  Decoder<double> ref(cpu_backend(), config);
  Decoder<float> fast(cpu_backend(), config);
  randomize(ref, seed);
  ref.set_base_trainable(true);
  for (const auto& name : ref.params().names()) {
    const std::vector<double> src = ref.params().at(name).value.download();
    auto& dst = fast.params().at(name);
    dst.value.upload(std::vector<float>(src.begin(), src.end()));
  }
  fast.set_base_trainable(true);

  Rng rng(seed + 11);
  const Batch batch = objective_batch(config.vocab, rng);
  const int64_t N = batch.batch * batch.seq, H = config.hidden, L = config.layers;
  Objective obj;
  if (kind == "grpo" || kind == "dr_grpo" || kind == "dapo" || kind == "grpo_kl") {
    obj.ce_weight = 0;
    obj.policy.kind = kind == "dr_grpo" ? PolicyKind::dr_grpo : kind == "dapo" ? PolicyKind::dapo : PolicyKind::grpo;
    obj.policy.eps_low = 0.2;
    obj.policy.eps_high = 0.28;
    // Old logprobs near the current ones so that some ratios fall inside the clip range, some outside.
    std::vector<double> logp;
    ref.token_logprobs(batch, logp, nullptr);
    for (int64_t r = 0; r < N; ++r) obj.policy.old_logp.push_back(logp[r] + 0.4 * rng.normal());
    obj.policy.advantages = {1.3, -0.7, 0.4};
    if (kind == "grpo_kl") {
      for (int64_t r = 0; r < N; ++r) obj.policy.ref_logp.push_back(logp[r] + 0.5 * rng.normal());
      obj.policy.kl_beta = 0.3;
    }
  } else if (kind == "info_nce") {
    obj.ce_weight = 0.5;  // alongside the LM loss, as mid-align trains
    obj.contrastive.enabled = true;
    obj.contrastive.layer = 1;
    obj.contrastive.temperature = 0.2;
    obj.contrastive.weight = 0.7;
    obj.contrastive.anchors = {0, 1, 2};
    obj.contrastive.positives = {1, 2, 0};
  } else if (kind == "inject") {
    obj.ce_weight = 0;
    for (int64_t k : {int64_t(1), L}) {
      auto& g = obj.inject[k];
      for (int64_t i = 0; i < N * H; ++i) g.push_back(rng.symmetric());
    }
    obj.capture_layers = {0, 1, L};
  } else {  // input_embeds: rows 0–1 of each sequence come from outside, gradient flows back to them
    obj.input_embeddings.mask.assign(N, 0);
    obj.input_embeddings.values.assign(N * H, 0.0);
    for (int64_t b = 0; b < batch.batch; ++b)
      for (int64_t t = 0; t < 2; ++t) {
        obj.input_embeddings.mask[b * batch.seq + t] = 1;
        for (int64_t i = 0; i < H; ++i) obj.input_embeddings.values[(b * batch.seq + t) * H + i] = 0.5 * rng.symmetric();
      }
    obj.want_input_grad = true;
  }

  ObjectiveResult<double> rd;
  ObjectiveResult<float> rf;
  ref.train(batch, obj, true, rd);
  fast.train(batch, obj, true, rf);

  ModelCheckResult r;
  std::vector<double> analytic, numeric, grads_d, grads_f;
  const double eps = 1e-6;
  auto probe = [&](auto read, auto write, double grad) {
    const double saved = read();
    write(saved + eps);
    const double up = objective_value(ref, batch, obj);
    write(saved - eps);
    const double down = objective_value(ref, batch, obj);
    write(saved);
    numeric.push_back((up - down) / (2 * eps));
    analytic.push_back(grad);
    ++r.checked;
  };
  for (const auto& name : ref.params().names()) {
    Param<double>& p = ref.params().at(name);
    const std::vector<double> grad = p.grad.download();
    const std::vector<float> grad_f = fast.params().at(name).grad.download();
    grads_d.insert(grads_d.end(), grad.begin(), grad.end());
    grads_f.insert(grads_f.end(), grad_f.begin(), grad_f.end());
    const int64_t probes = std::min<int64_t>(p.numel(), 4);
    for (int64_t j = 0; j < probes; ++j) {
      const int64_t i = p.numel() <= 4 ? j : rng.below(p.numel());
      probe([&] { return p.value.get(i); }, [&](double v) { p.value.set(i, v); }, grad[i]);
    }
  }
  if (kind == "input_embeds") {
    Objective& o = obj;
    for (int64_t b = 0; b < batch.batch; ++b)
      for (int64_t i = 0; i < H; i += 3) {
        const int64_t at = (b * batch.seq + 1) * H + i;
        double& slot = o.input_embeddings.values[at];
        probe([&] { return slot; }, [&](double v) { slot = v; }, rd.input_grad[at]);
      }
    for (size_t i = 0; i < rd.input_grad.size(); ++i) {
      grads_d.push_back(rd.input_grad[i]);
      grads_f.push_back(rf.input_grad[i]);
    }
  }
  r.grad_error = normalized_error(analytic, numeric);
  r.loss_error = std::abs(rf.loss - rd.loss) / std::max(1e-12, std::abs(rd.loss));
  r.float_grad_error = normalized_error(grads_f, grads_d);
  return r;
}

}  // namespace xr
