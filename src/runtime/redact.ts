/** Drops credentials and query strings (signed URLs, tokens) from a URL before it reaches a log. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = 'REDACTED';
      u.password = '';
    }
    if (u.search) u.search = '?REDACTED';
    return u.toString();
  } catch {
    return '<invalid URL>';
  }
}
