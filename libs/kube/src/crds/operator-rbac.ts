import { API_GROUP } from '@xreason/contracts';
import { stringify } from 'yaml';

export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/**
 * Exactly the verbs the operator uses on the resources of the namespaces it watches (least
 * privilege). `test/rbac.spec.ts` replays the scenario tests' requests against these rules, so a new
 * API call without a rule — or a rule no call needs — fails a test. The chart ships them as
 * `files/operator-rules.yaml` (Role per namespace, or ClusterRole when watching all namespaces).
 */
export const OPERATOR_RULES: readonly PolicyRule[] = [
  // patch (server-side apply) on runs holds and releases the cleanup finalizer; schedules need none.
  { apiGroups: [API_GROUP], resources: ['alignmentruns'], verbs: ['list', 'watch', 'patch'] },
  { apiGroups: [API_GROUP], resources: ['evalschedules'], verbs: ['list', 'watch'] },
  { apiGroups: [API_GROUP], resources: ['alignmentruns/status', 'evalschedules/status'], verbs: ['patch'] },
  { apiGroups: ['batch'], resources: ['jobs'], verbs: ['list', 'watch', 'create', 'delete'] },
  { apiGroups: ['batch'], resources: ['cronjobs'], verbs: ['create', 'patch'] },
  { apiGroups: [''], resources: ['services'], verbs: ['list', 'create', 'patch', 'delete'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create'] },
];

/** Leader election, in the operator's own namespace only. */
export const LEADER_ELECTION_RULES: readonly PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
];

export const RBAC_FILES = new Map([
  ['operator-rules.yaml', stringify(OPERATOR_RULES)],
  ['leader-election-rules.yaml', stringify(LEADER_ELECTION_RULES)],
]);
