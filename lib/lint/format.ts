/**
 * The output formats of `lint` and `preflight`: `text` for people, `json` for tools, `github` for GitHub Actions
 * workflow commands (`::error file=...,line=...,col=...::`), which annotate the pull request's diff, and `sarif` for
 * code scanning (sarif.ts).
 */
import { objectLabel, type Finding, type InputError, type Report } from './findings';
import { formatSarif } from './sarif';

/** The output formats. */
export const FORMATS = ['text', 'json', 'github', 'sarif'] as const;
/** One of {@link FORMATS}. */
export type Format = (typeof FORMATS)[number];

function where(f: { file?: string; line?: number; column?: number }): string {
  if (!f.file) return '';
  if (!f.line) return `${f.file}: `;
  return f.column ? `${f.file}:${f.line}:${f.column}: ` : `${f.file}:${f.line}: `;
}

function subject(f: Finding): string {
  return `${objectLabel(f)}, ${f.init ? 'init container' : 'container'} ${JSON.stringify(f.container)}, image ${JSON.stringify(f.image)}`;
}

function summaryLine(r: Report): string {
  const s = r.summary;
  const regs = s.registries.length > 0 ? s.registries.join(', ') : 'none';
  const from = s.registriesFrom === 'flags' ? '--registry' : 'from the pull Secrets';
  const verdict =
    (r.findings.length === 0 ? 'no finding' : `${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}`) +
    (r.errors.length === 0
      ? ''
      : `, ${r.errors.length} input error${r.errors.length === 1 ? '' : 's'} (what they hold was not checked)`);
  const unchecked =
    s.uncheckedObjects.length > 0
      ? `; ${s.uncheckedObjects.length} object(s) with images not checked (see the note)`
      : '';
  const declared = s.declaredSecrets > 0 ? `; ${s.declaredSecrets} pull Secret(s) declared outside the input` : '';
  const config = s.config ? ` (config ${s.config})` : '';
  return (
    `harbor-private-app ${r.command}: ${verdict}. Checked ${s.checked} of ${s.containers} container image(s) ` +
    `in ${s.workloads} workload(s), ${s.objects} object(s), ${s.files} file(s); registries (${from}): ${regs}${declared}${unchecked}${config}.`
  );
}

function errorText(e: InputError): string {
  return `${where(e)}error: ${e.problem}.`;
}

/** Text: one block per input error and per finding (`file:line: what. Fix: ...`), notes, then a summary line. */
export function formatText(r: Report): string {
  const lines: string[] = [];
  for (const e of r.errors) lines.push(errorText(e), `  Fix: ${e.fix}.`);
  for (const f of r.findings) {
    lines.push(`${where(f)}${subject(f)} ${f.problem}.`, `  Fix: ${f.fix}.`);
  }
  for (const n of r.notes) lines.push(`${where(n)}note: ${n.message}.`);
  lines.push(summaryLine(r));
  return `${lines.join('\n')}\n`;
}

/** JSON: the report as one document (`findings`, `errors`, `notes`, `summary`). */
export function formatJson(r: Report): string {
  const out = { command: r.command, findings: r.findings, errors: r.errors, notes: r.notes, summary: r.summary };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** Escapes a workflow command's message (`%`, CR, LF). */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command's property value (also `:` and `,`). */
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions: `::error` per input error and finding, `::notice` per note, on the file and line, then the summary line. */
export function formatGithub(r: Report): string {
  const lines: string[] = [];
  for (const e of r.errors) {
    const props = [
      ...(e.file ? [`file=${escapeProperty(e.file)}`] : []),
      ...(e.file && e.line ? [`line=${e.line}`] : []),
      ...(e.line && e.column ? [`col=${e.column}`] : []),
      `title=${escapeProperty(`harbor-private-app ${r.command}: ${e.code}`)}`,
    ].join(',');
    lines.push(`::error ${props}::${escapeData(`${e.problem}. Fix: ${e.fix}.`)}`);
  }
  for (const f of r.findings) {
    const props = `file=${escapeProperty(f.file)},line=${f.line}${f.column ? `,col=${f.column}` : ''},title=${escapeProperty(`harbor-private-app ${r.command}: ${f.code}`)}`;
    lines.push(`::error ${props}::${escapeData(`${subject(f)} ${f.problem}. Fix: ${f.fix}.`)}`);
  }
  for (const n of r.notes) {
    const props = [
      ...(n.file ? [`file=${escapeProperty(n.file)}`] : []),
      ...(n.file && n.line ? [`line=${n.line}`] : []),
      `title=${escapeProperty(`harbor-private-app ${r.command}`)}`,
    ].join(',');
    lines.push(`::notice ${props}::${escapeData(`${n.message}.`)}`);
  }
  lines.push(summaryLine(r));
  return `${lines.join('\n')}\n`;
}

/**
 * Formats a report.
 * @param toolVersion the version SARIF names the tool with
 */
export function formatReport(r: Report, format: Format, toolVersion = 'unknown'): string {
  if (format === 'json') return formatJson(r);
  if (format === 'sarif') return formatSarif(r, toolVersion);
  if (format === 'github') return formatGithub(r);
  return formatText(r);
}
