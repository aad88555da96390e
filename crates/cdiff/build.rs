// SPDX-License-Identifier: GPL-2.0

//! Copies the kernel's C parsers out of the Linux 6.12 sources at build time and compiles them
//! with `c/shim.h` and `c/glue.c`. No kernel code is committed to this repository.
//!
//! Where the sources come from, first found wins:
//! 1. `$NC_KERNEL_SRC` (an unpacked tree);
//! 2. the tree `make kernel` (scripts/build-kernel.sh) unpacks:
//!    `$NC_KCACHE/src/linux-source-6.12`, `NC_KCACHE` defaulting to
//!    `${XDG_CACHE_HOME:-$HOME/.cache}/netconsole-rs`;
//! 3. the files needed, extracted from Debian's `/usr/src/linux-source-6.12.tar.xz` (installed
//!    by `make bootstrap`; `$NC_KERNEL_TARBALL` overrides the path) into `OUT_DIR` (about 10 s).
//!
//! If none is there, or a function cannot be found, the crate still builds but with
//! `--cfg cdiff_no_source` and the reason in `CDIFF_MISSING`: its test then fails with that
//! message, and the rest of the workspace's tests are not held up.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const DEFAULT_TARBALL: &str = "/usr/src/linux-source-6.12.tar.xz";
const TREE: &str = "linux-source-6.12";

/// The source files used, relative to the tree.
const FILES: &[&str] = &[
    "include/linux/ctype.h",
    "lib/ctype.c",
    "lib/hexdump.c",
    "lib/kstrtox.h",
    "lib/kstrtox.c",
    "lib/net_utils.c",
    "net/core/utils.c",
    "net/core/netpoll.c",
];

/// What to copy, in order: (file, kind, name).
enum Item {
    /// `#define NAME ...` lines.
    Defines(&'static [&'static str]),
    /// A function definition, from its signature to the `}` ending it.
    Function(&'static str),
    /// A definition of an array: from the line starting with the text to the `};` line.
    Array(&'static str),
}

const ITEMS: &[(&str, Item)] = &[
    (
        "include/linux/ctype.h",
        Item::Defines(&[
            "_U", "_L", "_D", "_C", "_P", "_S", "_X", "_SP", "__ismask", "isxdigit", "isupper",
            "islower",
        ]),
    ),
    ("include/linux/ctype.h", Item::Function("_tolower")),
    ("lib/ctype.c", Item::Array("const unsigned char _ctype[]")),
    ("lib/hexdump.c", Item::Function("hex_to_bin")),
    ("lib/kstrtox.h", Item::Defines(&["KSTRTOX_OVERFLOW"])),
    (
        "lib/kstrtox.c",
        Item::Function("_parse_integer_fixup_radix"),
    ),
    ("lib/kstrtox.c", Item::Function("_parse_integer_limit")),
    ("lib/kstrtox.c", Item::Function("_parse_integer")),
    ("lib/kstrtox.c", Item::Function("_kstrtoull")),
    ("lib/kstrtox.c", Item::Function("kstrtoull")),
    ("lib/kstrtox.c", Item::Function("kstrtou16")),
    ("lib/net_utils.c", Item::Function("mac_pton")),
    (
        "net/core/utils.c",
        Item::Defines(&[
            "IN6PTON_XDIGIT",
            "IN6PTON_DIGIT",
            "IN6PTON_COLON_MASK",
            "IN6PTON_COLON_1",
            "IN6PTON_COLON_2",
            "IN6PTON_COLON_1_2",
            "IN6PTON_DOT",
            "IN6PTON_DELIM",
            "IN6PTON_NULL",
            "IN6PTON_UNKNOWN",
        ]),
    ),
    ("net/core/utils.c", Item::Function("xdigit2bin")),
    ("net/core/utils.c", Item::Function("in4_pton")),
    ("net/core/utils.c", Item::Function("in6_pton")),
    (
        "net/core/netpoll.c",
        Item::Function("netpoll_parse_ip_addr"),
    ),
    (
        "net/core/netpoll.c",
        Item::Function("netpoll_parse_options"),
    ),
];

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    println!("cargo::rustc-check-cfg=cfg(cdiff_no_source)");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=c/shim.h");
    println!("cargo::rerun-if-changed=c/glue.c");
    for var in [
        "NC_KERNEL_SRC",
        "NC_KERNEL_TARBALL",
        "NC_KCACHE",
        "XDG_CACHE_HOME",
        "HOME",
    ] {
        println!("cargo::rerun-if-env-changed={var}");
    }

    let result = find_tree(&out).and_then(|tree| {
        for f in FILES {
            println!("cargo::rerun-if-changed={}", tree.join(f).display());
        }
        generate(&tree).map(|code| (tree, code))
    });
    match result {
        Ok((tree, code)) => {
            let c = out.join("cdiff.c");
            fs::write(&c, code).expect("write cdiff.c");
            println!("cargo::rustc-env=CDIFF_SOURCE={}", tree.display());
            cc::Build::new()
                .file(&c)
                .include(manifest.join("c"))
                .flag("-funsigned-char")
                .flag("-fno-strict-aliasing")
                .flag("-std=gnu11")
                // The kernel code is copied as it is: no style warnings, but a missing shim
                // must fail the build.
                .warnings(false)
                .flag("-Werror=implicit-function-declaration")
                .flag("-Werror=incompatible-pointer-types")
                .flag("-Werror=int-conversion")
                .compile("nc_cdiff");
        }
        Err(why) => {
            println!("cargo::warning=netconsole-cdiff: {why}");
            println!("cargo::rustc-cfg=cdiff_no_source");
            println!("cargo::rustc-env=CDIFF_MISSING={why}");
        }
    }
}

