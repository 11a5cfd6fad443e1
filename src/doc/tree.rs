//! The document tree every form is built as, once; the Typst and DOCX writers lay it out.
//! Like pandoc's AST: readers (the forms) build it, writers never look at the case.
//!
//! Texts are either **labels** (the form's own words, verbatim from seed 003) or **values**
//! (the case's data). Keeping them apart lets a test check every label against the seed and
//! lets writers print data without ever treating it as markup.

use serde::Serialize;

/// One form, ready to be written.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    /// Machine name of the form (`notification`, `monitoring-1`, …): the output file's name.
    pub form: String,
    /// Title for the PDF metadata.
    pub title: String,
    /// The document's own date (from the data, never the clock): PDF metadata and stable ids.
    pub date: Option<(i32, u32, u32)>,
    /// The orientation of the first page; `Block::Orientation` turns later pages.
    pub landscape: bool,
    pub draft: bool,
    pub blocks: Vec<Block>,
}

/// The model fields a value or blank comes from, as paths into the case's JSON with `*` for
/// an array index (`/housing_inspection/benefits_to_arrange/*/which`); empty when the text
/// comes from no single field (a count, a computed total, a line to sign by hand). The forms'
/// field map (`crate::forms::fields`) names the labelled place each field must stand at.
pub type Fields = &'static [&'static str];

/// A piece of text on the form.
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
    /// The form's own words.
    Label(String),
    /// Data from the case, and the fields it comes from.
    Value(String, Fields),
    /// A blank to fill by hand (drawn as a line): a place with nothing to print, and the fields
    /// that would fill it.
    Blank(Fields),
}

/// For Typst a text is its string and a blank is `none`: the distinction between label and
/// value matters to tests and writers, not to the layout, and plain strings keep the data
/// Typst parses per document small (a support card has ~500 cells).
impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Text::Label(t) | Text::Value(t, _) => s.serialize_str(t),
            Text::Blank(_) => s.serialize_none(),
        }
    }
}

impl Text {
    /// A line to fill by hand, for no field.
    pub const BLANK: Text = Text::Blank(&[]);

    pub fn label(s: impl Into<String>) -> Text {
        Text::Label(s.into())
    }
    /// A value, or a blank line when there is none. Printed as I-CHAR says (`data`).
    pub fn value(s: Option<impl Into<String>>) -> Text {
        match s.map(Text::data) {
            Some(Text::Value(v, _)) if !v.trim().is_empty() => Text::Value(v, &[]),
            _ => Text::BLANK,
        }
    }
    /// A value as it is printed: a tab as a space, a carriage return as a line break,
    /// invisible marks dropped (`crate::printable`, rule I-CHAR).
    pub fn data(s: impl Into<String>) -> Text {
        let s = s.into();
        Text::Value(
            match crate::printable::printable(&s) {
                std::borrow::Cow::Borrowed(_) => s,
                std::borrow::Cow::Owned(o) => o,
            },
            &[],
        )
    }
    /// This value (or blank) holds these model fields: see `Fields`. A label stays a label.
    pub fn at(self, fields: Fields) -> Text {
        match self {
            Text::Value(s, _) => Text::Value(s, fields),
            Text::Blank(_) => Text::Blank(fields),
            label => label,
        }
    }
    /// The fields this text holds (none for a label).
    pub fn fields(&self) -> Fields {
        match self {
            Text::Value(_, f) | Text::Blank(f) => f,
            Text::Label(_) => &[],
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            Text::Label(s) | Text::Value(s, _) => s,
            Text::Blank(_) => "",
        }
    }
}

/// Which texts of a cell's content are **entries**: values that follow a label of the form in
/// the same cell («Если нет, то укажите причину» and the reason given). The writers set an
/// entry on a line of its own, in italic, as a filled-in form reads: form words and data would
/// otherwise run together in one style. A value alone in its cell (or beside its label in a
/// row of `Fields`) is not an entry: its place (the column under its header, the cell right of
/// its label) already tells it from the form's words, and italic there would change every
/// form's widths for no gain. Paragraphs (`Para`) keep their value on the label's line, as a
/// blank filled in.
pub fn entries(content: &[Text]) -> Vec<bool> {
    let mut after_label = false;
    content
        .iter()
        .map(|t| match t {
            Text::Label(_) => {
                after_label = true;
                false
            }
            Text::Value(..) => after_label,
            Text::Blank(_) => false,
        })
        .collect()
}

