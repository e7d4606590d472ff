/**
 * The memory budget the Kubernetes examples give the sidecar, read from
 * deploy/kubernetes/deployment.yaml (every variant uses the same resources;
 * test/deploy/manifests.test.ts holds them to that): the benchmark sets its
 * fresh measurements against it, so the manifests stay sized to what the
 * sidecar really uses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface MemoryBudget {
  /** As written in the manifest, e.g. "64Mi". */
  request: string;
  limit: string;
  requestMiB: number;
  limitMiB: number;
}

const FACTORS: Record<string, number> = { '': 1 / 2 ** 20, Ki: 1 / 1024, Mi: 1, Gi: 1024, k: 1e3 / 2 ** 20, M: 1e6 / 2 ** 20, G: 1e9 / 2 ** 20 };

/** A Kubernetes memory quantity in MiB ("64Mi" → 64, "100M" → 95.4). */
export function quantityMiB(quantity: string): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|k|M|G)?$/.exec(quantity);
  if (!match) throw new Error(`not a memory quantity this benchmark reads: ${quantity}`);
  return Number(match[1]) * (FACTORS[match[2] ?? ''] as number);
}

interface Container {
  name?: string;
  resources?: { requests?: { memory?: string }; limits?: { memory?: string } };
}

export function sidecarMemoryBudget(root: string): MemoryBudget {
  const file = join(root, 'deploy', 'kubernetes', 'deployment.yaml');
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const spec = (doc.toJS() as { spec?: { template?: { spec?: { containers?: Container[]; initContainers?: Container[] } } } } | null)?.spec?.template?.spec;
    const sidecar = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].find((c) => c.name === 'connect-telemetry');
    const request = sidecar?.resources?.requests?.memory;
    const limit = sidecar?.resources?.limits?.memory;
    if (request && limit) return { request, limit, requestMiB: quantityMiB(request), limitMiB: quantityMiB(limit) };
  }
  throw new Error(`${file}: no connect-telemetry container with a memory request and limit`);
}
