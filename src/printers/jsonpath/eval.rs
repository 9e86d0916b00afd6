//! Template evaluation: a port of client-go's `util/jsonpath/jsonpath.go`
//! (the version in kubectl 1.32, with `lastEndNode` range handling and the
//! JSON output of maps and slices).
//!
//! Go walks `reflect.Value`s; the distinctions that change results are kept
//! in [`Item`]: a value reached through a map or slice sits in an
//! `interface{}` (a JSON null there is a nil interface, skipped by most
//! steps and printed as `null`), while the value a template or range body
//! starts from is the bare value (a null there is Go's invalid value,
//! printed as `<no value>`). Literals keep their Go types (`int`, `float64`,
//! `bool`, `string`), and the `*` of a string yields its bytes (`uint8`).

use serde_json::Value;

use super::gofmt;
use super::parse::{Node, Param};

static NULL: Value = Value::Null;

/// One result of a JSONPath step.
#[derive(Clone, Debug, PartialEq)]
pub enum Item<'a> {
    /// Reached through a map or slice (Go: `reflect.Interface` kind).
    Elem(&'a Value),
    /// The data a template or a range body runs against (a null here is
    /// Go's invalid `reflect.Value`).
    Root(&'a Value),
    /// A quoted string literal, or literal text outside actions.
    Text(String),
    /// An integer literal (Go `int`).
    Int(i64),
    /// A number literal with a point (Go `float64`).
    Float(f64),
    /// `true` / `false` literals.
    Bool(bool),
    /// A byte of a string reached with `*` (Go `uint8`).
    Byte(u8),
}

/// A basic value for filter comparisons (`template.basicKind`).
enum Basic<'b> {
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(&'b str),
}

impl<'a> Item<'a> {
    /// The JSON value, as `json.Marshal` would see it.
    pub fn to_value(&self) -> Value {
        match self {
            Item::Elem(v) | Item::Root(v) => (*v).clone(),
            Item::Text(s) => Value::String(s.clone()),
            Item::Int(i) => Value::from(*i),
            Item::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Item::Bool(b) => Value::Bool(*b),
            Item::Byte(b) => Value::from(*b),
        }
    }

    /// The JSON value behind the item, when it comes from the input.
    pub fn json(&self) -> Option<&'a Value> {
        match self {
            Item::Elem(v) | Item::Root(v) => Some(v),
            _ => None,
        }
    }

    /// True for values Go holds in an `interface{}` (reached through a container).
    pub fn is_interface(&self) -> bool {
        matches!(self, Item::Elem(_))
    }

    /// `fmt.Sprint(value.Interface())`, as custom-columns prints a cell.
    pub fn sprint(&self) -> String {
        match self {
            Item::Elem(v) | Item::Root(v) => gofmt::sprint(v),
            Item::Text(s) => s.clone(),
            Item::Int(i) => i.to_string(),
            Item::Float(f) => crate::printers::gonum::format_g(*f),
            Item::Bool(b) => b.to_string(),
            Item::Byte(b) => b.to_string(),
        }
    }

    /// How jsonpath prints one result: maps and slices as compact JSON,
    /// everything else with `fmt.Fprint`.
    pub fn text(&self) -> String {
        match self {
            Item::Elem(v @ (Value::Object(_) | Value::Array(_)))
            | Item::Root(v @ (Value::Object(_) | Value::Array(_))) => {
                crate::printers::json::to_string_compact(*v)
            }
            Item::Elem(Value::Null) => "null".into(),
            Item::Root(Value::Null) => "<no value>".into(),
            _ => self.sprint(),
        }
    }

    /// `value.Interface()` handed to a new evaluation (range bodies).
    fn unboxed(self) -> Item<'a> {
        match self {
            Item::Elem(v) => Item::Root(v),
            other => other,
        }
    }

    /// `value.Type()` after `Indirect`, for error messages.
    fn type_name(&self) -> &'static str {
        match self {
            Item::Elem(v) | Item::Root(v) => gofmt::type_name(v),
            Item::Text(_) => "string",
            Item::Int(_) => "int",
            Item::Float(_) => "float64",
            Item::Bool(_) => "bool",
            Item::Byte(_) => "uint8",
        }
    }

    /// `%v` of the indirected `reflect.Value`, for error messages.
    fn value_v(&self) -> String {
        match self {
            Item::Root(Value::Null) => "<invalid reflect.Value>".into(),
            _ => self.sprint(),
        }
    }

    fn basic(&self) -> Result<Basic<'_>, String> {
        Ok(match self {
            Item::Elem(v) | Item::Root(v) => match v {
                Value::Bool(b) => Basic::Bool(*b),
                Value::Number(n) => match n.as_i64() {
                    Some(i) => Basic::Int(i),
                    None => Basic::Float(n.as_f64().unwrap_or(0.0)),
                },
                Value::String(s) => Basic::Str(s),
                _ => return Err("invalid type for comparison".into()),
            },
            Item::Text(s) => Basic::Str(s),
            Item::Int(i) => Basic::Int(*i),
            Item::Float(f) => Basic::Float(*f),
            Item::Bool(b) => Basic::Bool(*b),
            Item::Byte(b) => Basic::Uint(u64::from(*b)),
        })
    }

    /// Children for `*` and `..`: map values, slice elements, string bytes.
    fn children(&self) -> Vec<Item<'a>> {
        match self {
            Item::Elem(v) | Item::Root(v) => match v {
                Value::Object(m) => m.values().map(Item::Elem).collect(),
                Value::Array(a) => a.iter().map(Item::Elem).collect(),
                Value::String(s) => s.bytes().map(Item::Byte).collect(),
                _ => Vec::new(),
            },
            Item::Text(s) => s.bytes().map(Item::Byte).collect(),
            _ => Vec::new(),
        }
    }
}

