/**
 * Decoder layers are found by name, without per-architecture tables: a tensor belongs to layer i when
 * its name has a `layers.i.` (Llama, Mistral, Qwen, Gemma), `h.i.` (GPT-2, Falcon), `blocks.i.` or
 * `layer.i.` segment. Everything else is an embedding (before the layers) or a head/norm (after).
 */
const LAYER_NAME = /^((?:.*\.)?(?:layers|h|blocks|block|layer))\.(\d+)\.(.+)$/;

export interface LayerName {
  /** Everything before the index, e.g. `model.layers`. */
  prefix: string;
  index: number;
  /** Everything after it, e.g. `self_attn.q_proj.weight`. */
  suffix: string;
}

export function parseLayerName(name: string): LayerName | undefined {
  const match = LAYER_NAME.exec(name);
  if (!match) return undefined;
  return { prefix: match[1] as string, index: Number(match[2]), suffix: match[3] as string };
}

export function layerTensorName(prefix: string, index: number, suffix: string): string {
  return `${prefix}.${index}.${suffix}`;
}

/** Token and position embeddings come before the layers (mergekit's pre-weights, t = 0). */
export function isEmbeddingName(name: string): boolean {
  return /(^|\.)(embed_tokens|embeddings?|wte|wpe|word_embeddings|embed_in|tok_embeddings)(\.|$)/.test(name);
}

/** A checkpoint's tensors grouped by layer, in storage order within each group. */
export interface CheckpointLayout {
  layerCount: number;
  /** Layer index → suffix → full tensor name. */
  layers: Map<number, Map<string, string>>;
  /** Prefix of the layer names (first one seen). */
  layerPrefix: string | undefined;
  embeddings: string[];
  /** Non-layer tensors after the layers: final norm, LM head. */
  tail: string[];
}

export function layoutOf(names: readonly string[]): CheckpointLayout {
  const layers = new Map<number, Map<string, string>>();
  const embeddings: string[] = [];
  const tail: string[] = [];
  let layerPrefix: string | undefined;
  for (const name of names) {
    const layer = parseLayerName(name);
    if (layer) {
      layerPrefix ??= layer.prefix;
      let suffixes = layers.get(layer.index);
      if (!suffixes) layers.set(layer.index, (suffixes = new Map()));
      suffixes.set(layer.suffix, name);
    } else if (isEmbeddingName(name)) embeddings.push(name);
    else tail.push(name);
  }
  const layerCount = layers.size === 0 ? 0 : Math.max(...layers.keys()) + 1;
  return { layerCount, layers, layerPrefix, embeddings, tail };
}
