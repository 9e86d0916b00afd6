//! Label selectors: matched on the client, for objects read from files
//! (`apply -l`, `set image --local -l`), where no server filters them; and a
//! workload's `LabelSelector` object written as the selector string kubectl
//! sends and prints.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    Equals(String),
    NotEquals(String),
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    DoesNotExist,
    Greater(i64),
    Less(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    requirements: Vec<(String, Op)>,
}

/// Split on commas that are not inside `( )`.
fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

const INT_REQUIRED: &str = "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer";

fn set_values(rest: &str, whole: &str) -> Result<Vec<String>, String> {
    let inner = rest.trim().strip_prefix('(').and_then(|r| r.strip_suffix(')')).ok_or_else(|| format!("unable to parse requirement: found '{whole}', expected: '('"))?;
    Ok(inner.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect())
}

impl Selector {
    pub fn parse(text: &str) -> Result<Selector, String> {
        let mut requirements = Vec::new();
        if text.trim().is_empty() {
            return Ok(Selector { requirements });
        }
        for part in split_top(text) {
            let p = part.trim();
            if p.is_empty() {
                return Err(format!("unable to parse requirement: found '{text}', expected: identifier"));
            }
            if let Some(k) = p.strip_prefix('!') {
                requirements.push((k.trim().to_string(), Op::DoesNotExist));
                continue;
            }
            let req = if let Some((k, v)) = p.split_once("!=") {
                (k, Op::NotEquals(v.trim().to_string()))
            } else if let Some((k, v)) = p.split_once("==") {
                (k, Op::Equals(v.trim().to_string()))
            } else if let Some((k, v)) = p.split_once('=') {
                (k, Op::Equals(v.trim().to_string()))
            } else if let Some((k, v)) = p.split_once(" notin ") {
                (k, Op::NotIn(set_values(v, p)?))
            } else if let Some((k, v)) = p.split_once(" in ") {
                (k, Op::In(set_values(v, p)?))
            } else if let Some((k, v)) = p.split_once('>') {
                (k, Op::Greater(v.trim().parse().map_err(|_| INT_REQUIRED.to_string())?))
            } else if let Some((k, v)) = p.split_once('<') {
                (k, Op::Less(v.trim().parse().map_err(|_| INT_REQUIRED.to_string())?))
            } else {
                (p, Op::Exists)
            };
            // Values are identifiers to kubectl's lexer: its special characters fail.
            if let Op::Equals(v) | Op::NotEquals(v) = &req.1 {
                if let Some(c) = v.chars().find(|c| "()!=,".contains(*c)) {
                    return Err(format!("unable to parse requirement: found '{c}', expected: identifier"));
                }
            }
            requirements.push((req.0.trim().to_string(), req.1));
        }
        Ok(Selector { requirements })
    }

    /// `metav1.ParseToLabelSelector`: requirements sorted by key, equalities
    /// as `matchLabels`, the set operators as `matchExpressions` (values
    /// sorted and unique); `!=`, `<` and `>` have no LabelSelector form.
    pub fn to_label_selector(&self) -> Result<Value, String> {
        let mut reqs = self.requirements.clone();
        reqs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut labels = serde_json::Map::new();
        let mut exprs = Vec::new();
        for (key, op) in reqs {
            let (operator, values): (&str, Vec<String>) = match op {
                Op::Equals(v) => {
                    labels.insert(key, Value::String(v));
                    continue;
                }
                Op::In(v) => ("In", v),
                Op::NotIn(v) => ("NotIn", v),
                Op::Exists => ("Exists", Vec::new()),
                Op::DoesNotExist => ("DoesNotExist", Vec::new()),
                Op::NotEquals(_) => return Err("\"!=\" is not a valid label selector operator".into()),
                Op::Greater(_) => return Err("\"gt\" isn't supported in label selectors".into()),
                Op::Less(_) => return Err("\"lt\" isn't supported in label selectors".into()),
            };
            let mut values = values;
            values.sort();
            values.dedup();
            let mut e = serde_json::json!({"key": key, "operator": operator});
            if !values.is_empty() {
                e["values"] = serde_json::json!(values);
            }
            exprs.push(e);
        }
        let mut out = serde_json::Map::new();
        if !labels.is_empty() {
            out.insert("matchLabels".into(), Value::Object(labels));
        }
        if !exprs.is_empty() {
            out.insert("matchExpressions".into(), Value::Array(exprs));
        }
        Ok(Value::Object(out))
    }