const BAD_COMPARISON: &str = "incompatible types for comparison";
const BAD_COMPARISON_TYPE: &str = "invalid type for comparison";

/// `template.Equal(a, b)`.
fn equal(a: &Item<'_>, b: &Item<'_>) -> Result<bool, String> {
    let (x, y) = (a.basic()?, b.basic()?);
    Ok(match (x, y) {
        (Basic::Bool(x), Basic::Bool(y)) => x == y,
        (Basic::Int(x), Basic::Int(y)) => x == y,
        (Basic::Uint(x), Basic::Uint(y)) => x == y,
        (Basic::Float(x), Basic::Float(y)) => x == y,
        (Basic::Str(x), Basic::Str(y)) => x == y,
        (Basic::Int(x), Basic::Uint(y)) => x >= 0 && x as u64 == y,
        (Basic::Uint(x), Basic::Int(y)) => y >= 0 && x == y as u64,
        _ => return Err(BAD_COMPARISON.into()),
    })
}

/// `template.Less(a, b)`.
fn less(a: &Item<'_>, b: &Item<'_>) -> Result<bool, String> {
    let (x, y) = (a.basic()?, b.basic()?);
    Ok(match (x, y) {
        (Basic::Bool(_), Basic::Bool(_)) => return Err(BAD_COMPARISON_TYPE.into()),
        (Basic::Int(x), Basic::Int(y)) => x < y,
        (Basic::Uint(x), Basic::Uint(y)) => x < y,
        (Basic::Float(x), Basic::Float(y)) => x < y,
        (Basic::Str(x), Basic::Str(y)) => x < y,
        (Basic::Int(x), Basic::Uint(y)) => x < 0 || (x as u64) < y,
        (Basic::Uint(x), Basic::Int(y)) => y >= 0 && x < y as u64,
        _ => return Err(BAD_COMPARISON.into()),
    })
}

fn compare(op: &str, a: &Item<'_>, b: &Item<'_>) -> Result<bool, String> {
    match op {
        "<" => less(a, b),
        ">" => Ok(!(less(a, b)? || equal(a, b)?)),
        "==" => equal(a, b),
        "!=" => Ok(!equal(a, b)?),
        "<=" => Ok(less(a, b)? || equal(a, b)?),
        ">=" => Ok(!less(a, b)?),
        _ => Err(format!("unrecognized filter operator {op}")),
    }
}

/// Range bookkeeping, kept across evaluations like the fields of Go's
/// `JSONPath` (kubectl reuses one printer for every object it prints).
#[derive(Clone, Debug, Default)]
pub struct State {
    begin_range: i64,
    in_range: i64,
    end_range: i64,
    /// Index (in the template's top-level nodes) of the last `{end}` seen.
    last_end: Option<usize>,
    /// Where the top-level node list starts: Go's `j.parser.Root.Nodes` is
    /// re-sliced by each range and never restored.
    pub base: usize,
}

