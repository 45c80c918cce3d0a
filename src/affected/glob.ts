const SPECIAL = /[.*+?^${}()|[\]\\/]/g;

/**
 * A path pattern as Go's path.Match reads one (`*` and `?` within a path element, `[…]` classes),
 * and `**` for any number of elements — for service and extra-path patterns and //go:embed's.
 */
export function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/^\^/, '!');
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else
      re += (c === '\\' && i + 1 < pattern.length ? pattern[++i]! : c).replace(SPECIAL, '\\$&');
  }
  return new RegExp(`^${re}$`, 's'); // a name may hold a line break
}

export const matchesGlob = (path: string, pattern: string): boolean =>
  globRegExp(pattern).test(path);