/// A cell's content for Typst: texts as strings (`Text`'s own form), an entry as
/// `{"entry": text}` so that the template sets it apart.
fn serialize_entries<S: serde::Serializer>(content: &[Text], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    #[derive(Serialize)]
    struct Entry<'a> {
        entry: &'a str,
    }
    let mut seq = s.serialize_seq(Some(content.len()))?;
    for (t, entry) in content.iter().zip(entries(content)) {
        if entry {
            seq.serialize_element(&Entry { entry: t.as_str() })?;
        } else {
            seq.serialize_element(t)?;
        }
    }
    seq.end()
}

/// `Fields` rows for Typst: the value column as a cell's content (`serialize_entries`).
fn serialize_field_rows<S: serde::Serializer>(
    rows: &[(Text, Vec<Text>)],
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    struct Content<'a>(&'a [Text]);
    impl Serialize for Content<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serialize_entries(self.0, s)
        }
    }
    let mut seq = s.serialize_seq(Some(rows.len()))?;
    for (label, values) in rows {
        seq.serialize_element(&(label, Content(values)))?;
    }
    seq.end()
}

/// A check box option: `☒ text` when chosen, `☐ text` otherwise.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub label: String,
    pub checked: bool,
    /// Texts after the label (the decision's number and date after «Решение №»).
    pub detail: Vec<Text>,
}

impl Check {
    pub fn new(label: impl Into<String>, checked: bool) -> Check {
        Check {
            label: label.into(),
            checked,
            detail: vec![],
        }
    }
}

/// Defaults (no checks, regular, one column, left) are left out of the data for Typst.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    #[serde(serialize_with = "serialize_entries")]
    pub content: Vec<Text>,
    /// Check boxes inside the cell (level columns of the card).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub bold: bool,
    #[serde(skip_serializing_if = "is_one")]
    pub colspan: usize,
    /// Rows this cell spans downwards: the rows below leave out its column.
    #[serde(skip_serializing_if = "is_one")]
    pub rowspan: usize,
    /// Horizontal alignment: "left" or "center".
    #[serde(skip_serializing_if = "is_left")]
    pub align: &'static str,
    /// Set by `fit`: the row is tall and may split across pages.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub split: bool,
    /// Set by `fit`: a word of this cell is wider than its column, so it is hyphenated.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hyphenate: bool,
    /// Set by `fit`: the cell is its row's only one, a bold label across the table — the title
    /// of the rows below it («Про ребенка/детей»), which the writers keep with the next row.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub keep: bool,
    /// The cell's type size relative to its table's (a log's long header is set smaller, so
    /// that it does not take a third of every page).
    #[serde(skip_serializing_if = "is_one_f32")]
    pub scale: f32,
}

fn is_one_f32(x: &f32) -> bool {
    *x == 1.0
}

fn is_one(n: &usize) -> bool {
    *n == 1
}

fn is_left(a: &&'static str) -> bool {
    *a == "left"
}

