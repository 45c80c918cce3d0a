// Parses Mermaid text from stdin with the mermaid package (in a DOM shim) and exits 1 on a parse error.
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
let text = '';
for await (const chunk of process.stdin) text += chunk;
try {
  const result = await mermaid.parse(text);
  process.stdout.write(JSON.stringify(result));
} catch (err) {
  process.stderr.write(String(err.message ?? err));
  process.exit(1);
}
