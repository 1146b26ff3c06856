/**
 * Just enough of the Dockerfile grammar to check our images without a Docker engine: parser
 * directives and comments, `\` line continuations (a comment line inside a continuation is skipped,
 * as BuildKit does), exec form (a JSON array) vs shell form, stages (`FROM image [AS name]`) and ARG
 * defaults substituted into FROM. Heredocs and escape-directive changes are refused, not guessed.
 */
export interface Instruction {
  readonly keyword: string; // upper case
  readonly args: string; // the raw text after the keyword, continuations joined
  /** Exec form (`["node", "main.js"]`) parsed, or undefined for shell form. */
  readonly exec?: readonly string[];
  readonly line: number;
}

export interface Stage {
  readonly from: string; // the image, ARGs substituted
  readonly name?: string;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  readonly stages: readonly Stage[];
  readonly finalStage: Stage;
}

export class DockerfileError extends Error {}

export function parseDockerfile(text: string, file = 'Dockerfile'): Dockerfile {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#.*)?$/.test(line)) {
      if (/^#\s*escape\s*=/.test(line)) throw new DockerfileError(`${file}:${i + 1}: escape directive not supported`);
      continue;
    }
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      line = line.replace(/\\\s*$/, ' ');
      i++;
      while (i + 1 < lines.length && /^\s*(#.*)?$/.test(lines[i]!)) i++; // comments/blank lines inside
      line += lines[i]!;
    }
    const match = /^\s*([A-Za-z]+)\s*(.*)$/.exec(line);
    if (!match) throw new DockerfileError(`${file}:${start + 1}: cannot parse "${line}"`);
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!.trim();
    if (/<<-?\s*["']?\w+/.test(args) && ['RUN', 'COPY'].includes(keyword))
      throw new DockerfileError(`${file}:${start + 1}: heredocs not supported`);
    let exec: string[] | undefined;
    if (args.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(args);
        if (Array.isArray(parsed) && parsed.every((a) => typeof a === 'string')) exec = parsed;
      } catch {
        // Docker treats an unparsable array as shell form; so do we.
      }
    }
    instructions.push({ keyword, args, ...(exec ? { exec } : {}), line: start + 1 });
  }

  const globalArgs = new Map<string, string>();
  const stages: { from: string; name?: string; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith('--platform='));
      const image = words[0]!.replace(/\$\{?(\w+)\}?/g, (_, name: string) => {
        const value = globalArgs.get(name);
        if (value === undefined) throw new DockerfileError(`${file}:${instruction.line}: ARG ${name} has no default`);
        return value;
      });
      const as = words[1]?.toUpperCase() === 'AS' ? words[2] : undefined;
      stages.push({ from: image, ...(as ? { name: as } : {}), instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG')
        throw new DockerfileError(`${file}:${instruction.line}: ${instruction.keyword} before the first FROM`);
      const [name, value] = instruction.args.split('=');
      if (value !== undefined) globalArgs.set(name!.trim(), value.trim().replace(/^["']|["']$/g, ''));
    } else stages.at(-1)!.instructions.push(instruction);
  }
  if (stages.length === 0) throw new DockerfileError(`${file}: no FROM`);
  return { stages, finalStage: stages.at(-1)! };
}

/** The last value an instruction sets in a stage (USER, WORKDIR, ENTRYPOINT, CMD). */
export function last(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1);
}
