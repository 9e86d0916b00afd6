//! The parts of sigs.k8s.io/structured-merge-diff (v4, as in kube-apiserver
//! v1.20) that server-side apply and managedFields need: the type schema of
//! the built-in kinds, field sets (the `fieldsV1` tree), and the walks over
//! objects — to a field set, compare, merge, remove items.
//!
//! The schema (`smd_schema.json`, 53 KB) is generated from the v1.20 OpenAPI
//! and the Go types by scripts/local/gen-smd-schema.py; it is parsed once, on
//! the first write. Custom resources and fields the schema does not know use
//! the "deduced" type (maps granular, lists atomic), as the apiserver does for
//! schemaless custom resources.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde_json::{Map, Value};

static SCHEMA_TEXT: &str = include_str!("smd_schema.json");

pub const SCALAR: usize = 0;
pub const UNTYPED: usize = 1;
pub const DEDUCED: usize = 2;

#[derive(Debug)]
enum Ty {
    Scalar,
    /// Scalar, atomic list or atomic map, by the value.
    Untyped,
    /// Scalar, atomic list or granular map of deduced values, by the value.
    Deduced,
    /// A struct (named fields) and/or a map (`elem` for other keys).
    /// `zero`: the fields a Go zero value has (`true`: as null); `defaults`:
    /// the schema defaults of list-map keys; `omit`: the omitempty
    /// non-pointer fields (gone from JSON when zero or empty).
    Map { fields: HashMap<String, usize>, elem: Option<usize>, atomic: bool, zero: Vec<(String, bool)>, defaults: Map<String, Value>, omit: Vec<String> },
    /// `keys` for a map-list, `set` for a set of scalars, else atomic.
    List { elem: usize, keys: Vec<String>, set: bool },
}

pub struct Schema {
    types: Vec<Ty>,
    kinds: HashMap<String, usize>,
}

pub fn schema() -> &'static Schema {
    static S: OnceLock<Schema> = OnceLock::new();
    S.get_or_init(|| Schema::parse(SCHEMA_TEXT))
}

impl Schema {
    fn parse(text: &str) -> Schema {
        let doc: Value = serde_json::from_str(text).expect("smd_schema.json");
        let mut s = Schema { types: vec![Ty::Scalar, Ty::Untyped, Ty::Deduced], kinds: HashMap::new() };
        let defs = doc["defs"].as_object().expect("defs");
        let mut names: HashMap<String, usize> = HashMap::new();
        for name in defs.keys() {
            names.insert(name.clone(), s.types.len());
            s.types.push(Ty::Scalar);
        }
        for (name, node) in defs {
            let t = s.conv_node(node, &names);
            let i = names[name];
            s.types[i] = t;
        }
        for (gvk, name) in doc["gvk"].as_object().expect("gvk") {
            if let Some(i) = name.as_str().and_then(|n| names.get(n)) {
                s.kinds.insert(gvk.clone(), *i);
            }
        }
        s
    }

    fn conv_ref(&mut self, v: &Value, names: &HashMap<String, usize>) -> usize {
        match v {
            Value::String(n) => match n.as_str() {
                "s" => SCALAR,
                "u" => UNTYPED,
                "d" => DEDUCED,
                n => names.get(n).copied().unwrap_or(UNTYPED),
            },
            node => {
                let t = self.conv_node(node, names);
                self.types.push(t);
                self.types.len() - 1
            }
        }
    }