/// A failed step: Go returns a (possibly non-empty) value list with the error,
/// which the `exists` filter looks at.
type Step<'a> = Result<Vec<Item<'a>>, (Vec<Item<'a>>, String)>;

pub struct Eval<'t, 's> {
    pub nodes: &'t [Node],
    pub allow_missing: bool,
    pub state: &'s mut State,
}

impl<'t, 's> Eval<'t, 's> {
    /// `FindResults`: one result list per top-level node evaluated.
    pub fn find_results<'a>(&mut self, data: Item<'a>) -> Result<Vec<Vec<Item<'a>>>, String> {
        let base = self.state.base.min(self.nodes.len());
        let count = self.nodes.len() - base;
        let cur = vec![data];
        let mut full = Vec::new();
        let mut i = 0;
        while i < count {
            let node = &self.nodes[base + i];
            let results = self.walk(&cur, node).map_err(|(_, e)| e)?;

            // an end node: break the current block
            if self.state.end_range > 0 && self.state.end_range <= self.state.in_range {
                self.state.end_range -= 1;
                self.state.last_end = Some(base + i);
                break;
            }
            // a range node: run the rest of the template once per result
            if self.state.begin_range > 0 {
                self.state.begin_range -= 1;
                self.state.in_range += 1;
                if !results.is_empty() {
                    for value in results {
                        self.state.base = base + i + 1;
                        full.extend(self.find_results(value.unboxed())?);
                    }
                } else {
                    self.state.base = base + i + 1;
                    self.find_results(Item::Root(&NULL))?;
                }
                self.state.in_range -= 1;
                // resume after the most recent end node
                for k in i + 1..count {
                    if self.state.last_end == Some(base + k) {
                        i = k;
                        break;
                    }
                }
                i += 1;
                continue;
            }
            full.push(results);
            i += 1;
        }
        Ok(full)
    }

    fn walk<'a>(&mut self, input: &[Item<'a>], node: &Node) -> Step<'a> {
        match node {
            Node::List(nodes) => self.eval_list(input, nodes),
            Node::Text(t) => Ok(vec![Item::Text(t.clone())]),
            Node::Field(name) => self.eval_field(input, name),
            Node::Array(params) => eval_array(input, params),
            Node::Filter { left, right, op } => self.eval_filter(input, left, right, op),
            Node::Int(v) => Ok(vec![Item::Int(*v); input.len()]),
            Node::Float(v) => Ok(vec![Item::Float(*v); input.len()]),
            Node::Bool(v) => Ok(vec![Item::Bool(*v); input.len()]),
            Node::Wildcard => Ok(input.iter().flat_map(Item::children).collect()),
            Node::Recursive => Ok(eval_recursive(input)),
            Node::Union(lists) => {
                let mut result = Vec::new();
                for list in lists {
                    match self.eval_list(input, list) {
                        Ok(items) => result.extend(items),
                        Err((_, e)) => return Err((input.to_vec(), e)),
                    }
                }
                Ok(result)
            }
            Node::Identifier(name) => self.eval_identifier(input, name),
        }
    }

    fn eval_list<'a>(&mut self, input: &[Item<'a>], nodes: &[Node]) -> Step<'a> {
        let mut cur = input.to_vec();
        for node in nodes {
            cur = self.walk(&cur, node)?;
        }
        Ok(cur)
    }

    fn eval_identifier<'a>(&mut self, input: &[Item<'a>], name: &str) -> Step<'a> {
        match name {
            "range" => {
                self.state.begin_range += 1;
                Ok(input.to_vec())
            }
            "end" => {
                if self.state.in_range > 0 {
                    self.state.end_range += 1;
                    Ok(Vec::new())
                } else {
                    Err((Vec::new(), "not in range, nothing to end".into()))
                }
            }
            _ => Err((input.to_vec(), format!("unrecognized identifier {name}"))),
        }
    }

    fn eval_field<'a>(&mut self, input: &[Item<'a>], name: &str) -> Step<'a> {
        let mut results = Vec::new();
        if input.is_empty() {
            return Ok(results);
        }
        for item in input {
            if let Item::Elem(v) | Item::Root(v) = item {
                if let Value::Object(m) = v {
                    if let Some(found) = m.get(name) {
                        results.push(Item::Elem(found));
                    }
                }
            }
        }
        if results.is_empty() && !self.allow_missing {
            return Err((results, format!("{name} is not found")));
        }
        Ok(results)
    }

    fn eval_filter<'a>(
        &mut self,
        input: &[Item<'a>],
        left: &[Node],
        right: &[Node],
        op: &str,
    ) -> Step<'a> {
        let mut results = Vec::new();
        for item in input {
            let elems: &'a [Value] = match item {
                Item::Elem(Value::Array(a)) | Item::Root(Value::Array(a)) => a,
                other => {
                    let shown = other.value_v();
                    return Err((
                        input.to_vec(),
                        format!("{shown} is not array or slice and cannot be filtered"),
                    ));
                }
            };
            for elem in elems {
                let temp = [Item::Elem(elem)];
                let lefts = self.eval_list(&temp, left);
                if op == "exists" {
                    let found = match &lefts {
                        Ok(v) | Err((v, _)) => !v.is_empty(),
                    };
                    if found {
                        results.push(Item::Elem(elem));
                    }
                    continue;
                }
                let lefts = lefts.map_err(|(_, e)| (input.to_vec(), e))?;
                if lefts.is_empty() {
                    continue;
                }
                if lefts.len() > 1 {
                    return Err((
                        input.to_vec(),
                        "can only compare one element at a time".into(),
                    ));
                }
                let rights = self
                    .eval_list(&temp, right)
                    .map_err(|(_, e)| (input.to_vec(), e))?;
                if rights.is_empty() {
                    continue;
                }
                if rights.len() > 1 {
                    return Err((
                        input.to_vec(),
                        "can only compare one element at a time".into(),
                    ));
                }
                match compare(op, &lefts[0], &rights[0]) {
                    Ok(true) => results.push(Item::Elem(elem)),
                    Ok(false) => {}
                    Err(e) => return Err((results, e)),
                }
            }
        }
        Ok(results)
    }
}

