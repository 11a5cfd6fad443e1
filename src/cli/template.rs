//! `okno template`: a blank workbook to fill in, or a case workbook filled from a case.

use super::args::{TemplateArgs, TemplateKind};
use super::term::outln;
use okno::error::{Error, Result};
use okno::workbooks;

pub fn run(args: TemplateArgs) -> Result<()> {
    let bytes = match (args.kind, &args.from) {
        (TemplateKind::Case, None) => workbooks::case_workbook(),
        (TemplateKind::Case, Some(src)) => Ok(workbooks::case_workbook_from(src)?),
        (TemplateKind::Register, None) => workbooks::register_workbook(),
        (TemplateKind::Register, Some(_)) => {
            return Err(Error::Usage(
                "--from заполняет только книгу случая (template case)".into(),
            ));
        }
    };
    bytes
        .map_err(|e| e.to_string())
        .and_then(|b| okno::files::write_if_changed(&args.output, &b).map_err(|e| e.to_string()))
        .map_err(|e| {
            Error::Failed(format!(
                "не удалось записать {}: {e}",
                args.output.display()
            ))
        })?;
    outln!("записан шаблон: {}", args.output.display());
    Ok(())
}