/// The directory of the kernel tree that has all of [`FILES`].
fn find_tree(out: &Path) -> Result<PathBuf, String> {
    let has_all = |d: &Path| FILES.iter().all(|f| d.join(f).is_file());
    let mut tried = Vec::new();
    if let Some(d) = env::var_os("NC_KERNEL_SRC") {
        let d = PathBuf::from(d);
        if has_all(&d) {
            return Ok(d);
        }
        return Err(format!(
            "NC_KERNEL_SRC={} lacks some of {FILES:?}",
            d.display()
        ));
    }
    let cache = match env::var_os("NC_KCACHE") {
        Some(c) => Some(PathBuf::from(c)),
        None => env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .map(|c| c.join("netconsole-rs")),
    };
    if let Some(cache) = cache {
        let d = cache.join("src").join(TREE);
        if has_all(&d) {
            return Ok(d);
        }
        // Not there yet: build again once `make kernel` has unpacked it (the marker
        // scripts/build-kernel.sh leaves; watching the directory would scan all of it).
        println!(
            "cargo::rerun-if-changed={}",
            d.join(".nc-unpacked").display()
        );
        tried.push(d.display().to_string());
    }
    let tarball = env::var("NC_KERNEL_TARBALL").unwrap_or_else(|_| DEFAULT_TARBALL.to_string());
    println!("cargo::rerun-if-changed={tarball}");
    if Path::new(&tarball).is_file() {
        let dest = out.join("src");
        let d = dest.join(TREE);
        if has_all(&d) {
            return Ok(d);
        }
        fs::create_dir_all(&dest).map_err(|e| format!("mkdir {}: {e}", dest.display()))?;
        let status = Command::new("tar")
            .arg("-C")
            .arg(&dest)
            .arg("-xJf")
            .arg(&tarball)
            .args(FILES.iter().map(|f| format!("{TREE}/{f}")))
            .status()
            .map_err(|e| format!("running tar: {e}"))?;
        if status.success() && has_all(&d) {
            return Ok(d);
        }
        tried.push(format!("{tarball} (tar failed: {status})"));
    } else {
        tried.push(tarball.clone());
    }
    Err(format!(
        "Linux 6.12 sources not found (looked in: {}); run `make kernel` (or `make bootstrap`, \
         which installs {DEFAULT_TARBALL}) and build again",
        tried.join(", ")
    ))
}

