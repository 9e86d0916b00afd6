//! Just enough of Kubernetes resource quantities for describe: zero tests
//! and the downward-API resource values kubectl shows for environment
//! variables (`ExtractContainerResourceValue`).

use serde_json::Value;

/// The value of a quantity string (`500m`, `1Gi`, `2e3`), as f64.
pub fn parse(q: &str) -> Option<f64> {
    let q = q.trim();
    let split = q.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-')).unwrap_or(q.len());
    let (num, suffix) = q.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        e if e.starts_with(['e', 'E']) => 10f64.powi(e[1..].parse().ok()?),
        _ => return None,
    };
    Some(n * mult)
}

pub fn is_zero(q: &str) -> bool {
    parse(q).is_none_or(|v| v <= 0.0)
}

/// `resource.ExtractContainerResourceValue` for cpu, memory and
/// ephemeral-storage limits/requests; "" for what kubectl cannot resolve.
pub fn container_resource_value(field: &Value, container: &Value) -> String {
    let resource = field["resource"].as_str().unwrap_or("");
    let Some((kind, name)) = resource.split_once('.') else {
        return String::new();
    };
    if !matches!(kind, "limits" | "requests") || !matches!(name, "cpu" | "memory" | "ephemeral-storage") {
        return String::new();
    }
    let amount = container["resources"][kind][name].as_str().and_then(parse).unwrap_or(0.0);
    let divisor = field["divisor"].as_str().and_then(parse).filter(|d| *d > 0.0).unwrap_or(1.0);
    let value = if name == "cpu" {
        ((amount * 1000.0).ceil() / (divisor * 1000.0).ceil()).ceil()
    } else {
        (amount.ceil() / divisor.ceil()).ceil()
    };
    format!("{}", value as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resource_values() {
        let c = json!({"resources": {"limits": {"cpu": "500m", "memory": "64Mi"}}});
        assert_eq!(container_resource_value(&json!({"resource": "limits.cpu"}), &c), "1");
        assert_eq!(container_resource_value(&json!({"resource": "limits.cpu", "divisor": "1m"}), &c), "500");
        assert_eq!(container_resource_value(&json!({"resource": "limits.memory", "divisor": "1Mi"}), &c), "64");
        assert_eq!(container_resource_value(&json!({"resource": "requests.cpu"}), &c), "0");
        assert!(is_zero("0") && !is_zero("1Gi"));
    }
}
