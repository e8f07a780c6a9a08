/**
 * Server-rendered HTML for the operator console: a tagged template that escapes every value it is
 * given (only `Html` made by `html` itself passes through), and the page shell. No script, no
 * request to any other host: the stylesheet is served by the API itself.
 */

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

type Part = Html | string | number | boolean | null | undefined | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.text;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(part);
}

/** `html\`<td>${value}</td>\``: values are escaped; arrays are joined; null/undefined/false vanish. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

export const CONSOLE_PATH = '/admin';
export const STYLESHEET_PATH = `${CONSOLE_PATH}/console.css`;

const NAV: [string, string][] = [
  ['now', `${CONSOLE_PATH}#now`],
  ['sources', `${CONSOLE_PATH}#sources`],
  ['runs', `${CONSOLE_PATH}/runs`],
  ['changes', `${CONSOLE_PATH}/changes`],
  ['actions', `${CONSOLE_PATH}/actions`],
  ['queues', `${CONSOLE_PATH}/queues`],
];

export function page(title: string, body: Html, opts: { notice?: string | undefined } = {}): string {
  return `<!doctype html>${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · careerdata</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<header><strong><a href="${CONSOLE_PATH}">careerdata</a></strong>
<nav>${NAV.map(([label, href]) => html`<a href="${href}">${label}</a>`)}</nav></header>
<main>
${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ''}
<h1>${title}</h1>
${body}
</main>
</body>
</html>`}`;
}

/** Small and readable at 1280 px and on a phone: wide tables scroll inside their box. */
export const STYLESHEET = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f6f7f9}
header{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;padding:.6rem 1rem;background:#1d2330;color:#fff}
header a{color:#fff;text-decoration:none}
nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem}
nav a{opacity:.85}nav a:hover{opacity:1;text-decoration:underline}
main{max-width:1200px;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.2rem 0 1rem}h2{font-size:1.15rem;margin:1.6rem 0 .6rem}section>h2:first-child{margin-top:0}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:.8rem 1rem;margin-bottom:1rem}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eceff3;vertical-align:top}
th{font-weight:600;color:#4a5263;white-space:nowrap}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dt{color:#4a5263}dd{margin:0}
.status{display:inline-block;padding:0 .45rem;border-radius:3px;font-size:.85em;font-weight:600}
.published,.fresh,.done,.pass{background:#e3f5e8;color:#17642d}
.unchanged,.skip,.pending{background:#eceff3;color:#4a5263}
.blocked,.stale,.retrying,.queued,.running,.active{background:#fff4d6;color:#7a5600}
.failed,.fail{background:#fde5e5;color:#9b1c1c}
.notice{background:#e8f0fe;border:1px solid #b7cdf7;padding:.5rem .8rem;border-radius:4px}
.error{color:#9b1c1c}
form{display:grid;gap:.5rem;max-width:36rem}
label{display:grid;gap:.2rem}
input[type=text],select,textarea{font:inherit;padding:.35rem .5rem;border:1px solid #c4cad4;border-radius:4px}
button{font:inherit;padding:.4rem 1rem;border:0;border-radius:4px;background:#2456c7;color:#fff;cursor:pointer;justify-self:start}
button.danger{background:#b42318}
.inline{display:flex;flex-wrap:wrap;gap:.5rem 1rem}
.inline label{display:flex;gap:.3rem;align-items:center}
progress{width:10rem;max-width:40vw;vertical-align:middle}
.timeline td:first-child{white-space:nowrap}
@media (max-width:640px){main{padding:.6rem}section{padding:.6rem}dl{grid-template-columns:1fr}dt{font-weight:600}}
`;
