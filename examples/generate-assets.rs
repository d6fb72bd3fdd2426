//! Rewrites `completions/` and `man/` from the clap definition.
//! Run from the repository root: `cargo run --example generate-assets`.

use std::path::Path;

fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["completions", "man"] {
        let d = root.join(dir);
        if d.exists() {
            std::fs::remove_dir_all(&d)?;
        }
        std::fs::create_dir_all(&d)?;
    }
    for (rel, bytes) in crmctl::assets::generated_files() {
        std::fs::write(root.join(&rel), bytes)?;
        println!("wrote {rel}");
    }
    Ok(())
}
