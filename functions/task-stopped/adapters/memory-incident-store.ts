import type { Incident, IncidentStore } from '../ports';

/**
 * Incidents in process memory, with the same conditional semantics as the DynamoDB store.
 * For tests and for stages without a table (`serverless invoke local`): state lives only as
 * long as the Lambda container, so grouping across containers is lost.
 */
export function memoryIncidentStore(): IncidentStore & { items: Map<string, Incident> } {
  const items = new Map<string, Incident>();
  const copy = (i: Incident): Incident => structuredClone(i);
  return {
    items,
    async get(key) {
      const found = items.get(key);
      return found && copy(found);
    },
    async save(incident, expectedVersion) {
      if (items.get(incident.key)?.version !== expectedVersion) return false;
      items.set(incident.key, copy(incident));
      return true;
    },
    async remove(incident) {
      if (items.get(incident.key)?.version !== incident.version) return false;
      items.delete(incident.key);
      return true;
    },
    async listOpen() {
      return [...items.values()].map(copy);
    },
  };
}
