/**
 * lib/lint/manifests.ts reads YAML with js-yaml and defers to the yaml package for what js-yaml refuses or must not
 * decide. These tests hold the two paths to one behaviour: the same objects, the same start lines (documents and
 * `List` items), the same errors.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import {
  ManifestParseError,
  parseManifestFile,
  parseManifests,
  parseYamlManifests,
  parseYamlManifestsFast,
} from '../../lib/lint/manifests';
import { HarborMember, HarborPrivateApp, HarborRole } from '../../lib/cdk8s';

const FIXTURES = path.join(__dirname, 'fixtures');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(name) ? [full] : [];
  });
}

/** What parseManifests returns, or the error it throws. */
function outcome(read: () => unknown): unknown {
  try {
    return read();
  } catch (e) {
    return e instanceof ManifestParseError ? { error: e.message } : { other: String(e) };
  }
}

/** YAML cdk8s synthesizes: 20 apps (Projects, members, robots, ExternalSecrets, Deployments). */
function synthesized(): string {
  const app = new App();
  const chart = new Chart(app, 'lint', { disableResourceNameHashes: true });
  for (let i = 0; i < 20; i++) {
    new HarborPrivateApp(chart, `app-${i}`, {
      registryHost: 'reg.harbor.com',
      project: { name: `team-${i}` },
      members: [HarborMember.user(`team-${i}-dev`, HarborRole.GUEST)],
      namespaces: [`team-${i}`],
      workload: { metadata: { name: `svc-${i}` }, containers: [{ image: `reg.harbor.com/team-${i}/svc:1.0` }] },
    });
  }
  return app.synthYaml();
}

const LIST = `# kubectl get -o yaml
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Secret
  metadata: {name: a}
-
  apiVersion: v1
  kind: Secret
  metadata:
    name: b
- {apiVersion: v1, kind: Secret, metadata: {name: c}}
metadata:
  resourceVersion: ""
`;

