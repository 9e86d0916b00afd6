//! `kubectl get --sort-by=EXPR`: kubectl's comparator and Go's sort, so that
//! objects come out in kubectl's exact order.
//!
//! The expression goes through `RelaxedJSONPathExpression` (`.a.b`, `a.b`,
//! `{.a.b}` all work) and is evaluated with missing keys allowed; only the
//! first result of the first action counts. Ordering rules
//! (`sorter.go: isLess`), for the values as kubectl decodes JSON:
//! - an object without a value sorts before one with a value (the check is
//!   not symmetric: two objects without a value both claim to be less, so
//!   their order depends on Go's algorithm, which is reproduced here);
//! - null before non-null;
//! - int64 with int64, float64 with float64 (mixing them, or booleans, maps
//!   and lists, is an error that kubectl reports through klog and exits);
//! - strings that both parse as resource quantities by value (`100m` < `1` <
//!   `1Ki`), other strings bytewise (`a10` < `a2`; RFC 3339 timestamps sort
//!   chronologically). kubectl 1.31 dropped the natural order of earlier
//!   releases (kubernetes PR 124514).
//!
//! Go's `sort.Sort` is not stable; [`pdq`] ports it so that ties end up where
//! kubectl puts them.

pub(crate) mod pdq;
mod quantity;

use std::fmt;

use serde_json::Value;

use crate::printers::jsonpath::{gofmt, relaxed, Item, JsonPath};

/// A `--sort-by` failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SortError {
    /// kubectl returns it: printed as `error: {message}`, exit code 1.
    Message(String),
    /// kubectl dies through klog (`klog.Exitf`: exit code 1; `klog.Fatalf`:
    /// exit code 255), printing one line on stderr:
    /// `F{MMDD} {HH:MM:SS.uuuuuu} {pid:>7} {location}] {message}`.
    Fatal {
        location: &'static str,
        message: String,
        code: i32,
    },
}

impl fmt::Display for SortError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SortError::Message(m) | SortError::Fatal { message: m, .. } => f.write_str(m),
        }
    }
}

impl std::error::Error for SortError {}

/// The order kubectl prints list items in with `--sort-by` for every output
/// except the default table (`-o json|yaml|name|jsonpath|custom-columns|...`):
/// `result[k]` is the index in `objects` of the k-th object to print.
///
/// Zero or one object is never sorted (no error even for a bad expression),
/// nor is anything sorted for an empty expression (`--sort-by=` is off).
pub fn sorted_indices(objects: &[Value], expr: &str) -> Result<Vec<usize>, SortError> {
    if expr.is_empty() {
        return Ok((0..objects.len()).collect());
    }
    // NewRuntimeSorter keeps the raw expression when it is not relaxable ...
    let field = relaxed(expr).unwrap_or_else(|_| expr.to_string());
    if objects.len() <= 1 {
        return Ok((0..objects.len()).collect());
    }
    // ... and SortObjects relaxes it again, failing this time.
    let field = relaxed(&field).map_err(SortError::Message)?;
    let parser = JsonPath::parse(&field).map_err(|e| SortError::Message(e.message))?;
    let mut found_once = false;
    for obj in objects {
        let values = parser
            .find(obj, true)
            .map_err(|e| SortError::Message(e.message))?;
        if values.first().is_some_and(|v| !v.is_empty()) {
            found_once = true;
            break;
        }
    }
    if !found_once {
        return Err(not_found(&field));
    }
    let keys = keys(objects, &field)?;
    sort_keys(
        objects,
        keys,
        &field,
        "*unstructured.Unstructured",
        "sorter.go:329",
    )
}

/// Sorts `objects` in place; see [`sorted_indices`].
#[cfg(test)]
pub fn sort_objects(objects: &mut Vec<Value>, expr: &str) -> Result<(), SortError> {
    let order = sorted_indices(objects, expr)?;
    let mut old: Vec<Option<Value>> = std::mem::take(objects).into_iter().map(Some).collect();
    *objects = order.into_iter().filter_map(|i| old[i].take()).collect();
    Ok(())
}

