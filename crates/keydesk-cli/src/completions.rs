//! `keydesk-cli completions SHELL` (a completion script on stdout) and the hidden
//! `keydesk-cli man --out DIR` behind `make man` (roff pages for the command and each
//! subcommand), both generated from the clap declaration, so they never drift from it.

use std::path::Path;

use clap::CommandFactory;

use crate::args::{Cli, CompletionsArgs, ManArgs};
use crate::exit;

/// Prints the completion script; returns the exit code.
pub fn completions(args: &CompletionsArgs) -> u8 {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "keydesk-cli", &mut script);
    match crate::out::raw(&script) {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("error: cannot write the completion script: {e}");
            exit::USAGE
        }
    }
}

/// Writes the man pages; returns the exit code.
pub fn man(args: &ManArgs) -> u8 {
    match write_pages(&args.out) {
        Ok(count) => {
            eprintln!("{count} man pages written to {}", args.out.display());
            exit::OK
        }
        Err(e) => {
            eprintln!(
                "error: cannot write man pages to {}: {e}",
                args.out.display()
            );
            exit::USAGE
        }
    }
}

fn write_pages(dir: &Path) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    let command = Cli::command();
    let mut count = 0;
    let mut pages = vec![(command.get_name().to_owned(), command.clone())];
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("{}-{}", command.get_name(), sub.get_name());
        pages.push((name, sub.clone()));
    }
    for (name, page) in pages {
        let mut roff = Vec::new();
        clap_mangen::Man::new(page)
            .title(name.clone())
            .render(&mut roff)?;
        std::fs::write(dir.join(format!("{name}.1")), roff)?;
        count += 1;
    }
    Ok(count)
}
