/**
 * The SARIF 2.1.0 output of `lint` and `preflight` (`--format sarif`), for GitHub code scanning
 * (`github/codeql-action/upload-sarif`) and other SARIF viewers: one result per finding (level `error`) and per input
 * that could not be read (level `error`), one per note about a file (level `note`), each on the file, line and column;
 * notes about the run as a whole are tool notifications. Paths stay as given (relative to the working directory, which
 * in CI is the repository root), with `/` separators.
 */
import type { Finding, InputError, Note, Report } from './findings';
import { objectLabel } from './findings';

/** What each rule (a finding or input error code) means, for the SARIF rule list. */
const RULES: Readonly<Record<string, string>> = {
  'invalid-image': 'The image is not a valid image reference: kubelet cannot pull it (InvalidImageName).',
  'no-pull-secret':
    'Neither the pod nor its ServiceAccount names a pull Secret: the image is pulled without credentials.',
  'secret-not-found': "The pull Secret the pod names is not in the pod's namespace.",
  'secret-wrong-type': 'The pull Secret is not of type kubernetes.io/dockerconfigjson: kubelet does not read it.',
  'secret-without-credentials': 'The pull Secret has no readable .dockerconfigjson.',
  'no-entry-for-registry':
    "No key of the pull Secret's .dockerconfigjson matches the image's registry as kubelet matches.",
  'no-usable-pull-secret': 'None of the pull Secrets the pod names can be used, each for its own reason.',
  'image-missing': 'The image is not in Harbor.',
  'project-missing': "The image's Harbor project does not exist.",
  'robot-missing': "The pull Secret's robot account does not exist in Harbor.",
  'robot-disabled': "The pull Secret's robot account is disabled.",
  'robot-expired': "The pull Secret's robot account has expired.",
  'robot-denied': "The pull Secret's robot account may not pull from the image's project.",
  'check-failed': 'Harbor could not answer for this image.',
  'not-found': 'An input path does not exist.',
  unreadable: 'An input path cannot be read.',
  'too-large': 'An input is larger than lint reads.',
  encoding: 'An input is not text kubectl reads (UTF-8, or UTF-16 with a byte order mark).',
  'no-manifest-file': 'A directory holds no manifest file.',
  'helm-chart': 'A Helm chart: its templates are not Kubernetes YAML until Helm renders them.',
  'yaml-syntax': 'A YAML document cannot be parsed.',
  'duplicate-key': 'A key appears twice in one mapping.',
  template: 'A template (Helm, Go templates), not Kubernetes YAML yet.',
  'yaml-alias-limit': 'YAML aliases expand beyond the limit.',
  'yaml-unsupported': 'A YAML construct kubectl cannot read.',
  'nothing-to-check': 'preflight asked Harbor about no image.',
  note: 'Something worth knowing that is not a finding.',
};

function uri(file: string): string {
  const slashed = file.replace(/\\/g, '/');
  const encoded = slashed
    .split('/')
    .map((part) => encodeURIComponent(part))
    .join('/');
  return slashed.startsWith('/') ? `file://${encoded}` : encoded;
}

function location(file: string | undefined, line?: number, column?: number): object[] {
  if (!file || file === '<stdin>') return [];
  return [
    {
      physicalLocation: {
        artifactLocation: { uri: uri(file) },
        ...(line ? { region: { startLine: line, ...(column ? { startColumn: column } : {}) } } : {}),
      },
    },
  ];
}

function subject(f: Finding): string {
  return `${objectLabel(f)}, ${f.init ? 'init container' : 'container'} ${JSON.stringify(f.container)}, image ${JSON.stringify(f.image)}`;
}

/** The SARIF log of a report, as one JSON document. */
export function formatSarif(r: Report, version: string): string {
  const used: string[] = [];
  const ruleIndex = (id: string): number => {
    let i = used.indexOf(id);
    if (i < 0) i = used.push(id) - 1;
    return i;
  };
  const results: object[] = [];
  const error = (e: InputError): void => {
    results.push({
      ruleId: e.code,
      ruleIndex: ruleIndex(e.code),
      level: 'error',
      message: { text: `${e.file}: ${e.problem}. Fix: ${e.fix}.` },
      locations: location(e.file, e.line, e.column),
    });
  };
  const finding = (f: Finding): void => {
    results.push({
      ruleId: f.code,
      ruleIndex: ruleIndex(f.code),
      level: 'error',
      message: { text: `${subject(f)} ${f.problem}. Fix: ${f.fix}.` },
      locations: location(f.file, f.line, f.column),
    });
  };
  const notifications: object[] = [];
  const note = (n: Note): void => {
    if (n.file) {
      results.push({
        ruleId: 'note',
        ruleIndex: ruleIndex('note'),
        level: 'note',
        message: { text: `${n.message}.` },
        locations: location(n.file, n.line),
      });
    } else notifications.push({ level: 'note', message: { text: `${n.message}.` } });
  };
  r.errors.forEach(error);
  r.findings.forEach(finding);
  r.notes.forEach(note);
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'harbor-private-app',
            version,
            rules: used.map((id) => ({
              id,
              name: id,
              shortDescription: { text: RULES[id] ?? id },
              defaultConfiguration: { level: id === 'note' ? 'note' : 'error' },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: r.errors.length === 0,
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