/// The order of the rows of one server-side `Table` (the default output),
/// given each row's `object` (kubectl asks for `includeObject=Object` when
/// sorting): kubectl's `SortingPrinter`/`TableSorter`. Unlike
/// [`sorted_indices`] it keeps an expression that cannot be relaxed as it is
/// (`{.a}{.b}` sorts by `.a`) and words parse errors `sorting error: ...`.
///
/// What kubectl 1.32 does with the errors (observed): for a
/// [`SortError::Message`] it prints no rows at all and then, having written
/// nothing, `No resources found in NS namespace.` on stderr, exit code 0;
/// a [`SortError::Fatal`] is a klog line (`sorter.go:375`) and exit code 1.
/// Evaluation errors are [`SortError::Message`]s here (`Failed to get values
/// for ...`), found before sorting.
/// A table of zero or one row is printed unsorted, without any check.
#[allow(dead_code)] // for the table printer
pub fn sorted_table_indices(row_objects: &[Value], expr: &str) -> Result<Vec<usize>, SortError> {
    if expr.is_empty() || row_objects.len() <= 1 {
        return Ok((0..row_objects.len()).collect());
    }
    let field = relaxed(expr).unwrap_or_else(|_| expr.to_string());
    let parser =
        JsonPath::parse(&field).map_err(|e| SortError::Message(format!("sorting error: {e}")))?;
    let mut found_once = false;
    for obj in row_objects {
        let values = parser.find(obj, true).map_err(|e| {
            SortError::Message(format!(
                "Failed to get values for [][]reflect.Value(nil) using {field} ({})",
                error_v(&e.message)
            ))
        })?;
        if values.first().is_some_and(|v| !v.is_empty()) {
            found_once = true;
        }
    }
    if !row_objects.is_empty() && !found_once {
        return Err(not_found(&field));
    }
    let keys = keys(row_objects, &field)?;
    sort_keys(
        row_objects,
        keys,
        &field,
        "[][][]reflect.Value",
        "sorter.go:375",
    )
}

fn not_found(field: &str) -> SortError {
    SortError::Message(format!(
        "couldn't find any field with path {} in the list of objects",
        gofmt::quote(field)
    ))
}

fn error_v(message: &str) -> String {
    format!("&errors.errorString{{s:{}}}", gofmt::quote(message))
}

/// The first result of the first action for each object, or the error
/// evaluating it (Go re-evaluates in every comparison, with a fresh parser,
/// and dies on an error there).
type Key<'a> = Result<Option<Item<'a>>, String>;

fn keys<'a>(objects: &'a [Value], field: &str) -> Result<Vec<Key<'a>>, SortError> {
    objects
        .iter()
        .map(|obj| {
            let parser = JsonPath::parse(field).map_err(|e| SortError::Message(e.message))?;
            Ok(parser
                .find(obj, true)
                .map(|values| values.into_iter().next().and_then(|v| v.into_iter().next()))
                .map_err(|e| e.message))
        })
        .collect()
}

struct Sorter<'a, 'f> {
    objects: &'a [Value],
    keys: Vec<Key<'a>>,
    order: Vec<usize>,
    field: &'f str,
    fatal: Option<SortError>,
    unsortable: Option<(String, &'static str)>,
}

impl Sorter<'_, '_> {
    /// `klog.Fatalf` when evaluating the expression fails during the sort.
    fn key_failed(&mut self, side: char, pos: usize, err: &str) {
        let obj = gofmt::sharp_v(&self.objects[self.order[pos]]);
        let (location, err) = if side == 'i' {
            ("sorter.go:310", error_v(err))
        } else {
            ("sorter.go:315", err.to_string())
        };
        self.fatal = Some(SortError::Fatal {
            location,
            message: format!(
                "Failed to get {side} values for &unstructured.Unstructured{{Object:{obj}}} using {} ({err})",
                self.field
            ),
            code: 255,
        });
    }
}

impl pdq::Data for Sorter<'_, '_> {
    fn len(&self) -> usize {
        self.keys.len()
    }

    /// `RuntimeSort.Less` / `TableSorter.Less`.
    fn less(&mut self, i: usize, j: usize) -> bool {
        if self.fatal.is_some() || self.unsortable.is_some() {
            return false;
        }
        let (a, b) = match (&self.keys[i], &self.keys[j]) {
            (Err(e), _) => {
                let e = e.clone();
                self.key_failed('i', i, &e);
                return false;
            }
            (_, Err(e)) => {
                let e = e.clone();
                self.key_failed('j', j, &e);
                return false;
            }
            (Ok(None), _) => return true,
            (_, Ok(None)) => return false,
            (Ok(Some(a)), Ok(Some(b))) => (a, b),
        };
        match is_less(a, b) {
            Ok(less) => less,
            Err(e) => {
                self.unsortable = Some((e, kind_name(a)));
                false
            }
        }
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.keys.swap(i, j);
        self.order.swap(i, j);
    }
}

fn sort_keys<'a>(
    objects: &'a [Value],
    keys: Vec<Key<'a>>,
    field: &str,
    container: &str,
    location: &'static str,
) -> Result<Vec<usize>, SortError> {
    let mut sorter = Sorter {
        objects,
        keys,
        order: (0..objects.len()).collect(),
        field,
        fatal: None,
        unsortable: None,
    };
    pdq::sort(&mut sorter);
    if let Some(fatal) = sorter.fatal {
        return Err(fatal);
    }
    if let Some((err, kind)) = sorter.unsortable {
        return Err(SortError::Fatal {
            location,
            message: format!(
                "Field {field} in {container} is an unsortable type: {kind}, err: {err}"
            ),
            code: 1,
        });
    }
    Ok(sorter.order)
}

