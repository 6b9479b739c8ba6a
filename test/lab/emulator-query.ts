/**
 * Harbor's list conventions for the lab emulator: the `q` query language (`k=v`, `k=~v`, `k=[min~max]`,
 * `k={v1 v2}`, `k=(v1 v2)`, joined by `,`) and paging (`page`, `page_size`, `X-Total-Count`, `Link`).
 *
 * @see test/contracts/harbor-api.json `#/parameters/query`
 */

/** One condition of a Harbor `q` query. */
export type QueryCondition =
  | { readonly kind: 'exact'; readonly value: string }
  | { readonly kind: 'fuzzy'; readonly value: string }
  | { readonly kind: 'range'; readonly min: string; readonly max: string }
  | { readonly kind: 'union' | 'intersection'; readonly values: readonly string[] };

/** Thrown for a `q` that Harbor would reject with 400. */
export class QuerySyntaxError extends Error {}

/**
 * Parses Harbor's `q` parameter into conditions by key (keys stay case-sensitive, as in Harbor, which looks up
 * `Level` and `ProjectID` literally).
 * @throws QuerySyntaxError for a part without `=` or an unbalanced bracket
 */
export function parseHarborQuery(q: string | null | undefined): Map<string, QueryCondition> {
  const out = new Map<string, QueryCondition>();
  if (!q || q.trim() === '') return out;
  for (const part of splitTopLevel(q)) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new QuerySyntaxError(`invalid query string "${part}": expected key=value`);
    const key = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    if (raw.startsWith('~')) {
      out.set(key, { kind: 'fuzzy', value: unquote(raw.slice(1)) });
    } else if (raw.startsWith('[')) {
      if (!raw.endsWith(']') || !raw.includes('~'))
        throw new QuerySyntaxError(`invalid range "${raw}" for ${key}: expected [min~max]`);
      const [min, max] = raw.slice(1, -1).split('~');
      out.set(key, { kind: 'range', min: unquote(min.trim()), max: unquote(max.trim()) });
    } else if (raw.startsWith('{') || raw.startsWith('(')) {
      const close = raw.startsWith('{') ? '}' : ')';
      if (!raw.endsWith(close)) throw new QuerySyntaxError(`invalid list "${raw}" for ${key}: missing "${close}"`);
      const values = raw
        .slice(1, -1)
        .split(/\s+/)
        .filter((v) => v !== '')
        .map(unquote);
      out.set(key, { kind: raw.startsWith('{') ? 'union' : 'intersection', values });
    } else {
      out.set(key, { kind: 'exact', value: unquote(raw) });
    }
  }
  return out;
}

/** Whether `actual` satisfies `cond` (strings compared as Harbor's ORM would for text columns). */
export function matchesCondition(actual: string | number, cond: QueryCondition): boolean {
  const a = String(actual);
  switch (cond.kind) {
    case 'exact':
      return a === cond.value;
    case 'fuzzy':
      return a.includes(cond.value);
    case 'range': {
      const n = Number(actual);
      return (cond.min === '' || n >= Number(cond.min)) && (cond.max === '' || n <= Number(cond.max));
    }
    case 'union':
      return cond.values.includes(a);
    case 'intersection':
      return cond.values.every((v) => v === a);
  }
}

function splitTopLevel(q: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let cur = '';
  for (const ch of q) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if ('[{('.includes(ch)) {
      depth += 1;
    } else if (']})'.includes(ch)) {
      depth -= 1;
      if (depth < 0) throw new QuerySyntaxError(`invalid query string "${q}": unbalanced "${ch}"`);
    } else if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (depth !== 0 || quote) throw new QuerySyntaxError(`invalid query string "${q}": unbalanced brackets or quotes`);
  parts.push(cur);
  return parts;
}

function unquote(v: string): string {
  return /^(["']).*\1$/.test(v) ? v.slice(1, -1) : v;
}

/** One page of a list, with the headers Harbor sends. */
export interface Page<T> {
  readonly items: T[];
  /** `X-Total-Count` and, when there is a previous or next page, `Link`. */
  readonly headers: Record<string, string>;
}

/**
 * Harbor's paging of `all`: `page` (from 1) and `page_size` (default 10; the swagger caps it at 100, which the
 * contract check enforces), with `X-Total-Count` and a `Link` header (`<url>; rel="prev" , <url>; rel="next"`).
 * @param fullPath the request path including the API base, used in `Link`
 */
export function paginate<T>(
  all: readonly T[],
  query: URLSearchParams,
  fullPath: string,
  total: number = all.length,
): Page<T> {
  const page = Math.max(1, Number(query.get('page') ?? '1') || 1);
  const requested = Number(query.get('page_size') ?? '10');
  const pageSize = Number.isFinite(requested) && requested > 0 ? requested : 10;
  const items = all.slice((page - 1) * pageSize, page * pageSize);
  const headers: Record<string, string> = { 'X-Total-Count': String(total) };
  const link = (p: number, rel: string): string => {
    const q = new URLSearchParams(query);
    q.set('page', String(p));
    q.set('page_size', String(pageSize));
    return `<${fullPath}?${q.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, 'prev'));
  if (page * pageSize < total) links.push(link(page + 1, 'next'));
  if (links.length > 0) headers.Link = links.join(' , ');
  return { items, headers };
}
