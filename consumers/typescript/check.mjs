// The TypeScript consumer test: openapi-typescript's `schema.d.ts` of schema/openapi.json, and
// `tsc --strict --noEmit` on one file per fixture.
//
//   node check.mjs INDEX.json WORK_DIR NODE_MODULES_DIR
//
// Run by consumers/run. INDEX.json is written by `python3 consumers/fixtures.py` (every fixture
// with its registry type, schema file stem and OpenAPI component). WORK_DIR is emptied, then
// gets `schema.d.ts` from the command README.md shows,
//   openapi-typescript crates/cloudpki-model/schema/openapi.json -o WORK_DIR/schema.d.ts
// (its failure is a failure), a tsconfig.json (`strict`, `noEmit`) and one file per fixture.
//
// - Every valid fixture: `const x: components["schemas"]["<Component>"] = <payload>;` (the
//   payload as committed) must type-check.
// - Every invalid fixture marked `# schema-rejects: yes`:
//   - when TypeScript's types can see what is wrong (`typeScriptSees` below decides, from the
//     schema, never from tsc's answer), the same assignment on one line under
//     `// @ts-expect-error` must type-check, that is the assignment must be an error;
//   - otherwise (only a pattern, format, range, integer-ness or `not` rejects it) the plain
//     assignment must type-check, which shows TypeScript really cannot see it; each such
//     fixture is printed with the reason.
// - Every JSON response and request body of `paths[...]` takes the first valid fixture of its
//   component.
// - Invalid fixtures marked `# schema-rejects: no: <why>` (duplicate keys, `1.0` for an
//   integer) describe what no schema can see; they are listed, not checked.
//
// Prints `openapi-typescript: N passed, M failed`; each failure names the fixture and tsc's
// message. Exits 1 when anything failed.

import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [indexPath, workDir, nodeModules] = process.argv.slice(2);
const index = JSON.parse(readFileSync(indexPath, "utf8"));
const document = JSON.parse(readFileSync(index.openapi, "utf8"));
const components = document.components.schemas;

// --- what TypeScript's types can see ---------------------------------------------------------
//
// openapi-typescript turns a schema into a type that keeps: the JSON type of each value
// (`string`, `number`, `boolean`, `null`, arrays, objects), which properties an object requires,
// nullability (`| null`, with strictNullChecks), array items, `allOf` (`&`), `anyOf`/`oneOf`
// (`|`) and closed `enum`/`const` (literal types). It drops: `pattern`, `format`, `minimum`,
// `maximum`, `integer` vs `number`, `not`, and our enums are open (`string | "a" | ...`).
// An object schema with `additionalProperties: true` becomes `{...} & { [key: string]: unknown }`,
// to which an array is not assignable (an array has no string index signature).
// `typeScriptAccepts(value, schema)` says whether a value of that JSON shape is assignable.

