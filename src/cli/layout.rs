//! `okno layout`: the spreadsheet layouts as Markdown (the README's layout section).

pub fn run() -> okno::error::Result<()> {
    print!("{}", okno::sheet_layouts::markdown());
    Ok(())
}
