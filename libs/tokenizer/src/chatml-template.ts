/**
 * The chat template of tokenizers we train: ChatML, as Qwen uses it, with Qwen3's thinking
 * convention — an assistant turn holds `<think>\n…\n</think>\n\n` then the answer, and a prompt for
 * generation may open the thinking block itself (`<think>\n`). Kept to the constructs every Jinja
 * implementation shares, so Python's `apply_chat_template` renders the same string.
 */
export const CHATML_THINKING_TEMPLATE = [
  '{%- for message in messages %}',
  "{%- if message.role == 'assistant' and message.reasoning_content is defined and message.reasoning_content %}",
  "{{- '<|im_start|>assistant\\n<think>\\n' + message.reasoning_content + '\\n</think>\\n\\n' + message.content + '<|im_end|>\\n' }}",
  '{%- else %}',
  "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}",
  '{%- endif %}',
  '{%- endfor %}',
  '{%- if add_generation_prompt %}',
  "{{- '<|im_start|>assistant\\n' }}",
  '{%- if enable_thinking is defined and enable_thinking %}',
  "{{- '<think>\\n' }}",
  '{%- endif %}',
  '{%- endif %}',
].join('');
