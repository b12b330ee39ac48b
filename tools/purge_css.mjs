// Only the Bootstrap CSS the portal uses is shipped (issue 20, "Pages on a phone — Lighthouse").
//
// Run at install time by `make assets` (and by the Dockerfile before collectstatic): PurgeCSS reads Bootstrap's
// RTL and LTR builds from node_modules and keeps the selectors whose class names appear in what renders pages:
// the templates of the project and of every app, the crispy-forms Bootstrap 5 templates, the portal's Python
// (form widgets, format_html, chart code) and JavaScript, and Bootstrap's own JavaScript (the classes it adds:
// collapse, collapsing, show, fade, modal…). The result goes to static-build/bootstrap/css/ (git-ignored, never
// committed), which portal/settings.py serves as vendor/bootstrap/dist/css/ when it exists. Django's admin has
// its own CSS and is left alone.
//
//   node tools/purge_css.mjs            (PYTHON=/venv/bin/python in the image: where crispy_bootstrap5 lives)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, renameSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PurgeCSS } from "purgecss";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bootstrap = join(root, "node_modules", "bootstrap");
const out = join(root, "static-build", "bootstrap", "css");

function sitePackageTemplates(module) {
  // Ask the project's Python where a package's templates are (.venv locally, /venv in the image).
  const candidates = [process.env.PYTHON, join(root, ".venv", "bin", "python"), "python3"].filter(Boolean);
  for (const python of candidates) {
    if (python.includes("/") && !existsSync(python)) continue;
    try {
      const dir = execFileSync(python, ["-c", `import ${module}, os; print(os.path.dirname(${module}.__file__))`], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
      if (dir) return join(dir, "templates");
    } catch {
      // try the next interpreter
    }
  }
  throw new Error(`purge_css: cannot find the Python package ${module} (set PYTHON to the project's interpreter)`);
}

// crispy-forms' Bootstrap 5 templates, less the layout objects the portal does not use (accordions, tabs, modals,
// switches, floating labels, input groups): their words would keep whole Bootstrap components.
const unusedCrispy = /(^|\/)(accordion[^/]*|layout\/(modal|tab|tab-link|switch|floating_field|prepended_appended_text|field_with_buttons))\.html$/;
function crispyTemplates() {
  const dir = join(sitePackageTemplates("crispy_bootstrap5"), "bootstrap5");
  return readdirSync(dir, { recursive: true })
    .filter((file) => file.endsWith(".html") && !unusedCrispy.test(file))
    .map((file) => join(dir, file));
}

// The project's apps: the folders with an apps.py (portal among them), and the project templates.
const apps = readdirSync(root).filter((name) => existsSync(join(root, name, "apps.py")));
const content = [
  join(root, "templates/**/*.html"),
  ...apps.flatMap((app) => [join(root, app, "**/*.html"), join(root, app, "**/*.py"), join(root, app, "static/**/*.js")]),
  ...crispyTemplates(),
];

// Class names built in templates from a value ("alert-{{ message.tags }}", "text-bg-{% if … %}success…"), and
// state classes set by scripts or by crispy forms, that no file spells whole.
const safelist = {
  standard: [
    /^alert-(primary|secondary|success|info|warning|danger|light|dark|debug|error)$/,
    /^text-bg-(primary|secondary|success|info|warning|danger|light|dark)$/,
    /^is-(in)?valid$/,
    /^was-validated$/,
  ],
  // What Bootstrap's plugins add and remove at run time on the components the portal uses (the navbar's
  // collapse, dropdowns, alerts): the rest of its JavaScript's vocabulary (popover, carousel…) is not shipped.
  greedy: [/^(show|showing|hiding|collapse|collapsing|collapse-horizontal|fade|active|disabled)$/],
};

// Tokens as Django templates and Python write them: words with - and _ , plus the parts around {{ }} and quotes.
const extractor = (text) => text.match(/[A-Za-z0-9_-]+/g) || [];

mkdirSync(out, { recursive: true });
for (const name of ["bootstrap.rtl.min.css", "bootstrap.min.css"]) {
  const source = join(bootstrap, "dist", "css", name);
  const [result] = await new PurgeCSS().purge({
    content,
    // Tests name classes they check are NOT shipped ("carousel"): their words must not keep them.
    skippedContentGlobs: ["**/tests/**"],
    css: [source],
    defaultExtractor: extractor,
    safelist,
    keyframes: true,
    fontFace: true,
    variables: false, // Bootstrap's --bs-* custom properties are read by portal.css and the apps' CSS
  });
  // No source map is shipped with the purged file: drop the comment (the manifest storage would look for it).
  const css = result.css.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, "").trim() + "\n";
  const target = join(out, name);
  writeFileSync(`${target}.tmp`, css);
  renameSync(`${target}.tmp`, target);
  const before = readFileSync(source).length;
  console.log(`purge_css: ${name} ${(before / 1024).toFixed(0)} KiB -> ${(css.length / 1024).toFixed(0)} KiB`);
}
