/**
 * A fixed subset of pairs spread evenly over questions and subgroups, for the open-ended task (the
 * paper judged a subset). The order is computed once and a limit takes its first N, so a larger
 * limit always contains a smaller one and the same N always gives the same pairs:
 *  - rounds over every question (in sha1 order of the question id), one pair per question per round,
 *    so N ≤ #questions gives N distinct questions and every question is used ⌊N/#q⌋ or ⌈N/#q⌉ times;
 *  - within a question, the pair whose subgroup has been picked least so far (ties: sha1 of the pair),
 *    so subgroups are used as evenly as the pairs allow.
 */
import { createHash } from "node:crypto";

export interface PairLike {
  question: string;
  subgroup: string;
}

const sha1 = (s: string): string => createHash("sha1").update(s).digest("hex");
const byKey =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/** Every pair once, in the stratified order described above. */
export function stratifiedOrder<T extends PairLike>(pairs: T[]): T[] {
  const byQuestion = new Map<string, Array<{ p: T; h: string }>>();
  for (const p of pairs) {
    const list = byQuestion.get(p.question) ?? [];
    list.push({ p, h: sha1(`${p.question}::${p.subgroup}`) });
    byQuestion.set(p.question, list);
  }
  const questions = [...byQuestion.keys()].sort(byKey(sha1));
  for (const q of questions) byQuestion.get(q)!.sort(byKey((x) => x.h));
  const used = new Map<string, number>();
  const out: T[] = [];
  while (out.length < pairs.length) {
    for (const q of questions) {
      const left = byQuestion.get(q)!;
      if (!left.length) continue;
      let best = 0;
      for (let i = 1; i < left.length; i++) {
        if ((used.get(left[i].p.subgroup) ?? 0) < (used.get(left[best].p.subgroup) ?? 0)) best = i;
      }
      const [{ p }] = left.splice(best, 1);
      used.set(p.subgroup, (used.get(p.subgroup) ?? 0) + 1);
      out.push(p);
    }
  }
  return out;
}
