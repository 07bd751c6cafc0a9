//! How numbers and parameters read in the report: grouped thousands, ratios with their
//! decimals, microseconds.

/// A parameter's value as text: strings without their quotes.
pub fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A number with thousands separators (or two decimals below 10).
pub fn human(v: f64) -> String {
    if v.abs() < 10.0 {
        return format!("{v:.2}");
    }
    let s = format!("{:.0}", v.round());
    let (sign, digits) = s.strip_prefix('-').map_or(("", s.as_str()), |d| ("-", d));
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{sign}{out}")
}

/// A ratio with three decimals, or a large figure grouped.
pub fn short(v: f64) -> String {
    if v.abs() >= 100.0 {
        human(v)
    } else {
        format!("{v:.3}")
    }
}

/// Microseconds for a table cell.
pub fn us(v: f64) -> String {
    if v <= 0.0 {
        "–".into()
    } else if v < 100.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(human(1234567.4), "1,234,567");
        assert_eq!(human(999.0), "999");
        assert_eq!(human(4.256), "4.26");
        assert_eq!(short(0.9712), "0.971");
    }
}
