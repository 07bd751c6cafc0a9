//! The session state-machine fuzz targets' bodies on every test run: the kept corpus
//! (`fuzz/corpus/{client,router}_session/`), every crash ever found
//! (`fuzz/regressions/<target>/`), then a seeded pass of message-level mutations (lines
//! dropped, repeated, swapped; IDs, request types and option values changed). `bash fuzz/run.sh`
//! is the real fuzzing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use rand::{Rng as _, SeedableRng as _};

const TARGETS: [&str; 2] = ["client_session", "router_session"];

fn run(target: &str, data: &[u8]) {
    match target {
        "client_session" => wamp_core::__private::fuzzing::client_session(data),
        _ => wamp_router::fuzzing::router_session(data),
    }
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// Mutates a script of JSON lines at the message level.
fn mutate(rng: &mut rand::rngs::StdRng, lines: &mut Vec<String>, pool: &[String]) {
    const VALUES: [&str; 10] = [
        "0",
        "1",
        "2",
        "9007199254740992",
        "-1",
        "null",
        "\"x_y\"",
        "\"kill\"",
        "true",
        "{}",
    ];
    for _ in 0..rng.gen_range(1..=4) {
        let n = lines.len();
        match rng.gen_range(0..6) {
            0 if n > 0 => {
                lines.remove(rng.gen_range(0..n));
            }
            1 if n > 0 => {
                let line = lines[rng.gen_range(0..n)].clone();
                lines.insert(rng.gen_range(0..=n), line);
            }
            2 if n > 1 => lines.swap(rng.gen_range(0..n), rng.gen_range(0..n)),
            3 if !pool.is_empty() => {
                let line = pool[rng.gen_range(0..pool.len())].clone();
                lines.insert(rng.gen_range(0..=n), line);
            }
            _ if n > 0 => {
                // Replace one number or value token in one line.
                let i = rng.gen_range(0..n);
                let tokens: Vec<(usize, usize)> = token_spans(&lines[i]);
                if let Some(&(from, to)) = tokens.get(rng.gen_range(0..tokens.len().max(1))) {
                    let value = VALUES[rng.gen_range(0..VALUES.len())];
                    lines[i].replace_range(from..to, value);
                }
            }
            _ => {}
        }
    }
}

/// Where the numbers and quoted strings of a JSON line are.
fn token_spans(line: &str) -> Vec<(usize, usize)> {
    let bytes = line.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        if bytes[i] == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += 1;
            }
            spans.push((start, (i + 1).min(bytes.len())));
        } else if bytes[i].is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            spans.push((start, i));
            continue;
        }
        i += 1;
    }
    spans
}

#[test]
fn session_state_machines_survive_their_corpus_and_seeded_mutations() {
    for target in TARGETS {
        let corpus: Vec<String> = files(&fuzz_dir().join("corpus").join(target))
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        assert!(corpus.len() >= 3, "the corpus of {target} is missing");
        for path in files(&fuzz_dir().join("regressions").join(target)) {
            run(target, &std::fs::read(path).unwrap());
        }
        let pool: Vec<String> = corpus
            .iter()
            .flat_map(|c| c.lines().map(str::to_owned))
            .collect();
        for input in &corpus {
            run(target, input.as_bytes());
        }
        let mut rng = rand::rngs::StdRng::seed_from_u64(15);
        for _ in 0..1_500 {
            let base = &corpus[rng.gen_range(0..corpus.len())];
            let mut lines: Vec<String> = base.lines().map(str::to_owned).collect();
            mutate(&mut rng, &mut lines, &pool);
            run(target, lines.join("\n").as_bytes());
        }
    }
}
