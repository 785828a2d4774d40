/**
 * "Did you mean ...?" for a misspelt name (a step, a field, a config key):
 * the known name with the same words in another order (`crash-broker` for
 * `broker-crash`), else the one nearest by edit distance when it is close
 * enough to be a typo (one edit, or one per four characters; swapping two
 * neighbours is one edit), else a
 * known name that has the input as one of its words (`cluster` for
 * `kafka-cluster`) when only one does.
 */

export function nearestName(input: string, known: Iterable<string>): string | undefined {
  const candidates = [...known];
  const words = wordsOf(input);
  const sameWords = candidates.find((c) => wordsOf(c) === words);
  if (sameWords !== undefined) return sameWords;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(input, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  if (best !== undefined && bestDistance <= Math.max(1, Math.floor(input.length / 4))) return best;
  const containing = candidates.filter((c) => c.split(/[-_.]/).includes(input));
  return containing.length === 1 ? containing[0] : undefined;
}

/** ` (did you mean 'x'?)`, or '' when nothing is near. */
export function didYouMean(input: string, known: Iterable<string>): string {
  const nearest = nearestName(input, known);
  return nearest === undefined ? '' : ` (did you mean '${nearest}'?)`;
}

function wordsOf(name: string): string {
  return name.toLowerCase().split(/[-_.]/).sort().join(' ');
}

/**
 * Edit distance counting insertions, deletions, substitutions and swaps of
 * two neighbouring characters (optimal string alignment).
 */
export function editDistance(a: string, b: string): number {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, beforePrevious[j - 2]! + 1);
      current[j] = d;
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}
