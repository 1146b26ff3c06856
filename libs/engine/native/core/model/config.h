// A Llama/Qwen2 decoder's shape, as read from Hugging Face config.json (validated in TypeScript).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace xr {

struct ModelConfig {
  int64_t vocab = 0, hidden = 0, layers = 0, heads = 0, kv_heads = 0, head_dim = 0, intermediate = 0;
  double rope_theta = 10000.0, rms_eps = 1e-6;
  bool tie_embeddings = false;
  bool qkv_bias = false;  // Qwen2 has q/k/v biases, Llama none
};

struct TensorSpec {
  std::string name;
  std::vector<int64_t> shape;
};

// Every tensor a checkpoint of this shape holds, with Hugging Face names.
std::vector<TensorSpec> tensor_specs(const ModelConfig& c);

// The linear modules LoRA can target, by their Hugging Face leaf names.
const std::vector<std::string>& lora_target_names();

}  // namespace xr
