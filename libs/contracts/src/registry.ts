/**
 * The one registry shape for merge methods, rewards, suites, recipes and kernel ops: entries are
 * listed explicitly (no registration by import side effect), duplicates are rejected, the registry
 * freezes after start-up, and an unknown name is answered with the closest known names.
 */
export interface Named {
  readonly name: string;
}

export class RegistryError extends Error {
  override name = 'RegistryError';
}

export class Registry<T extends Named> {
  private readonly entries = new Map<string, T>();
  private frozen = false;
  /** What the entries are, for error messages: "merge method", "reward", … */
  readonly kind: string;

  constructor(kind: string, initial: readonly T[] = []) {
    this.kind = kind;
    for (const entry of initial) this.register(entry);
  }

  register(entry: T): this {
    if (this.frozen) throw new RegistryError(`cannot register ${this.kind} "${entry.name}": the registry is frozen`);
    if (this.entries.has(entry.name)) throw new RegistryError(`duplicate ${this.kind} "${entry.name}"`);
    this.entries.set(entry.name, entry);
    return this;
  }

  /** Called once start-up has registered everything; later registrations are a bug. */
  freeze(): this {
    this.frozen = true;
    return this;
  }

  get isFrozen(): boolean {
    return this.frozen;
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  get(name: string): T {
    const entry = this.entries.get(name);
    if (entry) return entry;
    const suggestions = closestNames(name, [...this.entries.keys()]);
    const hint = suggestions.length > 0 ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : '';
    throw new RegistryError(`unknown ${this.kind} "${name}"${hint} (known: ${this.names().join(', ') || 'none'})`);
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  values(): T[] {
    return this.names().map((name) => this.entries.get(name) as T);
  }
}

/** Known names within an edit distance of a third of the query's length (at least 2), nearest first. */
export function closestNames(query: string, known: readonly string[], limit = 2): string[] {
  const budget = Math.max(2, Math.floor(query.length / 3));
  return known
    .map((name) => ({ name, distance: editDistance(query.toLowerCase(), name.toLowerCase()) }))
    .filter((c) => c.distance <= budget)
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((c) => c.name);
}

/** Levenshtein distance, one row of the DP table at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
