//! `backend/src/db/schema.rs` is what `diesel print-schema` makes of the migrations (with the
//! settings in `diesel.toml`), never written by hand: `cargo xtask schema` regenerates it, and
//! `cargo xtask test` fails when it differs.

use std::process::{Command, ExitCode};

use anyhow::{Context, bail};

use crate::{Database, root, run, say, tools};

/// The generated file, from the workspace root.
const SCHEMA_FILE: &str = "backend/src/db/schema.rs";
/// The scratch database the migrations are applied to.
const DATABASE: &str = "steward_schema";

/// What `diesel print-schema` makes of the migrations, applied to a fresh database.
fn generated(database: &Database) -> anyhow::Result<String> {
    database.create(DATABASE, true)?;
    let url = database.url(DATABASE);
    let config = root().join("diesel.toml");
    run(Command::new("diesel")
        .args(["migration", "run", "--migration-dir", "migrations", "--database-url", &url])
        .arg("--config-file")
        .arg(&config))?;
    let output = Command::new("diesel")
        .args(["print-schema", "--database-url", &url])
        .arg("--config-file")
        .arg(&config)
        .current_dir(root())
        .output()
        .context("running diesel print-schema")?;
    if !output.status.success() {
        bail!("diesel print-schema failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    String::from_utf8(output.stdout).context("diesel print-schema printed something that is not UTF-8")
}

/// Fails, showing the difference, when the committed schema is not what the migrations make.
pub fn check(database: &Database) -> anyhow::Result<()> {
    let wanted = generated(database)?;
    let path = root().join(SCHEMA_FILE);
    let committed = std::fs::read_to_string(&path).with_context(|| format!("reading {SCHEMA_FILE}"))?;
    if committed == wanted {
        return Ok(());
    }
    let fresh = steward_devdb::target_dir().join("schema.generated.rs");
    std::fs::write(&fresh, &wanted).with_context(|| format!("writing {}", fresh.display()))?;
    let diff = Command::new("diff").arg("-u").arg(&path).arg(&fresh).output();
    if let Ok(diff) = diff {
        eprintln!("{}", String::from_utf8_lossy(&diff.stdout));
    }
    bail!("{SCHEMA_FILE} is not what the migrations make: run `cargo xtask schema` and commit the result")
}

/// `cargo xtask schema`: writes the schema the migrations make.
pub fn regenerate() -> anyhow::Result<ExitCode> {
    tools::ensure_diesel_cli()?;
    let database = Database::open()?;
    let result = generated(&database)
        .and_then(|schema| std::fs::write(root().join(SCHEMA_FILE), schema).context("writing the schema"));
    database.stop();
    result?;
    say(format!("wrote {SCHEMA_FILE}"));
    Ok(ExitCode::SUCCESS)
}
