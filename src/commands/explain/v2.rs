//! `--output=plaintext-openapiv2` (and the fallback against servers without
//! OpenAPI v3): kubectl's original explain printer over the v2 document, with
//! the schema model kube-openapi's `proto` package builds from it (kinds,
//! arrays, maps, primitives, arbitrary values and references).

use std::collections::BTreeMap;

use serde_json::Value;

use super::wrap;

/// One schema as kube-openapi's `proto` package classifies it.
#[derive(Clone, Copy)]
enum Shape<'a> {
    /// An object with properties.
    Kind(&'a Value),
    Array(&'a Value),
    /// An object without properties; `None` when it names no value schema
    /// (the values are then arbitrary, described like the map itself).
    Map(Option<&'a Value>),
    Primitive(&'a str),
    Arbitrary,
    Ref(&'a str),
}

#[derive(Clone, Copy)]
struct Node<'a> {
    shape: Shape<'a>,
    desc: &'a str,
}

pub struct Model<'a> {
    defs: &'a serde_json::Map<String, Value>,
}

impl<'a> Model<'a> {
    pub fn new(doc: &'a Value) -> Option<Model<'a>> {
        doc.get("definitions").and_then(Value::as_object).map(|defs| Model { defs })
    }

    /// The definition a group/version/kind names (the last one, as kubectl's
    /// index keeps the last definition it reads for a kind).
    pub fn lookup(&self, group: &str, version: &str, kind: &str) -> Option<&'a Value> {
        self.defs
            .values()
            .rev()
            .find(|d| {
                d["x-kubernetes-group-version-kind"].as_array().into_iter().flatten().any(|g| {
                    g["group"].as_str().unwrap_or("") == group && g["version"].as_str() == Some(version) && g["kind"].as_str() == Some(kind)
                })
            })
    }

    fn parse(&self, s: &'a Value) -> Node<'a> {
        let desc = s["description"].as_str().unwrap_or("");
        if let Some(r) = s["$ref"].as_str().filter(|r| !r.is_empty()) {
            let name = r.strip_prefix("#/definitions/").unwrap_or(r);
            let shape = if self.defs.contains_key(name) { Shape::Ref(name) } else { Shape::Arbitrary };
            return Node { shape, desc };
        }
        let types: Vec<&str> = match &s["type"] {
            Value::String(t) => vec![t.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let has_props = s.get("properties").is_some_and(Value::is_object);
        let shape = match types.as_slice() {
            [] if has_props => Shape::Kind(s),
            ["object"] if has_props => Shape::Kind(s),
            ["object"] => Shape::Map(s.get("additionalProperties").filter(|a| a.is_object())),
            ["array"] => match &s["items"] {
                Value::Object(_) => Shape::Array(&s["items"]),
                Value::Array(a) if a.len() == 1 => Shape::Array(&a[0]),
                _ => Shape::Arbitrary,
            },
            [t] => Shape::Primitive(t),
            _ => Shape::Arbitrary,
        };
        Node { shape, desc }
    }

    fn deref(&self, name: &str) -> Node<'a> {
        match self.defs.get(name) {
            Some(d) => self.parse(d),
            None => Node { shape: Shape::Arbitrary, desc: "" },
        }
    }

    /// What a map's values are: their schema, or arbitrary values carrying
    /// the map's own description.
    fn map_values(&self, node: Node<'a>, values: Option<&'a Value>) -> Node<'a> {
        match values {
            Some(v) => self.parse(v),
            None => Node { shape: Shape::Arbitrary, desc: node.desc },
        }
    }

    fn type_name(&self, node: Node<'a>) -> String {
        match node.shape {
            Shape::Kind(_) => "Object".into(),
            Shape::Array(items) => format!("[]{}", self.type_name(self.parse(items))),
            Shape::Map(values) => format!("map[string]{}", self.type_name(self.map_values(node, values))),
            Shape::Primitive(t) => t.into(),
            Shape::Arbitrary => String::new(),
            Shape::Ref(name) => self.type_name(self.deref(name)),
        }
    }

    /// Walk the field path; a primitive or arbitrary value ends the walk
    /// whatever path is left, as in kubectl.
    fn field(&self, mut node: Node<'a>, mut path: &[String]) -> Result<Node<'a>, String> {
        loop {
            let next = match node.shape {
                _ if path.is_empty() => return Ok(node),
                Shape::Primitive(_) | Shape::Arbitrary => return Ok(node),
                Shape::Array(items) => self.parse(items),
                Shape::Map(values) => self.map_values(node, values),
                Shape::Ref(name) => self.deref(name),
                Shape::Kind(s) => match s["properties"].get(&path[0]) {
                    Some(f) => {
                        path = &path[1..];
                        self.parse(f)
                    }
                    None => return Err(format!("field \"{}\" does not exist", path[0])),
                },
            };
            node = next;
        }
    }
}

/// kubectl's `Formatter`: indented lines, wrapped to 80 columns.
struct Out {
    text: String,
}

impl Out {
    fn write(&mut self, indent: usize, line: &str) {
        if !line.is_empty() {
            self.text.extend(std::iter::repeat_n(' ', indent));
            self.text.push_str(line);
        }
        self.text.push('\n');
    }

    fn wrapped(&mut self, indent: usize, text: &str) {
        for l in wrap::v2_lines(text, 80usize.saturating_sub(indent)) {
            self.write(indent, &l);
        }
    }
}

pub struct Request<'r> {
    pub group_version: &'r str,
    pub kind: &'r str,
    pub path: &'r [String],
    pub recursive: bool,
}

/// The explanation of `def` (the kind's definition) along `req.path`.
pub fn render(model: &Model<'_>, def: &Value, req: &Request<'_>) -> Result<String, String> {
    let node = model.field(model.parse(def), req.path)?;
    let name = req.path.last().map(String::as_str).unwrap_or("");
    let mut p = Printer { model, req, out: Out { text: String::new() }, name, ty: None, descs: Vec::new() };
    p.visit(node);
    Ok(p.out.text)
}

struct Printer<'m, 'a, 'r> {
    model: &'m Model<'a>,
    req: &'r Request<'r>,
    out: Out,
    name: &'r str,
    /// The type of the field asked for, fixed at the outermost array or map.
    ty: Option<String>,
    /// Descriptions met on the way through references, arrays and maps.
    descs: Vec<&'a str>,
}

impl<'a> Printer<'_, 'a, '_> {
    fn visit(&mut self, node: Node<'a>) {
        match node.shape {
            Shape::Array(items) => {
                self.descs.push(node.desc);
                self.ty.get_or_insert_with(|| self.model.type_name(node));
                self.visit(self.model.parse(items));
            }
            Shape::Map(values) => {
                self.descs.push(node.desc);
                self.ty.get_or_insert_with(|| self.model.type_name(node));
                self.visit(self.model.map_values(node, values));
            }
            Shape::Ref(name) => {
                self.descs.push(node.desc);
                self.visit(self.model.deref(name));
            }
            Shape::Kind(s) => {
                self.kind_and_version();
                let ty = self.ty.clone().unwrap_or_else(|| "Object".into());
                if !self.name.is_empty() {
                    self.out.write(0, &format!("RESOURCE: {} <{ty}>\n", self.name));
                }
                self.description(node);
                self.out.write(0, "\nFIELDS:");
                if self.req.recursive {
                    let mut seen = Vec::new();
                    self.recursive_fields(Node { shape: Shape::Kind(s), desc: "" }, 3, &mut seen);
                } else {
                    self.fields(s, 3);
                }
            }
            Shape::Primitive(t) => {
                self.kind_and_version();
                let ty = self.ty.clone().unwrap_or_else(|| t.to_string());
                self.out.write(0, &format!("FIELD:    {} <{ty}>\n", self.name));
                self.description(node);
            }
            Shape::Arbitrary => {
                self.kind_and_version();
                self.description(node);
            }
        }
    }

    fn kind_and_version(&mut self) {
        self.out.write(0, &format!("KIND:     {}", self.req.kind));
        self.out.write(0, &format!("VERSION:  {}\n", self.req.group_version));
    }

    fn description(&mut self, node: Node<'a>) {
        self.out.write(0, "DESCRIPTION:");
        let mut empty = true;
        let descs: Vec<&str> = self.descs.iter().copied().chain(std::iter::once(node.desc)).collect();
        for (i, d) in descs.into_iter().enumerate() {
            if d.is_empty() {
                continue;
            }
            empty = false;
            // kubectl counts the empty descriptions it skipped too.
            if i != 0 {
                self.out.write(0, "");
            }
            self.out.wrapped(5, d);
        }
        if empty {
            self.out.wrapped(5, "<empty>");
        }
    }

    fn fields(&mut self, kind: &'a Value, indent: usize) {
        let props: BTreeMap<&String, &Value> = kind["properties"].as_object().into_iter().flatten().collect();
        let required: Vec<&str> = kind["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        for (key, v) in props {
            let field = self.model.parse(v);
            let req = if required.contains(&key.as_str()) { " -required-" } else { "" };
            self.out.write(indent, &format!("{key}\t<{}>{req}", self.model.type_name(field)));
            self.out.wrapped(indent + 2, field.desc);
            self.out.write(0, "");
        }
    }

    /// Every field below, three columns deeper per level; a reference already
    /// being expanded on the way down is not expanded again.
    fn recursive_fields(&mut self, node: Node<'a>, indent: usize, seen: &mut Vec<&'a str>) {
        match node.shape {
            Shape::Array(items) => self.recursive_fields(self.model.parse(items), indent, seen),
            Shape::Map(values) => self.recursive_fields(self.model.map_values(node, values), indent, seen),
            Shape::Ref(name) => {
                if seen.contains(&name) {
                    return;
                }
                seen.push(name);
                self.recursive_fields(self.model.deref(name), indent, seen);
                seen.pop();
            }
            Shape::Kind(s) => {
                let props: BTreeMap<&String, &Value> = s["properties"].as_object().into_iter().flatten().collect();
                for (key, v) in props {
                    let field = self.model.parse(v);
                    self.out.write(indent, &format!("{key}\t<{}>", self.model.type_name(field)));
                    self.recursive_fields(field, indent + 3, seen);
                }
            }
            Shape::Primitive(_) | Shape::Arbitrary => {}
        }
    }
}
