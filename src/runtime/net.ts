const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)$/;

/** Loopback hosts, which (as Docker does) may be spoken to over plain HTTP. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}
