/**
 * Parsers for the files an action writes, as the runner reads them:
 * GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE take `key=value` lines and the heredoc form
 * `key<<DELIM` … `DELIM`; GITHUB_PATH takes one directory a line.
 */
export function parseKeyValueFile(text: string, file = 'file'): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (heredoc > 0 && (eq < 0 || heredoc < eq)) {
      const key = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (!delimiter) throw new Error(`${file}: empty heredoc delimiter for ${key}`);
      const body: string[] = [];
      for (i++; ; i++) {
        if (i >= lines.length) throw new Error(`${file}: no closing ${delimiter} for ${key}`);
        if (lines[i] === delimiter) break;
        body.push(lines[i] ?? '');
      }
      result[key] = body.join('\n');
    } else if (eq > 0) {
      result[line.slice(0, eq)] = line.slice(eq + 1);
    } else {
      throw new Error(`${file}: line ${i + 1} is neither key=value nor key<<DELIMITER: ${line}`);
    }
  }
  return result;
}

export function parsePathFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** A workflow command printed on stdout: `::name key=value,…::message`. */
export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

const unescapeData = (s: string) =>
  s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');

export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const properties: Record<string, string> = {};
    for (const pair of (m[2] ?? '').split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
    }
    commands.push({ command: m[1] ?? '', properties, message: unescapeData(m[3] ?? '') });
  }
  return commands;
}
