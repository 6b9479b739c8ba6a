/**
 * Text written into a Go template (External Secrets' template engine v2 runs Go's text/template with sprig, with the
 * default delimiters `{{` and `}}`): the rule for values interpolated into the `.dockerconfigjson` template.
 */

/** The delimiters of Go's text/template, as External Secrets uses them. */
export const GO_TEMPLATE_DELIMITERS = ['{{', '}}'] as const;

/** The first Go template delimiter (`{{` or `}}`) found in `text`, or undefined when there is none. */
export function goTemplateDelimiterIn(text: string): string | undefined {
  return GO_TEMPLATE_DELIMITERS.find((d) => text.includes(d));
}

/**
 * `text` as Go template source that renders to exactly `text`, for text outside an action: a `{{` would open an
 * action, so each one is written as the action `{{ "{{" }}`. (A `}}` outside an action is plain text to Go.)
 */
export function goTemplateText(text: string): string {
  return text.split('{{').join('{{ "{{" }}');
}

/**
 * `text` as a Go string literal, for use inside an action (`printf "%s" "robot$k8s+ci"`). JSON's string syntax, as
 * `JSON.stringify` writes it (`\"`, `\\`, `\n`, `\u0001`...), is valid Go interpreted-string syntax with the same
 * meaning, and delimiters inside a quoted string do not end the action.
 */
export function goStringLiteral(text: string): string {
  return JSON.stringify(text);
}