/** Inputs where YAML readers often disagree: scalars of YAML 1.1 and 1.2, documents, comments, quoting. */
const EDGE_CASES: Readonly<Record<string, string>> = {
  scalars: `apiVersion: v1
kind: ConfigMap
metadata: {name: scalars}
data:
  a: [0b101, 0o17, 0x1F, 017, 1_000, +12, -0, .5, 1., 1e3, .inf, -.Inf, .NaN, ~, null, NULL, Null]
  b: [yes, no, on, off, y, n, True, FALSE, tRUE, 2001-12-14, 2001-12-14t21:59:43.10-05:00, 12:30:00]
  c: ["0b101", '1_000']
  d: "<<"
  "<<": {x: 1}
  e: |
    line one
      indented
  f: >-
    folded
    text
  g: 'it''s'
  h: "tab\\tand \\u00e9"
  i:
  j: ""
`,
  explicitTags:
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t}\ndata: [!!str 12, !!int "12", !!float "1", !!null "", !!bool "true"]\n',
  documents: `# leading comment
---
---
apiVersion: v1
kind: ConfigMap
metadata: {name: one}
...
---   # after the marker
apiVersion: v1
kind: ConfigMap
metadata: {name: two}
--- {apiVersion: v1, kind: ConfigMap, metadata: {name: three}}
---
# only a comment
---

apiVersion: v1


kind: ConfigMap
metadata:
  name: four
`,
  list: LIST,
  flowList: `{apiVersion: v1, kind: List, items: [
  {apiVersion: v1, kind: Secret, metadata: {name: a}},
  {apiVersion: v1, kind: Secret, metadata: {name: b}}]}
`,
  notKubernetes: 'replicaCount: 2\nimage: {repository: nginx}\n',
  anchors: `apiVersion: v1
kind: ConfigMap
metadata: {name: anchors}
data: &d {a: "1"}
copy: *d
`,
  billionLaughs: `apiVersion: v1
kind: ConfigMap
metadata: {name: lol}
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]
`,
  merge: `apiVersion: v1
kind: ConfigMap
metadata: {name: merge}
base: &base {a: base, b: base}
other: &other {b: other, c: other}
data:
  a: explicit-before
  <<: [*base, *other]
  c: explicit-after
`,
  duplicateKey: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dup}\nkind: Secret\n',
  duplicateQuotedKey: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dup, "name": other}\n',
  yaml11: '%YAML 1.1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: old}\ndata: {a: yes}\n',
  taggedDocument: '--- !!map\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: tagged}\n',
  customTag: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: custom}\ndata: {a: !Ref other}\n',
  unclosedFlow: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: { app: [broken }\n',
  badIndent: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n    labels: {}\n',
  tab: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n',
  unknownAlias: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: *nope}\n',
  deep: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${'['.repeat(120)}${']'.repeat(120)}\n`,
  crlf: 'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: crlf\r\n---\r\napiVersion: v1\r\nkind: Secret\r\nmetadata: {name: s}\r\n',
  empty: '',
  onlyComments: '# nothing\n# here\n',
};

describe('the js-yaml path reads YAML as the yaml package does', () => {
  const files = yamlFiles(FIXTURES);

  test.each(files.map((f) => [path.relative(FIXTURES, f), f]))(
    '%s: js-yaml reads it, with the same objects and lines',
    (_name, file) => {
      const text = readFileSync(file, 'utf8');
      const reference = outcome(() => parseYamlManifests(text, 'f.yaml'));
      if ('error' in (reference as object)) {
        expect(outcome(() => parseManifests(text, 'f.yaml'))).toEqual(reference);
        return;
      }
      expect(parseYamlManifestsFast(text, 'f.yaml')).toEqual(reference);
      expect(parseManifests(text, 'f.yaml')).toEqual(reference);
    },
  );

  test('the YAML cdk8s synthesizes: js-yaml reads it, with the same objects and lines', () => {
    const text = synthesized();
    const reference = parseYamlManifests(text, 'synth.yaml');
    expect(reference.length).toBe(100);
    expect(parseYamlManifestsFast(text, 'synth.yaml')).toEqual(reference);
  });

  test('a List: each item on its own line, in block and flow style', () => {
    const objects = parseYamlManifestsFast(LIST, 'list.yaml');
    expect(objects?.map((o) => [o.line, (o.value.metadata as { name: string }).name])).toEqual([
      [5, 'a'],
      [9, 'b'],
      [13, 'c'],
    ]);
    expect(objects).toEqual(parseYamlManifests(LIST, 'list.yaml'));
  });

  test.each(Object.entries(EDGE_CASES))('%s: the same outcome as the yaml package', (_name, text) => {
    expect(outcome(() => parseManifests(text, 'edge.yaml'))).toEqual(
      outcome(() => parseYamlManifests(text, 'edge.yaml')),
    );
  });

  test('js-yaml decides where both readers agree: scalars, documents, block Lists, CRLF', () => {
    for (const name of ['scalars', 'documents', 'list', 'notKubernetes', 'crlf', 'empty', 'onlyComments']) {
      const fast = parseYamlManifestsFast(EDGE_CASES[name], 'edge.yaml');
      expect([name, fast]).toEqual([name, parseYamlManifests(EDGE_CASES[name], 'edge.yaml')]);
    }
  });

  test('the yaml package decides where the readers may differ: anchors, tagged documents, directives, errors', () => {
    for (const name of [
      'anchors',
      'billionLaughs',
      'yaml11',
      'taggedDocument',
      'customTag',
      'unclosedFlow',
      'unknownAlias',
      'merge',
    ]) {
      expect([name, parseYamlManifestsFast(EDGE_CASES[name], 'edge.yaml')]).toEqual([name, undefined]);
    }
    expect(outcome(() => parseManifests(EDGE_CASES.billionLaughs, 'lol.yaml'))).toEqual({
      error: expect.stringMatching(/^lol\.yaml:1:1: YAML aliases expand to more than 100,000 nodes/) as unknown,
    });
    expect(outcome(() => parseManifests(EDGE_CASES.duplicateKey, 'dup.yaml'))).toEqual({
      error: expect.stringMatching(
        /^dup\.yaml:4:1: a key appears twice in the same mapping\. Fix: remove one/,
      ) as unknown,
    });
  });

  test('merge keys are applied as kubectl applies them (go-yaml v2): in order, the earlier mapping of a list winning', () => {
    const [object] = parseManifests(EDGE_CASES.merge, 'merge.yaml');
    // a: set, then overwritten by the merge; b: *base wins over *other; c: merged, then overwritten.
    expect(object.value.data).toEqual({ a: 'base', b: 'base', c: 'explicit-after' });
    // A quoted "<<" is an ordinary key; a merge key may repeat; anything but a mapping is refused.
    const quoted = parseManifests(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: q}\ndata: {"<<": {x: "1"}}\n',
      'q.yaml',
    );
    expect(quoted[0].value.data).toEqual({ '<<': { x: '1' } });
    const twice = parseManifests(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t}\ndata:\n  <<: {x: "1"}\n  <<: {y: "2"}\n',
      't.yaml',
    );
    expect(twice[0].value.data).toEqual({ x: '1', y: '2' });
    expect(
      outcome(() => parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata: {<<: x}\n', 's.yaml')),
    ).toEqual({
      error:
        's.yaml:4:8: a merge key (<<) is given something other than a mapping or a list of mappings. Fix: merge a mapping: <<: *anchor or <<: [*a, *b]',
    });
  });
});

describe('a file is read document by document', () => {
  test('a document that cannot be read is an error of its own; the documents around it are read', () => {
    const text = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n  name: again',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: three}\ndata: {a: [1, 2}',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: four}',
    ].join('\n---\n');
    const { objects, errors } = parseManifestFile(text, 'f.yaml');
    expect(objects.map((o) => [o.line, (o.value.metadata as { name: string }).name])).toEqual([
      [1, 'one'],
      [16, 'four'],
    ]);
    expect(errors.map((e) => [e.line, e.column, e.code])).toEqual([
      [9, 3, 'duplicate-key'],
      [14, 16, 'yaml-syntax'],
    ]);
  });

  test('a Helm template says so, and how to lint what it renders', () => {
    const template =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "app.fullname" . }}\n  labels:\n    {{- include "app.labels" . | nindent 4 }}\n';
    const { objects, errors } = parseManifestFile(template, 'deployment.yaml');
    expect(objects).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(errors[0].code).toBe('template');
    expect(errors[0].message).toMatch(
      /^deployment\.yaml:\d+:\d+: is a template .*Fix: lint what the template renders: for a Helm chart, helm template RELEASE CHART \| harbor-private-app lint -$/,
    );
  });

  test('no warning is ever emitted, so no key text reaches stderr', () => {
    const warn = jest.spyOn(process, 'emitWarning');
    try {
      const secret =
        'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  {{ .Values.token }}: not-a-real-secret\n';
      const { errors } = parseManifestFile(secret, 's.yaml');
      expect(errors.map((e) => e.code)).toEqual(['template']);
      expect(errors[0].message).not.toContain('not-a-real-secret');
      expect(errors[0].message).not.toContain('token');
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
