//! Replays the fuzzers' kept corpus (`fuzz/corpus/<target>/`) and every crash they ever found
//! (`fuzz/regressions/<target>/`) through the fuzz targets' bodies, then runs a bounded,
//! seeded mutation pass over the corpus (60,000 inputs), so that the test suite fuzzes a little
//! on every run even where cargo-fuzz is not installed. `bash fuzz/run.sh` is the real fuzzing
//! (see the README).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use rand::{Rng as _, SeedableRng as _};
use wamp_core::__private::fuzzing;
use wamp_core::Serializer;

const TARGETS: [&str; 4] = [
    "decode_json",
    "decode_msgpack",
    "decode_cbor",
    "rawsocket_frames",
];

fn run(target: &str, data: &[u8]) {
    match target {
        "decode_json" => fuzzing::decode(Serializer::Json, data),
        "decode_msgpack" => fuzzing::decode(Serializer::MsgPack, data),
        "decode_cbor" => fuzzing::decode(Serializer::Cbor, data),
        _ => fuzzing::rawsocket_frames(data),
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

#[test]
fn the_kept_corpus_and_every_crash_found_replay_without_a_panic() {
    for target in TARGETS {
        let corpus = files(&fuzz_dir().join("corpus").join(target));
        assert!(
            corpus.len() >= 30,
            "the corpus of {target} is missing or too small ({} inputs)",
            corpus.len()
        );
        let regressions = files(&fuzz_dir().join("regressions").join(target));
        for path in corpus.iter().chain(&regressions) {
            run(target, &std::fs::read(path).unwrap());
        }
    }
}

/// Mutates `data` in place one to four times: bit flips, interesting bytes, truncation,
/// insertion, splicing from `corpus`, duplication.
fn mutate(rng: &mut rand::rngs::StdRng, data: &mut Vec<u8>, corpus: &[Vec<u8>]) {
    const INTERESTING: [u8; 9] = [0x00, 0x7f, 0x80, 0xff, b'[', b'"', 0xc1, 0xdf, 0x9f];
    for _ in 0..rng.gen_range(1..=4) {
        let at = rng.gen_range(0..data.len().max(1));
        match rng.gen_range(0..6) {
            0 if !data.is_empty() => data[at] ^= 1 << rng.gen_range(0..8),
            1 if !data.is_empty() => data[at] = INTERESTING[rng.gen_range(0..INTERESTING.len())],
            2 => data.truncate(at),
            3 => {
                let bytes: Vec<u8> = (0..rng.gen_range(1..16)).map(|_| rng.gen()).collect();
                let at = at.min(data.len());
                data.splice(at..at, bytes);
            }
            4 => {
                let other = &corpus[rng.gen_range(0..corpus.len())];
                let from = rng.gen_range(0..other.len());
                let to = rng.gen_range(from..=other.len());
                let at = at.min(data.len());
                data.splice(at..at, other[from..to].iter().copied());
            }
            _ => {
                let at = at.min(data.len());
                let to = rng.gen_range(at..=data.len());
                let piece = data[at..to].to_vec();
                data.splice(at..at, piece);
            }
        }
    }
}

#[test]
fn a_seeded_mutation_pass_over_the_corpus_finds_no_panic() {
    const INPUTS_PER_TARGET: usize = 15_000;
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5741_4d50);
    for target in TARGETS {
        let corpus: Vec<Vec<u8>> = files(&fuzz_dir().join("corpus").join(target))
            .iter()
            .map(|p| std::fs::read(p).unwrap())
            .filter(|d| !d.is_empty())
            .collect();
        assert!(!corpus.is_empty(), "no corpus for {target}");
        for _ in 0..INPUTS_PER_TARGET {
            let mut data = corpus[rng.gen_range(0..corpus.len())].clone();
            mutate(&mut rng, &mut data, &corpus);
            run(target, &data);
        }
    }
}
