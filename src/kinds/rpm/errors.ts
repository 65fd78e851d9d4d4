// The rpm kind's failures, each with its stable code and a hint a user can act on.
import { AirlockError } from '../../core/errors.js';

/** A requirement nothing can satisfy, with the chain of packages that led to it (roots first). */
export function unsatisfiable(chain: string[], problem: string, where?: string): AirlockError {
  const path = chain.length > 0 ? `${chain.join(' → ')}: ` : '';
  return new AirlockError('DEPENDENCY_UNSATISFIABLE', `${path}${problem}`, {
    where,
    data: { chain, problem },
    hint: 'add the upstream that provides it to upstream.baseurl, or remove the package that needs it',
  });
}

export function badUpstream(url: string, problem: string): AirlockError {
  return new AirlockError('FETCH_FAILED', `${url}: ${problem}`, { hint: 'check upstream.baseurl: it must be the directory that holds repodata/' });
}
