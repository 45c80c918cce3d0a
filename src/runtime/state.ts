import * as core from './core.js';

/** Typed JSON state handed from main to post through GITHUB_STATE / STATE_*. */
export function saveState<T>(key: string, value: T): void {
  core.saveState(key, JSON.stringify(value));
}

export function readState<T>(key: string): T | undefined {
  const raw = core.getState(key);
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}

/** The marker runAction sets in main so the same bundle knows it runs as post. */
export const POST_MARKER = 'gantry-is-post';