    /// Whether an object's `metadata.labels` satisfy every requirement.
    pub fn matches(&self, obj: &Value) -> bool {
        let labels = &obj["metadata"]["labels"];
        self.requirements.iter().all(|(k, op)| {
            let v = labels.get(k).and_then(Value::as_str);
            match op {
                Op::Equals(want) => v == Some(want.as_str()),
                Op::NotEquals(want) => v != Some(want.as_str()),
                Op::In(set) => v.is_some_and(|v| set.iter().any(|s| s == v)),
                Op::NotIn(set) => !v.is_some_and(|v| set.iter().any(|s| s == v)),
                Op::Exists => v.is_some(),
                Op::DoesNotExist => v.is_none(),
                Op::Greater(n) => v.and_then(|v| v.parse::<i64>().ok()).is_some_and(|x| x > *n),
                Op::Less(n) => v.and_then(|v| v.parse::<i64>().ok()).is_some_and(|x| x < *n),
            }
        })
    }
}

/// `metav1.LabelSelectorAsSelector(sel).String()`: requirements sorted by
/// key (`k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, values sorted and
/// unique); "" for an empty or missing selector; Go's error for an unknown
/// operator.
pub fn label_selector_string(sel: &Value) -> Result<String, String> {
    let mut reqs: Vec<(String, String)> = Vec::new();
    for (k, v) in sel["matchLabels"].as_object().into_iter().flatten() {
        reqs.push((k.clone(), format!("{k}={}", v.as_str().unwrap_or(""))));
    }
    for e in sel["matchExpressions"].as_array().into_iter().flatten() {
        let key = e["key"].as_str().unwrap_or("").to_string();
        let mut values: Vec<&str> = e["values"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        values.sort_unstable();
        values.dedup();
        let text = match e["operator"].as_str().unwrap_or("") {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.clone(),
            "DoesNotExist" => format!("!{key}"),
            op => return Err(format!("{op:?} is not a valid label selector operator")),
        };
        reqs.push((key, text));
    }
    reqs.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(reqs.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_kubectl_operators() {
        let obj = json!({"metadata": {"labels": {"app": "web", "tier": "front", "n": "3"}}});
        for (sel, want) in [
            ("app=web", true),
            ("app==web,tier=front", true),
            ("app!=web", false),
            ("app in (web, db)", true),
            ("app notin (web)", false),
            ("tier", true),
            ("!tier", false),
            ("missing!=x", true),
            ("n>2,n<4", true),
            ("app=web,env in (prod)", false),
            ("", true),
        ] {
            assert_eq!(Selector::parse(sel).unwrap().matches(&obj), want, "{sel}");
        }
    }

    #[test]
    fn label_selector_objects() {
        use serde_json::json;
        let sel = json!({"matchLabels": {"z": "1", "a": "2"}, "matchExpressions": [
            {"key": "m", "operator": "In", "values": ["y", "x", "x"]}, {"key": "b", "operator": "DoesNotExist"},
            {"key": "n", "operator": "NotIn", "values": ["q"]}, {"key": "e", "operator": "Exists"}]});
        assert_eq!(label_selector_string(&sel).unwrap(), "a=2,!b,e,m in (x,y),n notin (q),z=1");
        assert_eq!(label_selector_string(&json!(null)).unwrap(), "");
        assert_eq!(label_selector_string(&json!({"matchExpressions": [{"key": "k", "operator": "Near"}]})).unwrap_err(), "\"Near\" is not a valid label selector operator");
    }
}
