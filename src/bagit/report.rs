//! What a verification found: errors that make a bag invalid, and warnings.

/// The outcome of verifying one bag.
#[derive(Debug, Default, Clone)]
pub struct Report {
    /// Problems that make the bag invalid (exit 1), in Russian, each naming the file.
    pub errors: Vec<String>,
    /// Things a careful archivist wants to know; the bag is still valid.
    pub warnings: Vec<String>,
}

impl Report {
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}
