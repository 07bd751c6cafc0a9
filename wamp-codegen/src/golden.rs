//! Golden files: a test compares what the code produces now with a committed file, and
//! `WAMP_GOLDEN=overwrite` rewrites the file instead.

use std::path::Path;

/// Compares `actual` with the file at `path`. With `WAMP_GOLDEN=overwrite` in the environment
/// the file is written instead. An `Err` says what differs, with the first differing line.
pub fn check(path: impl AsRef<Path>, actual: &str) -> Result<(), String> {
    let path = path.as_ref();
    if std::env::var("WAMP_GOLDEN").as_deref() == Ok("overwrite") {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        return std::fs::write(path, actual).map_err(|e| format!("{}: {e}", path.display()));
    }
    let expected = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{}: {e} (create it with WAMP_GOLDEN=overwrite)",
            path.display()
        )
    })?;
    if expected == actual {
        return Ok(());
    }
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
    Err(format!(
        "{} differs from what the code produces now, first at line {}:\n  golden: {:?}\n  now:    {:?}\nIf the change is intended, rerun with WAMP_GOLDEN=overwrite and commit the file.",
        path.display(),
        line + 1,
        expected.lines().nth(line).unwrap_or("<end of file>"),
        actual.lines().nth(line).unwrap_or("<end of file>"),
    ))
}

/// Checks the description of each service against `dir/<prefix>.json` (one document per
/// service) with [`check`], and that each file reads back as the same document. Every failure
/// is reported, not only the first.
pub fn check_services(
    dir: impl AsRef<Path>,
    services: Vec<crate::ServiceDescription>,
) -> Result<(), String> {
    let mut failures = Vec::new();
    for service in services {
        let path = dir.as_ref().join(format!("{}.json", service.prefix));
        let document = crate::Document::new(vec![service]);
        let checked = check(&path, &document.to_json_pretty()).and_then(|()| {
            match crate::read_document(&path) {
                Ok(read) if read == document => Ok(()),
                Ok(_) => Err(format!(
                    "{} does not read back as the same document",
                    path.display()
                )),
                Err(e) => Err(e.to_string()),
            }
        });
        if let Err(e) = checked {
            failures.push(e);
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n\n"))
    }
}
