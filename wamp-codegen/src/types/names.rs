//! Legal Rust and TypeScript names made from the names a description uses.

/// `UpperCamelCase` from any name (`Wrapper_for_i64`, `first-name`, `com.app` ...).
pub(crate) fn type_name(name: &str) -> String {
    let mut out = String::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

/// `snake_case` from any name (`firstName`, `first-name` ...).
pub(crate) fn snake_name(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    let out = out.trim_matches('_').to_owned();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_legal() {
        assert_eq!(type_name("Wrapper_for_i64"), "WrapperForI64");
        assert_eq!(type_name("first-name"), "FirstName");
        assert_eq!(type_name("9lives"), "T9lives");
        assert_eq!(snake_name("firstName"), "first_name");
        assert_eq!(snake_name("first-name"), "first_name");
        assert_eq!(snake_name("HTTPCode"), "httpcode");
    }
}
