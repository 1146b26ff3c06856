#include "config.h"

namespace xr {

std::vector<TensorSpec> tensor_specs(const ModelConfig& c) {
  const int64_t q_dim = c.heads * c.head_dim, kv_dim = c.kv_heads * c.head_dim;
  std::vector<TensorSpec> specs = {{"model.embed_tokens.weight", {c.vocab, c.hidden}}};
  for (int64_t i = 0; i < c.layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    specs.push_back({p + "input_layernorm.weight", {c.hidden}});
    specs.push_back({p + "self_attn.q_proj.weight", {q_dim, c.hidden}});
    specs.push_back({p + "self_attn.k_proj.weight", {kv_dim, c.hidden}});
    specs.push_back({p + "self_attn.v_proj.weight", {kv_dim, c.hidden}});
    if (c.qkv_bias) {
      specs.push_back({p + "self_attn.q_proj.bias", {q_dim}});
      specs.push_back({p + "self_attn.k_proj.bias", {kv_dim}});
      specs.push_back({p + "self_attn.v_proj.bias", {kv_dim}});
    }
    specs.push_back({p + "self_attn.o_proj.weight", {c.hidden, q_dim}});
    specs.push_back({p + "post_attention_layernorm.weight", {c.hidden}});
    specs.push_back({p + "mlp.gate_proj.weight", {c.intermediate, c.hidden}});
    specs.push_back({p + "mlp.up_proj.weight", {c.intermediate, c.hidden}});
    specs.push_back({p + "mlp.down_proj.weight", {c.hidden, c.intermediate}});
  }
  specs.push_back({"model.norm.weight", {c.hidden}});
  if (!c.tie_embeddings) specs.push_back({"lm_head.weight", {c.vocab, c.hidden}});
  return specs;
}

const std::vector<std::string>& lora_target_names() {
  static const std::vector<std::string> names = {"q_proj", "k_proj", "v_proj", "o_proj",
                                                 "gate_proj", "up_proj", "down_proj"};
  return names;
}

}  // namespace xr
