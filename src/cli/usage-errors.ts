// Commander's own usage errors, said the way every other exitsim error is said:
// "exitsim: command line: FIELD: expected …, found …" (one line, the culprit first).

const RULES: Array<[RegExp, (m: RegExpMatchArray) => [field: string, expected: string, found: string]]> = [
  [/^unknown option '([^']+)'/, (m) => [m[1], "an option of this command (see its --help)", 'an unknown option']],
  [/^missing required argument '([^']+)'/, (m) => [`<${m[1]}>`, 'a value for this argument', 'nothing']],
  [/^option '([^']+)' argument missing/, (m) => [m[1].split(' ').find((w) => w.startsWith('--')) ?? m[1], 'a value after the flag', 'nothing']],
  [/^required option '([^']+)' not specified/, (m) => [m[1].split(/[ ,]+/).find((w) => w.startsWith('--')) ?? m[1], 'this option (it is required)', 'nothing']],
  [/^unknown command '([^']+)'/, (m) => ['command', 'one of the commands exitsim --help lists', `'${m[1]}'`]],
  [/^too many arguments for '([^']+)'\. Expected (\d+) arguments? but got (\d+)/, (m) => ['arguments', `${m[2]} argument${m[2] === '1' ? '' : 's'} for ${m[1]}`, m[3]]],
  // The value may hold a newline of its own: it is matched across lines and shown escaped.
  [/^option '([^']+)' argument '([\s\S]*)' is invalid\. Allowed choices are (.+?)\.?$/, (m) => [m[1].split(' ')[0], `one of ${m[3]}`, /[\u0000-\u001f]/.test(m[2]) ? JSON.stringify(m[2]) : `'${m[2]}'`]],
];

/** Rewrites commander's "error: …" text (with its "(Did you mean …?)" line) into exitsim's form; other text passes through. */
export function usageErrorText(text: string): string {
  if (!text.startsWith('error: ')) return text;
  const body = text.slice('error: '.length).trimEnd();
  const [first, ...rest] = body.split('\n');
  const hint = rest.join(' ').trim();
  for (const [re, fields] of RULES) {
    // A rule that matches the whole text (a value with a newline) takes it all; else the first line, the rest a hint.
    const whole = body.match(re);
    if (whole) {
      const [field, expected, found] = fields(whole);
      return `exitsim: command line: ${field}: expected ${expected}, found ${found}\n`;
    }
    const m = first.match(re);
    if (m) {
      const [field, expected, found] = fields(m);
      return `exitsim: command line: ${field}: expected ${expected}, found ${found}${hint ? ` ${hint}` : ''}\n`;
    }
  }
  return `exitsim: command line: ${first}${hint ? ` ${hint}` : ''}\n`;
}
