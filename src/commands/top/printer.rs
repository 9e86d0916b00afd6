//! kubectl's `top` tables (metricsutil's TopCmdPrinter): pure functions from
//! metrics.k8s.io/v1beta1 lists (and node allocatable) to text.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::printers::tabwriter::TabWriter;
use crate::quantity::Quantity;

const MEASURED: [&str; 2] = ["cpu", "memory"];

fn usage(list: &Value, res: &str) -> Quantity {
    list[res].as_str().map(Quantity::parse_or_zero).unwrap_or_else(Quantity::zero)
}

/// `250m`, `12Mi`: CPU in millicores, memory in whole mebibytes.
fn amount(res: &str, q: &Quantity) -> String {
    match res {
        "cpu" => format!("{}m", q.milli_value()),
        _ => format!("{}Mi", q.value() / (1024 * 1024)),
    }
}

/// The sort key kubectl's sorters use for `cpu` / `memory` (largest first).
fn measure(res: &str, q: &Quantity) -> i64 {
    if res == "cpu" {
        q.milli_value()
    } else {
        q.value()
    }
}

fn sort_by_usage<T>(items: &mut [T], sort_by: &str, name: impl Fn(&T) -> (String, String), get: impl Fn(&T, &str) -> Quantity) {
    match sort_by {
        "cpu" | "memory" => items.sort_by_key(|m| std::cmp::Reverse(measure(sort_by, &get(m, sort_by)))),
        _ => items.sort_by_key(|m| name(m)),
    }
}

/// `top node`: nodes with metrics (percentages against `available`, a map
/// from node name to its allocatable or capacity), then the nodes without
/// metrics as `<unknown>`, in name order (kubectl walks a Go map here).
pub fn nodes(metrics: &[Value], available: &BTreeMap<String, Value>, no_headers: bool, sort_by: &str) -> String {
    if metrics.is_empty() {
        return String::new();
    }
    let mut items: Vec<&Value> = metrics.iter().collect();
    sort_by_usage(&mut items, sort_by, |m| (String::new(), m["metadata"]["name"].as_str().unwrap_or("").to_string()), |m, r| usage(&m["usage"], r));
    let mut w = TabWriter::new();
    if !no_headers {
        w.write_str("NAME\tCPU(cores)\tCPU(%)\tMEMORY(bytes)\tMEMORY(%)\t\n");
    }
    let mut missing = available.clone();
    for m in items {
        let name = m["metadata"]["name"].as_str().unwrap_or("");
        let avail = missing.remove(name);
        let mut line = format!("{name}\t");
        for res in MEASURED {
            let q = usage(&m["usage"], res);
            line.push_str(&amount(res, &q));
            line.push('\t');
            if let Some(a) = avail.as_ref().and_then(|a| a.get(res)).and_then(Value::as_str) {
                let a = Quantity::parse_or_zero(a);
                let fraction = if a.milli_value() == 0 { 0.0 } else { q.milli_value() as f64 / a.milli_value() as f64 * 100.0 };
                line.push_str(&format!("{}%\t", fraction as i64));
            }
        }
        line.push('\n');
        w.write_str(&line);
    }
    for name in missing.keys() {
        w.write_str(&format!("{name}\t<unknown>\t<unknown>\t<unknown>\t<unknown>\t\n"));
    }
    w.flush()
}

/// A pod's usage: its containers' usage added up.
fn pod_usage(m: &Value, res: &str) -> Quantity {
    let mut total = Quantity::zero();
    for c in m["containers"].as_array().into_iter().flatten() {
        total.add(&usage(&c["usage"], res));
    }
    total
}

