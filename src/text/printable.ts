/**
 * Text from outside (a tenant's names, a pull request's values) on one line, with nothing a reader acts on: every
 * control character, format character (bidirectional overrides, zero-width characters) and line or paragraph separator
 * is shown as `\u{XXXX}`. Line separators matter beyond \n and \r: YAML readers built on libyaml, such as Go's yaml.v3
 * (which Pulumi reads stack files with; gopkg.in/yaml.v3 yamlprivateh.go, is_break), end a line at U+0085, U+2028 and
 * U+2029 too, where js-yaml does not.
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

export const printable = (text: string): string =>
  text.replace(UNPRINTABLE, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}}`);
