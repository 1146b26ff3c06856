#include "decoder.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "../losses/info-nce.h"
#include "../losses/policy-loss.h"
#include "../random.h"

namespace xr {

template <class T>
Decoder<T>::Decoder(Backend& backend, const ModelConfig& c)
    : backend_(backend), ops_(ops_of<T>(backend)), config_(c), params_(backend) {
  if (c.heads % c.kv_heads != 0) throw std::invalid_argument("heads must be a multiple of kv_heads");
  if (c.head_dim % 2 != 0) throw std::invalid_argument("head_dim must be even for RoPE");
  for (const auto& spec : tensor_specs(c)) {
    Param<T>& p = params_.add(spec.name, spec.shape);
    if (spec.name.find("norm.weight") != std::string::npos) p.value.upload(std::vector<T>(p.value.size(), T(1)));
  }
  const int64_t qd = c.heads * c.head_dim, kvd = c.kv_heads * c.head_dim;
  for (int64_t i = 0; i < c.layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    auto lin = [&](const std::string& name, int64_t in, int64_t out, bool bias) {
      Linear<T> l;
      l.weight = &params_.at(p + name + ".weight");
      l.bias = bias ? &params_.at(p + name + ".bias") : nullptr;
      l.in = in;
      l.out = out;
      return l;
    };
    Layer layer;
    layer.norm1 = &params_.at(p + "input_layernorm.weight");
    layer.norm2 = &params_.at(p + "post_attention_layernorm.weight");
    layer.q = lin("self_attn.q_proj", c.hidden, qd, c.qkv_bias);
    layer.k = lin("self_attn.k_proj", c.hidden, kvd, c.qkv_bias);
    layer.v = lin("self_attn.v_proj", c.hidden, kvd, c.qkv_bias);
    layer.o = lin("self_attn.o_proj", qd, c.hidden, false);
    layer.gate = lin("mlp.gate_proj", c.hidden, c.intermediate, false);
    layer.up = lin("mlp.up_proj", c.hidden, c.intermediate, false);
    layer.down = lin("mlp.down_proj", c.intermediate, c.hidden, false);
    layers_.push_back(layer);
  }
}

template <class T>
void Decoder<T>::set_base_trainable(bool on) {
  params_.for_each([&](const std::string& name, Param<T>& p) {
    if (name.find(".lora_") == std::string::npos) p.set_trainable(on);
  });
}

template <class T>
void Decoder<T>::zero_grad() {
  params_.for_each([](const std::string&, Param<T>& p) {
    if (p.trainable()) p.grad.zeros(p.grad.size());
  });
}

template <class T>
void Decoder<T>::add_lora(const LoraConfig& lora) {
  if (lora_rank_ > 0) throw std::invalid_argument("the model already has a LoRA adapter; merge it first");
  if (lora.rank <= 0) throw std::invalid_argument("LoRA rank must be positive");
  if (!(lora.dropout >= 0 && lora.dropout < 1)) throw std::invalid_argument("LoRA dropout must be in [0, 1)");
  lora_rank_ = lora.rank;
  lora_dropout_ = lora.dropout;
  lora_scale_ = lora.rslora ? lora.alpha / std::sqrt(double(lora.rank)) : lora.alpha / double(lora.rank);
  lora_targets_ = lora.targets;
  Rng rng(lora.seed);
  for (size_t li = 0; li < layers_.size(); ++li) {
    Layer& L = layers_[li];
    const std::string p = "model.layers." + std::to_string(li) + ".";
    const std::vector<std::pair<std::string, Linear<T>*>> modules = {
        {"self_attn.q_proj", &L.q}, {"self_attn.k_proj", &L.k},   {"self_attn.v_proj", &L.v},
        {"self_attn.o_proj", &L.o}, {"mlp.gate_proj", &L.gate}, {"mlp.up_proj", &L.up},
        {"mlp.down_proj", &L.down}};
    for (const auto& [path, lin] : modules) {
      const std::string leaf = path.substr(path.find('.') + 1);
      if (std::find(lora.targets.begin(), lora.targets.end(), leaf) == lora.targets.end()) continue;
      Param<T>& a = params_.add(p + path + ".lora_A.weight", {lora.rank, lin->in});
      Param<T>& b = params_.add(p + path + ".lora_B.weight", {lin->out, lora.rank});
      // PEFT: A ~ kaiming_uniform(a=√5) = U(−1/√in, 1/√in); B = 0 so the adapter starts as the base.
      const double bound = 1.0 / std::sqrt(double(lin->in));
      std::vector<T> host(a.value.size());
      for (auto& x : host) x = T(bound * rng.symmetric());
      a.value.upload(host);
      if (!lora.zero_b) {
        host.resize(b.value.size());
        for (auto& x : host) x = T(bound * rng.symmetric());
        b.value.upload(host);
      }
      a.set_trainable(true);
      b.set_trainable(true);
      lin->lora_a = &a;
      lin->lora_b = &b;
      lin->lora_scale = T(lora_scale_);
      lin->lora_dropout = lora.dropout;
    }
  }
}

template <class T>
void Decoder<T>::merge_lora() {
  for (size_t li = 0; li < layers_.size(); ++li) {
    Layer& L = layers_[li];
    for (Linear<T>* lin : {&L.q, &L.k, &L.v, &L.o, &L.gate, &L.up, &L.down}) {
      if (!lin->lora_a) continue;
      const int64_t r = lin->rank();
      ops_.gemm(false, false, lin->out, lin->in, r, lin->lora_scale, lin->lora_b->value.data(), r,
                lin->lora_a->value.data(), lin->in, T(1), lin->weight->value.data(), lin->in);
      lin->lora_a = lin->lora_b = nullptr;
    }
  }
  for (const auto& name : params_.names())
    if (name.find(".lora_") != std::string::npos) params_.remove(name);
  lora_rank_ = 0;
  lora_dropout_ = 0;
}

template <class T>
Linear<T> Decoder<T>::lm_head() const {
  Linear<T> l;
  auto& store = const_cast<ParameterStore<T>&>(params_);
  l.weight = config_.tie_embeddings ? &store.at("model.embed_tokens.weight") : &store.at("lm_head.weight");
  l.in = config_.hidden;
  l.out = config_.vocab;
  return l;
}

namespace {

// Each adapted module of each layer draws its own dropout mask (PEFT gives every module its own
// nn.Dropout); the call's seed and the module's place give the mask's seed.
uint64_t module_seed(uint64_t seed, int64_t layer, int module) {
  Rng rng(seed ^ (static_cast<uint64_t>(layer) * 8 + static_cast<uint64_t>(module) + 1) * 0xD1B54A32D192ED03ull);
  return rng.next();
}

enum Module { q_mod, k_mod, v_mod, o_mod, gate_mod, up_mod, down_mod };

}  // namespace

template <class T>
typename Decoder<T>::DeviceTokens Decoder<T>::upload(const Batch& batch) const {
  DeviceTokens t(backend_);
  t.ids.upload(batch.ids);
  t.positions.upload(batch.positions);
  t.segments.upload(batch.segments);
  t.targets.upload(batch.targets);
  return t;
}

template <class T>
void Decoder<T>::layer_forward(int64_t li, int64_t B, int64_t Tq, const DeviceTokens& tokens, LayerActs& a,
                               KvCache* cache, int64_t q_start, Buffer<T>& x, std::optional<uint64_t> dropout_seed) {
  const ModelConfig& c = config_;
  const Layer& L = layers_[li];
  const int64_t N = B * Tq, H = c.hidden, D = c.head_dim, qd = c.heads * D, kvd = c.kv_heads * D;
  const bool save = cache == nullptr;
  auto xa = [&](const char* name) { return &a.lora_xa.try_emplace(name, backend_).first->second; };
  auto seed = [&](Module m) -> std::optional<uint64_t> {
    if (!dropout_seed) return std::nullopt;
    return module_seed(*dropout_seed, li, m);
  };
  if (save) a.x_in.copy_from(x);
  a.xn1.resize(N * H);
  a.rstd1.resize(N);
  ops_.rmsnorm_forward(N, H, T(c.rms_eps), x.data(), L.norm1->value.data(), a.xn1.data(), a.rstd1.data());
  a.q.resize(N * qd);
  a.k.resize(N * kvd);
  a.v.resize(N * kvd);
  L.q.forward(ops_, N, a.xn1.data(), a.q.data(), xa("q_proj"), seed(q_mod));
  L.k.forward(ops_, N, a.xn1.data(), a.k.data(), xa("k_proj"), seed(k_mod));
  L.v.forward(ops_, N, a.xn1.data(), a.v.data(), xa("v_proj"), seed(v_mod));
  const int32_t* positions = tokens.positions.data();
  ops_.rope_forward({N, c.heads, D, c.rope_theta}, positions, a.q.data(), a.q.data());
  ops_.rope_forward({N, c.kv_heads, D, c.rope_theta}, positions, a.k.data(), a.k.data());

  a.attn.resize(N * qd);
  a.lse.resize(B * c.heads * Tq);
  if (cache) {
    // This chunk's keys and values go to their slots [q_start, q_start + Tq) of each sequence's cache.
    const int64_t cap = cache->capacity;
    for (int64_t b = 0; b < B; ++b) {
      backend_.copy(cache->k[li].data() + (b * cap + q_start) * kvd, a.k.data() + b * Tq * kvd, Tq * kvd * sizeof(T));
      backend_.copy(cache->v[li].data() + (b * cap + q_start) * kvd, a.v.data() + b * Tq * kvd, Tq * kvd * sizeof(T));
    }
    const AttentionShape s{B, Tq, q_start + Tq, cap, c.heads, c.kv_heads, D, q_start};
    ops_.attention_forward(s, a.q.data(), cache->k[li].data(), cache->v[li].data(), tokens.segments.data(),
                           cache->segments.data(), a.attn.data(), a.lse.data());
  } else {
    const AttentionShape s{B, Tq, Tq, Tq, c.heads, c.kv_heads, D, 0};
    ops_.attention_forward(s, a.q.data(), a.k.data(), a.v.data(), tokens.segments.data(), tokens.segments.data(),
                           a.attn.data(), a.lse.data());
  }
  Buffer<T> tmp(backend_, N * H);
  L.o.forward(ops_, N, a.attn.data(), tmp.data(), xa("o_proj"), seed(o_mod));
  ops_.add(N * H, tmp.data(), x.data());
  if (save) a.x_mid.copy_from(x);

  a.xn2.resize(N * H);
  a.rstd2.resize(N);
  ops_.rmsnorm_forward(N, H, T(c.rms_eps), x.data(), L.norm2->value.data(), a.xn2.data(), a.rstd2.data());
  const int64_t I = c.intermediate;
  a.g.resize(N * I);
  a.u.resize(N * I);
  a.h.resize(N * I);
  L.gate.forward(ops_, N, a.xn2.data(), a.g.data(), xa("gate_proj"), seed(gate_mod));
  L.up.forward(ops_, N, a.xn2.data(), a.u.data(), xa("up_proj"), seed(up_mod));
  ops_.swiglu_forward(N * I, a.g.data(), a.u.data(), a.h.data());
  L.down.forward(ops_, N, a.h.data(), tmp.data(), xa("down_proj"), seed(down_mod));
  ops_.add(N * H, tmp.data(), x.data());
}

template <class T>
void Decoder<T>::layer_backward(int64_t li, int64_t B, int64_t T_, const DeviceTokens& tokens, const LayerActs& a,
                                Buffer<T>& dx, std::optional<uint64_t> dropout_seed) {
  const ModelConfig& c = config_;
  const Layer& L = layers_[li];
  const int64_t N = B * T_, H = c.hidden, D = c.head_dim, qd = c.heads * D, kvd = c.kv_heads * D, I = c.intermediate;
  auto xa = [&](const char* name) -> const Buffer<T>* {
    auto it = a.lora_xa.find(name);
    return it == a.lora_xa.end() ? nullptr : &it->second;
  };
  auto seed = [&](Module m) -> std::optional<uint64_t> {
    if (!dropout_seed) return std::nullopt;
    return module_seed(*dropout_seed, li, m);
  };
  auto grad_of = [](Param<T>* p) { return p->trainable() ? p->grad.data() : nullptr; };

  Buffer<T> dh(backend_, N * I), dg(backend_, N * I), du(backend_, N * I), dxn(backend_, N * H),
      dtmp(backend_, N * H);
  L.down.backward(ops_, N, a.h.data(), xa("down_proj"), dx.data(), dh.data(), false, seed(down_mod));
  ops_.swiglu_backward(N * I, a.g.data(), a.u.data(), dh.data(), dg.data(), du.data());
  L.gate.backward(ops_, N, a.xn2.data(), xa("gate_proj"), dg.data(), dxn.data(), false, seed(gate_mod));
  L.up.backward(ops_, N, a.xn2.data(), xa("up_proj"), du.data(), dxn.data(), true, seed(up_mod));
  ops_.rmsnorm_backward(N, H, a.x_mid.data(), L.norm2->value.data(), a.rstd2.data(), dxn.data(), dtmp.data(),
                        grad_of(L.norm2));
  ops_.add(N * H, dtmp.data(), dx.data());

  Buffer<T> dattn(backend_, N * qd), dq(backend_, N * qd), dk(backend_, N * kvd), dv(backend_, N * kvd);
  L.o.backward(ops_, N, a.attn.data(), xa("o_proj"), dx.data(), dattn.data(), false, seed(o_mod));
  const AttentionShape s{B, T_, T_, T_, c.heads, c.kv_heads, D, 0};
  ops_.attention_backward(s, a.q.data(), a.k.data(), a.v.data(), tokens.segments.data(), tokens.segments.data(),
                          a.attn.data(), a.lse.data(), dattn.data(), dq.data(), dk.data(), dv.data());
  ops_.rope_backward({N, c.heads, D, c.rope_theta}, tokens.positions.data(), dq.data(), dq.data());
  ops_.rope_backward({N, c.kv_heads, D, c.rope_theta}, tokens.positions.data(), dk.data(), dk.data());
  L.q.backward(ops_, N, a.xn1.data(), xa("q_proj"), dq.data(), dxn.data(), false, seed(q_mod));
  L.k.backward(ops_, N, a.xn1.data(), xa("k_proj"), dk.data(), dxn.data(), true, seed(k_mod));
  L.v.backward(ops_, N, a.xn1.data(), xa("v_proj"), dv.data(), dxn.data(), true, seed(v_mod));
  ops_.rmsnorm_backward(N, H, a.x_in.data(), L.norm1->value.data(), a.rstd1.data(), dxn.data(), dtmp.data(),
                        grad_of(L.norm1));
  ops_.add(N * H, dtmp.data(), dx.data());
}

template <class T>
void Decoder<T>::run_layers(int64_t B, int64_t Tq, const DeviceTokens& tokens, std::vector<LayerActs>* acts,
                            KvCache* cache, int64_t q_start, Buffer<T>& x, const std::atomic<bool>* cancel,
                            std::map<int64_t, Buffer<T>>* taps, const InputEmbeddings* embeds,
                            std::optional<uint64_t> dropout_seed) {
  const int64_t N = B * Tq, H = config_.hidden, L = static_cast<int64_t>(layers_.size());
  x.resize(N * H);
  ops_.embedding_forward(N, H, tokens.ids.data(), embed().value.data(), x.data());
  if (embeds && !embeds->mask.empty()) {
    Buffer<T> given(backend_);
    given.upload(std::vector<T>(embeds->values.begin(), embeds->values.end()));
    for (int64_t r = 0; r < N; ++r)
      if (embeds->mask[r]) backend_.copy(x.data() + r * H, given.data() + r * H, H * sizeof(T));
  }
  auto tap = [&](int64_t k) {
    if (!taps) return;
    auto it = taps->find(k);
    if (it != taps->end()) it->second.copy_from(x);
  };
  LayerActs scratch(backend_);
  if (acts) {
    acts->clear();
    for (int64_t li = 0; li < L; ++li) acts->emplace_back(backend_);
  }
  for (int64_t li = 0; li < L; ++li) {
    check_cancel(cancel);
    tap(li);
    layer_forward(li, B, Tq, tokens, acts ? (*acts)[li] : scratch, cache, q_start, x, dropout_seed);
  }
  tap(L);
}

// The final RMSNorm and the LM head over N rows of hidden states.
template <class T>
void Decoder<T>::final_logits(int64_t N, const Buffer<T>& x, Buffer<T>& xn, Buffer<T>& rstd, Buffer<T>& logits) {
  const int64_t H = config_.hidden;
  xn.resize(N * H);
  rstd.resize(N);
  logits.resize(N * config_.vocab);
  ops_.rmsnorm_forward(N, H, T(config_.rms_eps), x.data(), params_.at("model.norm.weight").value.data(), xn.data(),
                       rstd.data());
  lm_head().forward(ops_, N, xn.data(), logits.data(), nullptr);
}

template <class T>
double Decoder<T>::loss(const Batch& batch, bool backward, const std::atomic<bool>* cancel,
                        std::optional<uint64_t> dropout_seed) {
  Objective objective;
  objective.dropout_seed = dropout_seed;
  ObjectiveResult<T> out;
  train(batch, objective, backward, out, cancel);
  return out.loss;
}

template <class T>
void Decoder<T>::train(const Batch& batch, const Objective& obj, bool backward, ObjectiveResult<T>& out,
                       const std::atomic<bool>* cancel) {
  const int64_t B = batch.batch, Tq = batch.seq, N = B * Tq, H = config_.hidden, V = config_.vocab;
  const int64_t L = static_cast<int64_t>(layers_.size());
  auto bad_layer = [&](int64_t k) { return k < 0 || k > L; };
  for (int64_t k : obj.capture_layers)
    if (bad_layer(k)) throw std::invalid_argument("capture layer " + std::to_string(k) + " is outside [0, " + std::to_string(L) + "]");
  for (const auto& [k, g] : obj.inject) {
    if (bad_layer(k)) throw std::invalid_argument("inject layer " + std::to_string(k) + " is outside [0, " + std::to_string(L) + "]");
    if (static_cast<int64_t>(g.size()) != N * H) throw std::invalid_argument("an injected gradient must hold batch × seq × hidden values");
  }
  const ContrastiveOptions& con = obj.contrastive;
  if (con.enabled && bad_layer(con.layer)) throw std::invalid_argument("contrastive layer is outside [0, " + std::to_string(L) + "]");
  const InputEmbeddings& emb = obj.input_embeddings;
  if (!emb.mask.empty() && (static_cast<int64_t>(emb.mask.size()) != N || static_cast<int64_t>(emb.values.size()) != N * H))
    throw std::invalid_argument("input embeddings need a batch × seq mask and batch × seq × hidden values");

  const DeviceTokens tokens = upload(batch);
  std::map<int64_t, Buffer<T>> taps;
  for (int64_t k : obj.capture_layers) taps.try_emplace(k, backend_);
  if (con.enabled) taps.try_emplace(con.layer, backend_);
  std::vector<LayerActs> acts;
  Buffer<T> x(backend_);
  run_layers(B, Tq, tokens, backward ? &acts : nullptr, nullptr, 0, x, cancel, &taps, &emb, obj.dropout_seed);

  // Losses on the logits share one logprobs pass: each adds its ∂loss/∂logp into dlogp. They run on
  // the host over the per-token log-probabilities (N values), the only part of the pass that leaves the device.
  const bool head_needed = obj.ce_weight != 0 || obj.policy.kind != PolicyKind::none;
  Param<T>& final_norm = params_.at("model.norm.weight");
  const Linear<T> head = lm_head();
  Buffer<T> xn(backend_), rstd(backend_), logits(backend_), logp_dev(backend_, N), lse(backend_, N);
  std::vector<T> logp, dlogp;
  out = ObjectiveResult<T>();
  for (int64_t r = 0; r < N; ++r) out.tokens += batch.targets[r] >= 0;
  if (head_needed) {
    final_logits(N, x, xn, rstd, logits);
    ops_.logprobs_forward(N, V, logits.data(), tokens.targets.data(), logp_dev.data(), lse.data(), nullptr);
    logp = logp_dev.download();
    dlogp.assign(N, T(0));
    if (obj.ce_weight != 0 && out.tokens > 0) {
      double sum = 0;
      for (int64_t r = 0; r < N; ++r)
        if (batch.targets[r] >= 0) {
          sum -= double(logp[r]);
          dlogp[r] += T(-obj.ce_weight / double(out.tokens));
        }
      out.ce = sum / double(out.tokens);
    }
    const PolicyLossStats ps = policy_loss(obj.policy, B, Tq, batch.targets.data(), logp.data(), dlogp.data());
    out.policy = ps.loss;
    out.clip_fraction = ps.clip_fraction;
    out.kl = ps.kl;
  }
  // InfoNCE pools [B, H] vectors from one tap; it runs on the host over that tap.
  std::vector<T> dcontrastive;
  if (con.enabled) {
    dcontrastive.assign(N * H, T(0));
    const std::vector<T> h = taps.at(con.layer).download();
    out.contrastive = info_nce(con, B, Tq, H, h.data(), batch.segments.data(), dcontrastive.data());
  }
  out.loss = obj.ce_weight * out.ce + out.policy + (con.enabled ? con.weight * out.contrastive : 0.0);
  for (int64_t k : obj.capture_layers) out.hidden[k] = taps.at(k).download();
  if (!backward) return;

  check_cancel(cancel);
  Buffer<T> dx(backend_);
  dx.zeros(N * H);
  if (head_needed) {
    Buffer<T> dlogits(backend_, N * V), dxn(backend_, N * H), dlogp_dev(backend_);
    dlogp_dev.upload(dlogp);
    ops_.logprobs_backward(N, V, logits.data(), tokens.targets.data(), lse.data(), dlogp_dev.data(), dlogits.data());
    logits.clear();
    head.backward(ops_, N, xn.data(), nullptr, dlogits.data(), dxn.data(), false);
    ops_.rmsnorm_backward(N, H, x.data(), final_norm.value.data(), rstd.data(), dxn.data(), dx.data(),
                          final_norm.trainable() ? final_norm.grad.data() : nullptr);
  }
  // dx holds dL/dh_k on the way down; outside gradients join it at their layer.
  Buffer<T> outside(backend_);
  auto add_outside = [&](int64_t k) {
    auto it = obj.inject.find(k);
    if (it != obj.inject.end()) {
      outside.upload(std::vector<T>(it->second.begin(), it->second.end()));
      ops_.add(N * H, outside.data(), dx.data());
    }
    if (con.enabled && con.layer == k) {
      outside.upload(dcontrastive);
      ops_.add(N * H, outside.data(), dx.data());
    }
  };
  add_outside(L);
  for (int64_t li = L - 1; li >= 0; --li) {
    check_cancel(cancel);
    layer_backward(li, B, Tq, tokens, acts[li], dx, obj.dropout_seed);
    acts[li] = LayerActs(backend_);  // free as we go
    add_outside(li);
  }
  if (obj.want_input_grad) out.input_grad = dx.download();
  if (embed().trainable()) {
    // Rows fed from outside embeddings did not come from the table; their gradient goes only out.
    if (!emb.mask.empty())
      for (int64_t r = 0; r < N; ++r)
        if (emb.mask[r]) backend_.zero(dx.data() + r * H, H * sizeof(T));
    ops_.embedding_backward(N, H, tokens.ids.data(), dx.data(), embed().grad.data());
  }
}

template <class T>
std::vector<T> Decoder<T>::logits(const Batch& batch, const std::atomic<bool>* cancel) {
  const int64_t N = batch.batch * batch.seq;
  const DeviceTokens tokens = upload(batch);
  Buffer<T> x(backend_), xn(backend_), rstd(backend_), out(backend_);
  run_layers(batch.batch, batch.seq, tokens, nullptr, nullptr, 0, x, cancel);
  final_logits(N, x, xn, rstd, out);
  return out.download();
}

template <class T>
void Decoder<T>::token_logprobs(const Batch& batch, std::vector<T>& logp, std::vector<T>* entropy,
                                const std::atomic<bool>* cancel) {
  const int64_t N = batch.batch * batch.seq, V = config_.vocab;
  const DeviceTokens tokens = upload(batch);
  Buffer<T> x(backend_), xn(backend_), rstd(backend_), z(backend_);
  run_layers(batch.batch, batch.seq, tokens, nullptr, nullptr, 0, x, cancel);
  final_logits(N, x, xn, rstd, z);
  Buffer<T> logp_dev(backend_, N), lse(backend_, N), entropy_dev(backend_);
  if (entropy) entropy_dev.resize(N);
  ops_.logprobs_forward(N, V, z.data(), tokens.targets.data(), logp_dev.data(), lse.data(),
                        entropy ? entropy_dev.data() : nullptr);
  logp = logp_dev.download();
  if (entropy) *entropy = entropy_dev.download();
}

namespace {

// Picks the next token from one row of logits. Greedy at temperature 0; otherwise softmax of
// logits / temperature restricted to the top-k, then to the smallest set whose mass reaches top-p.
template <class T>
int32_t sample_token(const T* z, int64_t V, const SamplingOptions& o, Rng& rng) {
  if (o.temperature <= 0) return static_cast<int32_t>(std::max_element(z, z + V) - z);
  if ((o.top_k <= 0 || o.top_k >= V) && o.top_p >= 1.0) {
    // Neither filter is on: sample the whole softmax in vocabulary order, no sort (a heap sort of the
    // vocabulary per token was a tenth of batch-1 decoding).
    const double m = double(*std::max_element(z, z + V));
    std::vector<double> p(V);
    double sum = 0;
    for (int64_t i = 0; i < V; ++i) sum += p[i] = std::exp((double(z[i]) - m) / o.temperature);
    double r = rng.uniform() * sum;
    for (int64_t i = 0; i < V; ++i) {
      r -= p[i];
      if (r < 0) return static_cast<int32_t>(i);
    }
    return static_cast<int32_t>(V - 1);
  }
  std::vector<int32_t> idx(V);
  std::iota(idx.begin(), idx.end(), 0);
  int64_t keep = V;
  if (o.top_k > 0 && o.top_k < V) keep = o.top_k;
  std::partial_sort(idx.begin(), idx.begin() + keep, idx.end(), [&](int32_t a, int32_t b) { return z[a] > z[b]; });
  std::vector<double> p(keep);
  const double m = double(z[idx[0]]);
  double sum = 0;
  for (int64_t i = 0; i < keep; ++i) sum += p[i] = std::exp((double(z[idx[i]]) - m) / o.temperature);
  if (o.top_p < 1.0) {
    double mass = 0;
    int64_t n = 0;
    while (n < keep) {
      mass += p[n++] / sum;
      if (mass >= o.top_p) break;
    }
    keep = n;
    sum = 0;
    for (int64_t i = 0; i < keep; ++i) sum += p[i];
  }
  double r = rng.uniform() * sum;
  for (int64_t i = 0; i < keep; ++i) {
    r -= p[i];
    if (r < 0) return idx[i];
  }
  return idx[keep - 1];
}

}  // namespace

template <class T>
Generation Decoder<T>::generate(const std::vector<std::vector<int32_t>>& prompts, const SamplingOptions& o,
                                const std::atomic<bool>* cancel) {
  const ModelConfig& c = config_;
  const int64_t B = static_cast<int64_t>(prompts.size()), H = c.hidden, V = c.vocab;
  int64_t Lp = 0;
  for (const auto& p : prompts) Lp = std::max<int64_t>(Lp, static_cast<int64_t>(p.size()));
  KvCache cache{Lp + o.max_new_tokens, {}, {}, Buffer<int32_t>(backend_)};
  const size_t cache_size = static_cast<size_t>(B * cache.capacity * c.kv_heads * c.head_dim);
  for (int64_t li = 0; li < c.layers; ++li) {
    cache.k.emplace_back(backend_, cache_size);
    cache.v.emplace_back(backend_, cache_size);
  }

  // Prompts are left-padded to a common length; padding has segment 0, so no query sees it.
  Batch chunk;
  chunk.batch = B;
  chunk.seq = Lp;
  chunk.ids.assign(B * Lp, 0);
  chunk.positions.assign(B * Lp, 0);
  chunk.segments.assign(B * Lp, 0);
  std::vector<int32_t> cache_segments(B * cache.capacity, 0);
  std::vector<int64_t> length(B);
  for (int64_t b = 0; b < B; ++b) {
    const int64_t len = static_cast<int64_t>(prompts[b].size()), pad = Lp - len;
    length[b] = len;
    for (int64_t t = 0; t < len; ++t) {
      chunk.ids[b * Lp + pad + t] = prompts[b][t];
      chunk.positions[b * Lp + pad + t] = static_cast<int32_t>(t);
      chunk.segments[b * Lp + pad + t] = 1;
      cache_segments[b * cache.capacity + pad + t] = 1;
    }
  }
  cache.segments.upload(cache_segments);
  Generation out;
  out.tokens.resize(B);
  out.logprobs.resize(B);
  std::vector<Rng> rngs;
  for (int64_t b = 0; b < B; ++b) rngs.emplace_back(o.seed * 1000003ull + static_cast<uint64_t>(b));
  std::vector<bool> done(B, false);

  int64_t q_start = 0, Tq = Lp;
  Buffer<T> x(backend_), last(backend_, B * H), xn(backend_), rstd(backend_), z(backend_), lse(backend_, B),
      logp(backend_, B);
  Buffer<int32_t> next_dev(backend_);
  for (int64_t step = 0; step < o.max_new_tokens; ++step) {
    run_layers(B, Tq, upload(chunk), nullptr, &cache, q_start, x, cancel);
    for (int64_t b = 0; b < B; ++b)
      backend_.copy(last.data() + b * H, x.data() + (b * Tq + Tq - 1) * H, H * sizeof(T));
    final_logits(B, last, xn, rstd, z);
    // Sampling runs on the host over the step's [B, V] logits, as llm.c does.
    const std::vector<T> z_host = z.download();
    std::vector<int32_t> next(B);
    for (int64_t b = 0; b < B; ++b) next[b] = done[b] ? 0 : sample_token(z_host.data() + b * V, V, o, rngs[b]);
    next_dev.upload(next);
    ops_.logprobs_forward(B, V, z.data(), next_dev.data(), logp.data(), lse.data(), nullptr);
    const std::vector<T> logp_host = logp.download();
    bool all_done = true;
    for (int64_t b = 0; b < B; ++b) {
      if (done[b]) continue;
      out.tokens[b].push_back(next[b]);
      out.logprobs[b].push_back(static_cast<float>(logp_host[b]));
      if (std::find(o.stop_tokens.begin(), o.stop_tokens.end(), next[b]) != o.stop_tokens.end()) done[b] = true;
      all_done = all_done && done[b];
    }
    if (all_done || step + 1 == o.max_new_tokens) break;
    // The next chunk is one token per sequence, at the slot after everything cached so far.
    q_start += Tq;
    Tq = 1;
    chunk.seq = 1;
    chunk.ids = next;
    chunk.positions.resize(B);
    chunk.segments.assign(B, 1);
    for (int64_t b = 0; b < B; ++b) {
      chunk.positions[b] = static_cast<int32_t>(length[b] + step);
      cache.segments.set(b * cache.capacity + q_start, done[b] ? 0 : 1);
      if (done[b]) chunk.segments[b] = 0;
    }
  }
  return out;
}

template class Decoder<float>;
template class Decoder<double>;

}  // namespace xr
