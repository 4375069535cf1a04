#!/usr/bin/env python3
"""The Elasticsearch index template (src/schema/tlstap-template.json) against
the JSON Schema (src/schema/tlstap.schema.json), without Elasticsearch.

Walks every record kind of the schema (session, stats, x509) down to its
leaves and checks that
  - every leaf field is mapped, with a type compatible with the schema's:
    integers as long, booleans as boolean, strings as keyword, the schema's
    ip as ip, date and timestamp_us as date; arrays by their items;
  - an object whose keys are free (additionalProperties: a schema: labels,
    the anomaly and finding tallies) is mapped as flattened, or as an
    object with "dynamic": true (the root is strict) whose dynamic template
    (path_match "PATH.*") gives its values a compatible type;
  - no path is mapped that the schema does not have;
  - a field that two record kinds share has one type;
  - the template is a composable one (index_patterns, template.mappings)
    with "dynamic": "strict" or false, so nothing unmapped is guessed.
usage: es_template_test.py [TEMPLATE [SCHEMA]]
"""
import json
import os
import sys

from failures import finish as failures_finish

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RECORDS = ("session_record", "stats_record", "x509_record")
# Schema $defs whose strings Elasticsearch should index as more than keyword.
STRING_TYPES = {"ip": "ip", "date": "date", "timestamp_us": "date"}
COMPATIBLE = {
    "keyword": {"keyword", "constant_keyword", "wildcard"},
    "long": {"long", "unsigned_long"},
    "boolean": {"boolean"},
    "ip": {"ip"},
    "date": {"date", "date_nanos"},
}


class Schema:
    def __init__(self, doc):
        self.defs = doc["$defs"]
        self.leaves = {}      # path -> expected type
        self.maps = {}        # path -> value type (free-keyed objects)
        self.objects = set()  # paths of objects with fixed properties
        self.conflicts = []

    def resolve(self, node, hint):
        while "$ref" in node:
            hint = node["$ref"].rsplit("/", 1)[1]
            node = self.defs[hint]
        return node, hint

    def put(self, table, path, t):
        if table.get(path, t) != t:
            self.conflicts.append(f"{path}: {table[path]} in one record, {t} in another")
        table[path] = t

    def scalar(self, node, hint):
        """The Elasticsearch type family of a scalar (or array) schema."""
        node, hint = self.resolve(node, hint)
        if "anyOf" in node:
            kinds = {self.scalar(b, hint) for b in node["anyOf"]}
            return kinds.pop() if len(kinds) == 1 else "mixed:" + ",".join(sorted(kinds))
        if node.get("type") == "array":
            return self.scalar(node["items"], hint)
        if "enum" in node or "const" in node:
            vals = node.get("enum", [node.get("const")])
            if all(isinstance(v, bool) for v in vals):
                return "boolean"
            if all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
                return "long"
            return "keyword" if all(isinstance(v, str) for v in vals) else "mixed:enum"
        t = node.get("type")
        if t == "string":
            return STRING_TYPES.get(hint, "keyword")
        if t == "integer":
            return "long"
        if t == "boolean":
            return "boolean"
        return f"unknown:{t}"

    def walk(self, node, path, hint=None):
        node, hint = self.resolve(node, hint)
        if node.get("type") == "array" and self.is_object(node["items"]):
            return self.walk(node["items"], path)
        if self.is_object(node):
            if path:
                self.objects.add(path)
            props = node.get("properties", {})
            for k, v in props.items():
                self.walk(v, f"{path}.{k}" if path else k)
            extra = node.get("additionalProperties")
            if isinstance(extra, dict):
                self.put(self.maps, path, self.scalar(extra, None))
            return
        self.put(self.leaves, path, self.scalar(node, hint))

    def is_object(self, node):
        node, _ = self.resolve(node, None)
        return node.get("type") == "object"


def mapped(props, prefix=""):
    """path -> mapping of every field in the template's properties."""
    out = {}
    for k, v in props.items():
        path = f"{prefix}.{k}" if prefix else k
        out[path] = v
        if "properties" in v:
            out.update(mapped(v["properties"], path))
    return out


def main():
    tpath = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "src/schema/tlstap-template.json")
    spath = sys.argv[2] if len(sys.argv) > 2 else os.path.join(TOP, "src/schema/tlstap.schema.json")
    tmpl = json.load(open(tpath))
    schema = Schema(json.load(open(spath)))
    for r in RECORDS:
        schema.walk(schema.defs[r], "")
    fails = list(schema.conflicts)

    if not tmpl.get("index_patterns") or "mappings" not in tmpl.get("template", {}):
        fails.append("not a composable index template (index_patterns, template.mappings)")
    mappings = tmpl.get("template", {}).get("mappings", {})
    if mappings.get("dynamic") not in ("strict", False, "false"):
        fails.append('mappings.dynamic must be "strict" or false')
    fields = mapped(mappings.get("properties", {}))
    dyn = {}
    for entry in mappings.get("dynamic_templates", []):
        for _, spec in entry.items():
            dyn[spec.get("path_match", "")] = spec.get("mapping", {}).get("type")

    for path, want in sorted(schema.leaves.items()):
        m = fields.get(path)
        if want.startswith(("mixed", "unknown")):
            fails.append(f"{path}: the schema gives no single type ({want})")
        elif m is None:
            fails.append(f"{path}: not mapped")
        elif m.get("type") not in COMPATIBLE[want]:
            fails.append(f"{path}: mapped as {m.get('type')}, the schema has {want}")
    for path, want in sorted(schema.maps.items()):
        m = fields.get(path)
        if m is None:
            fails.append(f"{path}: free-keyed object not mapped")
        elif m.get("type") == "flattened":
            continue
        elif (m.get("type", "object") != "object" or m.get("dynamic") not in (True, "true") or
              dyn.get(path + ".*") not in COMPATIBLE[want]):
            fails.append(f"{path}: neither flattened nor a dynamic object with a {want} "
                         f"dynamic template for {path}.*")
    for path, m in sorted(fields.items()):
        t = m.get("type", "object")
        if path in schema.leaves or path in schema.maps:
            continue
        if path in schema.objects and t in ("object", "nested"):
            continue
        fails.append(f"{path}: mapped ({t}) but not in the schema")
    for pm in dyn:
        if pm[:-2] not in schema.maps:
            fails.append(f"dynamic template {pm}: no such free-keyed object in the schema")

    failures_finish(fails, f"{len(schema.leaves)} leaf fields, {len(schema.maps)} free-keyed "
                    f"objects, {len(fields)} mapped paths", 40)


if __name__ == "__main__":
    main()
