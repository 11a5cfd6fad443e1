//! `okno schema`: the JSON Schema of a case file.

pub fn run() -> okno::error::Result<()> {
    let schema = schemars::schema_for!(okno::Case);
    println!(
        "{}",
        serde_json::to_string_pretty(&schema).unwrap_or_default()
    );
    Ok(())
}