function resolve(schema) {
  let node = schema;
  const seen = new Set();
  while (node && typeof node === "object" && typeof node.$ref === "string" && !seen.has(node.$ref)) {
    seen.add(node.$ref);
    const target = node.$ref.replace(/^#\//, "").split("/").reduce((at, part) => at[part], document);
    const { $ref, ...rest } = node;
    node = Object.keys(rest).length ? { allOf: [target], ...rest } : target;
  }
  return node;
}

function jsonType(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value; // string, number, boolean, object
}

function typeScriptAccepts(value, schemaIn) {
  const schema = resolve(schemaIn);
  if (schema === true || schema === undefined) return true;
  if (schema === false) return false;
  if (schema.allOf && !schema.allOf.every((part) => typeScriptAccepts(value, part))) return false;
  for (const key of ["anyOf", "oneOf"]) {
    if (schema[key] && !schema[key].some((part) => typeScriptAccepts(value, part))) return false;
  }
  if (schema.enum && !schema.enum.some((member) => JSON.stringify(member) === JSON.stringify(value))) return false;
  if ("const" in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) return false;
  if (schema.type !== undefined) {
    const types = [].concat(schema.type).map((t) => (t === "integer" ? "number" : t));
    const type = jsonType(value);
    if (!types.includes(type)) return false;
    if (type === "array" && schema.items !== undefined) {
      if (!value.every((item) => typeScriptAccepts(item, schema.items))) return false;
    }
  }
  // An object's properties bind whether or not the schema names a type (the bare branch of a
  // single entity is `allOf` plus `properties`).
  if (jsonType(value) === "object") {
    for (const name of schema.required ?? []) if (!(name in value)) return false;
    for (const [name, item] of Object.entries(value)) {
      const property = schema.properties?.[name];
      if (property !== undefined && !typeScriptAccepts(item, property)) return false;
    }
  }
  return true;
}

// --- the files -------------------------------------------------------------------------------

rmSync(workDir, { recursive: true, force: true });
const checkDir = join(workDir, "fixtures");
mkdirSync(checkDir, { recursive: true });

const generate = [join(nodeModules, ".bin", "openapi-typescript"), index.openapi, "-o", join(workDir, "schema.d.ts")];
try {
  const said = execFileSync(generate[0], generate.slice(1), { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  for (const line of said.split("\n")) if (/warn/i.test(line)) console.log(`note: openapi-typescript: ${line.trim()}`);
} catch (error) {
  console.log(`FAIL generate schema.d.ts: \`openapi-typescript ${generate.slice(1).join(" ")}\` failed: ${`${error.stdout ?? ""}${error.stderr ?? error.message}`.trim().slice(-2000)}`);
  console.log("openapi-typescript: 0 passed, 1 failed");
  process.exit(1);
}

const checks = []; // {file, fixture, expectError}
const unseen = [];
const notChecked = [];
for (const fixture of index.fixtures) {
  if (fixture.component === null) {
    notChecked.push(`${fixture.path}: its type ${fixture.type_name} has no OpenAPI component`);
    continue;
  }
  const type = `components["schemas"][${JSON.stringify(fixture.component)}]`;
  let body;
  let expectError = false;
  if (fixture.kind === "valid") {
    body = `export const x: ${type} = ${fixture.payload.trim()};\n`;
  } else if (fixture.headers["schema-rejects"] === "yes") {
    const value = JSON.parse(fixture.payload);
    const seen = !typeScriptAccepts(value, { $ref: `#/components/schemas/${fixture.component}` });
    // One line, so the directive covers wherever in the literal tsc reports the error.
    const line = `export const x: ${type} = ${JSON.stringify(value)};`;
    if (seen) {
      expectError = true;
      body = `// @ts-expect-error -- ${fixture.headers["error-path"] ?? "$"} has the wrong JSON type\n${line}\n`;
    } else {
      unseen.push(fixture.path);
      body = `// TypeScript's types cannot see what is wrong here (only pattern/format/range/integer/not do)\n${line}\n`;
    }
  } else {
    notChecked.push(`${fixture.path}: schema-rejects: ${fixture.headers["schema-rejects"] ?? "(missing)"}`);
    continue;
  }
  const file = `${fixture.kind}--${fixture.name}.ts`;
  writeFileSync(join(checkDir, file), `import type { components } from "../schema";\n\n${body}`);
  checks.push({ file, fixture, expectError });
}

// The operations' types: every JSON response and request body of `paths`, assigned the first
// valid fixture of its component (what a typed fetch wrapper over `paths` would hand out).
const firstValid = new Map();
for (const fixture of index.fixtures) {
  if (fixture.kind === "valid" && fixture.component && !firstValid.has(fixture.component)) firstValid.set(fixture.component, fixture);
}
const componentOf = (content) => content?.["application/json"]?.schema?.$ref?.replace("#/components/schemas/", "");
for (const [path, item] of Object.entries(document.paths)) {
  for (const [method, operation] of Object.entries(item)) {
    const slots = [];
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      if (/^\d+$/.test(status)) slots.push([`responses`, `["responses"][${status}]["content"]["application/json"]`, componentOf(response.content)]);
    }
    if (operation.requestBody) slots.push([`requestBody`, `["requestBody"]["content"]["application/json"]`, componentOf(operation.requestBody.content)]);
    for (const [what, access, component] of slots) {
      const fixture = component && firstValid.get(component);
      if (!fixture) continue;
      const file = `operation--${operation.operationId}--${what}.ts`;
      const type = `paths[${JSON.stringify(path)}][${JSON.stringify(method)}]${access}`;
      writeFileSync(join(checkDir, file), `import type { paths } from "../schema";\n\nexport const x: ${type} = ${fixture.payload.trim()};\n`);
      checks.push({ file, fixture: { ...fixture, path: `${operation.operationId} ${what} (${fixture.path})` }, expectError: false });
    }
  }
}

writeFileSync(
  join(workDir, "tsconfig.json"),
  JSON.stringify(
    {
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: "es2022",
        module: "esnext",
        moduleResolution: "bundler",
        lib: ["es2022"],
        types: [],
        skipLibCheck: false,
        noUnusedLocals: false,
      },
      include: ["schema.d.ts", "fixtures/*.ts"],
    },
    null,
    1,
  ),
);

// --- tsc ---------------------------------------------------------------------------------------

let output = "";
try {
  execFileSync(process.execPath, [join(nodeModules, "typescript", "bin", "tsc"), "-p", join(workDir, "tsconfig.json"), "--pretty", "false"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
} catch (error) {
  if (typeof error.status !== "number") throw error;
  output = `${error.stdout ?? ""}${error.stderr ?? ""}`;
}
// `path(line,col): error TSnnnn: message`, continuation lines indented.
const errors = new Map();
let current = null;
for (const line of output.split("\n")) {
  const match = /^(.*?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
  if (match) {
    const file = match[1].replace(/\\/g, "/").split("/").pop();
    current = `${match[4]} at ${match[2]}:${match[3]}: ${match[5]}`;
    if (!errors.has(file)) errors.set(file, []);
    errors.get(file).push(current);
  } else if (line.trim() && current) {
    const list = [...errors.values()].at(-1);
    list[list.length - 1] += ` ${line.trim()}`;
  }
}

let passed = 0;
let failed = 0;
const known = new Set(checks.map((c) => c.file));
for (const [file, messages] of errors) {
  if (!known.has(file)) {
    failed += 1;
    console.log(`FAIL ${file}: ${messages.join(" | ").slice(0, 600)}`);
  }
}
for (const check of checks) {
  const messages = errors.get(check.file);
  if (!messages) {
    passed += 1;
    continue;
  }
  failed += 1;
  const what = check.expectError ? "the wrongly typed payload is not an error" : "does not type-check";
  console.log(`FAIL ${check.fixture.path} (as ${check.fixture.component}): ${what}: ${messages.join(" | ").slice(0, 600)}`);
}
for (const path of unseen) console.log(`note: ${path}: TypeScript's types cannot see it; checked to be accepted`);
for (const line of notChecked) console.log(`note: not checked: ${line}`);
console.log(`openapi-typescript: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
