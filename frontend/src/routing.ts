// Which page a path shows. Patterns are paths whose `:name` segments match any one segment.

/** The parameters of path under pattern ({} when it has none), or undefined when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = (path.length > 1 ? path.replace(/\/+$/, '') : path).split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      if (!got[i]) return undefined;
      params[want[i].slice(1)] = decodeURIComponent(got[i]);
    } else if (want[i] !== got[i]) {
      return undefined;
    }
  }
  return params;
}

/** The first route whose pattern matches path, with its parameters. */
export function pick<T>(routes: [string, T][], path: string): { route: T; params: Record<string, string> } | undefined {
  for (const [pattern, route] of routes) {
    const params = matchPath(pattern, path);
    if (params) return { route, params };
  }
  return undefined;
}
