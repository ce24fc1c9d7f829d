/** Edit distance (insertions, deletions, substitutions), for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Names close to what was typed: same prefix family first (`dsync.user.creat` → `dsync.user.created`),
 * then by edit distance. At most `limit`.
 */
export function closeMatches(typed: string, names: readonly string[], limit = 5): string[] {
  const t = typed.toLowerCase();
  const scored = names.map((name) => {
    const n = name.toLowerCase();
    const contains = n.includes(t) || t.includes(n);
    const distance = editDistance(t, n);
    return { name, score: contains ? distance - 100 : distance };
  });
  const threshold = Math.max(3, Math.floor(t.length / 3));
  return scored
    .filter((s) => s.score <= threshold)
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((s) => s.name);
}

/**
 * The CLI's one wording of a suggestion, to append to a sentence that ends with its full stop:
 * ` Did you mean: a, b?`, or '' when nothing is close.
 */
export function didYouMean(typed: string, names: readonly string[], limit?: number): string {
  const close = closeMatches(typed, names, limit);
  return close.length > 0 ? ` Did you mean: ${close.join(', ')}?` : '';
}
