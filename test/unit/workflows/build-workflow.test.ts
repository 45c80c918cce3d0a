import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../harness/paths.js';

interface Step {
  id?: string;
  uses?: string;
  if?: string;
  with?: Record<string, string>;
}
const read = <T>(file: string) => parse(readFileSync(join(REPO_ROOT, file), 'utf8')) as T;

describe('the reusable build workflow', () => {
  const workflow = read<{
    on: { workflow_call: { inputs: Record<string, unknown>; secrets: Record<string, unknown> } };
    jobs: Record<string, { steps: Step[] }>;
  }>('.github/workflows/build.yml');
  const steps = workflow.jobs.build!.steps;
  const build = steps.find((s) => s.id === 'build')!;

  it("hands build-push every input it takes, the workflow's own or the caller's", () => {
    const declared = Object.keys(
      read<{ inputs: Record<string, unknown> }>('actions/build-push/action.yml').inputs,
    );
    // it always pushes by digest (no push switch, no OCI layout); secret-envs names the caller's
    // environment, which a reusable workflow does not have
    expect(declared.filter((i) => !(i in build.with!))).toEqual([
      'push',
      'oci-layout',
      'secret-envs',
    ]);
    for (const [name, value] of Object.entries(build.with!))
      if (value === `\${{ inputs.${name} }}`)
        expect([name, name in workflow.on.workflow_call.inputs]).toEqual([name, true]);
  });

  it('takes credentials for any registry as secrets, and sets up BuildKit for the buildkit builder', () => {
    expect(Object.keys(workflow.on.workflow_call.secrets)).toEqual(
      expect.arrayContaining(['registry-username', 'registry-password', 'build-secrets']),
    );
    expect(build.with!.username).toBe('${{ secrets.registry-username || github.actor }}');
    const setup = steps.find((s) => s.uses?.endsWith('/actions/setup-buildkit'));
    expect(setup?.if).toBe("inputs.builder == 'buildkit'");
    expect(steps.indexOf(setup!)).toBeLessThan(steps.indexOf(build));
  });
});
