//! Embeds the built-in theme: writes `OUT_DIR/default_theme.rs`, a sorted
//! manifest of every file under `themes/default/` as `(path, bytes)` pairs.
//! Files under `themes/default/starter/` go to a second manifest, the starter
//! site that `shopstory init` writes.

use std::env;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, base: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, base, out);
        } else {
            let rel = path.strip_prefix(base).expect("under base");
            let rel =
                rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/");
            out.push((rel, path));
        }
    }
}

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let theme = root.join("themes").join("default");
    println!("cargo:rerun-if-changed=themes/default");
    let mut files = Vec::new();
    collect(&theme, &theme, &mut files);
    files.sort();
    let out = PathBuf::from(env::var("OUT_DIR").expect("out dir")).join("default_theme.rs");
    let mut f = fs::File::create(out).expect("create manifest");
    let (starter, theme_files): (Vec<_>, Vec<_>) = files.iter().partition(|(rel, _)| rel.starts_with("starter/"));
    for (name, list, strip) in [("THEME_FILES", theme_files, ""), ("STARTER_FILES", starter, "starter/")] {
        writeln!(f, "pub static {name}: &[(&str, &[u8])] = &[").unwrap();
        for (rel, path) in list {
            let rel = rel.strip_prefix(strip).unwrap_or(rel);
            writeln!(f, "    ({rel:?}, include_bytes!({:?})),", path.display().to_string()).unwrap();
        }
        writeln!(f, "];").unwrap();
    }
    // Directories are watched recursively only for their own entries; list
    // every file too so that an edit to a template re-runs this script.
    for (_, path) in &files {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}