/// The translation unit: shim, the copied kernel code, glue.
fn generate(tree: &Path) -> Result<String, String> {
    let mut code = String::from(
        "/* Generated by crates/cdiff/build.rs from the Linux sources; do not commit. */\n\
         #include \"shim.h\"\n",
    );
    for (file, item) in ITEMS {
        let path = tree.join(file);
        let src = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let text = match item {
            Item::Defines(names) => defines(&src, names),
            Item::Function(name) => function(&src, name),
            Item::Array(start) => array(&src, start),
        }
        .map_err(|e| format!("{}: {e}", path.display()))?;
        code.push_str(&format!(
            "\n/* {file} */\n#line {} \"{}\"\n",
            text.0,
            path.display()
        ));
        code.push_str(&text.1);
    }
    code.push_str("\n#include \"glue.c\"\n");
    Ok(code)
}

/// `#define NAME` lines, in the file's order, with their 1-based first line number.
fn defines(src: &str, names: &[&str]) -> Result<(usize, String), String> {
    let mut out = String::new();
    let mut found = Vec::new();
    for line in src.lines() {
        let Some(rest) = line.strip_prefix("#define") else {
            continue;
        };
        let rest = rest.trim_start();
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if names.contains(&name.as_str()) {
            out.push_str(line);
            out.push('\n');
            found.push(name);
        }
    }
    for n in names {
        if !found.iter().any(|f| f == n) {
            return Err(format!("no #define {n}"));
        }
    }
    // The #defines are not contiguous: no #line for them.
    Ok((1, format!("#line 1 \"<defines>\"\n{out}")))
}

/// Whether `line` declares `name` at its start: `[specifiers] [*]name(`, at column 0.
fn is_signature(line: &str, name: &str) -> bool {
    if line.starts_with(|c: char| c.is_whitespace() || c == '#' || c == '/' || c == '*') {
        return false;
    }
    let Some(at) = line.find(&format!("{name}(")) else {
        return false;
    };
    let before = &line[..at];
    // The name is a whole identifier, preceded by a type (`int `, `char *`...), not a call.
    !before.is_empty()
        && before.ends_with([' ', '*', '\t'])
        && !before.contains('=')
        && !before.contains('(')
}

/// A function definition: the signature line(s), `{` on a line of its own, up to `}`.
/// Exactly one definition must match. Made `static` so nothing leaks into the test binary.
fn function(src: &str, name: &str) -> Result<(usize, String), String> {
    let lines: Vec<&str> = src.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !is_signature(line, name) {
            continue;
        }
        // The signature ends at the line with `)` followed by a `{` line (a prototype ends
        // with `;`).
        let mut j = i;
        while j < lines.len() && !lines[j].trim_end().ends_with(')') {
            if lines[j].trim_end().ends_with(';') {
                break;
            }
            j += 1;
        }
        if j + 1 < lines.len() && lines[j].trim_end().ends_with(')') && lines[j + 1] == "{" {
            let end = (j + 1..lines.len())
                .find(|&k| lines[k] == "}")
                .ok_or(format!("no end of {name}"))?;
            found.push((i, end));
        }
    }
    let [(start, end)] = found[..] else {
        return Err(format!("{} definitions of {name}()", found.len()));
    };
    let mut out = String::new();
    let first = lines[start];
    if !first.starts_with("static") {
        out.push_str("static ");
    }
    for line in &lines[start..=end] {
        out.push_str(line);
        out.push('\n');
    }
    Ok((start + 1, out))
}

/// An array definition starting with `start`, up to the line with its `};`; made `static`.
fn array(src: &str, start: &str) -> Result<(usize, String), String> {
    let lines: Vec<&str> = src.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.starts_with(start))
        .ok_or(format!("no {start}"))?;
    let end = (i..lines.len())
        .find(|&k| lines[k].contains("};"))
        .ok_or(format!("no end of {start}"))?;
    let mut out = String::from("static ");
    for line in &lines[i..=end] {
        out.push_str(line);
        out.push('\n');
    }
    Ok((i + 1, out))
}
