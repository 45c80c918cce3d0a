/** Every URL in a text (an error message) redacted as redactUrl does. */
export function redactUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (u) => redactUrl(u));
}

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
