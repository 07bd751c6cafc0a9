//! Generates a client for every committed description in `interfaces/`, the way a user's
//! `build.rs` would.

use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = std::path::Path::new("../../interfaces");
    println!("cargo:rerun-if-changed={}", dir.display());
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            eprintln!("{}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for file in files {
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Err(e) = wamp_codegen::rust::write_client(&file, &format!("{stem}.rs")) {
            let mut cause: Option<&dyn std::error::Error> = Some(&e);
            while let Some(c) = cause {
                eprintln!("{c}");
                cause = c.source();
            }
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
