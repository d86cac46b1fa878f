/**
 * Applies fault rules to requests, in an onRequest hook that runs after authentication and before
 * the body is read or the handler runs: a faulted request writes nothing.
 *
 * The rules are read from the database at most every `cacheMs` per node (rules made on this node
 * apply at once, made on another within `cacheMs`). Whether a rule fires is decided by the
 * database on every match (a counter update guarded by `times`), so deleting a rule, or a rule
 * running out of `times`, takes effect at once on every node.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { firesOn } from '../../domain/sandbox/chance.js';
import { defaultFaultError, faultHeaders, objectOfRequest, pathOf, ruleMatches, type FaultRule } from '../../domain/sandbox/faults.js';
import type { FaultStore } from '../../domain/sandbox/ports.js';
import type { ObjectRegistry } from '../../domain/registry.js';
import { routeTemplate } from '../../server/request-route.js';

export class FaultInjector {
  private cached: { rules: readonly FaultRule[]; until: number } | undefined;
  private loading: Promise<readonly FaultRule[]> | undefined;

  constructor(
    private readonly store: FaultStore,
    private readonly registry: ObjectRegistry,
    private readonly cacheMs: number,
  ) {}

  /** After a change on this node: the next request reads the rules again. */
  invalidate(): void {
    this.cached = undefined;
  }

  private rules(): readonly FaultRule[] | Promise<readonly FaultRule[]> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.rules;
    this.loading ??= this.store
      .active()
      .then((rules) => {
        this.cached = { rules, until: Date.now() + this.cacheMs };
        return rules;
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  /**
   * The rule that fires on this request, if any (its delay already waited). First matching rule
   * that fires wins; a match that the probability skips lets later rules try.
   */
  async firing(request: FastifyRequest): Promise<FaultRule | undefined> {
    const current = this.rules();
    const rules = Array.isArray(current) ? (current as readonly FaultRule[]) : await current;
    if (rules.length === 0) return undefined;
    const facts = {
      method: request.method,
      path: pathOf(request.url),
      object: objectOfRequest(routeTemplate(request), request.params, this.registry),
      keyName: request.principal?.name,
    };
    for (const rule of rules) {
      if (!ruleMatches(rule.match, facts)) continue;
      if (!(await this.claim(rule))) continue;
      if (rule.effect.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, rule.effect.delayMs));
      return rule;
    }
    return undefined;
  }

  private async claim(rule: FaultRule): Promise<boolean> {
    if (rule.probability >= 1) return this.store.countAndClaim(rule.id);
    const n = await this.store.countMatch(rule.id);
    return n !== undefined && firesOn(rule.probability, rule.seed, n) && this.store.claimHit(rule.id);
  }
}

/**
 * Answers a request a rule fired on: a status (the rule's body or Gainsight's), or a dropped
 * connection. Returns false when the effect is a delay alone (the request goes on).
 */
export function applyEffect(rule: FaultRule, request: FastifyRequest, reply: FastifyReply, onDropped: () => void): boolean {
  const { effect } = rule;
  if (effect.drop) {
    reply.hijack();
    onDropped();
    request.raw.socket?.destroy();
    return true;
  }
  if (effect.status === undefined) return false;
  if (effect.body === undefined) throw defaultFaultError(effect.status, rule.id);
  // The rule's own body, byte for byte: a string payload bypasses the route's serializer.
  void reply
    .code(effect.status)
    .headers(faultHeaders(effect.status))
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(effect.body));
  return true;
}
