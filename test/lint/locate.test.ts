/**
 * Findings point at the image's own line and column, whatever the input's shape: block and flow YAML, quoted values,
 * List items (kubectl get -o yaml), JSON (kubectl get -o json), anchors and merge keys.
 */
import { lintSources } from '../../lib/lint';

/** [line, column, text at that position] of every finding of `text`. */
function positions(text: string, file = 'f.yaml'): Array<[number, number | undefined, string]> {
  const report = lintSources([{ file, text }], { registries: ['reg.harbor.com'] });
  expect(report.errors).toEqual([]);
  const lines = text.split(/\r?\n/);
  return report.findings.map((f) => [f.line, f.column, lines[f.line - 1].slice((f.column ?? 1) - 1)]);
}

describe('the line and column of the image', () => {
  test('block style, an init container written after the containers, a quoted image, a value on the next line', () => {
    const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: web
          # the app
          image: "reg.harbor.com/shop/web:1"
        - name: sidecar
          image:
            reg.harbor.com/shop/sidecar:2
      initContainers:
        - image: 'reg.harbor.com/shop/migrate:3'
          name: migrate
`;
    expect(positions(text)).toEqual([
      [15, 18, "'reg.harbor.com/shop/migrate:3'"],
      [10, 18, '"reg.harbor.com/shop/web:1"'],
      [13, 13, 'reg.harbor.com/shop/sidecar:2'],
    ]);
  });

  test('flow style, several documents, an image key elsewhere in the object (an env value, an annotation)', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {image: not-a-container}
---
apiVersion: v1
kind: Pod
metadata: {name: p, annotations: {image: reg.harbor.com/x/annotated:0}}
spec:
  containers: [{name: a, image: reg.harbor.com/x/a:1, env: [{name: image, value: image}]}, {name: b, image: reg.harbor.com/x/b:1}]
`;
    expect(positions(text)).toEqual([
      [10, 33, 'reg.harbor.com/x/a:1, env: [{name: image, value: image}]}, {name: b, image: reg.harbor.com/x/b:1}]'],
      [10, 109, 'reg.harbor.com/x/b:1}]'],
    ]);
  });

  test('the items of a List (kubectl get -o yaml)', () => {
    const item = (name: string): string => `- apiVersion: v1
  kind: Pod
  metadata: {name: ${name}, namespace: apps}
  spec:
    containers:
    - name: c
      image: reg.harbor.com/apps/${name}:1`;
    const text = `apiVersion: v1\nkind: List\nitems:\n${item('one')}\n${item('two')}\nmetadata:\n  resourceVersion: ""\n`;
    expect(positions(text)).toEqual([
      [10, 14, 'reg.harbor.com/apps/one:1'],
      [17, 14, 'reg.harbor.com/apps/two:1'],
    ]);
  });

  test('JSON: kubectl get -o json (a List), and an array', () => {
    const pod = (name: string): unknown => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'apps', annotations: { image: 'x' } },
      spec: { containers: [{ name: 'c', image: `reg.harbor.com/apps/${name}:1` }] },
    });
    const list = JSON.stringify(
      { apiVersion: 'v1', kind: 'List', items: [pod('one'), pod('two')], metadata: {} },
      null,
      4,
    );
    expect(positions(list, 'f.json').map(([l, , at]) => [l, at])).toEqual([
      [19, '"reg.harbor.com/apps/one:1"'],
      [38, '"reg.harbor.com/apps/two:1"'],
    ]);
    const array = JSON.stringify([pod('a'), pod('b')]);
    expect(positions(array, 'f.json').map(([l, c]) => [l, c])).toEqual([
      [1, array.indexOf('"reg.harbor.com/apps/a:1"') + 1],
      [1, array.indexOf('"reg.harbor.com/apps/b:1"') + 1],
    ]);
  });

  test('an image written once under an anchor and merged into two containers points at the anchor', () => {
    const text = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - &base
      name: a
      image: reg.harbor.com/x/base:1
    - <<: *base
      name: b
`;
    expect(positions(text)).toEqual([
      [8, 14, 'reg.harbor.com/x/base:1'],
      [8, 14, 'reg.harbor.com/x/base:1'],
    ]);
  });
});
