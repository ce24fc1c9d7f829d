// Reads the fenced code blocks of README.md and docs/*.md, and the regions of the example files
// they are copies of. A block is tied to its source by an HTML comment on the line before it:
//   <!-- example: test/docs/examples/inbox-express.ts#inbox-express -->
// and the example file marks the region with `// #region inbox-express` … `// #endregion`.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export interface DocBlock {
  /** Path relative to the repository, e.g. `docs/inbox.md`. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word: `ts`, `js`, `sh` … (empty when none). */
  lang: string;
  /** The block's text without the fence's indentation, ending with a newline. */
  code: string;
  /** `path#region` from the `<!-- example: … -->` comment before the block, if any. */
  example?: { path: string; region: string };
}

/** Every markdown file whose code blocks are checked. */
export function docFiles(): string[] {
  const docs = readdirSync(join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

const fence = /^( *)```(\S*)/;
const marker = /^\s*<!-- example: (\S+)#(\S+) -->\s*$/;

/** The fenced blocks of one markdown file. */
export function readDocBlocks(file: string): DocBlock[] {
  const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = fence.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]!); j++) {
      body.push(lines[j]!.slice(Math.min(indent, lines[j]!.search(/\S|$/))));
    }
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === '') k--;
    const tag = k >= 0 ? marker.exec(lines[k]!) : null;
    blocks.push({
      file,
      line: i + 1,
      lang: open[2]!,
      code: `${body.join('\n')}\n`,
      ...(tag ? { example: { path: tag[1]!, region: tag[2]! } } : {}),
    });
    i = j;
  }
  return blocks;
}

const regionStart = /^\s*\/\/ #region (\S+)\s*$/;
const regionEnd = /^\s*\/\/ #endregion\b/;

/**
 * The text of `// #region name` … its `// #endregion` in an example file, without the marker
 * lines of regions nested in it, and without the indentation all its lines share.
 */
export function readRegion(path: string, region: string): string {
  const lines = readFileSync(join(repoRoot, path), 'utf8').split('\n');
  const start = lines.findIndex((l) => regionStart.exec(l)?.[1] === region);
  if (start === -1) throw new Error(`${path}: no "// #region ${region}"`);
  const body: string[] = [];
  let depth = 1;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (regionStart.test(line)) {
      depth++;
      continue;
    }
    if (regionEnd.test(line)) {
      if (--depth === 0) break;
      continue;
    }
    body.push(line);
  }
  if (depth !== 0) throw new Error(`${path}: "// #region ${region}" is never closed`);
  const indent = Math.min(...body.filter((l) => l.trim() !== '').map((l) => l.search(/\S/)));
  return `${body.map((l) => l.slice(indent)).join('\n')}\n`;
}