impl Cell {
    pub fn label(s: impl Into<String>) -> Cell {
        Cell::of(vec![Text::label(s)])
    }
    pub fn value(s: Option<impl Into<String>>) -> Cell {
        Cell::of(vec![Text::value(s)])
    }
    pub fn of(content: Vec<Text>) -> Cell {
        Cell {
            content,
            checks: vec![],
            bold: false,
            colspan: 1,
            rowspan: 1,
            align: "left",
            split: false,
            hyphenate: false,
            keep: false,
            scale: 1.0,
        }
    }
    pub fn check(checked: bool) -> Cell {
        Cell {
            checks: vec![Check::new("", checked)],
            align: "center",
            ..Cell::of(vec![])
        }
    }
    pub fn bold(mut self) -> Cell {
        self.bold = true;
        self
    }
    pub fn span(mut self, n: usize) -> Cell {
        self.colspan = n;
        self
    }
    /// The cell spans `n` rows (the seed's criterion beside its indicators).
    pub fn rows(mut self, n: usize) -> Cell {
        self.rowspan = n.max(1);
        self
    }
    pub fn center(mut self) -> Cell {
        self.align = "center";
        self
    }
    /// Every value and blank of this cell holds these fields (`Text::at`).
    pub fn at(mut self, fields: Fields) -> Cell {
        self.content = self.content.into_iter().map(|t| t.at(fields)).collect();
        self
    }
    /// The cell set at `scale` times its table's type size.
    pub fn scaled(mut self, scale: f32) -> Cell {
        self.scale = scale;
        self
    }
    /// An empty cell: in a printed blank form, room to write by hand.
    pub fn empty() -> Cell {
        Cell::of(vec![])
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// The appendix mark in the top right corner («ПРИЛОЖЕНИЕ № 2 к Порядку …»).
    Appendix {
        lines: Vec<String>,
    },
    /// The form's title, centred and bold; several lines allowed.
    Title {
        lines: Vec<Text>,
    },
    /// A section heading («I. БАЗОВАЯ ЧАСТЬ.»).
    Heading {
        text: Text,
    },
    /// A paragraph of texts run together.
    Para {
        content: Vec<Text>,
        bold: bool,
        small: bool,
    },
    /// Label on the left, value on the right; several such rows make a two-column table.
    Fields {
        #[serde(serialize_with = "serialize_field_rows")]
        rows: Vec<(Text, Vec<Text>)>,
        label_width: u8,
        /// Set by `fit`, per row: the row is tall and may split across pages.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        split: Vec<bool>,
    },
    /// A grid; `header` rows repeat on every page. The form says what each column holds
    /// (`columns`); `fit` turns that and the content into widths and a type size.
    Table {
        #[serde(skip)]
        columns: Vec<Col>,
        header: Vec<Vec<Cell>>,
        rows: Vec<Vec<Cell>>,
        /// Set by `fit`: each column's width in points, and the type size of the table.
        widths: Vec<f32>,
        size: f32,
    },
    /// Options with check boxes, after an optional label.
    Checks {
        label: Option<Text>,
        options: Vec<Check>,
        inline: bool,
    },
    /// A signature line: role, the line to sign, the name printed (or a blank), a caption.
    Signature {
        role: Text,
        name: Text,
        caption: Option<String>,
    },
    /// A role and the lines to fill after it, each with its caption under it, as the seed
    /// draws them («Руководитель организации ____ ____ ____» over «ФИО (подпись) (дата)»).
    /// `role_width` and each line's `width` are percents of the text width (0: what is left).
    Sign {
        role: Text,
        role_width: u8,
        lines: Vec<SignLine>,
    },
    /// «СОСТАВЛЕНА» / «УТВЕРЖДЕНА»: two columns of lines.
    Approval {
        left: Vec<Text>,
        right: Vec<Text>,
    },
    /// A horizontal bar chart of counts (reports, where a picture reads faster than a table).
    Bars {
        bars: Vec<(String, usize)>,
    },
    Space,
    PageBreak,
    /// The blocks after this one start on a new page of this orientation (wide tables go on
    /// landscape pages, the rest of the form stays portrait).
    Orientation {
        landscape: bool,
    },
    /// A sheet for the workbook writer alone (`render::xlsx`): a table the spreadsheet holds
    /// whole where the printed pages show a shorter one or a paragraph (the quarter summary's
    /// lists of every case, its counts by name). The PDF and DOCX writers pass over it, and
    /// Typst never gets its rows.
    Sheet {
        #[serde(skip)]
        name: String,
        #[serde(skip)]
        header: Vec<String>,
        #[serde(skip)]
        rows: Vec<Vec<String>>,
    },
}

/// One line of a `Block::Sign`: what stands on it (a value, or a blank to fill by hand) and
/// the caption under it.
#[derive(Debug, Clone, Serialize)]
pub struct SignLine {
    pub text: Text,
    pub caption: String,
    pub width: u8,
}

impl SignLine {
    pub fn new(text: Text, caption: impl Into<String>, width: u8) -> SignLine {
        SignLine {
            text,
            caption: caption.into(),
            width,
        }
    }
}

/// What a table column holds, which decides its width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Col {
    /// Numbers, dates, codes and marks: as wide as the widest entry, never broken.
    Fixed,
    /// Text: shares the rest of the width by this weight, never narrower than its longest
    /// word (its longest syllable, when even that does not fit).
    Text(u8),
}

