// SPDX-License-Identifier: GPL-2.0

//! Replays the committed seed corpus (`fuzz/corpus/<target>/`) and the minimised findings
//! (`fuzz/regressions/<target>/`) through the fuzz targets' checks, on stable Rust and without
//! libFuzzer: `cargo test --manifest-path fuzz/Cargo.toml --no-default-features`.

use std::fs;
use std::path::Path;

fn replay(dir: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut n = 0;
    for (name, check) in netconsole_fuzz::TARGETS {
        let Ok(entries) = fs::read_dir(root.join(name)) else {
            continue;
        };
        let mut files: Vec<_> = entries.map(|e| e.expect("read_dir").path()).collect();
        files.sort();
        for f in files {
            if !f.is_file() || f.extension().is_some_and(|e| e == "md") {
                continue;
            }
            let data = fs::read(&f).expect("read input");
            // The check's own panic message names the property; this names the file.
            eprintln!("replaying {}", f.display());
            check(&data);
            n += 1;
        }
    }
    n
}

#[test]
fn corpus() {
    let n = replay("corpus");
    assert!(n >= 4 * 10, "only {n} seed files under fuzz/corpus");
}

#[test]
fn regressions() {
    replay("regressions");
}
