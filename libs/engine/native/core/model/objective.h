// What one training call optimises and what it hands back. The loss is
//   ce_weight · masked CE  +  policy loss (GRPO family)  +  contrastive.weight · InfoNCE
// and, in backward, the gradients of `inject` are added at their layers as if the loss also held
// Σ_k <inject_k, h_k> (an outside loss on hidden states, computed elsewhere, flows through here).
// Hidden state h_k is the residual stream entering layer k: h_0 = input embeddings, h_L = the last
// layer's output before the final RMSNorm.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace xr {

enum class PolicyKind { none, grpo, dr_grpo, dapo };

// Clipped surrogate on per-token ratios r = exp(logp − old_logp), per-sequence advantages, and an
// optional k3 KL estimate to a reference, exp(ref − logp) − (ref − logp) − 1. Rows are the batch's
// target rows (targets >= 0); old_logp and ref_logp are indexed like them, [B·T].
struct PolicyLossOptions {
  PolicyKind kind = PolicyKind::none;
  double eps_low = 0.2, eps_high = 0.2;
  std::vector<double> old_logp;    // [B·T]
  std::vector<double> advantages;  // [B]
  std::vector<double> ref_logp;    // [B·T], empty = no KL term
  double kl_beta = 0;
  // dr_grpo's L_max: the denominator is B · max_tokens; 0 = the longest completion in the batch.
  double max_tokens = 0;
};

// Mid-align's InfoNCE: masked-mean-pool layer `layer`'s hidden states per sequence, cosine
// similarity / temperature between anchors[i] and every positives[j], cross-entropy towards j = i
// (one direction, the other pairs of the batch are the negatives).
struct ContrastiveOptions {
  bool enabled = false;
  int64_t layer = 0;
  double temperature = 0.1;
  double weight = 1;
  std::vector<int32_t> anchors, positives;  // batch indices, equal lengths
  std::vector<double> pool_mask;            // [B·T]; empty = every non-padding position
};

// Rows of the input replaced by given embeddings (MindMerger's mapped encoder states).
struct InputEmbeddings {
  std::vector<uint8_t> mask;   // [B·T], 1 = take the row from values
  std::vector<double> values;  // [B·T·H]; rows where mask = 0 are ignored
};

struct Objective {
  double ce_weight = 1;
  PolicyLossOptions policy;
  ContrastiveOptions contrastive;
  std::vector<int64_t> capture_layers;            // hidden states to hand back
  std::map<int64_t, std::vector<double>> inject;  // layer → dL/dh [B·T·H]
  InputEmbeddings input_embeddings;               // empty mask = token embeddings everywhere
  bool want_input_grad = false;                   // hand back dL/dh_0 [B·T·H]
  // Set: a training-mode call, LoRA dropout on with masks drawn from this seed (the caller passes
  // its step, so a resumed run draws the same masks). Unset: evaluation mode, no dropout.
  std::optional<uint64_t> dropout_seed;
};

template <class T>
struct ObjectiveResult {
  double loss = 0, ce = 0, policy = 0, contrastive = 0;
  double clip_fraction = 0, kl = 0;  // over the policy's target tokens
  int64_t tokens = 0;                // target tokens
  std::map<int64_t, std::vector<T>> hidden;
  std::vector<T> input_grad;
};

}  // namespace xr
