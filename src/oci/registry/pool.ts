import type { Credentials } from './auth.js';
import { RegistryClient, type RegistryClientOptions } from './client.js';
import { credentialsFromDockerConfig } from './credentials.js';

export interface PoolOptions {
  /** Credentials from inputs, for `loginRegistry` (the push target). */
  credentials?: Credentials;
  loginRegistry?: string;
  insecureRegistries?: readonly string[];
  onRetry?: (message: string) => void;
  chunkSize?: number;
  /** How long one registry operation may be retried for, in ms (default 120 s). */
  retryBudgetMs?: number;
}

/** One client per registry, with credentials from inputs or ~/.docker/config.json. */
export class RegistryPool {
  private readonly clients = new Map<string, RegistryClient>();
  constructor(private readonly opts: PoolOptions = {}) {}

  /** The inputs' login, with the registry it is for. */
  get login(): { registry: string; credentials: Credentials } | undefined {
    const { loginRegistry: registry, credentials } = this.opts;
    return registry && credentials ? { registry, credentials } : undefined;
  }

  /** The login a registry gets: the inputs' for `loginRegistry`, else ~/.docker/config.json's. */
  credentials(registry: string): Credentials | undefined {
    return (
      (registry === this.opts.loginRegistry ? this.opts.credentials : undefined) ??
      credentialsFromDockerConfig(registry)
    );
  }

  client(registry: string): RegistryClient {
    let c = this.clients.get(registry);
    if (!c) {
      const credentials = this.credentials(registry);
      const options: RegistryClientOptions = {
        insecure: this.opts.insecureRegistries?.includes(registry) ?? false,
        userAgent: 'gantry',
        ...(credentials ? { credentials } : {}),
        ...(this.opts.onRetry ? { onRetry: this.opts.onRetry } : {}),
        ...(this.opts.chunkSize ? { chunkSize: this.opts.chunkSize } : {}),
        ...(this.opts.retryBudgetMs ? { retry: { budgetMs: this.opts.retryBudgetMs } } : {}),
      };
      c = new RegistryClient(registry, options);
      this.clients.set(registry, c);
    }
    return c;
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
  }
}
