/**
 * Validation of Kasten multi-cluster names (clusters, tokens): the documented
 * pattern, plus a length limit of our own, because a cluster's name also
 * becomes a label value (at most 63 characters) on the objects K10 creates
 * for it.
 */
import { KASTEN_NAME_PATTERN } from './kinds.js';

export const KASTEN_NAME_MAX = 63;

/** Why `name` cannot name a cluster or a token, or undefined when it can. */
export function kastenNameProblem(name: string): string | undefined {
  if (!name) return 'a name is required';
  if (name.length > KASTEN_NAME_MAX) return `"${name}" is longer than ${KASTEN_NAME_MAX} characters`;
  if (!KASTEN_NAME_PATTERN.test(name)) {
    return `"${name}" must consist of lowercase letters, digits, '-' and '.', and start and end with a letter or digit`;
  }
  return undefined;
}