    fn conv_node(&mut self, node: &Value, names: &HashMap<String, usize>) -> Ty {
        match node {
            Value::String(_) => {
                let i = self.conv_ref(node, names);
                match i {
                    SCALAR => Ty::Scalar,
                    DEDUCED => Ty::Deduced,
                    _ => Ty::Untyped,
                }
            }
            _ if node.get("l").is_some() => {
                let elem = self.conv_ref(&node["l"], names);
                let keys = node["k"].as_array().map(|a| a.iter().filter_map(|k| k.as_str().map(String::from)).collect()).unwrap_or_default();
                Ty::List { elem, keys, set: node.get("set").is_some() }
            }
            _ => {
                let mut fields = HashMap::new();
                for (k, v) in node["m"].as_object().into_iter().flatten() {
                    let t = self.conv_ref(v, names);
                    fields.insert(k.clone(), t);
                }
                let elem = node.get("e").map(|e| self.conv_ref(e, names));
                let zero = node["z"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|z| z.as_str())
                    .map(|z| match z.strip_prefix('~') {
                        Some(n) => (n.to_string(), true),
                        None => (z.to_string(), false),
                    })
                    .collect();
                let defaults = node["dflt"].as_object().cloned().unwrap_or_default();
                let omit = node["oe"].as_array().into_iter().flatten().filter_map(|f| f.as_str().map(String::from)).collect();
                Ty::Map { fields, elem, atomic: node.get("a").is_some(), zero, defaults, omit }
            }
        }
    }

    /// The type of a kind (`group/version/Kind`, group empty for core);
    /// custom resources get the deduced type.
    pub fn kind(&self, group: &str, version: &str, kind: &str) -> usize {
        self.kinds.get(&format!("{group}/{version}/{kind}")).copied().unwrap_or(DEDUCED)
    }

    /// What a Go zero value of the type serialises to: non-pointer structs as
    /// `{}`, non-omitempty slices, maps and pointers as null.
    pub fn zero(&self, ty: usize) -> Value {
        let mut out = Map::new();
        if let Ty::Map { fields, zero, .. } = &self.types[ty] {
            for (name, null) in zero {
                let t = fields[name];
                let is_struct = matches!(self.types[t], Ty::Map { .. });
                out.insert(name.clone(), if *null || !is_struct { Value::Null } else { self.zero(t) });
            }
        }
        Value::Object(out)
    }
}

impl Schema {
    /// `v` with what the Go value it stands for would also serialise: the
    /// zero values of absent non-pointer structs and non-omitempty fields.
    /// Compared this way, a status written for the first time is not "added".
    pub fn fill_zero(&self, v: &mut Value, ty: usize) {
        match &self.types[ty] {
            Ty::Map { fields, elem, zero, .. } => {
                let Some(m) = v.as_object_mut() else { return };
                for (name, null) in zero {
                    if !m.contains_key(name) {
                        let t = fields[name];
                        let is_struct = matches!(self.types[t], Ty::Map { .. });
                        m.insert(name.clone(), if *null || !is_struct { Value::Null } else { self.zero(t) });
                    }
                }
                for (k, child) in m.iter_mut() {
                    if let Some(t) = fields.get(k).copied().or(*elem) {
                        self.fill_zero(child, t);
                    }
                }
            }
            Ty::List { elem, .. } => {
                for item in v.as_array_mut().into_iter().flatten() {
                    self.fill_zero(item, *elem);
                }
            }
            _ => {}
        }
    }
}

impl Schema {
    /// `v` as it comes back from the Go types: nulls of optional fields and
    /// the zero or empty values of omitempty ones are dropped (an applied
    /// `labels: {}` or `hostNetwork: false` is not stored).
    pub fn drop_empty(&self, v: &mut Value, ty: usize) {
        match &self.types[ty] {
            Ty::Map { fields, elem, zero, omit, .. } => {
                let Some(m) = v.as_object_mut() else { return };
                for (k, child) in m.iter_mut() {
                    if let Some(t) = fields.get(k).copied().or(*elem) {
                        self.drop_empty(child, t);
                    }
                }
                if fields.is_empty() {
                    return;
                }
                m.retain(|k, child| {
                    let Some(&t) = fields.get(k) else { return true };
                    if child.is_null() {
                        return zero.iter().any(|(z, _)| z == k);
                    }
                    if !omit.contains(k) {
                        return true;
                    }
                    match child {
                        Value::String(s) => !s.is_empty(),
                        Value::Bool(b) => *b,
                        Value::Number(n) => n.as_f64() != Some(0.0),
                        Value::Array(a) => !a.is_empty(),
                        // A struct is never omitted; a map is when empty.
                        Value::Object(o) => !o.is_empty() || matches!(&self.types[t], Ty::Map { fields, .. } if !fields.is_empty()),
                        Value::Null => true,
                    }
                });
            }
            Ty::List { elem, .. } => {
                for item in v.as_array_mut().into_iter().flatten() {
                    self.drop_empty(item, *elem);
                }
            }
            _ => {}
        }
    }
}

