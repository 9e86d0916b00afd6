//! Man pages and completion scripts, generated from the one clap definition and
//! checked in under `man/` and `completions/`. `kctl __generate DIR` writes them;
//! tests/generated.rs fails when the checked-in files drift.

use std::path::Path;

use clap::Command;

use crate::complete::scripts;

/// Every generated file: its path relative to the repository root, and its bytes.
pub fn files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut root = crate::cli::command();
    root.build();
    man_pages(&root, "kctl", &mut out);
    for shell in scripts::SHELLS {
        let text = scripts::script(shell).expect("known shell");
        out.push((format!("completions/{}", scripts::file_name(shell)), text.as_bytes().to_vec()));
    }
    out
}

fn man_pages(cmd: &Command, name: &str, out: &mut Vec<(String, Vec<u8>)>) {
    // The page's title and NAME line use the full path, as in `kctl-config-view(1)`.
    // clap wants a static name; the generator runs once and exits.
    let static_name: &'static str = Box::leak(name.to_string().into_boxed_str());
    let page = cmd.clone().name(static_name).bin_name(name.replace('-', " "));
    let examples = page.get_after_help().map(|h| h.to_string());
    let man = clap_mangen::Man::new(page)
        .title(name.to_uppercase())
        .section("1")
        .source(format!("kctl {}", env!("CARGO_PKG_VERSION")))
        .manual("kctl manual");
    let mut buf = Vec::new();
    // clap_mangen would print the examples under "EXTRA"; man pages call them EXAMPLES.
    let sections: [fn(&clap_mangen::Man, &mut dyn std::io::Write) -> std::io::Result<()>; 5] = [
        clap_mangen::Man::render_title,
        clap_mangen::Man::render_name_section,
        clap_mangen::Man::render_synopsis_section,
        clap_mangen::Man::render_description_section,
        clap_mangen::Man::render_options_section,
    ];
    for render in sections {
        render(&man, &mut buf).expect("rendering to memory");
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut buf).expect("rendering to memory");
    }
    if let Some(text) = examples {
        buf.extend_from_slice(examples_section(&text).as_bytes());
    }
    if cmd.get_version().is_some() {
        man.render_version_section(&mut buf).expect("rendering to memory");
    }
    out.push((format!("man/{name}.1"), buf));
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), out);
    }
}

/// `kctl __generate DIR`: write every generated file below DIR.
pub fn generate(dir: &Path) -> std::io::Result<()> {
    for (rel, bytes) in files() {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, bytes)?;
    }
    Ok(())
}

/// A roff EXAMPLES section, kept verbatim (no filling) as the help shows it.
fn examples_section(text: &str) -> String {
    let body = text.strip_prefix("Examples:\n").unwrap_or(text);
    let mut out = String::from(".SH EXAMPLES\n.nf\n");
    for line in body.lines() {
        // Backslashes are roff escapes; a leading dot or quote would be a request.
        let escaped = line.replace('\\', "\\e").replace('-', "\\-");
        if escaped.starts_with('.') || escaped.starts_with('\'') {
            out.push_str("\\&");
        }
        out.push_str(&escaped);
        out.push('\n');
    }
    out.push_str(".fi\n");
    out
}
