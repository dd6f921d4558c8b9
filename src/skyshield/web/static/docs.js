// The API's documentation, drawn from /openapi.json on this server (works offline).
const main = document.getElementById("docs");

function h(tag, text, cls) {
  const el = document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  if (cls) el.className = cls;
  return el;
}

function resolve(spec, schema) {
  if (schema && schema.$ref) return spec.components.schemas[schema.$ref.split("/").pop()];
  return schema;
}

async function show() {
  const spec = await (await fetch("/openapi.json")).json();
  main.replaceChildren(h("p", spec.info.description), h("p", `version ${spec.info.version}`));
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const box = h("section", undefined, "endpoint");
      const head = h("div");
      head.append(h("span", method.toUpperCase(), "method"), h("span", path, "path"));
      box.append(head, h("p", op.description || op.summary || ""));
      const params = (op.parameters || []).map((p) => `${p.name} (${p.in}${p.required ? ", required" : ""})${p.description ? `: ${p.description}` : ""}`);
      if (params.length) {
        const ul = h("ul");
        for (const p of params) ul.append(h("li", p));
        box.append(h("b", "Parameters"), ul);
      }
      const body = op.requestBody && op.requestBody.content["application/json"];
      if (body) {
        box.append(h("b", "JSON body"), h("pre", JSON.stringify(resolve(spec, body.schema), null, 2)));
      }
      main.append(box);
    }
  }
}

show().catch((err) => { main.replaceChildren(h("p", `could not load the description: ${err.message}`)); });