/// A set of field paths, as a tree keyed by the `fieldsV1` path elements
/// (`f:name`, `k:{"name":"x"}`, `v:"a"`, `i:0`). `member` says whether the
/// path leading to this node is itself in the set; empty nodes are pruned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Set {
    pub member: bool,
    pub children: BTreeMap<String, Set>,
}

impl Set {
    pub fn is_empty(&self) -> bool {
        !self.member && self.children.is_empty()
    }

    pub fn insert(&mut self, path: &[String]) {
        match path.split_first() {
            None => self.member = true,
            Some((pe, rest)) => self.children.entry(pe.clone()).or_default().insert(rest),
        }
    }

    pub fn union(&self, o: &Set) -> Set {
        let mut out = self.clone();
        out.member |= o.member;
        for (k, c) in &o.children {
            let merged = match out.children.get(k) {
                Some(mine) => mine.union(c),
                None => c.clone(),
            };
            out.children.insert(k.clone(), merged);
        }
        out
    }

    pub fn difference(&self, o: &Set) -> Set {
        let mut out = Set { member: self.member && !o.member, children: BTreeMap::new() };
        for (k, c) in &self.children {
            let d = match o.children.get(k) {
                Some(oc) => c.difference(oc),
                None => c.clone(),
            };
            if !d.is_empty() {
                out.children.insert(k.clone(), d);
            }
        }
        out
    }

    pub fn intersection(&self, o: &Set) -> Set {
        let mut out = Set { member: self.member && o.member, children: BTreeMap::new() };
        for (k, c) in &self.children {
            if let Some(oc) = o.children.get(k) {
                let i = c.intersection(oc);
                if !i.is_empty() {
                    out.children.insert(k.clone(), i);
                }
            }
        }
        out
    }

    /// Every path in the set, in the order structured-merge-diff iterates
    /// (a node's members before its children's descendants).
    pub fn paths(&self) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        self.collect(&mut Vec::new(), &mut out);
        out
    }

    fn collect(&self, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        for (k, c) in &self.children {
            if c.member {
                let mut p = prefix.clone();
                p.push(k.clone());
                out.push(p);
            }
        }
        for (k, c) in &self.children {
            prefix.push(k.clone());
            c.collect(prefix, out);
            prefix.pop();
        }
    }

    pub fn to_fields_v1(&self) -> Value {
        let mut m = Map::new();
        if self.member && !self.children.is_empty() {
            m.insert(".".into(), Value::Object(Map::new()));
        }
        for (k, c) in &self.children {
            m.insert(k.clone(), c.to_fields_v1());
        }
        Value::Object(m)
    }

    pub fn from_fields_v1(v: &Value) -> Result<Set, String> {
        let mut s = Set::default();
        let m = v.as_object().ok_or("fieldsV1 is not an object")?;
        for (k, c) in m {
            if k == "." {
                s.member = true;
                continue;
            }
            if !(k.starts_with("f:") || k.starts_with("k:") || k.starts_with("v:") || k.starts_with("i:")) {
                return Err(format!("unknown path element {k}"));
            }
            let mut child = Set::from_fields_v1(c)?;
            if c.as_object().is_some_and(|o| o.is_empty()) {
                child.member = true;
            }
            s.children.insert(k.clone(), child);
        }
        Ok(s)
    }
}

