// Turns one docs example folder (examples/resources/<type>/ or
// examples/data-sources/<type>/) into a configuration a real Terraform core
// can plan against the ARM emulator, so every snippet shown in the registry
// docs is checked by Terraform itself, not only by our own parser.
//
// The snippets are written for real subscriptions: they reference generic
// infrastructure through azurerm resources and use the placeholder
// subscription 00000000-.... azurerm cannot be installed offline, so this
// harness
//   * drops top-level blocks of other providers (azurerm_*, azuread_*);
//   * replaces references to their attributes with the landing zone's
//     values (references.json), failing on any reference it has no mapping
//     for;
//   * pulls in, from the other example folders, the definitions of
//     secureaml resources a snippet references but does not define (the
//     workspace a datastore belongs to, say), transitively;
//   * points the placeholder subscription at the emulator's.
//
// usage: node harness.js <examples-dir> <example-folder> <landing-zone.json>
//        <out-dir>
"use strict";
const fs = require("fs");
const path = require("path");

const [examplesDir, folder, landingZonePath, outDir] = process.argv.slice(2);
const landingZone = JSON.parse(fs.readFileSync(landingZonePath, "utf8"));
const references = JSON.parse(
    fs.readFileSync(path.join(__dirname, "references.json"), "utf8"));

// Top-level blocks: `terraform fmt` puts them at column 0 and closes them
// with a "}" line at column 0, which is all this needs to split a file.
function splitBlocks(text) {
  const blocks = [];
  let current = null;
  for (const line of text.split("\n")) {
    if (current === null) {
      const m = line.match(/^(resource|data|output|variable|locals|provider|terraform)\b(?:\s+"([^"]+)")?(?:\s+"([^"]+)")?/);
      if (m) {
        current = {kind: m[1], type: m[2] || "", name: m[3] || "", lines: [line]};
        if (/\}\s*$/.test(line) && /\{/.test(line)) {  // one-line block
          blocks.push(current);
          current = null;
        }
      }
      continue;
    }
    current.lines.push(line);
    if (line === "}") {
      blocks.push(current);
      current = null;
    }
  }
  if (current !== null) throw new Error(`unterminated ${current.kind} block`);
  return blocks.map(b => ({...b, text: b.lines.join("\n")}));
}

function readBlocks(dir) {
  return fs.readdirSync(dir)
      .filter(f => f.endsWith(".tf"))
      .sort()
      .flatMap(f => splitBlocks(fs.readFileSync(path.join(dir, f), "utf8")));
}

const ours = t => t.startsWith("secureaml_");
// References to the other providers' resources and data sources.
const foreignRef = /\b(data\.)?((?:azurerm|azuread|azapi)_[a-z0-9_]+)\.([a-z0-9_-]+)(\.[a-z_]+)?/g;
const lookup = (obj, dotted) => dotted.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
const address = b => (b.kind === "data" ? `data.${b.type}.${b.name}` : `${b.type}.${b.name}`);

// Every secureaml resource and data source any example defines, by address.
const catalog = new Map();
for (const group of ["resources", "data-sources"]) {
  const groupDir = path.join(examplesDir, group);
  for (const f of fs.readdirSync(groupDir).sort()) {
    for (const b of readBlocks(path.join(groupDir, f))) {
      if ((b.kind === "resource" || b.kind === "data") && ours(b.type) &&
          !catalog.has(address(b))) {
        catalog.set(address(b), b);
      }
    }
  }
}

const own = readBlocks(path.join(examplesDir, folder));
const foreign = new Set(own.filter(b => (b.kind === "resource" || b.kind === "data") && !ours(b.type))
                            .map(address));
const referencesIn = text => {
  const found = new Set();
  for (const m of text.matchAll(/\b(data\.)?(secureaml_[a-z0-9_]+)\.([a-z0-9_-]+)/g)) {
    found.add(`${m[1] || ""}${m[2]}.${m[3]}`);
  }
  return found;
};

// Our blocks, the outputs that only use them, and the definitions they need.
const kept = own.filter(b => (b.kind === "resource" || b.kind === "data") ? ours(b.type) : b.kind === "output");
const defined = new Set(kept.filter(b => b.kind !== "output").map(address));
for (let i = 0; i < kept.length; i++) {
  for (const ref of referencesIn(kept[i].text)) {
    if (defined.has(ref)) continue;
    const def = catalog.get(ref);
    if (!def) throw new Error(`${folder}: ${ref} is referenced but no example defines it`);
    defined.add(ref);
    kept.push(def);
  }
}

let body = kept.filter(b => b.kind !== "output" || ![...foreign].some(a => b.text.includes(a)))
               .map(b => b.text).join("\n\n");
// Foreign attributes become the landing zone's values; anything without a
// stand-in is an error in the example (or a missing mapping).
body = body.replace(foreignRef, (all) => {
  if (!(all in references)) {
    throw new Error(`${folder}: no landing-zone stand-in for ${all}; add it to tests/examples/references.json`);
  }
  const value = lookup(landingZone, references[all]);
  if (typeof value !== "string") throw new Error(`landing zone has no ${references[all]}`);
  return JSON.stringify(value);
});
body = body.replaceAll("00000000-0000-0000-0000-000000000000", landingZone.subscription_id);

const header = `terraform {
  required_providers {
    secureaml = {
      source = "secureaml/secureaml"
    }
  }
}

provider "secureaml" {}
`;
fs.mkdirSync(outDir, {recursive: true});
fs.writeFileSync(path.join(outDir, "main.tf"), `${header}\n${body}\n`);
const ownCount = own.filter(b => kept.includes(b)).length;
console.log(`${folder}: ${ownCount} block(s) of its own, ${kept.length - ownCount} pulled in from other examples, ${foreign.size} of other providers left out`);
