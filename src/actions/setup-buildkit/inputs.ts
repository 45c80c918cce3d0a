import { ValidationError } from '../../runtime/errors.js';
import { readInteger, readList, readString } from '../../runtime/inputs.js';
import { resolveInside } from '../../runtime/workspace.js';
import { checkRegistryHost } from '../../tools/buildkit/config.js';
import type { InstallOptions } from '../../tools/installer.js';
import { INSTALL_INPUT, readInstallOptions } from '../../tools/install-inputs.js';
import { SPECS } from '../../tools/spec.js';

/** Input and output names, as in actions/setup-buildkit/action.yml. */
export const INPUT = {
  ...INSTALL_INPUT,
  endpoint: 'endpoint',
  tlsCa: 'tls-ca',
  tlsCert: 'tls-cert',
  tlsKey: 'tls-key',
  insecureRegistries: 'insecure-registries',
  mirrors: 'mirrors',
  config: 'config',
  timeout: 'timeout',
} as const;

export const OUTPUT = { endpoint: 'endpoint', platforms: 'platforms', version: 'version' } as const;

export interface SetupBuildkitInputs {
  install: InstallOptions;
  endpoint: string;
  tls?: { ca: string; cert: string; key: string };
  insecureRegistries: string[];
  mirrors: string[];
  config: string;
  timeoutSeconds: number;
}

const ENDPOINT_ACCEPTED =
  'unix:///path/to/buildkitd.sock, tcp://host:port (with tls-ca, tls-cert, tls-key), or kube-pod://<pod>';

function readTls(endpoint: string): SetupBuildkitInputs['tls'] {
  const files = {
    ca: readString(INPUT.tlsCa),
    cert: readString(INPUT.tlsCert),
    key: readString(INPUT.tlsKey),
  };
  const given = Object.values(files).filter(Boolean).length;
  if (!endpoint.startsWith('tcp://')) {
    if (given)
      throw new ValidationError(
        INPUT.tlsCa,
        files.ca || files.cert || files.key,
        'TLS files only with a tcp:// endpoint',
      );
    return undefined;
  }
  for (const [name, input] of [
    ['ca', INPUT.tlsCa],
    ['cert', INPUT.tlsCert],
    ['key', INPUT.tlsKey],
  ] as const) {
    const path = files[name];
    if (!path)
      throw new ValidationError(
        input,
        '',
        'a PEM file (a tcp:// endpoint needs tls-ca, tls-cert and tls-key)',
        'missing',
      );
    files[name] = resolveInside(input, path, {
      scope: 'workspace-or-temp',
      kind: 'file',
      accepted: 'a PEM file in the workspace or RUNNER_TEMP',
    });
  }
  return files;
}

export function readInputs(): SetupBuildkitInputs {
  const endpoint = readString(INPUT.endpoint);
  if (endpoint && !/^(unix:\/\/\/.+|tcp:\/\/[^/]+:\d+|kube-pod:\/\/.+)$/.test(endpoint)) {
    throw new ValidationError(INPUT.endpoint, endpoint, ENDPOINT_ACCEPTED);
  }
  const tls = readTls(endpoint);
  return {
    install: readInstallOptions(SPECS.buildkit),
    endpoint,
    ...(tls ? { tls } : {}),
    insecureRegistries: readList(INPUT.insecureRegistries).map((h) =>
      checkRegistryHost(INPUT.insecureRegistries, h),
    ),
    mirrors: readList(INPUT.mirrors).map((h) => checkRegistryHost(INPUT.mirrors, h)),
    config: readString(INPUT.config),
    timeoutSeconds: readInteger(INPUT.timeout, 60, 1, 3600),
  };
}
