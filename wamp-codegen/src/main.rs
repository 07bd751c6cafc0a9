//! `wamp-codegen`: fetch interface descriptions from running services, generate Rust and
//! TypeScript clients and Markdown references from them, and diff two versions.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use wamp_codegen::{diff, fetch, markdown, read_document, rust, typescript, Document};

/// Interface descriptions of typed WAMP services: fetch, generate, document, diff.
///
/// A description is a JSON document (format `wamp_interface: 1`) that a `#[wamp_service]`
/// service serves at `<prefix>.describe` and that `ServiceClient::description()` returns.
#[derive(Debug, Parser)]
#[command(name = "wamp-codegen", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Fetch a service's description from a running router by calling `<service>.describe`,
    /// or, with --all, every described service of the realm (found through the router's
    /// `wamp.reflection.*` where it has them, else through the registration meta API).
    Fetch {
        #[command(flatten)]
        router: fetch::RouterArgs,
        /// The service's URI prefix, e.g. `com.app`.
        #[arg(long, required_unless_present = "all", conflicts_with = "all")]
        service: Option<String>,
        /// Every described service of the realm, in one document.
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        output: Output,
    },
    /// Generate a typed Rust client module (types, errors, events, the service trait and its
    /// `FooClient`) that depends only on `wamp-core`.
    Rust {
        /// The description file.
        input: PathBuf,
        #[command(flatten)]
        output: Output,
    },
    /// Generate a typed TypeScript client over autobahn-js (compiles with `tsc --strict`).
    Typescript {
        /// The description file.
        input: PathBuf,
        #[command(flatten)]
        output: Output,
    },
    /// Render a Markdown API reference.
    Docs {
        /// The description file.
        input: PathBuf,
        #[command(flatten)]
        output: Output,
    },
    /// List the changes from OLD to NEW, each breaking or compatible. Exits 1 when any change
    /// is breaking, 0 otherwise (2 when a file cannot be read).
    Diff {
        /// The previous description.
        old: PathBuf,
        /// The new description.
        new: PathBuf,
    },
    /// Print the JSON Schema of the description document format.
    Schema {
        #[command(flatten)]
        output: Output,
    },
}

#[derive(Debug, Args)]
struct Output {
    /// Write to this file instead of standard output.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

impl Output {
    fn write(&self, text: &str) -> anyhow::Result<()> {
        match &self.output {
            Some(path) => {
                std::fs::write(path, text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
            }
            None => {
                print!("{text}");
                Ok(())
            }
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("wamp-codegen: {}", message(&e));
            ExitCode::from(2)
        }
    }
}

/// The error and its causes, each said once: a cause whose text its parent already includes
/// (a library error that both wraps and prints its source) is not repeated.
fn message(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

/// Reads a description and prints, on standard error, each schema it has that cannot be typed.
fn read_warned(input: &Path) -> anyhow::Result<Document> {
    let document = read_document(input)?;
    for warning in wamp_codegen::warnings(&document) {
        eprintln!("warning: {}: {warning}", input.display());
    }
    Ok(document)
}

fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Fetch {
            router,
            service,
            all,
            output,
        } => {
            let target = fetch::Target::from(router);
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let document = runtime.block_on(async {
                let session = target.connect().await?;
                let document = match (&service, all) {
                    (Some(service), false) => fetch::fetch(&session, service).await,
                    _ => fetch::fetch_all(&session).await,
                };
                session.leave().await;
                document
            })?;
            output.write(&document.to_json_pretty())?;
        }
        Command::Rust { input, output } => {
            let document = read_warned(&input)?;
            output.write(&rust::generate(&document)?)?;
        }
        Command::Typescript { input, output } => {
            output.write(&typescript::generate(&read_warned(&input)?))?;
        }
        Command::Docs { input, output } => {
            output.write(&markdown::render(&read_warned(&input)?))?;
        }
        Command::Diff { old, new } => {
            let report = diff::diff(&read_document(&old)?, &read_document(&new)?);
            print!("{report}");
            if report.is_breaking() {
                return Ok(ExitCode::from(1));
            }
        }
        Command::Schema { output } => output.write(&wamp_codegen::document_schema())?,
    }
    Ok(ExitCode::SUCCESS)
}
