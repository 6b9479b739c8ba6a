/**
 * Finds credentials in rendered Kubernetes objects: Secret data, and any docker config (JSON with
 * `auths`) whose password or auth is a literal rather than a template expression.
 * Returns one line per finding (`kind/namespace/name: where`), never the credential itself.
 */
export function findCredentials(objects: any[]): string[] {
  const found: string[] = [];
  for (const o of objects) {
    const id = `${o?.kind}/${o?.metadata?.namespace ?? ''}/${o?.metadata?.name}`;
    if (o?.kind === 'Secret' && (nonEmpty(o.data) || nonEmpty(o.stringData))) found.push(`${id}: Secret with data`);
    walk(o, '', (value, where) => {
      const problem = literalDockerAuth(value);
      if (problem) found.push(`${id}: ${where}: ${problem}`);
    });
  }
  return found;
}

function nonEmpty(x: unknown): boolean {
  return !!x && typeof x === 'object' && Object.keys(x).length > 0;
}

function walk(value: unknown, where: string, visit: (s: string, where: string) => void): void {
  if (typeof value === 'string') visit(value, where);
  else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}[${i}]`, visit));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) walk(v, where ? `${where}.${k}` : k, visit);
}

const TEMPLATE = /^\s*\{\{.*\}\}\s*$/;

/** A docker config string with a literal password or auth; undefined when none. */
function literalDockerAuth(s: string): string | undefined {
  if (!s.includes('auths')) return undefined;
  // Templates hold `{{ ... }}` in value position: blank them out before parsing as JSON.
  const blanked = s.replace(/\{\{.*?\}\}/g, '"{{template}}"');
  let doc: any;
  try {
    doc = JSON.parse(blanked);
  } catch {
    return undefined;
  }
  for (const [host, entry] of Object.entries<any>(doc?.auths ?? {})) {
    for (const key of ['password', 'auth', 'identitytoken']) {
      const v = entry?.[key];
      if (typeof v === 'string' && v !== '{{template}}' && !TEMPLATE.test(v)) return `literal ${key} for ${host}`;
    }
  }
  return undefined;
}
