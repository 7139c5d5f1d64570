// Validates UBL files with the official EN 16931 and Peppol BIS 3.0 rules
// (tests/fixtures/peppol), offline, with SaxonJS: prints one JSON line per
// file: {"file", "fatal": [{"rules", "id", "text"}]}. The rules are
// compiled once to SEF files in the cache directory.
//   node peppol-validate.js <cache-dir> <file.xml>...
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");
const SaxonJS = require("saxon-js");

const [cache, ...files] = process.argv.slice(2);
const rules = path.join(__dirname, "..", "tests", "fixtures", "peppol");
const xslt3 = path.join(__dirname, "node_modules", ".bin", "xslt3");
fs.mkdirSync(cache, { recursive: true });

function compiled(name) {
  const sef = path.join(cache, `${name}.sef.json`);
  const src = path.join(rules, `${name}.xslt`);
  if (!fs.existsSync(sef) || fs.statSync(sef).mtimeMs < fs.statSync(src).mtimeMs) {
    const tmp = `${sef}.${process.pid}.tmp`;
    execFileSync(xslt3, [`-xsl:${src}`, `-export:${tmp}`, "-nogo"], { stdio: "inherit" });
    fs.renameSync(tmp, sef);
  }
  return sef;
}

const sets = ["CEN-EN16931-UBL", "PEPPOL-EN16931-UBL"].map((n) => [n, compiled(n)]);
for (const file of files) {
  const fatal = [];
  for (const [name, sef] of sets) {
    const out = SaxonJS.transform({ stylesheetFileName: sef, sourceFileName: file, destination: "serialized" }, "sync");
    const svrl = out.principalResult;
    const re = /<svrl:failed-assert\b([^>]*)>([\s\S]*?)<\/svrl:failed-assert>/g;
    let m;
    while ((m = re.exec(svrl))) {
      if (!/flag="fatal"/.test(m[1])) continue;
      const id = (m[1].match(/id="([^"]*)"/) || [])[1];
      const text = (m[2].match(/<svrl:text>([\s\S]*?)<\/svrl:text>/) || [])[1];
      fatal.push({ rules: name, id, text: (text || "").trim() });
    }
  }
  console.log(JSON.stringify({ file, fatal }));
}