/// `reflect.Value.Kind().String()` of a result.
fn kind_name(item: &Item<'_>) -> &'static str {
    match item {
        Item::Elem(_) => "interface",
        Item::Root(v) => match v {
            Value::Null => "invalid",
            Value::Bool(_) => "bool",
            Value::Number(n) if n.is_i64() => "int64",
            Value::Number(_) => "float64",
            Value::String(_) => "string",
            Value::Array(_) => "slice",
            Value::Object(_) => "map",
        },
        Item::Text(_) => "string",
        Item::Int(_) => "int",
        Item::Float(_) => "float64",
        Item::Bool(_) => "bool",
        Item::Byte(_) => "uint8",
    }
}

enum Plain<'b> {
    Int(i64),
    Float(f64),
    Str(&'b str),
    Uint(u64),
}

/// A non-interface value's comparable form (`i.Int()`, `i.String()`, ...).
fn plain<'b>(item: &'b Item<'_>) -> Option<Plain<'b>> {
    Some(match item {
        Item::Root(Value::Number(n)) => match n.as_i64() {
            Some(i) => Plain::Int(i),
            None => Plain::Float(n.as_f64()?),
        },
        Item::Root(Value::String(s)) => Plain::Str(s),
        Item::Text(s) => Plain::Str(s),
        Item::Int(i) => Plain::Int(*i),
        Item::Float(f) => Plain::Float(*f),
        Item::Byte(b) => Plain::Uint(u64::from(*b)),
        _ => return None,
    })
}

/// kubectl's `isLess` for two first results.
fn is_less(i: &Item<'_>, j: &Item<'_>) -> Result<bool, String> {
    if let Item::Elem(iv) = i {
        let jv = j.json().filter(|_| j.is_interface());
        let (inil, jnil) = (iv.is_null(), matches!(jv, Some(Value::Null)));
        if inil && jnil {
            return Ok(false);
        } else if inil {
            return Ok(true);
        } else if jnil {
            return Ok(false);
        }
        let mismatch = || Err("unsortable interface: interface".to_string());
        return match iv {
            Value::Number(x) => match (x.as_i64(), jv) {
                (Some(x), Some(Value::Number(y))) if y.is_i64() => Ok(x < y.as_i64().unwrap_or(0)),
                (None, Some(Value::Number(y))) if !y.is_i64() => Ok(x.as_f64() < y.as_f64()),
                _ => mismatch(),
            },
            Value::String(x) => match jv {
                Some(Value::String(y)) => Ok(match (quantity::parse(x), quantity::parse(y)) {
                    (Some(qx), Some(qy)) => qx.cmp(&qy) == std::cmp::Ordering::Less,
                    _ => x < y,
                }),
                _ => mismatch(),
            },
            other => Err(format!("unsortable type: {}", gofmt::type_name(other))),
        };
    }
    match (i, plain(i), plain(j)) {
        (_, Some(Plain::Int(x)), Some(Plain::Int(y))) => Ok(x < y),
        (_, Some(Plain::Float(x)), Some(Plain::Float(y))) => Ok(x < y),
        (_, Some(Plain::Uint(x)), Some(Plain::Uint(y))) => Ok(x < y),
        (_, Some(Plain::Str(x)), Some(Plain::Str(y))) => Ok(x < y),
        (Item::Root(Value::Array(xs)), _, _) => {
            let Some(Value::Array(ys)) = j.json() else {
                return Err("unsortable type: slice".into());
            };
            for (x, y) in xs.iter().zip(ys.iter()) {
                let less = is_less(&Item::Elem(x), &Item::Elem(y))?;
                if !less {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        _ => Err(format!("unsortable type: {}", kind_name(i))),
    }
}

#[cfg(test)]
mod tests;
