// A Llama/Qwen2 decoder over the backend's op table: forward with saved activations, backward,
// LoRA (unmerged, mergeable), and chunked inference against a KV cache (prefill and decode steps
// are the same code with different chunk lengths).
#pragma once
#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../backend.h"
#include "../buffer.h"
#include "config.h"
#include "linear.h"
#include "objective.h"
#include "parameters.h"

namespace xr {

// Thrown when a job's cancel flag is raised; the binding rejects the Promise with an AbortError.
struct Cancelled : std::exception {
  const char* what() const noexcept override { return "the engine call was cancelled"; }
};

// A batch of B sequences of T tokens, row-major [B, T]. segments: 0 = padding, equal non-zero ids
// attend to each other (1 everywhere for plain sequences; distinct ids for packed documents).
// targets: the token each position must predict, < 0 where no loss falls (prompt, padding).
struct Batch {
  int64_t batch = 0, seq = 0;
  std::vector<int32_t> ids, positions, segments, targets;
};

struct LoraConfig {
  int64_t rank = 8;
  double alpha = 16;
  bool rslora = false;
  std::vector<std::string> targets;  // leaf names, e.g. {"q_proj", "v_proj"}
  uint64_t seed = 0;
  bool zero_b = true;  // PEFT's initialisation (B = 0); false gives random B, for gradient checks
  double dropout = 0;  // PEFT's lora_dropout on each adapted module's input, in training calls only
};

struct SamplingOptions {
  int64_t max_new_tokens = 16;
  double temperature = 1.0;  // 0 = greedy
  int64_t top_k = 0;         // 0 = off
  double top_p = 1.0;        // 1 = off
  uint64_t seed = 0;
  std::vector<int32_t> stop_tokens;
};

struct Generation {
  std::vector<std::vector<int32_t>> tokens;  // sampled tokens per prompt (stop token included)
  std::vector<std::vector<float>> logprobs;  // log p of each sampled token under the model (temperature 1)
};

template <class T>
class Decoder {
 public:
  Decoder(Backend& backend, const ModelConfig& config);

  const ModelConfig& config() const { return config_; }
  ParameterStore<T>& params() { return params_; }

  // Training mode: every base parameter trainable (full fine-tuning) or frozen (LoRA / inference).
  void set_base_trainable(bool on);
  void zero_grad();
  void add_lora(const LoraConfig& lora);
  // Folds W += s · B A into the base weights and removes the LoRA factors.
  void merge_lora();
  bool has_lora() const { return lora_rank_ > 0; }

  // Masked cross-entropy over batch.targets. With backward, gradients accumulate into the
  // trainable parameters. Returns the mean loss over target tokens. A dropout seed makes it a
  // training-mode call (LoRA dropout on, masks drawn from the seed).
  double loss(const Batch& batch, bool backward, const std::atomic<bool>* cancel = nullptr,
              std::optional<uint64_t> dropout_seed = std::nullopt);
  // The general training call: the objective's losses, hidden-state taps, injected gradients and
  // input embeddings (objective.h). With backward, gradients accumulate into the trainable parameters.
  void train(const Batch& batch, const Objective& objective, bool backward, ObjectiveResult<T>& out,
             const std::atomic<bool>* cancel = nullptr);
  // log p(target) per position (0 where target < 0), and the entropy of each position's distribution.
  void token_logprobs(const Batch& batch, std::vector<T>& logp, std::vector<T>* entropy,
                      const std::atomic<bool>* cancel = nullptr);
  // Full-sequence logits [B, T, V] (tests hold the KV-cache path against it).
  std::vector<T> logits(const Batch& batch, const std::atomic<bool>* cancel = nullptr);

  Generation generate(const std::vector<std::vector<int32_t>>& prompts, const SamplingOptions& options,
                      const std::atomic<bool>* cancel = nullptr);

 private:
  struct Layer {
    Param<T>*norm1, *norm2;
    Linear<T> q, k, v, o, gate, up, down;
  };
  struct LayerActs {  // what backward needs from forward, per layer
    explicit LayerActs(Backend& b)
        : x_in(b), xn1(b), rstd1(b), q(b), k(b), v(b), attn(b), lse(b), x_mid(b), xn2(b), rstd2(b), g(b), u(b),
          h(b) {}
    Buffer<T> x_in, xn1, rstd1, q, k, v, attn, lse, x_mid, xn2, rstd2, g, u, h;
    std::map<std::string, Buffer<T>> lora_xa;
  };
  // The batch's index arrays in device memory (ops read ids, positions, segments and targets there).
  struct DeviceTokens {
    explicit DeviceTokens(Backend& b) : ids(b), positions(b), segments(b), targets(b) {}
    Buffer<int32_t> ids, positions, segments, targets;
  };
  struct KvCache {
    int64_t capacity = 0;
    std::vector<Buffer<T>> k, v;  // per layer [B, capacity, kv_heads, head_dim]
    Buffer<int32_t> segments;     // [B, capacity]
  };
  // One chunk of tokens [B, Tq] through the whole stack. Training: acts != null, cache == null.
  // Inference: cache != null; keys/values land at [q_start, q_start + Tq). Returns final hidden states.
  // taps: layer k → h_k for each key present on entry; embeds: rows that replace token embeddings.
  // dropout_seed: training-mode call (LoRA dropout on).
  void run_layers(int64_t B, int64_t Tq, const DeviceTokens& tokens, std::vector<LayerActs>* acts, KvCache* cache,
                  int64_t q_start, Buffer<T>& x, const std::atomic<bool>* cancel,
                  std::map<int64_t, Buffer<T>>* taps = nullptr, const InputEmbeddings* embeds = nullptr,
                  std::optional<uint64_t> dropout_seed = std::nullopt);
  void layer_forward(int64_t li, int64_t B, int64_t Tq, const DeviceTokens& tokens, LayerActs& a, KvCache* cache,
                     int64_t q_start, Buffer<T>& x, std::optional<uint64_t> dropout_seed);
  void layer_backward(int64_t li, int64_t B, int64_t T_, const DeviceTokens& tokens, const LayerActs& a,
                      Buffer<T>& dx, std::optional<uint64_t> dropout_seed);
  DeviceTokens upload(const Batch& batch) const;
  void final_logits(int64_t N, const Buffer<T>& x, Buffer<T>& xn, Buffer<T>& rstd, Buffer<T>& logits);
  Linear<T> lm_head() const;
  Param<T>& embed() { return params_.at("model.embed_tokens.weight"); }
  void check_cancel(const std::atomic<bool>* cancel) const {
    if (cancel && cancel->load()) throw Cancelled();
  }

  Backend& backend_;
  const OpTable<T>& ops_;
  ModelConfig config_;
  ParameterStore<T> params_;
  std::vector<Layer> layers_;
  int64_t lora_rank_ = 0;
  double lora_scale_ = 0;
  double lora_dropout_ = 0;
  std::vector<std::string> lora_targets_;
};

}  // namespace xr