impl Block {
    /// A table set at most at `size` points (`fit` goes smaller if its words need it).
    pub fn sized(mut self, max: f32) -> Block {
        if let Block::Table { size, .. } = &mut self {
            *size = max;
        }
        self
    }
    /// A table of the given columns (widths are filled in by `fit`).
    pub fn table(columns: Vec<Col>, header: Vec<Vec<Cell>>, rows: Vec<Vec<Cell>>) -> Block {
        Block::Table {
            columns,
            header,
            rows,
            widths: Vec::new(),
            size: 12.0,
        }
    }
}

impl Block {
    pub fn para(content: Vec<Text>) -> Block {
        Block::Para {
            content,
            bold: false,
            small: false,
        }
    }
    pub fn label(s: impl Into<String>) -> Block {
        Block::para(vec![Text::label(s)])
    }
    pub fn bold(s: impl Into<String>) -> Block {
        Block::Para {
            content: vec![Text::label(s)],
            bold: true,
            small: false,
        }
    }
    pub fn title(lines: &[&str]) -> Block {
        Block::Title {
            lines: lines.iter().map(|l| Text::label(*l)).collect(),
        }
    }
    pub fn heading(s: impl Into<String>) -> Block {
        Block::Heading {
            text: Text::label(s),
        }
    }
    pub fn fields(rows: Vec<(&str, Text)>) -> Block {
        Block::Fields {
            rows: rows
                .into_iter()
                .map(|(l, v)| (Text::label(l), vec![v]))
                .collect(),
            label_width: 45,
            split: Vec::new(),
        }
    }
    pub fn checks(label: Option<&str>, options: Vec<Check>, inline: bool) -> Block {
        Block::Checks {
            label: label.map(Text::label),
            options,
            inline,
        }
    }
}

impl Document {
    /// Every label of the form, for the verbatim test.
    pub fn labels(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut push = |t: &Text| {
            if let Text::Label(s) = t
                && !s.trim().is_empty()
            {
                out.push(s.clone());
            }
        };
        let mut checks: Vec<String> = Vec::new();
        for b in &self.blocks {
            match b {
                Block::Appendix { lines } => {
                    lines.iter().for_each(|l| push(&Text::Label(l.clone())))
                }
                Block::Title { lines } => lines.iter().for_each(&mut push),
                Block::Heading { text } => push(text),
                Block::Para { content, .. } => content.iter().for_each(&mut push),
                Block::Fields { rows, .. } => rows.iter().for_each(|(l, v)| {
                    push(l);
                    v.iter().for_each(&mut push)
                }),
                Block::Table { header, rows, .. } => {
                    for c in header.iter().chain(rows.iter()).flatten() {
                        c.content.iter().for_each(&mut push);
                        checks.extend(c.checks.iter().map(|k| k.label.clone()));
                    }
                }
                Block::Checks { label, options, .. } => {
                    if let Some(l) = label {
                        push(l);
                    }
                    checks.extend(options.iter().map(|o| o.label.clone()));
                    for o in options {
                        o.detail.iter().for_each(&mut push);
                    }
                }
                Block::Signature {
                    role,
                    name,
                    caption,
                } => {
                    push(role);
                    push(name);
                    if let Some(c) = caption {
                        push(&Text::Label(c.clone()));
                    }
                }
                Block::Sign { role, lines, .. } => {
                    push(role);
                    for l in lines {
                        push(&l.text);
                        push(&Text::Label(l.caption.clone()));
                    }
                }
                Block::Approval { left, right } => left.iter().chain(right).for_each(&mut push),
                Block::Space
                | Block::PageBreak
                | Block::Bars { .. }
                | Block::Orientation { .. }
                | Block::Sheet { .. } => {}
            }
        }
        out.extend(checks.into_iter().filter(|c| !c.trim().is_empty()));
        out
    }
}
