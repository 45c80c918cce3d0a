import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildMatrix } from '../../../src/affected/matrix.js';
import type { Service } from '../../../src/affected/services.js';
import { REPO_ROOT } from '../../harness/paths.js';

interface Job {
  uses?: string;
  with?: Record<string, string>;
  strategy?: { matrix?: string };
  steps?: { id?: string; uses?: string; with?: Record<string, string> }[];
}
const read = <T>(file: string) => parse(readFileSync(join(REPO_ROOT, file), 'utf8')) as T;
const inputsOf = (file: string) =>
  Object.keys(read<{ inputs: Record<string, unknown> }>(file).inputs);

/** Every matrix.<field> a text uses. */
const matrixFields = (text: string) => [...text.matchAll(/matrix\.([a-z-]+)/g)].map((m) => m[1]!);

const service: Service = {
  name: 'billing',
  dir: 'cmd/billing',
  importPath: 'example.com/shop/cmd/billing',
  root: '.',
  context: '.',
  main: './cmd/billing',
  image: 'ghcr.io/acme/shop/billing',
  paths: [],
};

describe('the monorepo recipes', () => {
  it.each([
    ['examples/workflows/monorepo.yml', new Map<string, string>()],
    ['examples/workflows/monorepo-runners.yml', new Map<string, string>()],
  ])('%s: affected feeds the matrix with fields its entries have', (file, runners) => {
    const workflow = read<{ jobs: Record<string, Job> }>(file);
    const step = workflow.jobs.affected!.steps!.find((s) => s.id === 'affected')!;
    expect(step.uses).toMatch(/\/actions\/affected@[0-9a-f]{40}\b/);
    for (const name of Object.keys(step.with ?? {}))
      expect(inputsOf('actions/affected/action.yml')).toContain(name);
    const image = workflow.jobs.image!;
    expect(image.strategy?.matrix).toBe('${{ fromJSON(needs.affected.outputs.matrix) }}');
    const entry = buildMatrix([service], ['linux/amd64', 'linux/arm64'], runners).include[0]!;
    const text = JSON.stringify(image);
    expect(matrixFields(text).length).toBeGreaterThan(2);
    for (const field of matrixFields(text)) expect([field, field in entry]).toEqual([field, true]);
  });

  it('monorepo.yml builds each service with the whole pipeline, with inputs it declares', () => {
    const steps = read<{ jobs: Record<string, Job> }>('examples/workflows/monorepo.yml').jobs.image!
      .steps!;
    const root = steps.find((s) => /^acme\/gantry@[0-9a-f]{40}$/.test(s.uses ?? ''))!;
    for (const name of Object.keys(root.with!))
      expect([name, inputsOf('action.yml').includes(name)]).toEqual([name, true]);
    expect(root.with!.main).toBe('${{ matrix.main }}');
  });

  it('monorepo-runners.yml calls the reusable workflow with inputs it declares, one service each', () => {
    const image = read<{ jobs: Record<string, Job> }>('examples/workflows/monorepo-runners.yml')
      .jobs.image!;
    const declared = read<{ on: { workflow_call: { inputs: Record<string, unknown> } } }>(
      '.github/workflows/build.yml',
    ).on.workflow_call.inputs;
    for (const name of Object.keys(image.with!))
      expect([name, name in declared]).toEqual([name, true]);
    expect(image.with!.service).toBe('${{ matrix.name }}');
  });

  it("the reusable workflow keeps a service's digests apart from the others' of the same run", () => {
    const text = readFileSync(join(REPO_ROOT, '.github/workflows/build.yml'), 'utf8');
    expect(text).toContain('name: gantry-digest-${{ inputs.service }}--${{ strategy.job-index }}');
    expect(text).toContain('pattern: gantry-digest-${{ inputs.service }}--*');
    expect(text).not.toMatch(/gantry-digest-\*/);
  });
});