/// `top pod`: one line per pod (or per container), optionally with the
/// namespace and a `--sum` footer.
pub fn pods(metrics: &[Value], containers: bool, with_namespace: bool, no_headers: bool, sort_by: &str, sum: bool) -> String {
    if metrics.is_empty() {
        return String::new();
    }
    let mut w = TabWriter::new();
    let mut width = 3;
    if !no_headers {
        let mut head = String::new();
        if with_namespace {
            head.push_str("NAMESPACE\t");
            width += 1;
        }
        if containers {
            head.push_str("POD\t");
            width += 1;
        }
        head.push_str("NAME\tCPU(cores)\tMEMORY(bytes)\t\n");
        w.write_str(&head);
    }
    let mut items: Vec<&Value> = metrics.iter().collect();
    let key = |m: &&Value| {
        let ns = if with_namespace { m["metadata"]["namespace"].as_str().unwrap_or("").to_string() } else { String::new() };
        (ns, m["metadata"]["name"].as_str().unwrap_or("").to_string())
    };
    sort_by_usage(&mut items, sort_by, key, |m, r| pod_usage(m, r));
    let usages = |get: &dyn Fn(&str) -> Quantity| MEASURED.iter().map(|r| format!("{}\t", amount(r, &get(r)))).collect::<String>();
    for m in &items {
        let ns = if with_namespace { format!("{}\t", m["metadata"]["namespace"].as_str().unwrap_or("")) } else { String::new() };
        let pod = m["metadata"]["name"].as_str().unwrap_or("");
        if containers {
            let mut cs: Vec<&Value> = m["containers"].as_array().into_iter().flatten().collect();
            sort_by_usage(&mut cs, sort_by, |c| (String::new(), c["name"].as_str().unwrap_or("").to_string()), |c, r| usage(&c["usage"], r));
            for c in cs {
                let name = c["name"].as_str().unwrap_or("");
                w.write_str(&format!("{ns}{pod}\t{name}\t{}\n", usages(&|r| usage(&c["usage"], r))));
            }
        } else {
            w.write_str(&format!("{ns}{pod}\t{}\n", usages(&|r| pod_usage(m, r))));
        }
    }
    if sum {
        let total = |r: &str| {
            let mut t = Quantity::zero();
            for m in &items {
                t.add(&pod_usage(m, r));
            }
            t
        };
        w.write_str(&format!("{}________\t________\t\n", "\t".repeat(width - 2)));
        w.write_str(&format!("{}\t{}\n", "\t".repeat(width - 3), usages(&total)));
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(name: &str, cpu: &str, mem: &str) -> Value {
        json!({"metadata": {"name": name}, "usage": {"cpu": cpu, "memory": mem}})
    }

    fn pod(ns: &str, name: &str, containers: &[(&str, &str, &str)]) -> Value {
        let cs: Vec<Value> = containers.iter().map(|(n, c, m)| json!({"name": n, "usage": {"cpu": c, "memory": m}})).collect();
        json!({"metadata": {"name": name, "namespace": ns}, "containers": cs})
    }

    #[test]
    fn node_table() {
        let metrics = vec![node("b", "250m", "1Gi"), node("a", "1500m", "512Mi")];
        let mut avail = BTreeMap::new();
        avail.insert("a".to_string(), json!({"cpu": "2", "memory": "2Gi"}));
        avail.insert("b".to_string(), json!({"cpu": "4", "memory": "4Gi"}));
        avail.insert("c".to_string(), json!({"cpu": "4", "memory": "4Gi"}));
        // The `<unknown>` row widens the percentage columns, as in Go's tabwriter.
        assert_eq!(
            nodes(&metrics, &avail, false, ""),
            "NAME   CPU(cores)   CPU(%)      MEMORY(bytes)   MEMORY(%)   \n\
             a      1500m        75%         512Mi           25%         \n\
             b      250m         6%          1024Mi          25%         \n\
             c      <unknown>    <unknown>   <unknown>       <unknown>   \n"
        );
        let sorted = nodes(&metrics, &BTreeMap::new(), true, "memory");
        // Without allocatable there are no percentage columns; names fill tabwriter's minimum width.
        assert_eq!(sorted, "b     250m    1024Mi   \na     1500m   512Mi    \n");
    }

    #[test]
    fn pod_tables() {
        let metrics = vec![pod("ns2", "web", &[("c1", "1m", "10Mi"), ("c2", "3m", "20Mi")]), pod("ns1", "db", &[("main", "5m", "5Mi")])];
        assert_eq!(pods(&metrics, false, false, false, "", false), "NAME   CPU(cores)   MEMORY(bytes)   \ndb     5m           5Mi             \nweb    4m           30Mi            \n");
        assert_eq!(
            pods(&metrics, true, true, false, "cpu", false),
            "NAMESPACE   POD   NAME   CPU(cores)   MEMORY(bytes)   \nns1         db    main   5m           5Mi             \nns2         web   c2     3m           20Mi            \nns2         web   c1     1m           10Mi            \n"
        );
        assert_eq!(
            pods(&metrics, false, false, false, "memory", true),
            "NAME   CPU(cores)   MEMORY(bytes)   \nweb    4m           30Mi            \ndb     5m           5Mi             \n       ________     ________        \n       9m           35Mi            \n"
        );
    }
}