impl Set {
    fn node(&self, path: &[String]) -> Option<&Set> {
        match path.split_first() {
            None => Some(self),
            Some((pe, rest)) => self.children.get(pe)?.node(rest),
        }
    }

    /// The set without `path` and everything below it.
    fn remove_subtree(&mut self, path: &[String]) {
        match path {
            [] => *self = Set::default(),
            [pe] => {
                self.children.remove(pe);
            }
            [pe, rest @ ..] => {
                if let Some(c) = self.children.get_mut(pe) {
                    c.remove_subtree(rest);
                    if c.is_empty() {
                        self.children.remove(pe);
                    }
                }
            }
        }
    }
}

/// A path in structured-merge-diff's notation: `.spec.containers[name="x"].image`.
pub fn path_string(path: &[String]) -> String {
    let mut out = String::new();
    for pe in path {
        let (kind, rest) = pe.split_at(2);
        match kind {
            "f:" => {
                out.push('.');
                out.push_str(rest);
            }
            "k:" => {
                let m: Map<String, Value> = serde_json::from_str(rest).unwrap_or_default();
                let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k}={}", value_string(v))).collect();
                out.push_str(&format!("[{}]", parts.join(",")));
            }
            "v:" => {
                let v: Value = serde_json::from_str(rest).unwrap_or(Value::Null);
                out.push_str(&format!("[={}]", value_string(&v)));
            }
            _ => out.push_str(&format!("[{rest}]")),
        }
    }
    out
}

fn value_string(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        Value::Null => "null".into(),
        other => crate::patch::to_go_json(other),
    }
}

/// What two objects differ in, by path.
#[derive(Debug, Default)]
pub struct Comparison {
    pub added: Set,
    pub modified: Set,
    pub removed: Set,
}

impl Comparison {
    pub fn is_same(&self) -> bool {
        self.added.is_empty() && self.modified.is_empty() && self.removed.is_empty()
    }
}

struct Reconcile<'a> {
    root: usize,
    live: &'a Value,
    live_set: Option<Set>,
    remove: Vec<Vec<String>>,
    add: Set,
    changed: bool,
}