fn eval_array<'a>(input: &[Item<'a>], node_params: &[Param; 3]) -> Step<'a> {
    let mut result = Vec::new();
    for item in input {
        let elems: &'a [Value] = match item {
            // a nil interface is skipped
            Item::Elem(Value::Null) => continue,
            Item::Elem(Value::Array(a)) | Item::Root(Value::Array(a)) => a,
            _ => {
                return Err((
                    input.to_vec(),
                    format!("{} is not array or slice", item.type_name()),
                ))
            }
        };
        let len = elems.len() as i64;
        let mut params = *node_params;
        if !params[0].known {
            params[0].value = 0;
        }
        if params[0].value < 0 {
            params[0].value = params[0].value.wrapping_add(len);
        }
        if !params[1].known {
            params[1].value = len;
        }
        if params[1].value < 0 || (params[1].value == 0 && params[1].derived) {
            params[1].value = params[1].value.wrapping_add(len);
        }
        let (start, end) = (params[0].value, params[1].value);
        if end == start {
            // requesting zero elements is allowed, and ends the step
            return Ok(result);
        }
        if start >= len || start < 0 {
            return Err((
                input.to_vec(),
                format!("array index out of bounds: index {start}, length {len}"),
            ));
        }
        if end > len || end < 0 {
            return Err((
                input.to_vec(),
                format!(
                    "array index out of bounds: index {}, length {len}",
                    end.wrapping_sub(1)
                ),
            ));
        }
        if start > end {
            return Err((
                input.to_vec(),
                format!("starting index {start} is greater than ending index {end}"),
            ));
        }
        let mut step = 1;
        if params[2].known {
            if params[2].value <= 0 {
                return Err((input.to_vec(), "step must be > 0".into()));
            }
            step = params[2].value as usize;
        }
        result.extend(
            elems[start as usize..end as usize]
                .iter()
                .step_by(step)
                .map(Item::Elem),
        );
    }
    Ok(result)
}

fn eval_recursive<'a>(input: &[Item<'a>]) -> Vec<Item<'a>> {
    let mut result = Vec::new();
    for item in input {
        if matches!(item, Item::Elem(Value::Null)) {
            continue;
        }
        let children = item.children();
        if !children.is_empty() {
            result.push(item.clone());
            result.extend(eval_recursive(&children));
        }
    }
    result
}