enum Kind<'a> {
    Scalar,
    Map { fields: Option<&'a HashMap<String, usize>>, elem: Option<usize>, atomic: bool },
    List { elem: usize, keys: &'a [String], set: bool, atomic: bool },
}

const NO_KEYS: &[String] = &[];

impl Schema {
    fn kind_of<'a>(&'a self, ty: usize, v: Option<&Value>) -> Kind<'a> {
        match (&self.types[ty], v) {
            (Ty::Scalar, _) => Kind::Scalar,
            (Ty::Untyped, Some(Value::Object(_))) => Kind::Map { fields: None, elem: Some(UNTYPED), atomic: true },
            (Ty::Deduced, Some(Value::Object(_))) => Kind::Map { fields: None, elem: Some(DEDUCED), atomic: false },
            (Ty::Untyped | Ty::Deduced, Some(Value::Array(_))) => Kind::List { elem: UNTYPED, keys: NO_KEYS, set: false, atomic: true },
            (Ty::Untyped | Ty::Deduced, _) => Kind::Scalar,
            (Ty::Map { .. }, Some(v)) if !v.is_object() && !v.is_null() => Kind::Scalar,
            (Ty::Map { fields, elem, atomic, .. }, _) => Kind::Map { fields: Some(fields), elem: *elem, atomic: *atomic },
            (Ty::List { .. }, Some(v)) if !v.is_array() && !v.is_null() => Kind::Scalar,
            (Ty::List { elem, keys, set, .. }, _) => Kind::List { elem: *elem, keys, set: *set, atomic: keys.is_empty() && !*set },
        }
    }

    fn field_type(fields: Option<&HashMap<String, usize>>, elem: Option<usize>, key: &str) -> (usize, bool) {
        match fields.and_then(|f| f.get(key)) {
            Some(t) => (*t, true),
            None => (elem.unwrap_or(DEDUCED), false),
        }
    }

    /// The path element of a list item (`elem`: the items' type, for key defaults).
    fn item_pe(&self, elem: usize, i: usize, item: &Value, keys: &[String], set: bool, atomic: bool) -> Result<String, String> {
        if atomic {
            return Ok(format!("i:{i}"));
        }
        if set {
            return match item {
                Value::Object(_) => Err("associative list without keys has an element that's a map type".into()),
                Value::Array(_) => Err("not supported: associative list with lists as elements".into()),
                Value::Null => Err("associative list without keys has an element that's an explicit null".into()),
                v => Ok(format!("v:{}", crate::patch::to_go_json(v))),
            };
        }
        let m = match item {
            Value::Object(m) => m,
            Value::Null => return Err("associative list with keys may not have a null element".into()),
            _ => return Err("associative list with keys may not have non-map elements".into()),
        };
        let mut key = Map::new();
        for k in keys {
            match m.get(k) {
                Some(v) => {
                    key.insert(k.clone(), v.clone());
                }
                None if matches!(&self.types[elem], Ty::Map { defaults, .. } if defaults.contains_key(k)) => {
                    let Ty::Map { defaults, .. } = &self.types[elem] else { unreachable!() };
                    key.insert(k.clone(), defaults[k].clone());
                }
                None => return Err(format!("associative list with keys has an element that omits key field {k:?} (and doesn't have default value)")),
            }
        }
        Ok(format!("k:{}", crate::patch::to_go_json(&Value::Object(key))))
    }

    /// The paths a value sets (typed.ToFieldSet).
    pub fn to_field_set(&self, v: &Value, ty: usize) -> Result<Set, String> {
        let mut set = Set::default();
        self.fs_walk(v, ty, &mut Vec::new(), &mut set)?;
        Ok(set)
    }

    fn fs_walk(&self, v: &Value, ty: usize, path: &mut Vec<String>, set: &mut Set) -> Result<(), String> {
        match self.kind_of(ty, Some(v)) {
            Kind::Scalar => set.insert(path),
            Kind::List { atomic: true, .. } | Kind::Map { atomic: true, .. } => set.insert(path),
            Kind::List { elem, keys, set: is_set, .. } => {
                let mut seen = std::collections::HashSet::new();
                for (i, item) in v.as_array().into_iter().flatten().enumerate() {
                    let pe = self.item_pe(elem, i, item, keys, is_set, false).map_err(|e| format!("{}: element {i}: {e}", path_string(path)))?;
                    if !seen.insert(pe.clone()) {
                        return Err(format!("{}: duplicate entries for key {}", path_string(path), path_string(std::slice::from_ref(&pe))));
                    }
                    path.push(pe);
                    self.fs_walk(item, elem, path, set)?;
                    set.insert(path);
                    path.pop();
                }
            }
            Kind::Map { fields, elem, .. } => {
                for (k, child) in v.as_object().into_iter().flatten() {
                    let (t, declared) = Self::field_type(fields, elem, k);
                    path.push(format!("f:{k}"));
                    self.fs_walk(child, t, path, set)?;
                    if !declared {
                        set.insert(path);
                    }
                    path.pop();
                }
            }
        }
        Ok(())
    }

    /// typed.Compare: which paths `rhs` added, modified or removed from `lhs`.
    pub fn compare(&self, lhs: &Value, rhs: &Value, ty: usize) -> Result<Comparison, String> {
        let mut c = Comparison::default();
        self.walk(Some(lhs), Some(rhs), ty, &mut Vec::new(), &mut Some(&mut c), false)?;
        Ok(c)
    }

    /// typed.Merge: `rhs` over `lhs`, lists merged by their keys.
    pub fn merge(&self, lhs: &Value, rhs: &Value, ty: usize) -> Result<Value, String> {
        Ok(self.walk(Some(lhs), Some(rhs), ty, &mut Vec::new(), &mut None, true)?.unwrap_or(Value::Null))
    }

    /// The merging walker shared by compare (`cmp`) and merge (`out`).
    fn walk(&self, l: Option<&Value>, r: Option<&Value>, ty: usize, path: &mut Vec<String>, cmp: &mut Option<&mut Comparison>, out: bool) -> Result<Option<Value>, String> {
        // An absent or null side takes the other side's kind (deduceAtom).
        fn present(v: Option<&Value>) -> Option<&Value> {
            v.filter(|v| !v.is_null())
        }
        let kind = self.kind_of(ty, present(r).or(present(l)).or(r).or(l));
        let same_kind = match (present(l), present(r)) {
            (Some(_), Some(_)) => std::mem::discriminant(&self.kind_of(ty, l)) == std::mem::discriminant(&kind),
            _ => true,
        };
        let leaf = |cmp: &mut Option<&mut Comparison>, path: &[String]| {
            if let Some(c) = cmp {
                match (l, r) {
                    (None, _) => c.added.insert(path),
                    (_, None) => c.removed.insert(path),
                    (Some(a), Some(b)) if a != b => c.modified.insert(path),
                    _ => {}
                }
            }
            if out {
                r.or(l).cloned()
            } else {
                None
            }
        };
        if !same_kind {
            return Ok(leaf(cmp, path));
        }
        let result = match kind {
            Kind::Scalar | Kind::List { atomic: true, .. } | Kind::Map { atomic: true, .. } => return Ok(leaf(cmp, path)),
            Kind::List { elem, keys, set, .. } => {
                let la = l.and_then(Value::as_array).filter(|a| !a.is_empty());
                let ra = r.and_then(Value::as_array).filter(|a| !a.is_empty());
                if la.is_none() && ra.is_none() {
                    return Ok(leaf(cmp, path));
                }
                let mut rhs: Vec<(String, &Value)> = Vec::new();
                let mut rindex: HashMap<String, usize> = HashMap::new();
                for (i, item) in ra.into_iter().flatten().enumerate() {
                    let pe = self.item_pe(elem, i, item, keys, set, false).map_err(|e| format!("{}: rhs: element {i}: {e}", path_string(path)))?;
                    if rindex.insert(pe.clone(), rhs.len()).is_some() {
                        return Err(format!("{}: rhs: duplicate entries for key {}", path_string(path), path_string(std::slice::from_ref(&pe))));
                    }
                    rhs.push((pe, item));
                }
                let mut items = Vec::new();
                let mut seen: HashMap<String, ()> = HashMap::new();
                for (i, item) in la.into_iter().flatten().enumerate() {
                    let pe = self.item_pe(elem, i, item, keys, set, false).map_err(|e| format!("{}: lhs: element {i}: {e}", path_string(path)))?;
                    if seen.insert(pe.clone(), ()).is_some() {
                        return Err(format!("{}: lhs: duplicate entries for key {}", path_string(path), path_string(std::slice::from_ref(&pe))));
                    }
                    let rv = rindex.get(&pe).map(|&j| rhs[j].1);
                    path.push(pe);
                    let o = self.walk(Some(item), rv, elem, path, cmp, out)?;
                    path.pop();
                    items.extend(o);
                }
                for (pe, item) in &rhs {
                    if seen.contains_key(pe) {
                        continue;
                    }
                    path.push(pe.clone());
                    let o = self.walk(None, Some(item), elem, path, cmp, out)?;
                    path.pop();
                    items.extend(o);
                }
                (!items.is_empty()).then_some(Value::Array(items))
            }
            Kind::Map { fields, elem, .. } => {
                let lm = l.and_then(Value::as_object).filter(|m| !m.is_empty());
                let rm = r.and_then(Value::as_object).filter(|m| !m.is_empty());
                if lm.is_none() && rm.is_none() {
                    return Ok(leaf(cmp, path));
                }
                let mut m = Map::new();
                let keys: Vec<&String> = lm.into_iter().flat_map(|m| m.keys()).chain(rm.into_iter().flat_map(|m| m.keys()).filter(|k| !lm.is_some_and(|l| l.contains_key(*k)))).collect();
                for k in keys {
                    let (t, _) = Self::field_type(fields, elem, k);
                    path.push(format!("f:{k}"));
                    let o = self.walk(lm.and_then(|m| m.get(k)), rm.and_then(|m| m.get(k)), t, path, cmp, out)?;
                    path.pop();
                    if let Some(o) = o {
                        m.insert(k.clone(), o);
                    }
                }
                (!m.is_empty()).then_some(Value::Object(m))
            }
        };
        if let Some(c) = cmp {
            if l.is_none() {
                c.added.insert(path);
            } else if r.is_none() {
                c.removed.insert(path);
            }
        }
        Ok(result)
    }

    /// typed.ReconcileFieldSetWithSchema: a field owned whole (a member
    /// without children) whose type is granular is expanded to what `live`
    /// has below it; children under an atomic type collapse into the field.
    /// `None` when nothing changes.
    pub fn reconcile(&self, set: &Set, live: &Value, ty: usize) -> Option<Set> {
        if ty == DEDUCED {
            return None;
        }
        let mut r = Reconcile { root: ty, live, live_set: None, remove: Vec::new(), add: Set::default(), changed: false };
        self.rec(ty, Some(set), &mut Vec::new(), false, &mut r);
        if !r.changed {
            return None;
        }
        let mut out = set.clone();
        for p in &r.remove {
            out.remove_subtree(p);
        }
        Some(out.union(&r.add))
    }

    fn rec(&self, ty: usize, node: Option<&Set>, path: &mut Vec<String>, is_atomic: bool, r: &mut Reconcile) {
        let (atomic, fields, elem, is_list) = match &self.types[ty] {
            Ty::Scalar => return,
            Ty::Untyped => (true, None, Some(UNTYPED), false),
            Ty::Deduced => (false, None, Some(DEDUCED), false),
            Ty::Map { fields, elem, atomic, .. } => (*atomic, Some(fields), *elem, false),
            Ty::List { elem, keys, set } => (keys.is_empty() && !*set, None, Some(*elem), true),
        };
        if !is_atomic && atomic {
            if is_list || node.is_some_and(|n| !n.is_empty()) {
                r.remove.push(path.clone());
                r.add.insert(path);
                r.changed = true;
            }
            return;
        }
        if is_atomic && !atomic {
            let live_set = r.live_set.get_or_insert_with(|| self.to_field_set(r.live, r.root).unwrap_or_default());
            if let Some(sub) = live_set.node(path).filter(|n| !n.children.is_empty()) {
                let mut add = Set::default();
                add.insert(path);
                let mut target = &mut add;
                for pe in path.iter() {
                    target = target.children.get_mut(pe).expect("inserted");
                }
                target.children = sub.children.clone();
                r.add = r.add.union(&add);
                r.changed = true;
            }
        }
        let Some(node) = node else { return };
        for (pe, child) in &node.children {
            let t = if is_list {
                elem
            } else {
                match pe.strip_prefix("f:").and_then(|f| fields.and_then(|m| m.get(f))) {
                    Some(t) => Some(*t),
                    None => elem,
                }
            };
            let Some(t) = t else { continue };
            let has_children = !child.children.is_empty();
            path.push(pe.clone());
            self.rec(t, has_children.then_some(child), path, child.member && !has_children, r);
            path.pop();
        }
    }

    /// typed.RemoveItems: `v` without the paths in `set` (a map or list left
    /// empty by the removal goes too, where the apiserver would decode a null
    /// into an omitted field).
    pub fn remove_items(&self, v: &Value, set: &Set, ty: usize) -> Option<Value> {
        match self.kind_of(ty, Some(v)) {
            Kind::Scalar => Some(v.clone()),
            Kind::List { atomic: true, .. } | Kind::Map { atomic: true, .. } => None,
            Kind::List { elem, keys, set: is_set, .. } => {
                let a = v.as_array().filter(|a| !a.is_empty())?;
                let mut items = Vec::new();
                for (i, item) in a.iter().enumerate() {
                    let Ok(pe) = self.item_pe(elem, i, item, keys, is_set, false) else {
                        items.push(item.clone());
                        continue;
                    };
                    match set.children.get(&pe) {
                        Some(sub) if sub.member => {}
                        Some(sub) => items.extend(self.remove_items(item, sub, elem)),
                        None => items.push(item.clone()),
                    }
                }
                (!items.is_empty()).then_some(Value::Array(items))
            }
            Kind::Map { fields, elem, .. } => {
                let m = v.as_object().filter(|m| !m.is_empty())?;
                let mut out = Map::new();
                for (k, child) in m {
                    let pe = format!("f:{k}");
                    match set.children.get(&pe) {
                        Some(sub) if sub.member => {}
                        Some(sub) => {
                            let (t, _) = Self::field_type(fields, elem, k);
                            if let Some(c) = self.remove_items(child, sub, t) {
                                out.insert(k.clone(), c);
                            }
                        }
                        None => {
                            out.insert(k.clone(), child.clone());
                        }
                    }
                }
                (!out.is_empty()).then_some(Value::Object(out))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fs(v: Value) -> Value {
        let s = schema();
        s.to_field_set(&v, s.kind("apps", "v1", "Deployment")).unwrap().to_fields_v1()
    }

    #[test]
    fn deployment_field_set_matches_the_apiserver() {
        let got = fs(json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}, "finalizers": ["example.com/x"]},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [
                    {"name": "nginx", "image": "nginx", "ports": [{"containerPort": 80}], "env": [{"name": "A", "value": "1"}]}]}}}}));
        let want = json!({"f:apiVersion": {}, "f:kind": {},
            "f:metadata": {"f:finalizers": {"v:\"example.com/x\"": {}}, "f:labels": {"f:app": {}}, "f:name": {}},
            "f:spec": {"f:replicas": {}, "f:selector": {}, "f:template": {"f:metadata": {"f:labels": {"f:app": {}}}, "f:spec": {"f:containers": {
                "k:{\"name\":\"nginx\"}": {".": {}, "f:env": {"k:{\"name\":\"A\"}": {".": {}, "f:name": {}, "f:value": {}}}, "f:image": {}, "f:name": {},
                    "f:ports": {"k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {".": {}, "f:containerPort": {}}}}}}}}});
        assert_eq!(got, want);
    }

    #[test]
    fn fields_v1_round_trips_and_paths_print_as_smd() {
        let v = json!({"f:a": {".": {}, "f:b": {}}, "f:l": {"k:{\"name\":\"x\"}": {".": {}, "f:image": {}}}});
        let s = Set::from_fields_v1(&v).unwrap();
        assert_eq!(s.to_fields_v1(), v);
        let paths: Vec<String> = s.paths().iter().map(|p| path_string(p)).collect();
        assert_eq!(paths, [".a", ".a.b", ".l[name=\"x\"]", ".l[name=\"x\"].image"]);
    }

    #[test]
    fn compare_marks_new_maps_but_not_zero_value_structs() {
        let s = schema();
        let ty = s.kind("apps", "v1", "Deployment");
        let zero = s.zero(ty);
        let new = json!({"metadata": {"labels": {"a": "b"}}, "spec": {"strategy": {"type": "Recreate"}, "template": {"spec": {"containers": [{"name": "c"}]}}}});
        let c = s.compare(&zero, &new, ty).unwrap();
        let set = c.added.union(&c.modified).to_fields_v1();
        assert_eq!(set, json!({"f:metadata": {"f:labels": {".": {}, "f:a": {}}}, "f:spec": {"f:strategy": {"f:type": {}},
            "f:template": {"f:spec": {"f:containers": {"k:{\"name\":\"c\"}": {".": {}, "f:name": {}}}}}}}));
    }
}
